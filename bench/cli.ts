// CLI start-up: `fedsync version`, `validate` (the demo federation) and `plan` (the demo world, on a
// simulated world started here) as a user runs them — the compiled CLI, built from the current
// sources first — against `node -e 1` (Node's own start-up) and `kubectl version --client` (a Go
// CLI), each a fresh process, in the same run. One `fedsync version` row runs the TypeScript
// sources through tsx, for what the build saves. Wall time and peak RSS are the median of RUNS runs.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startWorld } from '../src/sim/run-world.js';
import { readWorld } from '../src/sim/world.js';
import { missingCommand } from './preconditions.js';
import type { BenchMeasured, BenchRow, BenchTarget } from './types.js';

export const RUNS = 5;
const TIME = '/usr/bin/time';

export type Sample = { seconds: number; rssMiB?: number };
export type Summary = { seconds: number; rssMiB?: number };

/** Median wall time and median peak RSS of the samples (RSS only when every sample has one). */
export function summarize(samples: readonly Sample[]): Summary {
  if (samples.length === 0) throw new Error('no samples');
  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
  };
  const rss = samples.flatMap((s) => (s.rssMiB === undefined ? [] : [s.rssMiB]));
  return {
    seconds: median(samples.map((s) => s.seconds)),
    ...(rss.length === samples.length ? { rssMiB: median(rss) } : {}),
  };
}

/** Peak RSS in MiB from GNU time's `-f RSSKB=%M` line, when present. */
export function parseRss(stderr: string): number | undefined {
  const kb = /RSSKB=(\d+)/.exec(stderr)?.[1];
  return kb === undefined ? undefined : Number(kb) / 1024;
}

/** The targets of the CLI rows: start-up within a ratio of Node's and a memory ceiling; plan within a time. */
export function startupTarget(ratio: number, rssMiB: number | undefined): BenchTarget {
  return { text: '≤ 2.5× and ≤ 60 MiB', met: ratio <= 2.5 && rssMiB !== undefined && rssMiB <= 60 };
}
export function planTarget(seconds: number): BenchTarget {
  return { text: '≤ 1 s', met: seconds <= 1 };
}

type Command = { argv: string[]; env?: NodeJS.ProcessEnv; okCodes?: number[] };

function runOnce(cmd: Command): Promise<Sample> {
  const withTime = existsSync(TIME);
  const [file, args] = withTime
    ? [TIME, ['-f', 'RSSKB=%M', ...cmd.argv]]
    : [cmd.argv[0] as string, cmd.argv.slice(1)];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { env: { ...process.env, ...cmd.env }, maxBuffer: 16 << 20 },
      (err, _out, stderr) => {
        const seconds = (performance.now() - started) / 1000;
        const code = err ? Number((err as { code?: number }).code ?? 1) : 0;
        if (!(cmd.okCodes ?? [0]).includes(code)) {
          reject(
            new Error(`${cmd.argv.join(' ')} exited ${code}: ${stderr.split('\n').slice(-3).join(' ')}`),
          );
          return;
        }
        const rssMiB = withTime ? parseRss(stderr) : undefined;
        resolve({ seconds, ...(rssMiB !== undefined ? { rssMiB } : {}) });
      },
    );
  });
}

async function measure(cmd: Command): Promise<Summary> {
  await runOnce(cmd); // warms the page cache; not counted
  const samples: Sample[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(await runOnce(cmd));
  return summarize(samples);
}

const mib = (n: number | undefined): string => (n === undefined ? '?' : `${Math.round(n)} MiB`);

function row(
  name: string,
  s: Summary,
  baseline: string,
  b: Summary,
  extra: Partial<BenchMeasured>,
): BenchMeasured {
  return {
    kind: 'measured',
    name,
    seconds: s.seconds,
    baseline,
    baselineSeconds: b.seconds,
    ratio: s.seconds / b.seconds,
    ...(s.rssMiB !== undefined ? { peakRssMiB: s.rssMiB } : {}),
    note: `${baseline}: ${mib(b.rssMiB)}${s.rssMiB !== undefined && b.rssMiB ? `, RSS ×${(s.rssMiB / b.rssMiB).toFixed(1)}` : ''}`,
    ...extra,
  };
}

export async function run(): Promise<BenchRow[]> {
  const build = await runOnce({ argv: [process.execPath, 'scripts/build.js'] });
  const dir = await mkdtemp(join(tmpdir(), 'fedsync-bench-cli-'));
  const world = await startWorld({
    world: await readWorld('fixtures/worlds/demo.yaml'),
    outDir: join(dir, 'sim'),
    tickMs: 5,
  });
  try {
    const fedsync = (args: string[], entry: 'dist' | 'source' = 'dist', okCodes = [0]): Command => ({
      argv: [process.execPath, 'bin/fedsync.js', ...args],
      env: { FEDSYNC_ENTRY: entry },
      okCodes,
    });
    const node = await measure({ argv: [process.execPath, '-e', '1'] });
    const kubectlMissing = await missingCommand('kubectl', ['version', '--client']);
    const kubectl = kubectlMissing ? undefined : await measure({ argv: ['kubectl', 'version', '--client'] });

    const commands: [string, Command, 'startup' | 'plan' | undefined][] = [
      ['fedsync version', fedsync(['version']), 'startup'],
      ['fedsync validate (demo)', fedsync(['validate', '--repo', 'fixtures/repos/demo']), undefined],
      [
        'fedsync plan (demo world)',
        fedsync(
          [
            'plan',
            '--repo',
            'fixtures/repos/demo',
            '--sim',
            join(dir, 'sim'),
            '--cache-dir',
            join(dir, 'cache'),
          ],
          'dist',
          [0, 2],
        ),
        'plan',
      ],
    ];
    const rows: BenchRow[] = [];
    for (const [name, cmd, kind] of commands) {
      const s = await measure(cmd);
      const ratio = s.seconds / node.seconds;
      const target =
        kind === 'plan' ? planTarget(s.seconds) : kind ? startupTarget(ratio, s.rssMiB) : undefined;
      rows.push(
        row(`cli: ${name}`, s, 'node -e 1', node, {
          ...(target ? { target } : {}),
          ...(name === 'fedsync version'
            ? { note: `built in ${build.seconds.toFixed(2)} s; node -e 1: ${mib(node.rssMiB)}` }
            : {}),
        }),
      );
      if (kubectl) rows.push(row(`cli: ${name}`, s, 'kubectl version --client', kubectl, {}));
      else rows.push({ kind: 'skipped', name: `cli: ${name} vs kubectl`, reason: kubectlMissing ?? '' });
    }
    const tsx = await measure(fedsync(['version'], 'source'));
    rows.push(row('cli: fedsync version from the sources (tsx)', tsx, 'node -e 1', node, {}));
    return rows;
  } finally {
    await world.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
