// The incremental plan equals the full plan: random repositories, random sequences of edits (Git
// edits, drift in the clusters, clusters going Offline and back), and after every edit the
// incremental plan — whenever it does not decline — must be the full plan, action for action in
// every cluster, with the same inventory, adoptions, problems, counts and digest. Some objects follow
// live state: replica-scheduled Deployments (their observed status moves between plans) and Services
// behind Ingresses (the clusters' nodePorts move or vanish), with nothing reported as drift, so a
// planner that wrongly keeps their last decision fails here. The plan that was
// applied (the incremental one when there is one) is applied to the simulated clusters and becomes
// the next basis once it converged, as in the agent. A seeded generator: every failure reproduces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ANNOTATION_RECONCILE,
  DISABLED,
  LABEL_FEDERATION,
  LABEL_MANAGED_BY,
  clusterPlans,
  planCounts,
  refKey,
  refOf,
} from '../../src/model/index.js';
import type {
  FederatedObject,
  FederationRepo,
  KubeObject,
  ObservedCluster,
  ObservedWorkload,
  Plan,
} from '../../src/model/index.js';
import { planRevision } from '../../src/plan/plan-revision.js';
import type { PlanInput } from '../../src/plan/plan-revision.js';
import { planIncremental, settlePlan } from '../../src/plan/incremental.js';
import type { BasisCarry, DirtyObject, PlanBasis } from '../../src/plan/incremental.js';
import { asApplied } from '../helpers/apiserver.js';
import {
  configMap,
  deployment,
  fedObject,
  ingress,
  registration,
  repo as repoOf,
  service,
} from '../helpers/federation.js';

/** mulberry32: small, seeded, good enough to spread the cases. */
function rng(seed: number): {
  next: () => number;
  int: (n: number) => number;
  pick: <T>(xs: readonly T[]) => T;
} {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return { next, int, pick: (xs) => xs[int(xs.length)]! };
}

type Random = ReturnType<typeof rng>;
type Live = {
  health: 'Ready' | 'Offline';
  objects: Record<string, KubeObject>;
  inventory: string[];
  adopted: string[];
  /** Observed status of the live Deployments; it moves on its own (pods become ready or stuck). */
  workloads: Record<string, ObservedWorkload>;
};
type World = { repo: FederationRepo; live: Map<string, Live>; sha: string; serial: number };

const NS = 'shop';
const key = (o: KubeObject): string => refKey(refOf(o));
const clusterNames = (n: number): string[] => Array.from({ length: n }, (_, i) => `c${i}`);

function randomObject(r: Random, serial: number, clusters: string[]): FederatedObject {
  const name = `o${serial}`;
  const template =
    r.next() < 0.75
      ? configMap(NS, name, { v: String(r.int(5)) })
      : deployment(NS, name, r.int(3), `img:${r.int(3)}`);
  if (r.next() < 0.1) template.metadata.annotations = { [ANNOTATION_RECONCILE]: DISABLED };
  const placement =
    r.next() < 0.6
      ? {}
      : r.next() < 0.5
        ? { clusters: clusters.filter(() => r.next() < 0.6) }
        : { selector: { matchLabels: { tier: r.pick(['a', 'b']) } } };
  const overrides: FederatedObject['overrides'] = {};
  if (template.kind === 'ConfigMap' && r.next() < 0.2)
    overrides[r.pick(clusters)] = [{ op: 'add', path: '/data/extra', value: 'x' }];
  if (template.kind === 'Deployment' && r.next() < 0.5) {
    const replicaScheduling = {
      totalReplicas: 1 + r.int(6),
      rebalance: r.next() < 0.5,
      clusters: { '*': { minReplicas: 0, weight: 1 + r.int(2) } },
    };
    return { ...fedObject(template, { placement, replicaScheduling }), overrides };
  }
  return { ...fedObject(template, { placement }), overrides };
}

/** Services of type NodePort (nodePorts chosen by fedsync) and Ingresses sending traffic to them. */
function ingressGroup(r: Random, serial: number): FederatedObject[] {
  const services = Array.from({ length: 1 + r.int(2) }, (_, i) =>
    fedObject(service(NS, `svc${serial}-${i}`)),
  );
  const ingresses = Array.from({ length: 1 + r.int(3) }, (_, i) =>
    fedObject(ingress(NS, `ing${serial}-${i}`, r.pick(services).template.metadata.name)),
  );
  return [...services, ...ingresses];
}

function initialWorld(r: Random): World {
  const names = clusterNames(2 + r.int(3));
  const clusters = names.map((n, i) => registration(n, { tier: i % 2 === 0 ? 'a' : 'b' }));
  const objects = Array.from({ length: 4 + r.int(12) }, (_, i) => randomObject(r, i, names));
  if (r.next() < 0.6) objects.push(...ingressGroup(r, objects.length));
  const live = new Map<string, Live>();
  for (const n of names) {
    // Some objects exist already, made by hand: fedsync adopts them.
    const handMade: Record<string, KubeObject> = {};
    for (const o of objects)
      if (r.next() < 0.15)
        handMade[key(o.template)] = asApplied({ ...o.template, metadata: { ...o.template.metadata } });
    live.set(n, { health: 'Ready', objects: handMade, inventory: [], adopted: [], workloads: {} });
  }
  return { repo: repoOf({ clusters, objects }), live, sha: 'c0', serial: objects.length + 1 };
}

