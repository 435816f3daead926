// Every suite of `npm run bench`, in the order they run. To add one: write bench/<name>.ts exporting
// `run(): Promise<BenchRow[]>`, and add an entry here (with `unavailable` if it needs a tool that
// may be missing, e.g. `() => missingCommand('kubectl')`). Modules load lazily, so a suite whose
// dependencies are absent does not stop the others.
import { missingCommand, missingGitHttpBackend } from './preconditions.js';
import type { BenchSuite } from './types.js';

export const SUITES: readonly BenchSuite[] = [
  // kubectl is a baseline only: without it the rows against `node -e 1` still run.
  { name: 'cli', run: async () => (await import('./cli.js')).run() },
  {
    name: 'source',
    unavailable: async () => (await missingCommand('git')) ?? missingGitHttpBackend(),
    run: async () => (await import('./source.js')).run(),
  },
  { name: 'planner', run: async () => (await import('./planner.js')).run() },
  // kubectl is the baseline only: without it the sync rows still run and the baseline rows say why.
  { name: 'sync', run: async () => (await import('./sync.js')).run() },
  // The agent in its own process against simulated clusters in this one.
  { name: 'memory', run: async () => (await import('./memory.js')).run() },
  // gcloud is the baseline only: without it the fedsync rows still run.
  { name: 'load-balancer', run: async () => (await import('./load-balancer.js')).run() },
];
