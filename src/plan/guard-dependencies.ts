// Held deletes keep what they use. When a guard holds the delete of an object, the objects it names
// (an Ingress's TLS Secrets and backend Services; a workload's ConfigMaps and Secrets in volumes,
// envFrom, env and imagePullSecrets, and its ServiceAccount) would otherwise be deleted at once and
// leave the held object broken. They are held with it, by the holder's guards, so the approval that
// releases the holder releases them too. Pure: reads only the live objects the planner was given.
import { parseRefKey, refKey, refOf, subject } from '../model/index.js';
import type { KubeObject } from '../model/index.js';
import type { GuardCode, GuardedDelete } from './guards.js';

type Json = Record<string, unknown>;

const obj = (v: unknown): Json | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? (v as unknown[]) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const at = (v: unknown, ...path: string[]): unknown => path.reduce<unknown>((o, k) => obj(o)?.[k], v);

type Named = { kind: 'Secret' | 'ConfigMap' | 'Service' | 'ServiceAccount'; name: string };

function ingressRefs(spec: unknown): Named[] {
  const out: Named[] = [];
  const backend = (b: unknown) => {
    const name = str(at(b, 'service', 'name')) ?? str(at(b, 'serviceName'));
    if (name) out.push({ kind: 'Service', name });
  };
  backend(at(spec, 'defaultBackend'));
  backend(at(spec, 'backend'));
  for (const r of arr(at(spec, 'rules')))
    for (const p of arr(at(r, 'http', 'paths'))) backend(at(p, 'backend'));
  for (const t of arr(at(spec, 'tls'))) {
    const name = str(at(t, 'secretName'));
    if (name) out.push({ kind: 'Secret', name });
  }
  return out;
}

function podRefs(pod: unknown): Named[] {
  const out: Named[] = [];
  const push = (kind: Named['kind'], name: unknown) => {
    const n = str(name);
    if (n) out.push({ kind, name: n });
  };
  push('ServiceAccount', at(pod, 'serviceAccountName') ?? at(pod, 'serviceAccount'));
  for (const s of arr(at(pod, 'imagePullSecrets'))) push('Secret', at(s, 'name'));
  for (const v of arr(at(pod, 'volumes'))) {
    push('Secret', at(v, 'secret', 'secretName'));
    push('ConfigMap', at(v, 'configMap', 'name'));
    for (const s of arr(at(v, 'projected', 'sources'))) {
      push('Secret', at(s, 'secret', 'name'));
      push('ConfigMap', at(s, 'configMap', 'name'));
    }
  }
  const containers = ['initContainers', 'containers', 'ephemeralContainers'].flatMap((k) => arr(at(pod, k)));
  for (const c of containers) {
    for (const e of arr(at(c, 'envFrom'))) {
      push('ConfigMap', at(e, 'configMapRef', 'name'));
      push('Secret', at(e, 'secretRef', 'name'));
    }
    for (const e of arr(at(c, 'env'))) {
      push('ConfigMap', at(e, 'valueFrom', 'configMapKeyRef', 'name'));
      push('Secret', at(e, 'valueFrom', 'secretKeyRef', 'name'));
    }
  }
  return out;
}

/** Where a kind keeps its pod spec (a Pod itself, a workload's template, a CronJob's job template). */
function podSpecOf(o: KubeObject): unknown {
  const [group] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : [''];
  if (group === '' && o.kind === 'Pod') return o.spec;
  if (group === 'apps' || (group === 'batch' && o.kind === 'Job')) return at(o.spec, 'template', 'spec');
  if (group === 'batch' && o.kind === 'CronJob') return at(o.spec, 'jobTemplate', 'spec', 'template', 'spec');
  return undefined;
}

/** The refKeys of the objects `o` names in its own namespace, sorted, each once. */
export function referencedKeys(o: KubeObject): string[] {
  const ref = refOf(o);
  let named: Named[] = [];
  if (ref.group === 'networking.k8s.io' && ref.kind === 'Ingress') named = ingressRefs(o.spec);
  else if (ref.group === '' && ref.kind === 'ServiceAccount') {
    const secrets = [...arr((o as Json).secrets), ...arr((o as Json).imagePullSecrets)];
    named = secrets.flatMap((s) => {
      const name = str(at(s, 'name'));
      return name ? [{ kind: 'Secret' as const, name }] : [];
    });
  } else {
    const pod = podSpecOf(o);
    if (pod !== undefined) named = podRefs(pod);
  }
  const keys = named.map((n) => refKey({ group: '', kind: n.kind, namespace: ref.namespace, name: n.name }));
  return [...new Set(keys)].filter((k) => k !== refKey(ref)).sort();
}

/**
 * The held deletes of one cluster plus the deletes they keep: every delete candidate a held object
 * refers to (directly or through another such object) is held too, by the holder's guards, with
 * `heldWith` naming who uses it and `inherited` the guards it has only from them.
 */
export function holdDependencies(options: {
  target: string;
  held: readonly GuardedDelete[];
  /** refKeys this plan would delete in the cluster. */
  deletes: readonly string[];
  objects: Readonly<Record<string, KubeObject>>;
}): GuardedDelete[] {
  const { target, objects } = options;
  const candidates = new Set(options.deletes);
  const byKey = new Map<string, GuardedDelete>(options.held.map((h) => [h.key, { ...h }]));
  const own = new Map<string, Set<GuardCode>>(options.held.map((h) => [h.key, new Set(h.guards)]));
  const work = [...byKey.keys()];
  while (work.length > 0) {
    const key = work.pop()!;
    const holder = byKey.get(key)!;
    const live = objects[key];
    if (!live) continue;
    for (const dep of referencedKeys(live)) {
      const mine = own.get(dep);
      // Held for its own reasons by every guard the holder has: it goes or stays with it anyway.
      if (!candidates.has(dep) || holder.guards.every((g) => mine?.has(g))) continue;
      const current = byKey.get(dep) ?? {
        target,
        key: dep,
        subject: subject(parseRefKey(dep)),
        guards: [],
      };
      const guards = [...new Set([...current.guards, ...holder.guards])];
      const heldWith = [...new Set([...(current.heldWith ?? []), holder.subject])].sort();
      const grew = guards.length > current.guards.length;
      const inherited = guards.filter((g) => !mine?.has(g));
      byKey.set(dep, { ...current, guards, heldWith, ...(inherited.length > 0 ? { inherited } : {}) });
      if (grew) work.push(dep);
    }
  }
  // In the order of the deletes, as the guards found them.
  const out: GuardedDelete[] = [];
  for (const k of options.deletes) if (byKey.has(k)) out.push(byKey.get(k)!);
  for (const h of options.held) if (!candidates.has(h.key)) out.push(byKey.get(h.key)!);
  return out;
}
