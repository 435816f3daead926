// ComputeApi on @google-cloud/compute (REST transport). Only connection.ts imports this file, and
// only dynamically. Every call goes through `call`, which runs the hook and turns every failure into
// a GcpError.
import * as compute from '@google-cloud/compute';
import { GoogleAuth, OAuth2Client } from 'google-auth-library';
import {
  COLLECTION_OF,
  canonicalLink,
  type GcpCall,
  type GcpKind,
  type GcpRef,
  type Json,
} from '../model/index.js';
import type { ComputeApi, Operation } from './api.js';
import { googleAuthOptions, type CallHook, type ComputeConnection } from './connection.js';
import { GcpError, GcpErrorCode, noCredentialsError, toGcpError } from './errors.js';

type ClientOptions = NonNullable<ConstructorParameters<typeof compute.UrlMapsClient>[0]>;
type RawOperation = compute.protos.google.cloud.compute.v1.IOperation;

async function clientOptions(connection: ComputeConnection): Promise<ClientOptions> {
  if (connection.kind === 'endpoint') {
    const url = new URL(connection.url);
    const auth = new OAuth2Client();
    // A fixed token that never refreshes: the simulator accepts exactly this one.
    auth.setCredentials({ access_token: connection.token, expiry_date: Date.now() + 10 * 365 * 24 * 3600e3 });
    return {
      apiEndpoint: url.hostname,
      port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
      protocol: url.protocol.replace(':', ''),
      // The project's google-auth-library may be a newer minor than google-gax's own copy.
      authClient: auth as unknown as ClientOptions['authClient'],
    };
  }
  const auth = new GoogleAuth(googleAuthOptions(connection));
  try {
    // Resolved here, not inside the client, where a failure is an unhandled rejection.
    const authClient = await auth.getClient();
    return { authClient: authClient as unknown as ClientOptions['authClient'] };
  } catch (err) {
    throw noCredentialsError(connection, err);
  }
}

function operationOf(raw: unknown): Operation {
  const op = ((raw as { latestResponse?: RawOperation }).latestResponse ?? raw) as RawOperation;
  const zone = op.zone ? op.zone.split('/').pop() : undefined;
  const errors = op.error?.errors ?? [];
  return {
    name: String(op.name),
    ...(zone ? { zone } : {}),
    status: String(op.status ?? 'PENDING'),
    ...(errors.length > 0
      ? { errors: errors.map((e) => ({ code: e.code ?? null, message: e.message ?? null })) }
      : {}),
  };
}

