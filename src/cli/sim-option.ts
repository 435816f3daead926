// `--sim <dir>`: the member clusters of a simulated world that `fedsync sim up --out <dir>` runs.
// The one place outside the simulator's own commands that knows the simulator's files.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { SimJson } from '../sim/run-world.js';

export function addSimOption(cmd: Command): Command {
  return cmd.option(
    '--sim <dir>',
    'the running simulated world whose files `fedsync sim up --out <dir>` wrote',
  );
}

/** The kubeconfig a running simulated world wrote. */
export async function simKubeconfig(dir: string): Promise<string> {
  const file = join(dir, 'sim.json');
  let sim: Partial<SimJson>;
  try {
    sim = JSON.parse(await readFile(file, 'utf8')) as Partial<SimJson>;
  } catch {
    throw new Error(
      `no running world in ${dir}: ${file} is missing (start one with \`fedsync sim up --out ${dir}\`)`,
    );
  }
  return sim.kubeconfig || join(dir, 'kubeconfig');
}
