// How the adapter reaches Compute Engine: Application Default Credentials for a real project, or an
// endpoint and a bearer token (the simulator). Reads go over the REST API with fetch (client-rest.ts,
// light); mutations and operation waits go through @google-cloud/compute, imported on the first
// mutation only: it costs seconds and hundreds of MiB, so a `plan` or a no-op cycle never pays for it.
import type { ComputeApi } from './api.js';
import { createRestReadApi } from './client-rest.js';

export type ComputeConnection =
  /** `keyFilename`: a service-account key file, instead of ADC's own search (GOOGLE_APPLICATION_CREDENTIALS, gcloud). */
  | { kind: 'applicationDefault'; project: string; keyFilename?: string }
  /** `url` like `http://127.0.0.1:PORT/compute/v1/`, as `fedsync sim up` prints it. */
  | { kind: 'endpoint'; project: string; url: string; token: string };

/** What Application Default Credentials are asked for: the Compute scope, and the key file if one is named. */
export function googleAuthOptions(connection: Extract<ComputeConnection, { kind: 'applicationDefault' }>): {
  scopes: string[];
  keyFilename?: string;
} {
  return {
    scopes: ['https://www.googleapis.com/auth/compute'],
    ...(connection.keyFilename ? { keyFilename: connection.keyFilename } : {}),
  };
}

/** Called before every API call the adapter makes; a test can throw from it to simulate a crash. */
export type CallHook = (call: { method: string; subject?: string }) => void;

export function connectCompute(connection: ComputeConnection, onCall?: CallHook): Promise<ComputeApi> {
  const reads = createRestReadApi(connection, { ...(onCall ? { onCall } : {}) });
  let writes: Promise<ComputeApi> | undefined;
  const writer = () =>
    (writes ??= import('./client-compute.js')
      .then(({ createComputeApi }) => createComputeApi(connection, onCall))
      .catch((err: unknown) => {
        // Missing credentials now may be there on the next cycle.
        writes = undefined;
        throw err;
      }));
  return Promise.resolve({
    ...reads,
    mutate: async (call, ref, body) => (await writer()).mutate(call, ref, body),
    wait: async (op) => (await writer()).wait(op),
    async close() {
      await reads.close();
      const w = writes;
      writes = undefined;
      // A client that never connected (no credentials) has nothing to close.
      if (w)
        await w.then(
          (c) => c.close(),
          () => undefined,
        );
    },
  });
}
