// `fedsync render --repo <r> [--ref <ref>] --cluster <name>`: the objects one cluster would
// receive, as YAML, from the repository alone (no live state; Secret values masked).
// Exit codes: 0 rendered (warnings on stderr), 1 the repository has errors or the cluster is unknown.
import type { Command } from 'commander';
import { formatProblem } from '../../model/index.js';
import { renderCluster } from '../../plan/render-cluster.js';
import { renderObjectsYaml } from '../../report/render/objects-yaml.js';
import { loadRepo as defaultLoadRepo } from '../load-repo.js';
import type { LoadRepo } from '../load-repo.js';

export type RenderDeps = {
  loadRepo: LoadRepo;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
};

const defaultDeps: RenderDeps = {
  loadRepo: defaultLoadRepo,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

export function registerRender(program: Command, deps: RenderDeps = defaultDeps): void {
  program
    .command('render')
    .description('print the objects one cluster would receive, as YAML (no live state needed)')
    .requiredOption('--repo <path-or-url>', 'federation repository')
    .option('--ref <ref>', 'branch, tag or commit to read', undefined)
    .requiredOption('--cluster <name>', 'registered cluster to render for')
    .action(async (opts: { repo: string; ref?: string; cluster: string }) => {
      const loaded = await deps.loadRepo(opts.repo, opts.ref);
      if (!loaded.ok) {
        deps.stderr(loaded.problems.map((p) => `${formatProblem(p)}\n`).join(''));
        process.exitCode = 1;
        return;
      }
      const sha = loaded.revision?.sha ?? opts.ref ?? 'HEAD';
      const { objects, problems } = renderCluster(loaded.value, opts.cluster, { sha });
      if (problems.length > 0) deps.stderr(problems.map((p) => `${formatProblem(p)}\n`).join(''));
      if (problems.some((p) => p.severity === 'error')) process.exitCode = 1;
      if (objects.length > 0) deps.stdout(renderObjectsYaml(objects));
    });
}
