// The bench's child processes run fedsync as users run it: compiled by esbuild into one ESM bundle
// (as `npm run build` compiles the CLI), not transpiled file by file at run time by tsx, whose loader
// and per-module source maps add tens of MiB to the RSS the memory rows measure.
// FEDSYNC_BENCH_CHILD=tsx runs the sources instead (a CPU profile then names each source file).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error the build script is plain JavaScript without type declarations
import { EXTERNAL } from '../scripts/build.js';

const built = new Map<string, Promise<string>>();
let outDir: string | undefined;

/** The command line (after `node`) that runs the TypeScript module `entry` (a path from the root). */
export async function childCommand(entry: string): Promise<string[]> {
  if (process.env.FEDSYNC_BENCH_CHILD === 'tsx') return ['--import', 'tsx', entry];
  let file = built.get(entry);
  if (!file) {
    file = compile(entry);
    built.set(entry, file);
  }
  return [await file];
}

async function compile(entry: string): Promise<string> {
  if (!outDir) {
    // Inside node_modules so the modules kept external resolve from the bundle's location.
    outDir = join(process.cwd(), 'node_modules', '.cache', `fedsync-bench-${process.pid}`);
    const dir = outDir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  const name = entry.replace(/^.*\//, '').replace(/\.ts$/, '');
  await build({
    entryPoints: { [name]: entry },
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL as string[],
    banner: {
      js: "import { createRequire as __benchCreateRequire } from 'node:module'; const require = __benchCreateRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  return join(outDir, `${name}.mjs`);
}
