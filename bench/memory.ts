// Agent memory: fedsync as the agent holds it (bench/agent-child.ts: source, parse cache, live fleet
// with its watch caches, the cycle planner and its basis) in its own process, the simulated
// clusters in this one, after a full reconcile and a one-object push, two garbage collections
// first. At 10 clusters × 1,000 and × 10,000 objects; at 1,000 once more with the caches keeping
// objects whole, for what the lean cache saves per object.
import type { ChildMemory } from './agent-process.js';
import { oneObjectAtScale, tempDir } from './sync.js';
import type { BenchMeasured } from './types.js';

const SIZES = [1000, 10000] as const;
/** The target: at most this much RSS per 10,000 cached objects. */
const MIB_PER_10K = 150;

async function agentMemory(objects: number, whole = false): Promise<ChildMemory> {
  const tmp = await tempDir(`fedsync-bench-memory-${objects}-`);
  try {
    const r = await oneObjectAtScale(tmp.path, objects, {
      rounds: 1,
      ...(whole ? { agentEnv: { FEDSYNC_BENCH_WHOLE_CACHE: '1' } } : {}),
    });
    return r.memory;
  } finally {
    await tmp.remove();
  }
}

const per10k = (mib: number, objects: number): number => (mib / objects) * 10_000;
const kib = (mib: number): string => `${(mib * 1024).toFixed(1)} KiB`;

export async function run(): Promise<BenchMeasured[]> {
  const [small, large] = [await agentMemory(SIZES[0]), await agentMemory(SIZES[1])];
  const whole = await agentMemory(SIZES[0], true);
  const rows: BenchMeasured[] = [];
  for (const [objects, m] of [
    [SIZES[0], small],
    [SIZES[1], large],
  ] as const) {
    const mibPer10k = per10k(m.rssMiB, m.cached);
    rows.push({
      kind: 'measured',
      name: `memory: agent RSS, 10 clusters × ${objects} cached objects`,
      seconds: 0,
      peakRssMiB: m.peakRssMiB,
      target: { text: `≤ ${MIB_PER_10K} MiB per 10k objects`, met: mibPer10k <= MIB_PER_10K },
      note: `RSS ${Math.round(m.rssMiB)} MiB (${Math.round(mibPer10k)} MiB per 10k), heap ${Math.round(m.heapUsedMiB)} of ${Math.round(m.heapTotalMiB)} MiB, external ${Math.round(m.externalMiB)} MiB, ${m.cached} cached objects${m.gc ? '' : ' (no gc)'}`,
    });
  }
  const added = large.cached - small.cached;
  const marginalRss = ((large.rssMiB - small.rssMiB) / added) * 10_000;
  const marginalHeap = (large.heapUsedMiB - small.heapUsedMiB) / added;
  rows.push({
    kind: 'measured',
    name: `memory: agent RSS per 10k more cached objects (× ${SIZES[0]} → × ${SIZES[1]})`,
    seconds: 0,
    target: { text: `≤ ${MIB_PER_10K} MiB`, met: marginalRss <= MIB_PER_10K },
    note: `${Math.round(marginalRss)} MiB RSS per 10k; heap ${kib(marginalHeap)} per cached object`,
  });
  const saved = (whole.heapUsedMiB - small.heapUsedMiB) / small.cached;
  rows.push({
    kind: 'measured',
    name: `memory: lean cache, 10 clusters × ${SIZES[0]}`,
    seconds: 0,
    baseline: 'caches keeping objects whole',
    ratio: small.heapUsedMiB / whole.heapUsedMiB,
    note: `agent heap ${Math.round(small.heapUsedMiB)} MiB lean vs ${Math.round(whole.heapUsedMiB)} MiB whole: ${kib(saved)} less per cached object`,
  });
  return rows;
}
