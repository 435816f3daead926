// The Git reporter: the Reporter port on the status branch and commit statuses. After each reconcile
// it reads what the branch holds, computes the next snapshot (pure), writes it (a commit only when a
// file changes), then posts the commit statuses that changed, linking into that status commit.
// Nothing here throws into reconciliation: every failure is counted and handed to `onEvent`.
import { systemClock } from '../../clock.js';
import type { Clock, Drift, PickedUp, PreviewReport, ReconcileReport, Reporter } from '../../model/index.js';
import { commitStatusesFor, previewStatusFor } from '../format/commit-statuses.js';
import type { CommitStatus } from '../format/commit-statuses.js';
import { formatStatusFiles, statusSummary } from '../format/status-files.js';
import { snapshotAfterDrift, snapshotAfterReconcile, snapshotWithPreview } from '../format/status-next.js';
import { readStatusSnapshot } from '../format/status-read.js';
import type { StatusSnapshot } from '../format/status-snapshot.js';
import type { CommitStatusPublisher } from './commit-status/publisher.js';
import type { ForgeError } from './commit-status/port.js';
import type { StatusBranchError } from './status-branch-errors.js';
import type { PreviousStatus, StatusBranchWriter } from './status-branch.js';

export type ReportEvent =
  | { kind: 'committed'; branch: string; commit: string; sourceSha: string }
  | { kind: 'branchFailed'; branch: string; error: StatusBranchError }
  | { kind: 'statusFailed'; sha: string; context?: string; error: ForgeError }
  | { kind: 'statusesPosted'; sha: string; contexts: string[] };

export type ReporterStats = {
  commits: number;
  unchanged: number;
  branchFailures: number;
  statusesPosted: number;
  statusFailures: number;
};

export type GitReporter = Required<Reporter> & {
  readonly stats: ReporterStats;
  /** The snapshot of the newest report (what the branch shows, or would). */
  snapshot(): StatusSnapshot | undefined;
};

export type GitReporterOptions = {
  /** The status branch; absent: none is written. */
  statusBranch?: StatusBranchWriter;
  /** Commit statuses; absent: none are posted. */
  commitStatuses?: CommitStatusPublisher;
  /** Context prefix; default `fedsync`. */
  contextPrefix?: string;
  /** True for the long-lived agent: it records the cluster health it probed (clusters/<name>.json). */
  recordHealth: boolean;
  clock?: Clock;
  /** history.jsonl cap; default 200. */
  historyLimit?: number;
  onEvent?: (event: ReportEvent) => void;
};

