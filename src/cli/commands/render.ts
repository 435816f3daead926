// `fedsync render --repo <r> [--ref <ref>] --cluster <name>`: the objects one cluster would
// receive, as YAML, from the repository alone (no live state; Secret values masked).
// Takes the same repository options as `validate` (credentials, CA bundle, cache dir).
// Exit codes: 0 rendered (warnings on stderr), 1 the repository has errors or the cluster is
// unknown, 2 the repository could not be read at all (bad location, credentials, network, limits).
import type { Command } from 'commander';
import { formatProblem } from '../../model/index.js';
import { renderCluster } from '../../plan/render-cluster.js';
import { formatObjectsYaml } from '../../report/format/objects-yaml.js';
import { SourceError } from '../../source/errors.js';
import { addRepoOptions, loadRepoOptionsFrom } from '../git-options.js';
import type { RepoCliOptions } from '../git-options.js';
import { loadRepo as defaultLoadRepo } from '../../source/load-repo.js';
import type { LoadedRepo, LoadRepo } from '../../source/load-repo.js';

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

type RenderOptions = RepoCliOptions & { cluster: string };

export function registerRender(program: Command, deps: RenderDeps = defaultDeps): void {
  addRepoOptions(program.command('render'))
    .description('print the objects one cluster would receive, as YAML (no live state needed)')
    .requiredOption('--cluster <name>', 'registered cluster to render for')
    .action(async (opts: RenderOptions) => {
      let loaded: LoadedRepo;
      try {
        loaded = await deps.loadRepo(loadRepoOptionsFrom(opts));
      } catch (err) {
        if (!(err instanceof SourceError)) throw err;
        deps.stderr(`fedsync: ${err.message}\n`);
        process.exitCode = 2;
        return;
      }
      if (!loaded.ok) {
        deps.stderr(loaded.problems.map((p) => `${formatProblem(p)}\n`).join(''));
        process.exitCode = 1;
        return;
      }
      const sha = loaded.revision?.sha ?? opts.ref ?? 'HEAD';
      const { objects, problems } = renderCluster(loaded.value, opts.cluster, { sha });
      if (problems.length > 0) deps.stderr(problems.map((p) => `${formatProblem(p)}\n`).join(''));
      if (problems.some((p) => p.severity === 'error')) process.exitCode = 1;
      if (objects.length > 0) deps.stdout(formatObjectsYaml(objects));
    });
}
