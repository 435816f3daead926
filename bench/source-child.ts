// Child process of bench/source.ts: reads the federation repository with fedsync's GitSource cold,
// waits for the parent to push a one-file commit, then reads it again (argv: url, cache directory,
// fetcher, and `cold` to stop after the cold read). Runs alone in its process so
// its peak RSS is fedsync's own (plus Node and tsx). With FEDSYNC_BENCH_PROFILE=<dir> it also writes
// a CPU profile of the cold fetch alone to <dir>/cold-fetch.cpuprofile (open it in Chrome DevTools):
// `node --cpu-prof` on the whole child would mostly show tsx compiling modules.
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createParseCache } from '../src/manifests/index.js';
import { openGitSource, readFederationAt } from '../src/source/index.js';

const [url, cacheDir, fetcher = 'auto', phases = 'both'] = process.argv.slice(2) as [
  string,
  string,
  ('auto' | 'git' | 'isomorphic-git')?,
  ('cold' | 'both')?,
];
const rssMiB = (): number => process.resourceUsage().maxRSS / 1024;
const idleRss = rssMiB();
const lines: AsyncIterator<string> = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

const source = await openGitSource({ repo: url, cacheDir, fetcher });
const cache = createParseCache();
const profileDir = process.env.FEDSYNC_BENCH_PROFILE;
const profiler = profileDir ? new Session() : undefined;
if (profiler) {
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}
let t = performance.now();
const rev = await source.latestRevision('main');
const fetchSeconds = (performance.now() - t) / 1000;
if (profiler && profileDir) {
  const { profile } = await profiler.post('Profiler.stop');
  await writeFile(join(profileDir, 'cold-fetch.cpuprofile'), JSON.stringify(profile));
  profiler.disconnect();
}
t = performance.now();
const first = await readFederationAt(source, { cache, ref: rev.sha });
const readSeconds = (performance.now() - t) / 1000;
if (!first.result.ok) throw new Error('the generated repository should be valid');
console.log(
  JSON.stringify({
    phase: 'cold',
    fetchSeconds,
    readSeconds,
    peakRssMiB: rssMiB(),
    idleRss,
    blobs: source.stats.blobsRead,
    fetchedWith: source.stats.fetchedWith,
  }),
);
if (phases === 'cold') process.exit(0);

await lines.next();
t = performance.now();
const second = await readFederationAt(source, { cache, ref: 'main' });
const warmSeconds = (performance.now() - t) / 1000;
console.log(
  JSON.stringify({
    phase: 'warm',
    warmSeconds,
    peakRssMiB: rssMiB(),
    changed: second.revision.changedPaths?.length,
    parsed: cache.parsed,
    blobs: source.stats.blobsRead,
  }),
);
process.exit(0);
