#!/usr/bin/env node
// Entry point: the compiled CLI in dist/ when it matches the sources, else the TypeScript sources
// through tsx (see choose-entry.js). FEDSYNC_DEBUG_ENTRY=1 prints which one runs and why.
import { chooseEntry } from './choose-entry.js';

const root = new URL('..', import.meta.url);
let entry;
try {
  entry = chooseEntry({ root: root.pathname, env: process.env });
} catch (err) {
  console.error(`fedsync: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
if (process.env.FEDSYNC_DEBUG_ENTRY === '1') console.error(`fedsync: running ${entry.kind}: ${entry.reason}`);
let main;
if (entry.kind === 'dist') {
  ({ main } = await import(new URL('dist/main.js', root).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(new URL('src/cli/main.ts', root).href));
}
process.exitCode = await main(process.argv);