/** What the agent observes: a fresh snapshot each time (the live records change after planning). */
function observedOf(world: World): ObservedCluster[] {
  return [...world.live].map(([name, l]) =>
    l.health === 'Offline'
      ? { name, health: 'Offline', objects: { ...l.objects }, inventory: null, workloads: {} }
      : {
          name,
          health: 'Ready',
          objects: { ...l.objects },
          inventory: [...l.inventory],
          ...(l.adopted.length > 0 ? { adopted: [...l.adopted] } : {}),
          workloads: { ...l.workloads },
        },
  );
}

/** What apply leaves in the clusters, as the API server shows it. True when it converged. */
function apply(world: World, plan: Plan): boolean {
  for (const t of clusterPlans(plan)) {
    const l = world.live.get(t.name)!;
    if (t.health !== 'Ready') continue;
    for (const a of t.actions) {
      const k = refKey(a.ref);
      if (a.action === 'create' || a.action === 'update' || a.action === 'adopt') {
        l.objects[k] = asApplied(a.object, l.objects[k]);
        if (a.object.kind === 'Deployment') {
          const replicas = (a.object.spec as { replicas: number }).replicas;
          l.workloads[k] = { specReplicas: replicas, readyReplicas: replicas, unschedulableSince: [] };
        }
      } else if (a.action === 'delete') {
        delete l.objects[k];
        delete l.workloads[k];
      } else if (a.action === 'orphan') {
        const {
          [LABEL_MANAGED_BY]: _m,
          [LABEL_FEDERATION]: _f,
          ...labels
        } = l.objects[k]!.metadata.labels ?? {};
        l.objects[k] = { ...l.objects[k]!, metadata: { ...l.objects[k]!.metadata, labels } };
      }
    }
    l.inventory = [...t.inventory];
    l.adopted = [...(t.adopted ?? [])];
  }
  const counts = planCounts(plan);
  return (
    counts.held === 0 &&
    !plan.problems.some((p) => p.severity === 'error') &&
    clusterPlans(plan).every((t) => t.health === 'Ready')
  );
}

type Edit = { changedPaths: string[]; dirty: DirtyObject[] };

/**
 * What clusters change on their own, reported as no drift: a Deployment's pods become ready or
 * stuck unschedulable (old enough to count, or still young), a Service's nodePort is allocated
 * anew or the Service is gone.
 */
function liveMoves(world: World, r: Random): void {
  for (const [, l] of world.live) {
    if (r.next() < 0.4) continue;
    const workloads = Object.keys(l.workloads);
    if (workloads.length > 0 && r.next() < 0.7) {
      const k = r.pick(workloads);
      const w = l.workloads[k]!;
      const stuck = r.next() < 0.4 ? [r.pick(['2025-12-31T23:50:00Z', '2025-12-31T23:59:40Z'])] : [];
      l.workloads[k] = { ...w, readyReplicas: r.int(w.specReplicas + 1), unschedulableSince: stuck };
    }
    const services = Object.keys(l.objects).filter((k) => l.objects[k]!.kind === 'Service');
    if (services.length > 0 && r.next() < 0.5) {
      const k = r.pick(services);
      const o = l.objects[k]!;
      if (r.next() < 0.3) delete l.objects[k];
      else {
        const spec = o.spec as { ports: { nodePort?: number }[] };
        const ports = spec.ports.map((p) => ({ ...p, nodePort: 30000 + r.int(3) }));
        l.objects[k] = { ...o, spec: { ...spec, ports } };
      }
    }
  }
}

