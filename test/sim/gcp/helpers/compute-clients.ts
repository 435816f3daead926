// @google-cloud/compute clients pointed at a simulator, authenticated as in production with a
// fixed-token OAuth2Client. Importing the package costs ~2 s: create
// the clients once per test file.
import * as compute from '@google-cloud/compute';
import { OAuth2Client } from 'google-auth-library';

export function computeClients(port: number, token: string) {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: token, expiry_date: Date.now() + 10 * 365 * 24 * 3600e3 });
  // The project's google-auth-library may be a newer minor than google-gax's own copy; the runtime
  // contract (getRequestHeaders/fetch) is the same, the declared class types differ.
  type ClientOptions = NonNullable<ConstructorParameters<typeof compute.UrlMapsClient>[0]>;
  const authClient = auth as unknown as ClientOptions['authClient'];
  const opts: ClientOptions = { apiEndpoint: '127.0.0.1', port, protocol: 'http', authClient };
  return {
    addresses: new compute.GlobalAddressesClient(opts),
    healthChecks: new compute.HealthChecksClient(opts),
    backendServices: new compute.BackendServicesClient(opts),
    urlMaps: new compute.UrlMapsClient(opts),
    httpProxies: new compute.TargetHttpProxiesClient(opts),
    httpsProxies: new compute.TargetHttpsProxiesClient(opts),
    sslCertificates: new compute.SslCertificatesClient(opts),
    forwardingRules: new compute.GlobalForwardingRulesClient(opts),
    firewalls: new compute.FirewallsClient(opts),
    instanceGroups: new compute.InstanceGroupsClient(opts),
    instances: new compute.InstancesClient(opts),
    globalOps: new compute.GlobalOperationsClient(opts),
    zoneOps: new compute.ZoneOperationsClient(opts),
  };
}

export type ComputeClients = ReturnType<typeof computeClients>;
export type Operation = compute.protos.google.cloud.compute.v1.IOperation;

/** Waits for an LRO the way production code must: loop on wait until DONE; return the final Operation. */
export async function waitOp(c: ComputeClients, project: string, lro: unknown): Promise<Operation> {
  let op = (lro as { latestResponse: Operation }).latestResponse;
  while (op.status !== 'DONE') {
    const zone = op.zone ? op.zone.split('/').pop()! : undefined;
    [op] = zone
      ? await c.zoneOps.wait({ project, zone, operation: op.name! })
      : await c.globalOps.wait({ project, operation: op.name! });
  }
  return op;
}

/** Runs a mutation, waits for it, and throws when the operation carries errors. */
export async function done(c: ComputeClients, project: string, call: Promise<unknown[]>): Promise<Operation> {
  const [lro] = await call;
  const op = await waitOp(c, project, lro);
  if (op.error?.errors?.length)
    throw new Error(op.error.errors.map((e) => `${e.code}: ${e.message}`).join('; '));
  return op;
}

/** The HTTP status of a client error (GaxiosError with an OAuth2Client). */
export function httpStatus(err: unknown): number | undefined {
  const e = err as { status?: number; response?: { status?: number }; code?: unknown };
  return e.status ?? e.response?.status ?? (typeof e.code === 'number' ? e.code : undefined);
}

/** Asserts that a call is rejected with the given HTTP status and Apiary reason. */
export async function rejects(call: Promise<unknown>, status: number, reason: string): Promise<void> {
  try {
    await call;
  } catch (err) {
    const got = httpStatus(err);
    const text = err instanceof Error ? err.message : String(err);
    if (got !== status || !text.includes(reason)) {
      throw new Error(`expected ${status} ${reason}, got ${String(got)}: ${text.slice(0, 400)}`, {
        cause: err,
      });
    }
    return;
  }
  throw new Error(`expected ${status} ${reason}, but the call succeeded`);
}
