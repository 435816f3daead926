// Reporting options shared by `apply` and `plan --preview`: the status branch (on by default for a
// Git repository) and commit statuses (only where a forge is configured, by flags or environment,
// never by the repository). Builds the Git reporter and turns its events into one-line messages.
import { dirname, join } from 'node:path';
import type { Clock } from '../model/index.js';
import { createGitReporter } from '../report/publish/reporter.js';
import type { GitReporter, ReportEvent } from '../report/publish/reporter.js';
import { openStatusBranch } from '../report/publish/status-branch.js';
import {
  createCommitStatusProvider,
  createCommitStatusPublisher,
  forgeConfigFrom,
  forgeConfigFromEnv,
} from '../report/publish/commit-status/index.js';
import type { Command } from 'commander';
import type { LoadRepoOptions } from '../source/load-repo.js';

export type ReportCliOptions = {
  /** False with --no-report. */
  report?: boolean;
  statusBranch?: string;
  forge?: string;
  forgeRepo?: string;
  forgeUrl?: string;
  forgeWebUrl?: string;
  forgeTokenEnv?: string;
  forgeTokenFile?: string;
};

export function addReportOptions(cmd: Command): Command {
  return cmd
    .option('--no-report', 'write no status branch and post no commit statuses')
    .option('--status-branch <name>', 'branch of the federation repository for the status', 'fedsync/status')
    .option('--forge <kind>', 'post commit statuses to github, gitea or gitlab (default $FEDSYNC_FORGE)')
    .option('--forge-repo <owner/name>', 'repository on the forge (GitLab: project path or id)')
    .option('--forge-url <url>', 'API base (GitHub Enterprise: https://host/api/v3; Gitea, GitLab: server)')
    .option('--forge-web-url <url>', 'web address for links to the status branch (default from --forge-url)')
    .option(
      '--forge-token-env <name>',
      'environment variable with the forge token (default FEDSYNC_FORGE_TOKEN)',
    )
    .option('--forge-token-file <path>', 'file with the forge token');
}

/** A Git commit id: only a commit can carry a status or be named on the status branch. */
const COMMIT = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

export type ReporterSetup = {
  reporter: GitReporter;
  /** What is reported where, e.g. "status branch fedsync/status of <repo>; commit statuses on github". */
  where: string[];
};

/**
 * The reporter for a run, or undefined with why none: --no-report, or the source is not a Git
 * repository (a plain directory has no commits to report on). Throws a one-line message on a bad
 * forge configuration.
 */
export async function reporterFor(options: {
  opts: ReportCliOptions;
  repo: LoadRepoOptions;
  /** The commit the run reads (a directory source has none). */
  sha: string | undefined;
  recordHealth: boolean;
  clock: Clock;
  onEvent: (event: ReportEvent) => void;
  env?: NodeJS.ProcessEnv;
}): Promise<ReporterSetup | { reporter?: undefined; why: string }> {
  const { opts, repo } = options;
  const env = options.env ?? process.env;
  if (opts.report === false) return { why: 'reporting is off (--no-report)' };
  if (!options.sha || !COMMIT.test(options.sha) || repo.workingTree)
    return { why: `${repo.repo} is read as plain files, not a Git commit: nothing to report on` };
  const forge =
    forgeConfigFrom({
      ...(opts.forge ? { forge: opts.forge } : {}),
      ...(opts.forgeRepo ? { repository: opts.forgeRepo } : {}),
      ...(opts.forgeUrl ? { url: opts.forgeUrl } : {}),
      ...(opts.forgeWebUrl ? { webUrl: opts.forgeWebUrl } : {}),
      ...(opts.forgeTokenEnv ? { tokenEnv: opts.forgeTokenEnv } : {}),
      ...(opts.forgeTokenFile ? { tokenFile: opts.forgeTokenFile } : {}),
    }) ?? (opts.forge ? undefined : forgeConfigFromEnv(env));
  const statusBranch = openStatusBranch({
    repo: repo.repo,
    ...(opts.statusBranch ? { branch: opts.statusBranch } : {}),
    ...(repo.auth ? { auth: repo.auth } : {}),
    ...(repo.caFile ? { caFile: repo.caFile } : {}),
    cacheDir: join(dirname(repo.cacheDir ?? '.fedsync/cache/git'), 'status'),
    env,
    clock: options.clock,
  });
  const where = [`status branch ${statusBranch.branch} of ${statusBranch.description}`];
  let commitStatuses;
  if (forge) {
    // Rate limits are waited out in real time, whatever clock stamps the status commits.
    const provider = await createCommitStatusProvider(forge, { env });
    commitStatuses = createCommitStatusPublisher({ provider });
    where.push(`commit statuses on ${forge.forge} ${forge.repository}`);
  }
  const reporter = createGitReporter({
    statusBranch,
    ...(commitStatuses ? { commitStatuses } : {}),
    ...(forge?.contextPrefix ? { contextPrefix: forge.contextPrefix } : {}),
    recordHealth: options.recordHealth,
    clock: options.clock,
    onEvent: options.onEvent,
  });
  return { reporter, where };
}

/** One line per event; `failure` ones go to stderr. */
export function reportEventLine(event: ReportEvent): { line: string; failure: boolean } {
  switch (event.kind) {
    case 'committed':
      return {
        line: `status branch ${event.branch}: committed ${event.commit.slice(0, 12)} for ${event.sourceSha.slice(0, 12)}`,
        failure: false,
      };
    case 'branchFailed':
      return { line: `status branch ${event.branch}: not written: ${event.error.message}`, failure: true };
    case 'statusFailed':
      return {
        line: `commit status${event.context ? ` ${event.context}` : 's'} for ${event.sha.slice(0, 12)}: not posted: ${event.error.message}`,
        failure: true,
      };
    case 'statusesPosted':
      return {
        line: `commit statuses for ${event.sha.slice(0, 12)}: posted ${event.contexts.join(', ')}`,
        failure: false,
      };
  }
}
