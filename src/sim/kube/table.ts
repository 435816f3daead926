// Server-side printing: the meta.k8s.io/v1 Table that `kubectl get` asks for, with the columns a
// real server gives the kinds people look at most (others get Name and Age).
import { isObject, text, type Json, type JsonObject } from './json.js';
import type { ResourceType } from './resources.js';

type Column = { name: string; type?: string; format?: string; cell: (o: JsonObject, now: number) => Json };

function at(o: Json | undefined, ...path: string[]): Json | undefined {
  let cur = o;
  for (const p of path) cur = isObject(cur) ? cur[p] : undefined;
  return cur;
}

function list(o: Json | undefined): Json[] {
  return Array.isArray(o) ? o : [];
}

/** `45s`, `3m12s`, `5h`, `2d`, as kubectl shows ages. */
export function humanAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

const name: Column = { name: 'Name', format: 'name', cell: (o) => text(at(o, 'metadata', 'name')) };
const age: Column = {
  name: 'Age',
  cell: (o, now) => {
    const created = Date.parse(text(at(o, 'metadata', 'creationTimestamp')));
    return Number.isNaN(created) ? '<unknown>' : humanAge(now - created);
  },
};

function podStatus(o: JsonObject): string {
  if (at(o, 'metadata', 'deletionTimestamp') !== undefined) return 'Terminating';
  return text(at(o, 'status', 'phase')) || 'Pending';
}

const columns: Record<string, Column[]> = {
  '/Node': [
    name,
    {
      name: 'Status',
      cell: (o) =>
        list(at(o, 'status', 'conditions')).some(
          (c) => at(c, 'type') === 'Ready' && at(c, 'status') === 'True',
        )
          ? 'Ready'
          : 'NotReady',
    },
    { name: 'Roles', cell: () => '<none>' },
    age,
    { name: 'Version', cell: (o) => text(at(o, 'status', 'nodeInfo', 'kubeletVersion')) },
  ],
  '/Pod': [
    name,
    {
      name: 'Ready',
      cell: (o) => {
        const cs = list(at(o, 'status', 'containerStatuses'));
        const total = list(at(o, 'spec', 'containers')).length;
        return `${cs.filter((c) => at(c, 'ready') === true).length}/${total}`;
      },
    },
    { name: 'Status', cell: podStatus },
    { name: 'Restarts', type: 'integer', cell: () => 0 },
    age,
  ],
  'apps/Deployment': [
    name,
    {
      name: 'Ready',
      cell: (o) =>
        `${text(at(o, 'status', 'readyReplicas')) || '0'}/${text(at(o, 'spec', 'replicas')) || '0'}`,
    },
    { name: 'Up-to-date', type: 'integer', cell: (o) => Number(at(o, 'status', 'updatedReplicas') ?? 0) },
    { name: 'Available', type: 'integer', cell: (o) => Number(at(o, 'status', 'availableReplicas') ?? 0) },
    age,
  ],
  'apps/ReplicaSet': [
    name,
    { name: 'Desired', type: 'integer', cell: (o) => Number(at(o, 'spec', 'replicas') ?? 0) },
    { name: 'Current', type: 'integer', cell: (o) => Number(at(o, 'status', 'replicas') ?? 0) },
    { name: 'Ready', type: 'integer', cell: (o) => Number(at(o, 'status', 'readyReplicas') ?? 0) },
    age,
  ],
  '/Service': [
    name,
    { name: 'Type', cell: (o) => text(at(o, 'spec', 'type')) },
    { name: 'Cluster-IP', cell: (o) => text(at(o, 'spec', 'clusterIP')) || '<none>' },
    {
      name: 'External-IP',
      cell: (o) =>
        list(at(o, 'status', 'loadBalancer', 'ingress'))
          .map((i) => text(at(i, 'ip')))
          .join(',') || '<none>',
    },
    {
      name: 'Port(s)',
      cell: (o) =>
        list(at(o, 'spec', 'ports'))
          .map(
            (p) =>
              `${text(at(p, 'port'))}${at(p, 'nodePort') !== undefined ? `:${text(at(p, 'nodePort'))}` : ''}/${text(at(p, 'protocol')) || 'TCP'}`,
          )
          .join(','),
    },
    age,
  ],
  'networking.k8s.io/Ingress': [
    name,
    { name: 'Class', cell: (o) => text(at(o, 'spec', 'ingressClassName')) || '<none>' },
    {
      name: 'Hosts',
      cell: (o) =>
        list(at(o, 'spec', 'rules'))
          .map((r) => text(at(r, 'host')) || '*')
          .join(',') || '*',
    },
    {
      name: 'Address',
      cell: (o) =>
        list(at(o, 'status', 'loadBalancer', 'ingress'))
          .map((i) => text(at(i, 'ip')))
          .join(','),
    },
    { name: 'Ports', cell: () => '80' },
    age,
  ],
  'coordination.k8s.io/Lease': [
    name,
    { name: 'Holder', cell: (o) => text(at(o, 'spec', 'holderIdentity')) },
    age,
  ],
};

/** True when the Accept header asks for a Table first (kubectl's human-readable `get`). */
export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '').split(',')[0]?.includes('as=Table') ?? false;
}

export function tableOf(
  t: ResourceType,
  objects: JsonObject[],
  opts: { resourceVersion?: string; continueToken?: string; withColumns: boolean; now: number },
): JsonObject {
  const cols = (t.builtin ? columns[`${t.group}/${t.kind}`] : undefined) ?? [name, age];
  const meta: JsonObject = {};
  if (opts.resourceVersion !== undefined) meta.resourceVersion = opts.resourceVersion;
  if (opts.continueToken) meta.continue = opts.continueToken;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: meta,
    ...(opts.withColumns
      ? {
          columnDefinitions: cols.map((c) => ({
            name: c.name,
            type: c.type ?? 'string',
            format: c.format ?? '',
            description: '',
            priority: 0,
          })),
        }
      : {}),
    rows: objects.map((o) => ({
      cells: cols.map((c) => c.cell(o, opts.now)),
      object: {
        kind: 'PartialObjectMetadata',
        apiVersion: 'meta.k8s.io/v1',
        metadata: isObject(o.metadata) ? o.metadata : {},
      },
    })),
  };
}
