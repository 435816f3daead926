// CPU profiles of one stretch of bench work, written as .cpuprofile files (open them in Chrome
// DevTools). Only the profiling bench code loads node:inspector.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Runs `fn` under the V8 CPU profiler and writes the profile to `<dir>/<name>.cpuprofile`. */
export async function withCpuProfile<T>(dir: string, name: string, fn: () => Promise<T>): Promise<T> {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    await writeFile(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}