export function createGitReporter(options: GitReporterOptions): GitReporter {
  const clock = options.clock ?? systemClock;
  const emit = options.onEvent ?? (() => undefined);
  const prefix = options.contextPrefix ? { prefix: options.contextPrefix } : {};
  const stats: ReporterStats = {
    commits: 0,
    unchanged: 0,
    branchFailures: 0,
    statusesPosted: 0,
    statusFailures: 0,
  };
  let last: StatusSnapshot | undefined;
  let chain: Promise<unknown> = Promise.resolve();

  /** One report at a time, in call order; a failing one never stops the next. */
  const serial = (work: () => Promise<void>): Promise<void> => {
    const next = chain.then(work).catch(() => undefined);
    chain = next;
    return next;
  };

  const previousOf = (previous: PreviousStatus | undefined): StatusSnapshot | undefined =>
    (previous && readStatusSnapshot(previous.files)) ?? last;

  /**
   * Writes the snapshot `next` computes from what the branch holds (or from memory without a
   * branch); resolves to the snapshot and the status commit to link to. `next` returning undefined
   * means there is nothing to report (e.g. drift before any snapshot exists): nothing is written.
   */
  const write = async (
    next: (previous: StatusSnapshot | undefined) => StatusSnapshot | undefined,
  ): Promise<{ snapshot?: StatusSnapshot; statusCommit?: string }> => {
    const branch = options.statusBranch;
    if (!branch) {
      last = next(last) ?? last;
      return last ? { snapshot: last } : {};
    }
    let made: StatusSnapshot | undefined;
    let nothing = false;
    const result = await branch.publish((previous) => {
      const snapshot = next(previousOf(previous));
      if (!snapshot) {
        nothing = true;
        throw new Error('nothing to report');
      }
      made = snapshot;
      const history = previous.files.get('history.jsonl');
      return {
        files: formatStatusFiles(snapshot, {
          ...(history !== undefined ? { previousHistory: history } : {}),
          ...(options.historyLimit !== undefined ? { historyLimit: options.historyLimit } : {}),
        }),
        sourceSha: snapshot.source.sha,
        summary: statusSummary(snapshot),
        trailers: { 'Fedsync-Federation': snapshot.federation },
      };
    });
    if (nothing) return {};
    if (result.outcome === 'failed') {
      stats.branchFailures++;
      emit({ kind: 'branchFailed', branch: branch.branch, error: result.error });
      // The statuses still go out, computed from memory when the branch could not even be read.
      made ??= next(last);
      if (made) last = made;
      return made ? { snapshot: made } : {};
    }
    if (made) last = made;
    if (result.outcome === 'committed') {
      stats.commits++;
      if (made)
        emit({ kind: 'committed', branch: branch.branch, commit: result.commit, sourceSha: made.source.sha });
    } else stats.unchanged++;
    return made ? { snapshot: made, statusCommit: result.commit } : {};
  };

  const post = async (
    sha: string,
    statuses: readonly CommitStatus[],
    opts: { statusCommit?: string; onlyAbsent?: boolean },
  ): Promise<void> => {
    const publisher = options.commitStatuses;
    if (!publisher || statuses.length === 0) return;
    const result = await publisher.publish(sha, statuses, opts);
    stats.statusesPosted += result.posted.length;
    if (result.posted.length > 0) emit({ kind: 'statusesPosted', sha, contexts: result.posted });
    for (const f of result.failed) {
      stats.statusFailures++;
      emit({ kind: 'statusFailed', sha, ...(f.context ? { context: f.context } : {}), error: f.error });
    }
  };

  const publishSnapshot = async (
    next: (previous: StatusSnapshot | undefined) => StatusSnapshot | undefined,
  ): Promise<void> => {
    const { snapshot, statusCommit } = await write(next);
    if (!snapshot) return;
    await post(
      snapshot.source.sha,
      commitStatusesFor(snapshot, prefix),
      statusCommit ? { statusCommit } : {},
    );
  };

  const now = () => clock.now().toISOString();

  return {
    stats,
    snapshot: () => last,
    pickedUp(commit: PickedUp) {
      return serial(async () => {
        const p = options.contextPrefix ?? 'fedsync';
        const description = `Progressing: applying ${commit.sha.slice(0, 12)}`;
        const contexts = [
          p,
          ...commit.targets.filter((t) => t.kind === 'cluster').map((t) => `${p}/${t.name}`),
          ...(commit.targets.some((t) => t.kind === 'loadBalancer') ? [`${p}/loadbalancer`] : []),
        ];
        await post(
          commit.sha,
          contexts.map((context) => ({ context, state: 'pending', description })),
          { onlyAbsent: true },
        );
      });
    },
    reconciled(report: ReconcileReport) {
      return serial(() =>
        publishSnapshot((previous) =>
          snapshotAfterReconcile({ previous, report, now: now(), recordHealth: options.recordHealth }),
        ),
      );
    },
    drifted(drift: Drift[]) {
      if (drift.length === 0) return Promise.resolve();
      return serial(() => publishSnapshot((previous) => snapshotAfterDrift({ previous, drift, now: now() })));
    },
    previewed(preview: PreviewReport, opts: { open?: readonly string[] } = {}) {
      return serial(async () => {
        const { statusCommit } = await write((previous) =>
          snapshotWithPreview(
            previous ?? {
              federation: preview.federation ?? '—',
              source: { sha: preview.sha, ref: preview.ref },
              clusters: [],
              loadBalancers: [],
            },
            { sha: preview.sha, ref: preview.ref, markdown: preview.markdown },
            opts.open ? { open: opts.open } : {},
          ),
        );
        await post(preview.sha, [previewStatusFor(preview, prefix)], statusCommit ? { statusCommit } : {});
      });
    },
  };
}
