// The parent's side of bench/agent-child.ts: starts fedsync's agent in its own process against
// simulated clusters this process runs, and sends it one command at a time.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { childCommand } from './compile-child.js';
import type { PlanMode } from '../src/agent/plan-mode.js';
import type { Counts, ReconcileStatus } from '../src/model/index.js';

export type ChildReconcile = {
  seconds: number;
  /** CPU seconds the agent process used for this reconcile (user + system). */
  cpuSeconds: number;
  status: ReconcileStatus;
  counts?: Counts;
  problems: string[];
  mode?: PlanMode;
};

export type ChildMemory = {
  rssMiB: number;
  heapUsedMiB: number;
  /** The heap V8 holds (used or not) and memory outside it (buffers): what RSS is made of. */
  heapTotalMiB: number;
  externalMiB: number;
  peakRssMiB: number;
  /** Live objects the last observe handed the planner, all clusters. */
  cached: number;
  gc: boolean;
};

export type AgentProcess = {
  reconcile(): Promise<ChildReconcile>;
  /** After two full garbage collections. */
  memory(): Promise<ChildMemory>;
  stop(): Promise<void>;
};

export async function startAgentProcess(options: {
  kubeconfig: string;
  repo: string;
  cacheDir: string;
  /** Added to the child's environment. */
  env?: NodeJS.ProcessEnv;
}): Promise<AgentProcess> {
  const child = spawn(
    process.execPath,
    [
      '--expose-gc',
      ...(await childCommand('bench/agent-child.ts')),
      options.kubeconfig,
      options.repo,
      options.cacheDir,
    ],
    { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...options.env } },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const lines: AsyncIterator<string> = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const answer = async <T>(command?: string): Promise<T> => {
    if (command) child.stdin.write(`${command}\n`);
    const line = await lines.next();
    if (line.done)
      throw new Error(`the agent process exited: ${stderr.trim().split('\n').slice(-3).join(' ')}`);
    return JSON.parse(line.value) as T;
  };
  try {
    await answer<{ ready: true }>();
  } catch (err) {
    child.kill();
    throw err;
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    reconcile: () => answer<ChildReconcile>('reconcile'),
    memory: () => answer<ChildMemory>('memory'),
    async stop() {
      if (child.exitCode === null) {
        child.stdin.write('exit\n');
        await exited;
      }
    },
  };
}
