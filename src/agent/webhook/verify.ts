// Which forge sent a delivery and whether it is authentic. GitHub signs the raw body with
// HMAC-SHA256 (`X-Hub-Signature-256: sha256=<hex>`), Gitea the same without the prefix
// (`X-Gitea-Signature: <hex>`), GitLab sends the shared secret itself (`X-Gitlab-Token`). Every
// comparison is constant-time on equal-length buffers, so timing reveals nothing of the secret.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { ForgeKind } from '../config/settings.js';

export type Headers = Record<string, string | string[] | undefined>;

export function header(headers: Headers, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Gitea also sends GitHub's and Gogs' headers, so its own are looked for first. */
export function detectForge(headers: Headers): ForgeKind | undefined {
  if (header(headers, 'x-gitea-event') !== undefined || header(headers, 'x-gitea-delivery') !== undefined)
    return 'gitea';
  if (header(headers, 'x-gitlab-event') !== undefined || header(headers, 'x-gitlab-token') !== undefined)
    return 'gitlab';
  if (header(headers, 'x-github-event') !== undefined || header(headers, 'x-hub-signature-256') !== undefined)
    return 'github';
  return undefined;
}

/** The event name the forge puts in its header (`push`, `ping`, `Push Hook`). */
export function eventOf(forge: ForgeKind, headers: Headers): string {
  const name = { github: 'x-github-event', gitea: 'x-gitea-event', gitlab: 'x-gitlab-event' }[forge];
  return header(headers, name) ?? '';
}

/**
 * The delivery's id, the same on a forge's redelivery of it: GitHub's and Gitea's delivery GUID;
 * GitLab's `Idempotency-Key` (stable across retries, GitLab 17.4+), else `X-Gitlab-Event-UUID`.
 */
export function deliveryIdOf(forge: ForgeKind, headers: Headers): string | undefined {
  switch (forge) {
    case 'github':
      return header(headers, 'x-github-delivery');
    case 'gitea':
      return header(headers, 'x-gitea-delivery');
    case 'gitlab':
      return header(headers, 'idempotency-key') ?? header(headers, 'x-gitlab-event-uuid');
  }
}

export type Verdict = 'valid' | 'missing' | 'invalid';

const HEX64 = /^[0-9a-f]{64}$/i;

function hmacMatches(secret: string, body: Buffer, hex: string): boolean {
  if (!HEX64.test(hex)) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(hex, 'hex'));
}

/** Compares digests, not the texts: equal lengths always, and the length of neither leaks. */
function tokenMatches(secret: string, given: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(secret).digest();
  return timingSafeEqual(a, b);
}

export function verifyDelivery(forge: ForgeKind, headers: Headers, body: Buffer, secret: string): Verdict {
  switch (forge) {
    case 'github': {
      const sig = header(headers, 'x-hub-signature-256');
      if (sig === undefined || sig === '') return 'missing';
      return sig.startsWith('sha256=') && hmacMatches(secret, body, sig.slice(7)) ? 'valid' : 'invalid';
    }
    case 'gitea': {
      const sig = header(headers, 'x-gitea-signature');
      if (sig === undefined || sig === '') return 'missing';
      return hmacMatches(secret, body, sig) ? 'valid' : 'invalid';
    }
    case 'gitlab': {
      const token = header(headers, 'x-gitlab-token');
      if (token === undefined || token === '') return 'missing';
      return tokenMatches(secret, token) ? 'valid' : 'invalid';
    }
  }
}

/** What a forge would send, for tests and for `curl`-ing a delivery by hand. */
export function signBody(forge: ForgeKind, body: string | Buffer, secret: string): Record<string, string> {
  const hex = createHmac('sha256', secret).update(body).digest('hex');
  switch (forge) {
    case 'github':
      return { 'x-hub-signature-256': `sha256=${hex}` };
    case 'gitea':
      return { 'x-gitea-signature': hex };
    case 'gitlab':
      return { 'x-gitlab-token': secret };
  }
}
