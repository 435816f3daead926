// CLI composition root. Every command lives in its own module and is imported only when it runs:
// `fedsync version` must not pay for the Kubernetes client, Git or the YAML parser. The table below
// names each command with the one-line summary `fedsync --help` lists; the command that runs is
// loaded and registered in full (its options, its own --help), the others only by name and summary.
import { Command, CommanderError } from 'commander';
import { fedsyncVersion } from './package-version.js';

type Register = (program: Command) => void;

export type CommandEntry = {
  name: string;
  /** What `fedsync --help` lists; the same text as the command's own description (tested). */
  summary: string;
  load: () => Promise<Register>;
};

/** What the commands that talk to clusters share: the process's streams and the client-node adapter. */
async function clusterDeps() {
  const [{ processDeps }, { createClient }] = await Promise.all([
    import('./cluster-command.js'),
    import('./kube-client.js'),
  ]);
  return processDeps(createClient);
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'version',
    summary: 'print the fedsync version',
    load: async () => (await import('./commands/version.js')).registerVersion,
  },
  {
    name: 'sim',
    summary: 'run and drive a simulated federation (Kubernetes clusters and Google Cloud)',
    load: async () => (await import('./commands/sim.js')).registerSim,
  },
  {
    name: 'validate',
    summary: 'check the federation repository: print every problem as file:line: message',
    load: async () => (await import('./commands/validate.js')).registerValidate,
  },
  {
    name: 'render',
    summary: 'print the objects one cluster would receive, as YAML (no live state needed)',
    load: async () => {
      const { registerRender } = await import('./commands/render.js');
      return (program) => registerRender(program);
    },
  },
  {
    name: 'plan',
    summary:
      'show what apply would change in every cluster and the load balancer (read-only); exit 0 none, 1 error, 2 changes, 3 a cluster left out, 4 unreadable',
    load: async () => {
      const [{ registerPlan }, deps] = await Promise.all([import('./commands/plan.js'), clusterDeps()]);
      return (program) => registerPlan(program, deps);
    },
  },
  {
    name: 'apply',
    summary:
      'reconcile the clusters once to the ref (apply, adopt, prune); exit 0 every cluster holds it, 1 error, 2 held, 3 a cluster left behind, 4 unreadable',
    load: async () => {
      const [{ registerApply }, deps] = await Promise.all([import('./commands/apply.js'), clusterDeps()]);
      return (program) => registerApply(program, deps);
    },
  },
  {
    name: 'status',
    summary:
      'the federated view: each object of the repository in every cluster, replicas summed, and each load balancer; with --agent, what a running agent reports',
    load: async () => {
      // With --agent, status only calls the agent: the Kubernetes client loads for the cluster view.
      const { registerStatus } = await import('./commands/status.js');
      return (program) =>
        registerStatus(program, {
          stdout: (text) => process.stdout.write(text),
          stderr: (text) => process.stderr.write(text),
          clusterDeps,
        });
    },
  },
  {
    name: 'clusters',
    summary:
      'each registered cluster: Ready, Unreachable or Offline, last probe, region, zones and why it is not Ready',
    load: async () => {
      const [{ registerClusters }, deps] = await Promise.all([
        import('./commands/clusters.js'),
        clusterDeps(),
      ]);
      return (program) => registerClusters(program, deps);
    },
  },
  {
    name: 'reconcile',
    summary: 'ask a running agent to reconcile now; with --wait, exit by how the run ended (as apply does)',
    load: async () => {
      const [{ registerReconcile }, { processAgentDeps }] = await Promise.all([
        import('./commands/reconcile.js'),
        import('./agent-client.js'),
      ]);
      return (program) => registerReconcile(program, processAgentDeps());
    },
  },
  {
    name: 'suspend',
    summary: 'stop a running agent writing until resume (it still plans and says why)',
    load: async () => {
      const [{ registerSuspend }, { processAgentDeps }] = await Promise.all([
        import('./commands/suspend.js'),
        import('./agent-client.js'),
      ]);
      return (program) => registerSuspend(program, processAgentDeps());
    },
  },
  {
    name: 'resume',
    summary: 'let a suspended agent write again; it reconciles at once',
    load: async () => {
      const [{ registerResume }, { processAgentDeps }] = await Promise.all([
        import('./commands/resume.js'),
        import('./agent-client.js'),
      ]);
      return (program) => registerResume(program, processAgentDeps());
    },
  },
  {
    name: 'demo',
    summary: 'run fedsync on the embedded simulated federation (what `npm start` runs)',
    load: async () => {
      const [{ registerDemo }, deps] = await Promise.all([import('./commands/demo.js'), clusterDeps()]);
      return (program) =>
        registerDemo(program, {
          stdout: deps.stdout,
          stderr: deps.stderr,
          untilInterrupted: () =>
            new Promise((resolve) => {
              process.once('SIGINT', () => resolve());
              process.once('SIGTERM', () => resolve());
            }),
        });
    },
  },
  {
    name: 'run',
    summary: 'run the agent: reconcile on every push, schedule tick and drift, serve metrics and health',
    load: async () => {
      const [{ registerRun }, deps] = await Promise.all([import('./commands/run.js'), clusterDeps()]);
      return (program) =>
        registerRun(program, {
          version: fedsyncVersion(),
          stderr: deps.stderr,
          env: process.env,
          untilInterrupted: () =>
            new Promise((resolve) => {
              process.once('SIGINT', () => resolve());
              process.once('SIGTERM', () => resolve());
            }),
        });
    },
  },
];

/** The command `argv` runs (`fedsync help <command>` counts as that command), if it names one. */
export function commandOf(argv: readonly string[]): CommandEntry | undefined {
  const words = argv.slice(2).filter((a) => !a.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return COMMANDS.find((c) => c.name === name);
}

/**
 * The program with the commands in `full` registered in full (default: every command) and the
 * others by name and summary only.
 */
export async function buildProgram(options: { full?: readonly CommandEntry[] } = {}): Promise<Command> {
  const full = options.full ?? COMMANDS;
  const program = new Command('fedsync')
    .description(
      'GitOps reconciler for a federation of Kubernetes clusters behind one Google Cloud global load balancer',
    )
    .version(fedsyncVersion(), '-V, --version')
    .showHelpAfterError()
    .exitOverride();
  for (const entry of COMMANDS) {
    if (full.includes(entry)) (await entry.load())(program);
    else program.command(entry.name).description(entry.summary);
  }
  return program;
}

/** Runs the CLI and returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    // Only the command that runs is loaded; with none named (`fedsync --help`, a typo) none is.
    const only = commandOf(argv);
    const program = await buildProgram({ full: only ? [only] : [] });
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    console.error(`fedsync: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