export async function createComputeApi(
  connection: ComputeConnection,
  onCall?: CallHook,
): Promise<ComputeApi> {
  const opts = await clientOptions(connection);
  const project = connection.project;
  const c = {
    address: new compute.GlobalAddressesClient(opts),
    healthCheck: new compute.HealthChecksClient(opts),
    backendService: new compute.BackendServicesClient(opts),
    urlMap: new compute.UrlMapsClient(opts),
    targetHttpProxy: new compute.TargetHttpProxiesClient(opts),
    targetHttpsProxy: new compute.TargetHttpsProxiesClient(opts),
    sslCertificate: new compute.SslCertificatesClient(opts),
    forwardingRule: new compute.GlobalForwardingRulesClient(opts),
    firewall: new compute.FirewallsClient(opts),
    instanceGroup: new compute.InstanceGroupsClient(opts),
    instances: new compute.InstancesClient(opts),
    globalOps: new compute.GlobalOperationsClient(opts),
    zoneOps: new compute.ZoneOperationsClient(opts),
    projects: new compute.ProjectsClient(opts),
  };

  async function call<T>(method: string, subject: string | undefined, run: () => Promise<T>): Promise<T> {
    onCall?.({ method, ...(subject ? { subject } : {}) });
    try {
      return await run();
    } catch (err) {
      throw toGcpError(err, subject ? `${method} ${subject}` : method);
    }
  }
  const subjectOf = (ref: GcpRef) =>
    ref.zone
      ? `zones/${ref.zone}/${COLLECTION_OF[ref.kind]}/${ref.name}`
      : `${COLLECTION_OF[ref.kind]}/${ref.name}`;
  const json = (x: unknown) => x as Json;
  const zoneOf = (ref: GcpRef) => {
    if (!ref.zone)
      throw new GcpError({ code: GcpErrorCode.invalid, message: `${subjectOf(ref)} has no zone` });
    return ref.zone;
  };

  // The generated clients differ in their parameter names; this table is the only place that knows.
  // Each entry returns the call's response tuple.
  type AnyClient = Record<string, (req: Json, opts?: Json) => Promise<unknown[]>>;
  const client = (kind: GcpKind) => c[kind] as unknown as AnyClient;
  const param: Record<GcpKind, string> = {
    address: 'address',
    healthCheck: 'healthCheck',
    backendService: 'backendService',
    urlMap: 'urlMap',
    targetHttpProxy: 'targetHttpProxy',
    targetHttpsProxy: 'targetHttpsProxy',
    sslCertificate: 'sslCertificate',
    forwardingRule: 'forwardingRule',
    firewall: 'firewall',
    instanceGroup: 'instanceGroup',
  };
  const resourceField: Record<GcpKind, string> = {
    address: 'addressResource',
    healthCheck: 'healthCheckResource',
    backendService: 'backendServiceResource',
    urlMap: 'urlMapResource',
    targetHttpProxy: 'targetHttpProxyResource',
    targetHttpsProxy: 'targetHttpsProxyResource',
    sslCertificate: 'sslCertificateResource',
    forwardingRule: 'forwardingRuleResource',
    firewall: 'firewallResource',
    instanceGroup: 'instanceGroupResource',
  };
  const target = (ref: GcpRef): Json => ({
    project,
    [param[ref.kind]]: ref.name,
    ...(ref.kind === 'instanceGroup' ? { zone: zoneOf(ref) } : {}),
  });

  const api: ComputeApi = {
    project,
    async list(kind, filter) {
      if (kind === 'instanceGroup') {
        return call(`instanceGroups.aggregatedList`, undefined, async () => {
          const out: Json[] = [];
          const iterable = c.instanceGroup.aggregatedListAsync({ project, filter }, { autoPaginate: false });
          for await (const [, scoped] of iterable)
            for (const g of scoped.instanceGroups ?? []) out.push(json(g));
          return out;
        });
      }
      return call(`${COLLECTION_OF[kind]}.list`, undefined, async () => {
        const [items] = await client(kind).list!({ project, filter });
        return (items as unknown[]).map(json);
      });
    },
    async listInstances(group) {
      return call('instanceGroups.listInstances', subjectOf(group), async () => {
        const [items] = await c.instanceGroup.listInstances({
          project,
          zone: zoneOf(group),
          instanceGroup: group.name,
          instanceGroupsListInstancesRequestResource: { instanceState: 'ALL' },
        });
        return items.map((i) => canonicalLink(String(i.instance)) ?? String(i.instance)).sort();
      });
    },
    async instanceTags(filter) {
      return call('instances.aggregatedList', undefined, async () => {
        const out: Record<string, string[]> = {};
        const iterable = c.instances.aggregatedListAsync({ project, filter }, { autoPaginate: false });
        for await (const [, scoped] of iterable)
          for (const i of scoped.instances ?? []) {
            const link = canonicalLink(String(i.selfLink));
            if (link) out[link] = [...(i.tags?.items ?? [])].sort();
          }
        return out;
      });
    },
    async get(ref) {
      try {
        return await call(`${COLLECTION_OF[ref.kind]}.get`, subjectOf(ref), async () => {
          const [r] = await client(ref.kind).get!(target(ref));
          return json(r);
        });
      } catch (err) {
        if (err instanceof GcpError && err.code === GcpErrorCode.notFound) return undefined;
        throw err;
      }
    },
    async quotas() {
      return call('projects.get', undefined, async () => {
        const [p] = await c.projects.get({ project });
        return (p.quotas ?? []).map((q) => ({
          metric: String(q.metric),
          limit: Number(q.limit ?? 0),
          usage: Number(q.usage ?? 0),
        }));
      });
    },
    async mutate(method: GcpCall, ref, body = {}) {
      const name = `${COLLECTION_OF[ref.kind]}.${method}`;
      return call(name, subjectOf(ref), async () => {
        const k = client(ref.kind);
        let response: unknown[];
        switch (method) {
          case 'insert':
            response = await k.insert!({
              project,
              ...(ref.kind === 'instanceGroup' ? { zone: zoneOf(ref) } : {}),
              [resourceField[ref.kind]]: body,
            });
            break;
          case 'update':
            response = await k.update!({ ...target(ref), [resourceField[ref.kind]]: body });
            break;
          case 'delete':
            response = await k.delete!(target(ref));
            break;
          case 'setUrlMap':
            response = await k.setUrlMap!({
              ...target(ref),
              urlMapReferenceResource: { urlMap: body.urlMap },
            });
            break;
          case 'setSslCertificates':
            response = await k.setSslCertificates!({
              ...target(ref),
              targetHttpsProxiesSetSslCertificatesRequestResource: { sslCertificates: body.sslCertificates },
            });
            break;
          case 'setTarget':
            response = await k.setTarget!({
              ...target(ref),
              targetReferenceResource: { target: body.target },
            });
            break;
          case 'setNamedPorts':
            response = await k.setNamedPorts!({
              ...target(ref),
              instanceGroupsSetNamedPortsRequestResource: body,
            });
            break;
          case 'addInstances':
            response = await k.addInstances!({
              ...target(ref),
              instanceGroupsAddInstancesRequestResource: body,
            });
            break;
          case 'removeInstances':
            response = await k.removeInstances!({
              ...target(ref),
              instanceGroupsRemoveInstancesRequestResource: body,
            });
            break;
        }
        return operationOf(response[0]);
      });
    },
    async wait(op) {
      return call(op.zone ? 'zoneOperations.wait' : 'globalOperations.wait', undefined, async () => {
        const [raw] = op.zone
          ? await c.zoneOps.wait({ project, zone: op.zone, operation: op.name })
          : await c.globalOps.wait({ project, operation: op.name });
        return operationOf(raw);
      });
    },
    async getHealth(backendService, groupLink) {
      return call('backendServices.getHealth', `backendServices/${backendService}`, async () => {
        const [h] = await c.backendService.getHealth({
          project,
          backendService,
          resourceGroupReferenceResource: { group: groupLink },
        });
        return (h.healthStatus ?? []).map((s) => String(s.healthState ?? 'UNKNOWN'));
      });
    },
    async close() {
      await Promise.all(Object.values(c).map((x) => x.close()));
    },
  };
  return api;
}
