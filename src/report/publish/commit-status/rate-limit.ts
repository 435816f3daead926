// Rate-limit headers of the three forges, read into one shape. GitHub (and Gitea) send
// x-ratelimit-remaining / x-ratelimit-reset (epoch seconds) and retry-after on secondary limits;
// GitLab sends RateLimit-Remaining / RateLimit-Reset and Retry-After on 429.
import type { RateLimit } from './port.js';

type Headers = Record<string, string | number | undefined> | { get(name: string): string | null };

function header(headers: Headers, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    const v = (headers as { get(name: string): string | null }).get(name);
    return v ?? undefined;
  }
  const h = headers as Record<string, string | number | undefined>;
  const key = Object.keys(h).find((k) => k.toLowerCase() === name);
  const v = key === undefined ? undefined : h[key];
  return v === undefined ? undefined : String(v);
}

function int(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text.trim())) return undefined;
  return Number(text.trim());
}

/** Without a hint, GitHub asks clients to wait at least a minute after a rate-limit answer. */
export const DEFAULT_BACKOFF_MS = 60_000;

export function readRateLimit(headers: Headers, nowMs: number, status?: number): RateLimit | undefined {
  const out: RateLimit = {};
  const remaining = int(header(headers, 'x-ratelimit-remaining') ?? header(headers, 'ratelimit-remaining'));
  const reset = int(header(headers, 'x-ratelimit-reset') ?? header(headers, 'ratelimit-reset'));
  if (remaining !== undefined) out.remaining = remaining;
  if (reset !== undefined) out.resetAt = reset * 1000;
  const retryAfter = header(headers, 'retry-after');
  if (retryAfter !== undefined) {
    const seconds = int(retryAfter);
    const date = seconds === undefined ? Date.parse(retryAfter) : NaN;
    if (seconds !== undefined) out.retryAt = nowMs + seconds * 1000;
    else if (!Number.isNaN(date)) out.retryAt = date;
  }
  if (status === 429 && out.retryAt === undefined && !(out.remaining === 0 && out.resetAt !== undefined))
    out.retryAt = nowMs + DEFAULT_BACKOFF_MS;
  return Object.keys(out).length === 0 ? undefined : out;
}

/** Until when no request should be sent, or undefined when the forge allows more now. */
export function blockedUntil(limit: RateLimit | undefined, nowMs: number): number | undefined {
  if (!limit) return undefined;
  const until = Math.max(
    limit.retryAt ?? 0,
    limit.remaining === 0 && limit.resetAt !== undefined ? limit.resetAt : 0,
  );
  return until > nowMs ? until : undefined;
}

/** A 403/429 that is a rate limit, not a permission problem. */
export function isRateLimited(status: number, limit: RateLimit | undefined, body: string): boolean {
  if (status === 429) return true;
  if (status !== 403) return false;
  return limit?.remaining === 0 || limit?.retryAt !== undefined || /rate limit/i.test(body);
}