/** One random commit and/or change in the clusters. */
function edit(world: World, r: Random): Edit {
  const objects = [...world.repo.objects];
  const changedPaths: string[] = [];
  const dirty: DirtyObject[] = [];
  const names = [...world.live.keys()];
  const roll = r.next();
  const target = objects.length > 0 ? r.int(objects.length) : -1;
  const replace = (i: number, o: FederatedObject) => {
    changedPaths.push(objects[i]!.source.file, o.source.file);
    objects[i] = o;
  };
  if (roll < 0.35 && target >= 0) {
    const o = objects[target]!;
    const t = structuredClone(o.template);
    if (t.kind === 'ConfigMap') t.data = { ...(t.data as object), v: `e${world.serial++}` };
    else if (t.kind === 'Deployment') (t.spec as { replicas: number }).replicas = r.int(4);
    else if (t.kind === 'Ingress') {
      // Sends its traffic to another Service: the former one loses its pinned nodePort.
      const services = objects.filter((x) => x.template.kind === 'Service');
      t.spec = ingress(NS, t.metadata.name, r.pick(services).template.metadata.name).spec;
    } else t.metadata.labels = { ...t.metadata.labels, rev: `e${world.serial++}` };
    replace(target, { ...o, template: t });
  } else if (roll < 0.45) {
    const added = r.next() < 0.2 ? ingressGroup(r, world.serial++) : [randomObject(r, world.serial++, names)];
    objects.push(...added);
    changedPaths.push(...added.map((o) => o.source.file));
  } else if (roll < 0.5 && target >= 0) {
    changedPaths.push(objects[target]!.source.file);
    objects.splice(target, 1);
  } else if (roll < 0.55 && target >= 0) {
    replace(target, { ...objects[target]!, placement: { clusters: names.filter(() => r.next() < 0.5) } });
  } else if (roll < 0.6 && target >= 0) {
    const o = objects[target]!;
    const annotations: Record<string, string> = o.template.metadata.annotations?.[ANNOTATION_RECONCILE]
      ? {}
      : { [ANNOTATION_RECONCILE]: DISABLED };
    replace(target, { ...o, template: { ...o.template, metadata: { ...o.template.metadata, annotations } } });
  } else if (roll < 0.75) {
    // Drift: someone edits or deletes a live object fedsync manages; the watch reports it.
    const name = r.pick(names);
    const l = world.live.get(name)!;
    const managed = l.inventory.filter((k) => l.objects[k]);
    if (managed.length > 0) {
      const k = r.pick(managed);
      const o = l.objects[k]!;
      if (r.next() < 0.3) delete l.objects[k];
      else
        l.objects[k] = {
          ...o,
          data: { ...(o.data as object), v: 'by-hand' },
          spec: o.spec && { ...o.spec, replicas: 9 },
        };
      dirty.push({ cluster: name, ref: refOf(o) });
    }
  } else if (roll < 0.85) {
    liveMoves(world, r);
  } else if (roll < 0.88) {
    const l = world.live.get(r.pick(names))!;
    l.health = l.health === 'Ready' ? 'Offline' : 'Ready';
  } else if (roll < 0.92) {
    const f = world.repo.federation;
    world.repo = { ...world.repo, federation: { ...f, policy: { ...f.policy, prune: !f.policy.prune } } };
    changedPaths.push('fedsync.yaml');
  }
  world.repo = { ...world.repo, objects };
  return { changedPaths, dirty };
}

/** A plan with every unchanged action's object left out (a settled one carries its older copy). */
function comparable(plan: Plan): unknown {
  return {
    ...plan,
    targets: plan.targets.map((t) =>
      t.kind !== 'cluster'
        ? t
        : {
            ...t,
            actions: t.actions.map((a) => (a.action === 'unchanged' ? { action: a.action, ref: a.ref } : a)),
          },
    ),
  };
}

test('the incremental plan equals the full plan after every random edit', () => {
  let incremental = 0;
  let steps = 0;
  const declined = new Map<string, number>();
  for (let seed = 1; seed <= 60; seed++) {
    const r = rng(seed);
    const world = initialWorld(r);
    let basis: PlanBasis | undefined;
    let parent: string | undefined;
    let pending: Edit = { changedPaths: [], dirty: [] };
    for (let step = 0; step < 15; step++) {
      steps++;
      // A commit right after the basis names its changed paths; otherwise every object is compared.
      const known = r.next() < 0.8;
      const input: PlanInput = {
        revision: {
          sha: world.sha,
          ...(parent && known ? { parent, changedPaths: [...new Set(pending.changedPaths)] } : {}),
        },
        repo: world.repo,
        clusters: observedOf(world),
        now: '2026-01-01T00:00:00Z',
      };
      const full = planRevision(input);
      let applied = full;
      // What an incremental plan keeps (repository index, digest blocks) goes on to its basis, as
      // the agent keeps it.
      let carry: { carry: BasisCarry } | Record<string, never> = {};
      if (basis) {
        const inc = planIncremental({ basis, input, dirty: pending.dirty });
        if (inc.ok) {
          incremental++;
          assert.deepStrictEqual(comparable(inc.plan), comparable(full), `seed ${seed}, step ${step}`);
          assert.deepEqual(planCounts(inc.plan), planCounts(full));
          applied = inc.plan;
          carry = { carry: inc.carry };
        } else {
          const why = inc.why.replace(/\S+\/\S+/g, 'X');
          declined.set(why, (declined.get(why) ?? 0) + 1);
        }
      }
      basis = apply(world, applied) ? settlePlan(input, applied, carry) : undefined;
      parent = world.sha;
      world.sha = `c${seed}-${step + 1}`;
      pending = edit(world, r);
    }
  }
  // Not vacuous: most edits touch single objects, so most plans must have been incremental.
  assert.ok(
    incremental > steps * 0.3,
    `only ${incremental} of ${steps} plans were incremental: ${JSON.stringify([...declined])}`,
  );
});
