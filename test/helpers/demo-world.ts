// The demo world (fixtures/worlds/demo.yaml: three clusters and the simulated Google Cloud) started
// on ephemeral ports, its files under `outDir`, with a fast simulator tick so tests converge quickly.
import { startWorld, type RunningWorld } from '../../src/sim/run-world.js';
import { readWorld } from '../../src/sim/world.js';

export const DEMO_WORLD = 'fixtures/worlds/demo.yaml';

export async function startDemoWorld(
  outDir: string,
  { tickMs = 5 }: { tickMs?: number } = {},
): Promise<RunningWorld> {
  return startWorld({ world: await readWorld(DEMO_WORLD), outDir, tickMs });
}
