// A verified push delivery's body, reduced to what triggers a reconcile: which ref moved to which
// commit, in which repository. Field names per forge: GitHub and Gitea push events carry `ref`,
// `before`, `after` and `repository.clone_url`; GitLab's carry `ref`, `before`, `after` and
// `project.git_http_url` (object_kind `push` or `tag_push`).
import type { ForgeKind } from '../config/settings.js';

export type PushTrigger = {
  forge: ForgeKind;
  /** `refs/heads/main` */
  ref: string;
  /** The commit the ref points at now; all zeros when the ref was deleted. */
  after: string;
  before?: string;
  repositoryUrl: string;
  deliveryId?: string;
  deleted: boolean;
};

export type PushParse =
  { ok: true; push: PushTrigger } | { ok: false; ignored: true } | { ok: false; error: string };

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

function get(obj: unknown, ...path: string[]): unknown {
  let cur = obj;
  for (const p of path)
    cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[p] : undefined;
  return cur;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Whether the event header names a push (anything else is acknowledged and ignored). */
export function isPushEvent(forge: ForgeKind, event: string, payload: unknown): boolean {
  switch (forge) {
    case 'github':
    case 'gitea':
      return event === 'push';
    case 'gitlab': {
      const kind = get(payload, 'object_kind');
      return kind === 'push' || kind === 'tag_push';
    }
  }
}

export function parsePush(forge: ForgeKind, payload: unknown, deliveryId?: string): PushParse {
  const ref = str(get(payload, 'ref'));
  const after = str(get(payload, 'after'));
  const before = str(get(payload, 'before'));
  const url =
    forge === 'gitlab'
      ? (str(get(payload, 'project', 'git_http_url')) ??
        str(get(payload, 'repository', 'git_http_url')) ??
        str(get(payload, 'project', 'web_url')))
      : (str(get(payload, 'repository', 'clone_url')) ?? str(get(payload, 'repository', 'html_url')));
  if (!ref || !ref.startsWith('refs/')) return { ok: false, error: 'the push names no ref' };
  if (!after || !SHA.test(after)) return { ok: false, error: 'the push names no commit (after)' };
  if (!url) return { ok: false, error: 'the push names no repository URL' };
  return {
    ok: true,
    push: {
      forge,
      ref,
      after,
      ...(before && SHA.test(before) ? { before } : {}),
      repositoryUrl: url,
      ...(deliveryId ? { deliveryId } : {}),
      deleted: /^0+$/.test(after),
    },
  };
}
