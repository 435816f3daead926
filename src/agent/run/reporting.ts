// The agent's reports into Git, from its configuration: the status branch of the followed
// repository (on by default, `report.enabled: false` turns it off) and the previews of the
// configured preview refs, planned read-only after each run. A report that cannot be written is a
// log line and a counter, never a failed reconcile.
import { dirname, join } from 'node:path';
import type { Reporter } from '../../model/index.js';
import type { GitAuth } from '../../source/auth.js';
import { listHeads } from '../../source/list-heads.js';
import type { LoadedRepo } from '../../source/load-repo.js';
import { createGitReporter } from '../../report/publish/reporter.js';
import type { ReportEvent } from '../../report/publish/reporter.js';
import { openStatusBranch } from '../../report/publish/status-branch.js';
import type { AgentConfig } from '../config/types.js';
import type { Logger } from '../observe/logger.js';
import { createPreviewRunner } from '../preview.js';
import type { PreviewHead, PreviewRunner, PreviewTargets } from '../preview.js';

export type AgentReporting = {
  reporter?: Reporter;
  previews?: { heads: () => Promise<PreviewHead[]>; runner: PreviewRunner };
};

export function agentReporting(options: {
  config: AgentConfig;
  auth: GitAuth | undefined;
  log: Logger;
  env: NodeJS.ProcessEnv;
  readAt: (ref: string) => Promise<LoadedRepo>;
  targets: PreviewTargets;
}): AgentReporting {
  const { config, log } = options;
  const r = config.repository;
  if (!config.report.enabled) return {};
  const onEvent = (event: ReportEvent): void => {
    if (event.kind === 'branchFailed' || event.kind === 'statusFailed')
      log.warn({ event: event.kind, err: event.error }, 'report not written');
    else log.info({ event: event.kind }, 'reported');
  };
  const reporter = createGitReporter({
    statusBranch: openStatusBranch({
      repo: r.location,
      ...(options.auth ? { auth: options.auth } : {}),
      ...(r.caFile ? { caFile: r.caFile } : {}),
      cacheDir: join(dirname(r.cacheDir), 'status'),
      env: options.env,
    }),
    recordHealth: true,
    onEvent,
  });
  if (config.previews.refs.length === 0) return { reporter };
  return {
    reporter,
    previews: {
      heads: () =>
        listHeads({
          repo: r.location,
          patterns: config.previews.refs,
          ...(options.auth ? { auth: options.auth } : {}),
          ...(r.caFile ? { caFile: r.caFile } : {}),
          env: options.env,
        }),
      runner: createPreviewRunner({
        readAt: options.readAt,
        targets: options.targets,
        reporter,
        onError: (ref, error) => log.warn({ ref, error }, 'preview not planned'),
      }),
    },
  };
}
