// The HTTP handler for forge push deliveries. Order matters: the size limit before reading, the
// signature before parsing a byte of JSON, the replay check only for authentic deliveries, and a
// delivery id is remembered only once its push was handed over (a failed one may be redelivered).
// Nothing here logs; every outcome goes to `onDelivery` as a result code without body or signature.
import { millisOf } from '../../clock.js';
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ForgeKind } from '../config/settings.js';
import { isPushEvent, parsePush, type PushTrigger } from './push.js';
import { deliveryIdOf, detectForge, eventOf, header, verifyDelivery } from './verify.js';
import type { Clock } from '../../model/index.js';

export const WebhookResult = {
  accepted: 'accepted',
  ignored: 'ignored',
  ping: 'ping',
  replayed: 'replayed',
  /** No signature or token at all (401). */
  unsigned: 'unsigned',
  /** A signature or token that does not match (403). */
  badSignature: 'bad_signature',
  tooLarge: 'too_large',
  badRequest: 'bad_request',
  notConfigured: 'not_configured',
  failed: 'failed',
} as const;
export type WebhookResult = (typeof WebhookResult)[keyof typeof WebhookResult];

export type DeliveryEvent = {
  forge: ForgeKind | 'unknown';
  result: WebhookResult;
  deliveryId?: string;
  /** For the log: why, in words that quote nothing from the request. */
  reason?: string;
};

export type WebhookOptions = {
  /** The shared secret of each forge that may deliver; read per delivery, so rotation just works. */
  secret: (forge: ForgeKind) => Promise<string | undefined> | string | undefined;
  onPush: (push: PushTrigger) => Promise<void> | void;
  onDelivery?: (event: DeliveryEvent) => void;
  /** Default 1 MiB. */
  maxBodyBytes?: number;
  /** How long a delivery id (and body digest) is remembered; default 10 minutes. */
  replayWindowMs?: number;
  /** At most this many remembered deliveries; the oldest are forgotten first (default 10 000). */
  replayCapacity?: number;
  clock?: Clock;
};

class TooLarge extends Error {}

async function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) throw new TooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(
  res: ServerResponse,
  status: number,
  body: Record<string, unknown>,
  close = false,
): Promise<void> {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...(close ? { connection: 'close' } : {}),
  });
  return new Promise((resolve) => res.end(text, () => resolve()));
}

/** GitHub may be set to send `application/x-www-form-urlencoded` with the JSON in `payload`. */
function payloadOf(contentType: string, body: Buffer): unknown {
  const text = body.toString('utf8');
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    return JSON.parse(new URLSearchParams(text).get('payload') ?? '') as unknown;
  }
  return JSON.parse(text) as unknown;
}

export function createWebhookHandler(
  options: WebhookOptions,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const max = options.maxBodyBytes ?? 1024 * 1024;
  const windowMs = options.replayWindowMs ?? 10 * 60_000;
  const capacity = options.replayCapacity ?? 10_000;
  const now = millisOf(options.clock);
  const seen = new Map<string, number>();

  const remembered = (key: string): boolean => {
    const until = seen.get(key);
    return until !== undefined && until > now();
  };
  const remember = (key: string): void => {
    const t = now();
    for (const [k, until] of seen) {
      if (until > t && seen.size < capacity) break;
      seen.delete(k);
    }
    seen.delete(key);
    seen.set(key, t + windowMs);
  };

  return async (req, res) => {
    let forge: ForgeKind | 'unknown' = 'unknown';
    let deliveryId: string | undefined = undefined;
    const done = async (
      status: number,
      result: WebhookResult,
      body: Record<string, unknown>,
      reason?: string,
      close = false,
    ): Promise<void> => {
      options.onDelivery?.({
        forge,
        result,
        ...(deliveryId ? { deliveryId } : {}),
        ...(reason ? { reason } : {}),
      });
      await send(res, status, body, close);
    };

    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return done(405, WebhookResult.badRequest, { error: 'webhooks are POSTed' }, 'method');
    }
    const detected = detectForge(req.headers);
    if (!detected) {
      return done(
        400,
        WebhookResult.badRequest,
        { error: 'not a GitHub, Gitea or GitLab delivery' },
        'no forge headers',
      );
    }
    forge = detected;
    deliveryId = deliveryIdOf(detected, req.headers);
    const secret = await options.secret(detected);
    if (!secret) {
      return done(404, WebhookResult.notConfigured, {
        error: `no webhook secret is configured for ${detected}`,
      });
    }
    const declared = Number(header(req.headers, 'content-length') ?? NaN);
    let body: Buffer;
    try {
      if (declared > max) throw new TooLarge();
      body = await readBody(req, max);
    } catch (err) {
      if (!(err instanceof TooLarge)) throw err;
      // Answer now and close: the rest of the body is never read.
      await done(
        413,
        WebhookResult.tooLarge,
        { error: `deliveries are limited to ${max} bytes` },
        undefined,
        true,
      );
      req.destroy();
      return;
    }
    const verdict = verifyDelivery(detected, req.headers, body, secret);
    if (verdict === 'missing') {
      return done(401, WebhookResult.unsigned, { error: 'the delivery carries no signature or token' });
    }
    if (verdict === 'invalid') {
      return done(403, WebhookResult.badSignature, { error: 'the signature or token does not match' });
    }
    // A captured delivery replayed under a fresh id has the same body: remember both.
    const digest = `${detected}:body:${createHash('sha256').update(body).digest('hex')}`;
    const idKey = deliveryId ? `${detected}:id:${deliveryId}` : undefined;
    if ((idKey && remembered(idKey)) || remembered(digest)) {
      return done(200, WebhookResult.replayed, {
        status: 'duplicate',
        message: 'this delivery was already received',
      });
    }
    const event = eventOf(detected, req.headers);
    if (detected === 'github' && event === 'ping') return done(200, WebhookResult.ping, { status: 'pong' });
    let payload: unknown;
    try {
      payload = payloadOf(header(req.headers, 'content-type') ?? '', body);
    } catch {
      return done(400, WebhookResult.badRequest, { error: 'the body is not JSON' }, 'json');
    }
    if (!isPushEvent(detected, event, payload)) {
      return done(202, WebhookResult.ignored, {
        status: 'ignored',
        message: 'only push events trigger a reconcile',
      });
    }
    const parsed = parsePush(detected, payload, deliveryId);
    if (!parsed.ok) {
      if ('ignored' in parsed) return done(202, WebhookResult.ignored, { status: 'ignored' });
      return done(400, WebhookResult.badRequest, { error: parsed.error }, parsed.error);
    }
    try {
      await options.onPush(parsed.push);
    } catch {
      return done(500, WebhookResult.failed, {
        error: 'the push could not be handed to the agent; redeliver it',
      });
    }
    if (idKey) remember(idKey);
    remember(digest);
    return done(202, WebhookResult.accepted, {
      status: 'accepted',
      ref: parsed.push.ref,
      after: parsed.push.after,
    });
  };
}
