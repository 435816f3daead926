// Rows of `npm run bench`. Every benchmark a suite means to run ends as exactly one row: measured,
// skipped (its prerequisite is missing, with the reason), or failed (it threw): never left out.

/** A measurement and, when it has one, its baseline from the same run. */
export type BenchMeasured = {
  kind: 'measured';
  name: string;
  seconds: number;
  baseline?: string;
  baselineSeconds?: number;
  ratio?: number;
  peakRssMiB?: number;
  /** The goal this row is held to, and whether this run met it. */
  target?: BenchTarget;
  note?: string;
};

/** A goal such as `≤ 2.5× and ≤ 60 MiB`; `met` is decided by the suite from the same run's numbers. */
export type BenchTarget = { text: string; met: boolean };

/** A benchmark that cannot run here (e.g. `kubectl` is not installed). */
export type BenchSkipped = { kind: 'skipped'; name: string; reason: string };

/** A benchmark that threw; the run still prints every other row, then exits 1. */
export type BenchFailed = { kind: 'failed'; name: string; error: string };

export type BenchRow = BenchMeasured | BenchSkipped | BenchFailed;

/**
 * One group of benchmarks. `unavailable` names a missing prerequisite (checked before `run`, so a
 * suite that cannot run reports why instead of failing half-way); `run` returns its rows, and may
 * itself return skipped rows for the parts it cannot measure.
 */
export type BenchSuite = {
  name: string;
  unavailable?: () => Promise<string | undefined>;
  run: () => Promise<BenchRow[]>;
};
