// Decides what bin/fedsync.js runs: the compiled CLI in dist/ or the TypeScript sources (through tsx).
// An installed package has no src/ and always runs dist/. A checkout runs dist/ only while every file
// it was built from still has the size and mtime dist/build-info.json recorded, so an edit, a branch
// switch or an `npm install` falls back to the sources instead of running a stale build.
// FEDSYNC_ENTRY=dist|source forces one (tests run the sources); unset or `auto` decides as above.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * @param {{ root: string, env?: Record<string, string | undefined> }} options
 * @returns {{ kind: 'dist' | 'source', reason: string }}
 */
export function chooseEntry({ root, env = {} }) {
  const forced = env.FEDSYNC_ENTRY ?? 'auto';
  if (forced === 'dist' || forced === 'source') return { kind: forced, reason: `FEDSYNC_ENTRY=${forced}` };
  if (forced !== 'auto')
    throw new Error(`FEDSYNC_ENTRY must be dist, source or auto (got ${JSON.stringify(forced)})`);
  const hasSource = existsSync(join(root, 'src', 'cli', 'main.ts'));
  let info;
  try {
    info = JSON.parse(readFileSync(join(root, 'dist', 'build-info.json'), 'utf8'));
  } catch {
    if (hasSource) return { kind: 'source', reason: 'dist/ is not built (npm run build)' };
    throw new Error(`fedsync is not built: neither ${join(root, 'dist')} nor the sources exist`);
  }
  if (!hasSource) return { kind: 'dist', reason: 'no sources next to dist/' };
  for (const [path, [mtimeMs, size]] of Object.entries(info.inputs)) {
    let now;
    try {
      now = statSync(join(root, path));
    } catch {
      return { kind: 'source', reason: `${path} is gone since the build` };
    }
    if (now.mtimeMs !== mtimeMs || now.size !== size)
      return { kind: 'source', reason: `${path} changed since the build (npm run build)` };
  }
  return { kind: 'dist', reason: 'dist/ is up to date with the sources' };
}
