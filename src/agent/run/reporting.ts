// The agent's reports into Git, from its configuration: the status branch of the followed
// repository (on by default, `report.enabled: false` turns it off), commit statuses where a forge is
// configured, the drift the watch finds between reconciles (in batches, by the leader only), and the
// previews of the configured preview refs, planned read-only after each run. A report that cannot be
// written is a log line and a counter, never a failed reconcile.
import { dirname, join } from 'node:path';
import type { Drift, Reporter } from '../../model/index.js';
import type { GitAuth } from '../../source/auth.js';
import { listHeads } from '../../source/list-heads.js';
import type { LoadedRepo } from '../../source/load-repo.js';
import {
  createCommitStatusPublisher,
  createLazyCommitStatusProvider,
  forgeConfigFrom,
} from '../../report/publish/commit-status/index.js';
import type { ForgeConfig } from '../../report/publish/commit-status/index.js';
import { batchDrift } from '../../report/publish/drift-batch.js';
import type { DriftBatchOptions } from '../../report/publish/drift-batch.js';
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
  /** Drift the watch found (the fleet's onDrift): reported in batches between reconciles. */
  drift?: (drift: Drift) => void;
  /** Sends drift still waiting; called when the agent stops. */
  close?: () => Promise<void>;
};

/** The agent's forge settings as the commit-status providers take them. */
export function forgeOf(config: AgentConfig): ForgeConfig | undefined {
  const f = config.forge;
  if (!f) return undefined;
  return forgeConfigFrom({
    forge: f.kind,
    repository: f.repository,
    url: f.baseUrl,
    ...(f.webUrl ? { webUrl: f.webUrl } : {}),
    ...(f.token && 'env' in f.token ? { tokenEnv: f.token.env } : {}),
    ...(f.token && 'file' in f.token ? { tokenFile: f.token.file } : {}),
  });
}

export function agentReporting(options: {
  config: AgentConfig;
  auth: GitAuth | undefined;
  log: Logger;
  env: NodeJS.ProcessEnv;
  readAt: (ref: string) => Promise<LoadedRepo>;
  targets: PreviewTargets;
  /** True while this replica may write (holds the Lease): only it reports drift. */
  leading: () => boolean;
  /** How drift between reconciles is batched (tests shorten the quiet time). */
  driftBatch?: Omit<DriftBatchOptions, 'enabled'>;
}): AgentReporting {
  const { config, log } = options;
  const r = config.repository;
  if (!config.report.enabled) return {};
  const onEvent = (event: ReportEvent): void => {
    if (event.kind === 'branchFailed' || event.kind === 'statusFailed')
      log.warn({ event: event.kind, err: event.error }, 'report not written');
    else log.info({ event: event.kind }, 'reported');
  };
  const forge = forgeOf(config);
  const git = createGitReporter({
    statusBranch: openStatusBranch({
      repo: r.location,
      ...(options.auth ? { auth: options.auth } : {}),
      ...(r.caFile ? { caFile: r.caFile } : {}),
      cacheDir: join(dirname(r.cacheDir), 'status'),
      env: options.env,
    }),
    ...(forge
      ? {
          commitStatuses: createCommitStatusPublisher({
            provider: createLazyCommitStatusProvider(forge, { env: options.env }),
          }),
        }
      : {}),
    recordHealth: true,
    onEvent,
  });
  const batch = batchDrift(git, { ...options.driftBatch, enabled: options.leading });
  const reporting: AgentReporting = {
    reporter: batch.reporter,
    drift: (d) => batch.add(d),
    close: () => batch.close(),
  };
  if (config.previews.refs.length === 0) return reporting;
  return {
    ...reporting,
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
        reporter: batch.reporter,
        onError: (ref, error) => log.warn({ ref, error }, 'preview not planned'),
      }),
    },
  };
}
