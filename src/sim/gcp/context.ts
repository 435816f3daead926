// Shared state of one running Compute simulator, and the link helpers every handler uses.
import { createHash } from 'node:crypto';
import type { ClusterDataPlane } from '../data-plane.js';
import type { CollectionName } from './collections.js';
import type { Limits } from './limits.js';
import { parseRef, resourcePath, zoneScope, type ResourceRef, type ScopeKey } from './names.js';
import type { Resource, Store } from './store.js';

/** Round-trip milliseconds between regions; symmetric, missing pairs are far. */
export type Distances = Record<string, Record<string, number>>;

export type SimContext = {
  project: string;
  network: string;
  store: Store;
  /** Instance-group selfLink → member instance selfLinks. */
  members: Map<string, Set<string>>;
  dataPlanes: readonly ClusterDataPlane[];
  distances: Distances;
  limits: Limits;
  /** `http://127.0.0.1:PORT/compute/v1/`, known once the server listens. */
  baseUrl: string;
  now(): Date;
};

export function link(ctx: SimContext, scope: ScopeKey, collection: string, name: string): string {
  return `${ctx.baseUrl}${resourcePath(ctx.project, scope, collection, name)}`;
}

export function scopeLink(ctx: SimContext, scope: ScopeKey): string {
  return `${ctx.baseUrl}projects/${ctx.project}/${scope}`;
}

/** Parses a link and checks it names this project; undefined when it is not a resource link. */
export function refOf(ctx: SimContext, value: string): ResourceRef | undefined {
  const ref = parseRef(value);
  if (!ref) return undefined;
  return { ...ref, project: ref.project ?? ctx.project };
}

export const UNREACHABLE_DISTANCE = 1000;

export function distance(ctx: SimContext, a: string, b: string): number {
  if (a === b) return 0;
  return ctx.distances[a]?.[b] ?? ctx.distances[b]?.[a] ?? UNREACHABLE_DISTANCE;
}

/** A simulated node as a Compute instance, with the cluster whose data plane it belongs to. */
export type DerivedInstance = { resource: Resource; selfLink: string; cluster: ClusterDataPlane };

function stableId(s: string): string {
  const hex = createHash('sha256').update(s).digest('hex').slice(0, 15);
  return BigInt(`0x${hex}`).toString();
}

/** The instances of the world: one per node of every cluster, in the node's zone. */
export function derivedInstances(ctx: SimContext): DerivedInstance[] {
  const out: DerivedInstance[] = [];
  let index = 0;
  for (const cluster of ctx.dataPlanes) {
    for (const inst of cluster.instances()) {
      index++;
      const scope = zoneScope(inst.zone);
      const selfLink = link(ctx, scope, 'instances', inst.name);
      const resource: Resource = {
        kind: 'compute#instance',
        id: stableId(`${ctx.project}/${inst.zone}/${inst.name}`),
        name: inst.name,
        zone: scopeLink(ctx, scope),
        machineType: `${scopeLink(ctx, scope)}/machineTypes/e2-standard-4`,
        status: 'RUNNING',
        networkInterfaces: [
          {
            kind: 'compute#networkInterface',
            name: 'nic0',
            network: link(ctx, 'global', 'networks', ctx.network),
            networkIP: `10.${128 + Math.floor(index / 65536)}.${Math.floor(index / 256) % 256}.${index % 256}`,
          },
        ],
        tags: { items: [`gke-${cluster.name}-node`], fingerprint: 'AAAAAAAAAAA=' },
        labels: { 'fedsync-cluster': cluster.name },
        selfLink,
        creationTimestamp: '2026-01-01T00:00:00.000-00:00',
      };
      out.push({ resource, selfLink, cluster });
    }
  }
  return out;
}

export function derivedNetworks(ctx: SimContext): Resource[] {
  return [
    {
      kind: 'compute#network',
      id: stableId(`${ctx.project}/networks/${ctx.network}`),
      name: ctx.network,
      autoCreateSubnetworks: true,
      routingConfig: { routingMode: 'REGIONAL' },
      selfLink: link(ctx, 'global', 'networks', ctx.network),
      creationTimestamp: '2026-01-01T00:00:00.000-00:00',
    },
  ];
}

/** Zones that hold nodes, sorted: the zonal scopes of aggregated lists. */
export function worldZones(ctx: SimContext): string[] {
  return [...new Set(ctx.dataPlanes.flatMap((c) => [c.zone, ...c.instances().map((i) => i.zone)]))].sort();
}

export type Lookup = (collection: CollectionName, scope: ScopeKey, name: string) => Resource | undefined;

/** Reads any collection, including the derived ones. */
export function lookup(ctx: SimContext): Lookup {
  return (collection, scope, name) => {
    if (collection === 'instances') {
      return derivedInstances(ctx).find((i) => i.selfLink === link(ctx, scope, 'instances', name))?.resource;
    }
    if (collection === 'networks')
      return scope === 'global' && name === ctx.network ? derivedNetworks(ctx)[0] : undefined;
    return ctx.store.get(collection, scope, name);
  };
}
