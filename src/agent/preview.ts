// Pull-request previews: the read-only plan of each new head of the preview refs, published as a
// `<prefix>/plan` commit status on that head and a `previews/<sha>.md` page on the status branch. A
// preview observes the targets and plans; it has no way to apply: its targets offer only `observe`.
import type { Clock, PreviewReport, Reporter } from '../model/index.js';
import { planPreview } from '../report/format/plan-preview.js';
import type { LoadedRepo } from '../source/load-repo.js';
import { planOnce } from './reconcile-once.js';
import type { Targets } from './reconcile-once.js';

/** A head to preview: the ref and the commit it points at now. */
export type PreviewHead = { ref: string; sha: string };

export type PreviewTargets = { cluster: Pick<Targets['cluster'], 'observe'> };

export type PreviewRunner = {
  /**
   * Previews every head whose commit was not previewed yet (in order, one at a time) and tells the
   * reporter which heads are still open, so previews of closed or moved pull requests are dropped.
   * Resolves to the previews made now; a head that could not be read at all is left for the next run.
   */
  run(heads: readonly PreviewHead[]): Promise<PreviewReport[]>;
  /** Plans one ref now, whether or not it was previewed before. */
  preview(ref: string, options?: { open?: readonly string[] }): Promise<PreviewReport | undefined>;
};

export function createPreviewRunner(options: {
  /** Reads and validates the repository at a ref (e.g. `refs/pull/7/head`). */
  readAt: (ref: string) => Promise<LoadedRepo>;
  targets: PreviewTargets;
  reporter?: Reporter;
  clock?: Clock;
  /** Called when a head could not be read or observed (the next run tries again). */
  onError?: (ref: string, error: string) => void;
}): PreviewRunner {
  const done = new Set<string>();

  const preview = async (ref: string, opts: { open?: readonly string[] } = {}) => {
    const planned = await planOnce({
      read: () => options.readAt(ref),
      targets: options.targets,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    const sha = planned.revision?.sha;
    // Unreadable, or readable but not observable: nothing true to say about this head yet.
    if (!sha || (!planned.ok && planned.transient)) {
      options.onError?.(ref, planned.ok ? 'no commit' : (planned.problems[0]?.message ?? 'unreadable'));
      return undefined;
    }
    const page = planned.ok
      ? planPreview({ plan: planned.plan })
      : planPreview({ sha, problems: planned.problems });
    const report: PreviewReport = {
      sha,
      ref,
      ...(planned.ok ? { federation: planned.plan.federation } : {}),
      ...page,
    };
    await options.reporter?.previewed?.(report, opts);
    done.add(sha);
    return report;
  };

  return {
    preview,
    async run(heads) {
      const open = heads.map((h) => h.sha);
      const out: PreviewReport[] = [];
      for (const head of heads) {
        if (done.has(head.sha)) continue;
        const made = await preview(head.ref, { open });
        if (made) out.push(made);
      }
      return out;
    },
  };
}
