// The agent service (what `fedsync run` starts) on a simulated world, for tests: a local repository,
// the world's directory as --sim, an ephemeral port, a schedule that never fires and a rare drift
// check, so only the triggers a test pulls start a run. Every run is collected in `runs`.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import git from 'isomorphic-git';
import type { AgentRun } from '../../src/agent/agent.js';
import { resolveAgentConfig } from '../../src/agent/config/resolve.js';
import { createLogger } from '../../src/agent/observe/logger.js';
import { startAgentService, type AgentService } from '../../src/agent/run/service.js';

export type SimAgent = { service: AgentService; runs: AgentRun[] };

export async function startSimAgent(options: {
  repoDir: string;
  simDir: string;
  cacheDir: string;
  identity: string;
  /** More flags, or ones that replace the defaults above. */
  flags?: Record<string, string | boolean>;
  version?: string;
}): Promise<SimAgent> {
  const resolved = resolveAgentConfig({
    env: {},
    host: { hostname: 'test', instanceId: options.identity },
    flags: {
      'repo-path': options.repoDir,
      sim: options.simDir,
      listen: '127.0.0.1:0',
      identity: options.identity,
      schedule: '0 0 1 1 *',
      'drift-interval': '1h',
      'cache-dir': options.cacheDir,
      ...options.flags,
    },
  });
  if (!resolved.ok) assert.fail(JSON.stringify(resolved.problems));
  const runs: AgentRun[] = [];
  const service = await startAgentService({
    config: resolved.value,
    version: options.version ?? '0.0.0-test',
    log: createLogger({ level: 'silent' }),
    env: {},
    healthIntervalMs: 200,
    onRun: (r) => runs.push(r),
  });
  return { service, runs };
}

/** Commits what is staged in the local repository `dir`. */
export function commitAll(dir: string, message: string): Promise<string> {
  return git.commit({ fs, dir, message, author: { name: 't', email: 't@example.com' } });
}

/** Sets the demo ReplicaSet's replicas in `dir` and commits it. */
export async function commitReplicas(dir: string, n: number): Promise<string> {
  const file = join(dir, 'myreplicaset.yaml');
  await writeFile(file, (await readFile(file, 'utf8')).replace(/replicas: \d+/, `replicas: ${n}`));
  await git.add({ fs, dir, filepath: 'myreplicaset.yaml' });
  return commitAll(dir, `${n} replicas`);
}
