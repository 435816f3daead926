// The load-balancer adapter against the Compute simulator, in-process: the demo world's three
// clusters as data planes serving the demo Service's nodePort, the real @google-cloud/compute client
// behind computeTarget, and one reconcile cycle (observe → plan → apply) as the reconciler will run it.
import { startComputeSim, type ComputeSim } from '../../../src/sim/gcp/index.js';
import {
  computeTarget,
  type GcpApplyResult,
  type GcpTarget,
  type GcpTargetOptions,
} from '../../../src/gcp/compute/index.js';
import {
  drainStateOf,
  observeNeeds,
  planLoadBalancer,
  withNetworkTags,
  type DrainState,
  type LoadBalancerInput,
  type LoadBalancerPlanData,
  type ObservedLoadBalancer,
} from '../../../src/gcp/model/index.js';
import { fakeDataPlane, type FakeDataPlane } from '../../sim/gcp/helpers/fake-data-plane.js';
import { demoDistances } from '../../sim/gcp/helpers/fake-data-plane.js';
import { DEMO_CLUSTERS } from './demo.js';

export type LbSim = {
  sim: ComputeSim;
  planes: FakeDataPlane[];
  target: (options?: Partial<GcpTargetOptions>) => GcpTarget;
  stop(): Promise<void>;
};

const region = (zone: string) => zone.replace(/-[a-z]$/, '');

export async function startLbSim(
  options: { operationDelayMs?: number; maxWaitMs?: number } = {},
): Promise<LbSim> {
  const planes = Object.entries(DEMO_CLUSTERS).map(([name, zone]) => {
    const p = fakeDataPlane({ name, region: region(zone), zone, nodes: 2 });
    p.serve(30036, [{ node: `${name}-node-1` }]);
    return p;
  });
  const sim = await startComputeSim({
    project: 'fedsync-demo',
    dataPlanes: planes,
    distances: demoDistances,
    token: 'lb-test-token',
    operationDelayMs: options.operationDelayMs ?? 10,
    maxWaitMs: options.maxWaitMs ?? 2000,
  });
  const targets: GcpTarget[] = [];
  return {
    sim,
    planes,
    target(extra = {}) {
      const t = computeTarget({
        connection: { kind: 'endpoint', project: sim.project, url: sim.url, token: sim.token },
        retry: { sleep: () => Promise.resolve(), baseDelayMs: 1 },
        ...extra,
      });
      targets.push(t);
      return t;
    },
    async stop() {
      for (const t of targets) await t.close();
      await sim.stop();
    },
  };
}

export type Cycle = {
  observed: ObservedLoadBalancer;
  plan: LoadBalancerPlanData;
  result: GcpApplyResult;
  mutations: number;
};

/** One reconcile of the load balancer: observe, plan, apply. */
export async function cycle(
  target: GcpTarget,
  input: LoadBalancerInput,
  options: { drain?: DrainState; now?: string } = {},
): Promise<Cycle> {
  const observed = await target.observe(observeNeeds(input));
  const plan = planLoadBalancer({
    input: withNetworkTags(input, observed),
    observed,
    // The drain state lives on the backends: read back from what was observed.
    drain: options.drain ?? drainStateOf(observed, input.uid),
    now: options.now ?? '2026-06-01T12:00:00.000Z',
  });
  const result = await target.apply(plan.steps);
  return { observed, plan, result, mutations: plan.steps.filter((s) => s.action !== 'unchanged').length };
}

/** Cycles until a plan has nothing to do; fails loudly after `max` cycles. Returns the cycles run. */
export async function converge(target: GcpTarget, input: LoadBalancerInput, max = 6): Promise<Cycle[]> {
  const cycles: Cycle[] = [];
  for (let i = 0; i < max; i++) {
    const c = await cycle(target, input);
    cycles.push(c);
    if (c.mutations === 0) return cycles;
  }
  const last = cycles.at(-1)!;
  throw new Error(
    `no convergence after ${max} cycles; last plan: ${last.plan.steps
      .filter((s) => s.action !== 'unchanged')
      .map((s) => `${s.action} ${s.call} ${s.subject}`)
      .join(
        ', ',
      )}; results: ${JSON.stringify(last.result.results.filter((r) => r.outcome !== 'done' && r.outcome !== 'noop'))}`,
  );
}

/** Raw REST against the simulator, to play "someone in the console" or to list everything. */
export async function rest(
  sim: ComputeSim,
  method: string,
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const res = await fetch(`${sim.url}projects/${sim.project}/${path}`, {
    method,
    headers: { authorization: `Bearer ${sim.token}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Every resource name per collection in the simulator (global ones and instance groups of every zone). */
const COLLECTIONS = [
  'addresses',
  'healthChecks',
  'backendServices',
  'urlMaps',
  'targetHttpProxies',
  'targetHttpsProxies',
  'sslCertificates',
  'forwardingRules',
  'firewalls',
  'instanceGroups',
] as const;
export type Inventory = Record<(typeof COLLECTIONS)[number], string[]>;

export async function inventory(sim: ComputeSim): Promise<Inventory> {
  const out = Object.fromEntries(COLLECTIONS.map((c) => [c, [] as string[]])) as Inventory;
  for (const c of COLLECTIONS) {
    if (c === 'instanceGroups') continue;
    const list = await rest(sim, 'GET', `global/${c}`);
    out[c] = ((list.items ?? []) as { name: string }[]).map((i) => i.name).sort();
  }
  const agg = await rest(sim, 'GET', 'aggregated/instanceGroups');
  out.instanceGroups = Object.entries(agg.items as Record<string, { instanceGroups?: { name: string }[] }>)
    .flatMap(([scope, v]) => (v.instanceGroups ?? []).map((g) => `${scope}/${g.name}`))
    .sort();
  return out;
}

/** Calls per `<collection>.list` / `.aggregatedList` since the last reset. */
export function listCalls(sim: ComputeSim): Record<string, number> {
  return Object.fromEntries(
    Object.entries(sim.counters().byMethod).filter(([k]) => /\.(list|aggregatedList)$/.test(k)),
  );
}
