// Reading a 5,000-file federation repository: fedsync's GitSource (in a child process of its own;
// it fetches with the git binary when it is on the PATH, and a second child measures the
// isomorphic-git fallback's cold fetch) side by side with the git CLI against the same git
// http-backend server, in the same run. Cold = first fetch + read + validate; warm = the same after a one-file commit.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { loadAll } from 'js-yaml';
import { startGitServer } from '../test/helpers/git-server.js';
import { createRepo, git, tempDir } from '../test/helpers/git.js';
import type { BenchMeasured } from './types.js';

const exec = promisify(execFile);
const FILES = 5000;
const DIRS = 50;

function generate(): Record<string, string> {
  const files: Record<string, string> = {
    'clusters/c1.yaml':
      'apiVersion: fedsync.io/v1alpha1\nkind: Cluster\nmetadata:\n  name: c1\n  labels: {region: r1}\n',
  };
  for (let i = 0; i < FILES; i++) {
    const dir = `apps/d${String(i % DIRS).padStart(2, '0')}`;
    files[`${dir}/cm-${i}.yaml`] =
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: default\n  labels: {app: bench, shard: "${i % DIRS}"}\ndata:\n  index: "${i}"\n  payload: ${'x'.repeat(120)}\n`;
  }
  return files;
}

/** Runs a git command under /usr/bin/time when available: elapsed seconds and peak RSS. */
async function timedGit(cwd: string, args: string[]): Promise<{ seconds: number; peakRssMiB?: number }> {
  const started = performance.now();
  if (existsSync('/usr/bin/time')) {
    const { stderr } = await exec('/usr/bin/time', ['-f', 'RSSKB=%M', 'git', ...args], {
      cwd,
      maxBuffer: 256 << 20,
    });
    const kb = /RSSKB=(\d+)/.exec(stderr)?.[1];
    return {
      seconds: (performance.now() - started) / 1000,
      ...(kb ? { peakRssMiB: Number(kb) / 1024 } : {}),
    };
  }
  await exec('git', args, { cwd, maxBuffer: 256 << 20 });
  return { seconds: (performance.now() - started) / 1000 };
}

export async function run(): Promise<BenchMeasured[]> {
  const tmp = await tempDir('fedsync-bench-');
  const server = await startGitServer(tmp.path);
  try {
    const repo = await createRepo(tmp.path, 'big', generate());
    const url = `${server.url}/big.git`;

    // git CLI: shallow bare clone, then read every object (what fedsync does when cold).
    const cliClone = await timedGit(tmp.path, [
      'clone',
      '-q',
      '--bare',
      '--depth',
      '1',
      '--',
      url,
      join(tmp.path, 'cli.git'),
    ]);
    const cliRead = await timedGit(join(tmp.path, 'cli.git'), ['cat-file', '--batch-all-objects', '--batch']);
    // The parse half of the baseline: js-yaml over the same files' text (what fedsync parses with).
    const yamlStarted = performance.now();
    for (const text of Object.values(generate())) loadAll(text);
    const yamlSeconds = (performance.now() - yamlStarted) / 1000;
    const readBaseline = cliRead.seconds + yamlSeconds;

    const startChild = (fetcher: string, phases: string, cacheDir: string) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'bench/source-child.ts', url, join(tmp.path, cacheDir), fetcher, phases],
        { stdio: ['pipe', 'pipe', 'inherit'] },
      );
      const out: AsyncIterator<string> = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
      const next = async (): Promise<Record<string, number | string>> => {
        const line = await out.next();
        if (line.done) throw new Error('bench child exited early');
        return JSON.parse(line.value) as Record<string, number | string>;
      };
      return { child, next };
    };
    // The fallback client alone first (a cold fetch only), then the default one for every row.
    const library = startChild('isomorphic-git', 'cold', 'cache-isomorphic-git');
    const libraryCold = await library.next();
    await new Promise((resolve) => library.child.once('exit', resolve));
    const { child, next } = startChild('auto', 'both', 'cache');
    const cold = await next();

    await repo.commit('one file', {
      'apps/d07/cm-7.yaml': (generate()['apps/d07/cm-7.yaml'] ?? '').replace('payload', 'changed'),
    });
    const cliFetch = await timedGit(join(tmp.path, 'cli.git'), [
      'fetch',
      '-q',
      '--depth',
      '1',
      'origin',
      '+refs/heads/main:refs/heads/main',
    ]);
    child.stdin.write('go\n');
    const warm = await next();
    await new Promise((resolve) => child.once('exit', resolve));
    const headSha = await git(repo.work, 'rev-parse', 'HEAD');
    await writeFile(join(tmp.path, 'done'), headSha);

    const ratio = (a: number, b: number): number => a / b;
    const num = (v: number | string | undefined): number => (typeof v === 'number' ? v : 0);
    const coldFetch = num(cold.fetchSeconds);
    const coldRead = num(cold.readSeconds);
    const warmSeconds = num(warm.warmSeconds);
    const libraryFetch = num(libraryCold.fetchSeconds);
    const note = `node+tsx idle ${Math.round(num(cold.idleRss))} MiB`;
    return [
      {
        kind: 'measured',
        name: `source: cold fetch (${String(cold.fetchedWith)} depth 1), ${FILES} files`,
        seconds: coldFetch,
        baseline: 'git clone --bare --depth 1',
        baselineSeconds: cliClone.seconds,
        ratio: ratio(coldFetch, cliClone.seconds),
        target: { text: '≤ 1.5×', met: ratio(coldFetch, cliClone.seconds) <= 1.5 },
        ...(cold.peakRssMiB ? { peakRssMiB: num(cold.peakRssMiB) } : {}),
        note,
      },
      {
        kind: 'measured',
        name: `source: cold fetch without git on the PATH (isomorphic-git depth 1)`,
        seconds: libraryFetch,
        baseline: 'git clone --bare --depth 1',
        baselineSeconds: cliClone.seconds,
        ratio: ratio(libraryFetch, cliClone.seconds),
        ...(libraryCold.peakRssMiB ? { peakRssMiB: num(libraryCold.peakRssMiB) } : {}),
        note: 'the fallback client (FEDSYNC_GIT_FETCHER=isomorphic-git)',
      },
      {
        kind: 'measured',
        name: `source: cold read + parse + validate ${FILES} files`,
        seconds: coldRead,
        baseline: 'git cat-file --batch-all-objects + js-yaml loadAll',
        baselineSeconds: readBaseline,
        ratio: ratio(coldRead, readBaseline),
        target: { text: '≤ 3×', met: ratio(coldRead, readBaseline) <= 3 },
        note: `${num(cold.blobs)} blobs read; cat-file ${cliRead.seconds.toFixed(3)} s + loadAll ${yamlSeconds.toFixed(3)} s`,
      },
      {
        kind: 'measured',
        name: 'source: cold total',
        seconds: coldFetch + coldRead,
        baseline: 'git clone + cat-file + loadAll',
        baselineSeconds: cliClone.seconds + readBaseline,
        ratio: ratio(coldFetch + coldRead, cliClone.seconds + readBaseline),
        ...(cliClone.peakRssMiB ? { note: `git clone peak ${Math.round(cliClone.peakRssMiB)} MiB` } : {}),
      },
      {
        kind: 'measured',
        name: 'source: after a one-file commit (fetch + read + validate)',
        seconds: warmSeconds,
        baseline: 'git fetch --depth 1',
        baselineSeconds: cliFetch.seconds,
        ratio: ratio(warmSeconds, cliFetch.seconds),
        ...(warm.peakRssMiB ? { peakRssMiB: num(warm.peakRssMiB) } : {}),
        note: `${num(warm.changed)} changed path, ${num(warm.blobs) - num(cold.blobs)} blob read, ${num(warm.parsed) - FILES - 1} file parsed${cliFetch.peakRssMiB ? `; git fetch peak ${Math.round(cliFetch.peakRssMiB)} MiB` : ''}`,
      },
    ];
  } finally {
    await server.stop();
    await tmp.remove();
  }
}
