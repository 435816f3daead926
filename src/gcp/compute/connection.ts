// How the adapter reaches Compute Engine: Application Default Credentials for a real project, or an
// endpoint and a bearer token (the simulator). The client library is imported here, lazily: it costs
// about two seconds, so only a cycle that actually calls Google Cloud pays for it.
import type { ComputeApi } from './api.js';

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

/** Called before every HTTP request the adapter makes; a test can throw from it to simulate a crash. */
export type CallHook = (call: { method: string; subject?: string }) => void;

export async function connectCompute(connection: ComputeConnection, onCall?: CallHook): Promise<ComputeApi> {
  const { createComputeApi } = await import('./client-compute.js');
  return createComputeApi(connection, onCall);
}
