// The Compute API as the load-balancer adapter uses it: a handful of role-named calls over the
// kinds fedsync manages. client-compute.ts implements all of it with @google-cloud/compute;
// client-rest.ts implements the reads (ComputeReadApi) on the REST API with plain fetch, so reading
// never loads the client library. Every error either throws is a GcpError (errors.ts), so nothing
// above this port knows a client's error shapes.
import type { GcpKind, GcpRef, Json, Quota } from '../model/index.js';
import type { GcpCall } from '../model/index.js';

/** A long-running operation as the adapter tracks it. */
export type Operation = {
  name: string;
  /** Zonal operations (instance groups) are waited on in their zone. */
  zone?: string;
  /** PENDING, RUNNING or DONE. */
  status: string;
  errors?: { code?: string | null; message?: string | null }[];
};

export type ComputeApi = {
  readonly project: string;
  /** Every resource of a kind the filter matches (instance groups: over all zones), all pages. */
  list(kind: GcpKind, filter: string): Promise<Json[]>;
  /** Member instance links of an instance group. */
  listInstances(group: GcpRef): Promise<string[]>;
  /** Network tags per instance link, for instances the filter matches (over all zones). */
  instanceTags(filter: string): Promise<Record<string, string[]>>;
  /** undefined when the resource does not exist. */
  get(ref: GcpRef): Promise<Json | undefined>;
  quotas(): Promise<Quota[]>;
  /** Starts a mutation; the returned operation may not be DONE yet. */
  mutate(call: GcpCall, ref: GcpRef, body?: Json): Promise<Operation>;
  /** One wait call: returns when the operation is DONE or the server's wait bound passed. */
  wait(op: Operation): Promise<Operation>;
  /** Health states reported for one group of a backend service. */
  getHealth(backendService: string, groupLink: string): Promise<string[]>;
  close(): Promise<void>;
};

/** The calls that change nothing (getHealth is a POST, but a read). */
export type ComputeReadApi = Pick<
  ComputeApi,
  'project' | 'list' | 'listInstances' | 'instanceTags' | 'get' | 'quotas' | 'getHealth' | 'close'
>;
