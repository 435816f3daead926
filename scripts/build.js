// Builds the compiled CLI into dist/ (run by `npm install` of a checkout through `prepare`, and by
// `npm run build`). One ESM bundle of src/cli/main.ts and the pure-JavaScript dependencies, split at
// every dynamic import() so a command loads its code only when it runs. Next to it,
// dist/build-info.json records the size and mtime of every input, which bin/fedsync.js compares to
// decide whether dist/ is still what the sources say (see docs/build.md).
import { build } from 'esbuild';
import { existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// Kept out of the bundle and loaded from node_modules: these find files next to their own modules
// at run time (proto definitions, worker and daemon scripts), which a bundle would move away.
export const EXTERNAL = [
  '@google-cloud/*',
  'google-gax',
  'google-auth-library',
  '@grpc/*',
  'protobufjs',
  'pino',
  'pino-pretty',
  'thread-stream',
  'node-cron',
];

// Files whose change makes a build stale besides the bundled sources: the package manifest, the
// installed dependency tree (npm rewrites node_modules/.package-lock.json on every install) and the
// patches applied to it (patches/, see docs/source-performance.md).
const EXTRA_INPUTS = [
  'package.json',
  'node_modules/.package-lock.json',
  'scripts/build.js',
  ...(existsSync(join(root, 'patches')) ? readdirSync(join(root, 'patches')).map((f) => `patches/${f}`) : []),
];

function sourceFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

function fingerprint(path) {
  const s = statSync(join(root, path));
  return [s.mtimeMs, s.size];
}

const toPosix = (path) => path.split(sep).join('/');

/** Builds into `outDir` (default dist/) through a temporary directory, so readers never see half a build. */
export async function buildDist({ outDir = join(root, 'dist') } = {}) {
  // Fingerprints are taken before esbuild reads anything: an edit during the build makes it stale.
  const candidates = [
    ...sourceFiles(join(root, 'src')).map((p) => toPosix(relative(root, p))),
    ...EXTRA_INPUTS.filter((p) => existsSync(join(root, p))),
  ];
  const before = new Map(candidates.map((p) => [p, fingerprint(p)]));
  const tmp = `${outDir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { main: 'src/cli/main.ts' },
    outdir: tmp,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL,
    // Bundled CommonJS dependencies call require() for Node built-ins; ESM has none of its own.
    banner: {
      js: "import { createRequire as __fedsyncCreateRequire } from 'node:module'; const require = __fedsyncCreateRequire(import.meta.url);",
    },
    // Not minified: it loads no faster here (measured), and readable stack traces are worth more.
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  const bundled = new Set(Object.keys(result.metafile.inputs).map(toPosix));
  const inputs = {};
  for (const [path, print] of before) {
    if (bundled.has(path) || EXTRA_INPUTS.includes(path)) inputs[path] = print;
  }
  const lines = Object.entries(inputs).map(
    ([path, print]) => `  ${JSON.stringify(path)}: ${JSON.stringify(print)}`,
  );
  writeFileSync(join(tmp, 'build-info.json'), `{ "inputs": {\n${lines.join(',\n')}\n} }\n`);
  writeFileSync(join(tmp, 'package.json'), '{ "type": "module" }\n');
  rmSync(outDir, { recursive: true, force: true });
  renameSync(tmp, outDir);
  return { outDir, inputs: Object.keys(inputs).length, outputs: Object.keys(result.metafile.outputs).length };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const { outDir, inputs, outputs } = await buildDist();
  const ms = Math.round(performance.now() - started);
  console.error(
    `fedsync build: ${outputs} files in ${relative(root, outDir)}/ from ${inputs} inputs (${ms} ms)`,
  );
}
