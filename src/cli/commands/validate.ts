// `fedsync validate`: reads one revision of the federation repository and prints every problem as
// `file:line: message`. Exit 0 when valid, 1 when there is any problem, 2 when the repository
// could not be read at all (bad location, credentials, network, limits).
import type { Command } from 'commander';
import { describeTenancy } from '../../manifests/tenancy-text.js';
import { formatProblem } from '../../model/problem.js';
import { SourceError } from '../../source/errors.js';
import { addRepoOptions, loadRepoOptionsFrom } from '../git-options.js';
import type { RepoCliOptions } from '../git-options.js';
import { loadRepo as defaultLoadRepo } from '../../source/load-repo.js';
import type { LoadRepo } from '../../source/load-repo.js';

type ValidateOptions = RepoCliOptions & { output: string };

export async function validate(opts: ValidateOptions, load: LoadRepo = defaultLoadRepo): Promise<number> {
  const json = opts.output === 'json';
  try {
    const { revision, repoDescription, ...result } = await load(loadRepoOptionsFrom(opts));
    const repo = repoDescription ?? opts.repo;
    if (json) {
      const summary = result.ok
        ? {
            federation: result.value.federation.name,
            clusters: result.value.clusters.length,
            objects: result.value.objects.length,
            policy: result.value.federation.policy.tenancy,
          }
        : undefined;
      console.log(
        JSON.stringify(
          {
            ok: result.ok,
            repo,
            revision,
            problems: result.ok ? [] : result.problems,
            summary,
          },
          null,
          2,
        ),
      );
      return result.ok ? 0 : 1;
    }
    if (!result.ok) {
      for (const p of result.problems) console.log(formatProblem(p));
      console.error(
        `${result.problems.length} problem(s) in ${repo} at ${revision?.sha ?? opts.ref ?? 'HEAD'}: nothing from this revision can be applied`,
      );
      return 1;
    }
    const v = result.value;
    console.log(
      `ok: federation ${v.federation.name} at ${revision?.sha ?? opts.ref ?? 'HEAD'}: ${v.clusters.length} clusters, ${v.objects.length} objects`,
    );
    if (v.federation.policy.tenancy) console.log(describeTenancy(v.federation.policy.tenancy).join('\n'));
    return 0;
  } catch (err) {
    if (!(err instanceof SourceError)) throw err;
    if (json)
      console.log(JSON.stringify({ ok: false, error: { code: err.code, message: err.message } }, null, 2));
    else console.error(`fedsync: ${err.message}`);
    return 2;
  }
}

export function registerValidate(program: Command): void {
  addRepoOptions(program.command('validate'))
    .description('check the federation repository: print every problem as file:line: message')
    .option('-o, --output <format>', 'text or json', 'text')
    .action(async (opts: ValidateOptions) => {
      process.exitCode = await validate(opts);
    });
}
