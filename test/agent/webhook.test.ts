// The webhook receiver over real HTTP. Headers and payload fields follow each forge's documentation:
// - GitHub: "Validating webhook deliveries" (docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries:
//   X-Hub-Signature-256 = "sha256=" + hex HMAC-SHA256 of the raw body; its test vector is checked below)
//   and "Webhook events and payloads" (push: ref, before, after, repository.clone_url; X-GitHub-Delivery).
// - Gitea: "Webhooks" (docs.gitea.com/usage/webhooks: X-Gitea-Event, X-Gitea-Delivery, X-Gitea-Signature
//   = hex HMAC-SHA256; Gitea also sends X-GitHub-Event/X-Gogs-Event; push payload as GitHub's).
// - GitLab: "Webhooks" and "Webhook events" (docs.gitlab.com/user/project/integrations/webhooks: X-Gitlab-Token
//   is the secret itself, X-Gitlab-Event "Push Hook", X-Gitlab-Event-UUID, Idempotency-Key kept across
//   retries; push payload: object_kind, ref, before, after, project.git_http_url).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ForgeKind } from '../../src/agent/config/settings.js';
import { createWebhookHandler, type DeliveryEvent } from '../../src/agent/webhook/handler.js';
import type { PushTrigger } from '../../src/agent/webhook/push.js';
import { signBody, verifyDelivery } from '../../src/agent/webhook/verify.js';

const SECRET = { github: 'gh-hook-secret', gitea: 'gitea-hook-secret', gitlab: 'gitlab-hook-token' };
const MAX = 4096;

let server: Server;
let url: string;
let t = 1_000_000;
const pushes: PushTrigger[] = [];
const deliveries: DeliveryEvent[] = [];
let failNext = false;

before(async () => {
  const handler = createWebhookHandler({
    secret: (forge) => SECRET[forge],
    onPush: (p) => {
      if (failNext) {
        failNext = false;
        throw new Error('queue full');
      }
      pushes.push(p);
    },
    onDelivery: (d) => deliveries.push(d),
    maxBodyBytes: MAX,
    replayWindowMs: 60_000,
    clock: { now: () => new Date(t) },
  });
  server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

let serial = 0;
const sha = (n: number): string => n.toString(16).padStart(40, '0');

function payload(forge: ForgeKind, marker = `m${++serial}`): string {
  const afterSha = sha(0xabc000 + serial);
  if (forge === 'gitlab') {
    return JSON.stringify({
      object_kind: 'push',
      event_name: 'push',
      before: sha(1),
      after: afterSha,
      ref: 'refs/heads/main',
      checkout_sha: afterSha,
      project: {
        git_http_url: 'https://gitlab.example/acme/fleet.git',
        web_url: 'https://gitlab.example/acme/fleet',
      },
      commits: [{ message: marker }],
    });
  }
  return JSON.stringify({
    ref: 'refs/heads/main',
    before: sha(1),
    after: afterSha,
    repository: {
      clone_url: `https://${forge}.example/acme/fleet.git`,
      html_url: `https://${forge}.example/acme/fleet`,
    },
    head_commit: { message: marker },
  });
}

function forgeHeaders(forge: ForgeKind, id: string): Record<string, string> {
  switch (forge) {
    case 'github':
      return { 'x-github-event': 'push', 'x-github-delivery': id };
    case 'gitea':
      // What Gitea sends: its own headers plus GitHub's and Gogs'.
      return {
        'x-gitea-event': 'push',
        'x-gitea-delivery': id,
        'x-github-event': 'push',
        'x-github-delivery': id,
        'x-gogs-event': 'push',
      };
    case 'gitlab':
      return { 'x-gitlab-event': 'Push Hook', 'x-gitlab-event-uuid': id, 'idempotency-key': id };
  }
}

type Reply = { status: number; body: Record<string, unknown> };

function post(body: string | Buffer, headers: Record<string, string>): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }),
        );
      },
    );
    // The server answers an oversized body early and closes: writing the rest may then fail.
    req.on('error', (err) =>
      (err as { code?: string }).code === 'EPIPE' || (err as { code?: string }).code === 'ECONNRESET'
        ? undefined
        : reject(err),
    );
    req.end(body);
  });
}

const lastDelivery = (): DeliveryEvent | undefined => deliveries[deliveries.length - 1];

describe('webhook receiver', () => {
  test("GitHub's documented test vector verifies", () => {
    const body = Buffer.from('Hello, World!');
    const headers = {
      'x-hub-signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    };
    assert.equal(verifyDelivery('github', headers, body, "It's a Secret to Everybody"), 'valid');
    assert.equal(verifyDelivery('github', headers, body, "It's a secret to everybody"), 'invalid');
    assert.deepEqual(signBody('github', body, "It's a Secret to Everybody"), headers);
  });

  for (const forge of ['github', 'gitea', 'gitlab'] as const) {
    describe(forge, () => {
      test('a signed push is accepted and yields its trigger', async () => {
        const body = payload(forge);
        const id = `${forge}-good-${serial}`;
        const before = pushes.length;
        const r = await post(body, { ...forgeHeaders(forge, id), ...signBody(forge, body, SECRET[forge]) });
        assert.equal(r.status, 202, JSON.stringify(r.body));
        assert.equal(pushes.length, before + 1);
        const p = pushes[pushes.length - 1];
        assert.deepEqual(p, {
          forge,
          ref: 'refs/heads/main',
          after: (JSON.parse(body) as { after: string }).after,
          before: sha(1),
          repositoryUrl:
            forge === 'gitlab'
              ? 'https://gitlab.example/acme/fleet.git'
              : `https://${forge}.example/acme/fleet.git`,
          deliveryId: id,
          deleted: false,
        });
        assert.deepEqual(lastDelivery(), { forge, result: 'accepted', deliveryId: id });
      });

      test('a bad signature is 403, counted, and neither the body nor the signature is in the event', async () => {
        const body = payload(forge, 'BODY-MARKER-bad');
        const wrong = signBody(forge, body, 'not-the-secret');
        const before = pushes.length;
        const r = await post(body, { ...forgeHeaders(forge, `${forge}-bad`), ...wrong });
        assert.equal(r.status, 403);
        assert.equal(pushes.length, before);
        const event = lastDelivery();
        assert.deepEqual(event, { forge, result: 'bad_signature', deliveryId: `${forge}-bad` });
        const shown = JSON.stringify(event) + JSON.stringify(r.body);
        assert.doesNotMatch(shown, /BODY-MARKER|not-the-secret/);
        for (const v of Object.values(wrong)) assert.ok(!shown.includes(v), 'signature not echoed');
      });

      test('a missing signature is 401', async () => {
        const before = pushes.length;
        const r = await post(payload(forge), forgeHeaders(forge, `${forge}-unsigned`));
        assert.equal(r.status, 401);
        assert.equal(pushes.length, before);
        assert.equal(lastDelivery()?.result, 'unsigned');
      });

      test('a replayed delivery is acknowledged and ignored within the window, by id and by body', async () => {
        const body = payload(forge);
        const id = `${forge}-replay-${serial}`;
        const signed = signBody(forge, body, SECRET[forge]);
        assert.equal((await post(body, { ...forgeHeaders(forge, id), ...signed })).status, 202);
        const before = pushes.length;
        const again = await post(body, { ...forgeHeaders(forge, id), ...signed });
        assert.equal(again.status, 200);
        assert.equal(again.body.status, 'duplicate');
        assert.equal(lastDelivery()?.result, 'replayed');
        const newId = await post(body, { ...forgeHeaders(forge, `${id}-forged`), ...signed });
        assert.equal(newId.body.status, 'duplicate', 'a fresh id on the same body is still a replay');
        assert.equal(pushes.length, before);
        t += 61_000;
        const later = await post(body, { ...forgeHeaders(forge, id), ...signed });
        assert.equal(later.status, 202, 'after the window the id is forgotten');
        assert.equal(pushes.length, before + 1);
      });

      test('an oversized body is 413 before its signature is even checked', async () => {
        const big = Buffer.alloc(MAX * 64, 'x');
        const before = pushes.length;
        const r = await post(big, {
          ...forgeHeaders(forge, `${forge}-big`),
          ...signBody(forge, big, SECRET[forge]),
        });
        assert.equal(r.status, 413);
        assert.equal(lastDelivery()?.result, 'too_large');
        assert.equal(pushes.length, before);
      });
    });
  }

  test('a streamed oversized body without Content-Length is cut off at the limit', async () => {
    const r = await new Promise<number>((resolve, reject) => {
      const req = request(
        url,
        { method: 'POST', headers: { 'x-github-event': 'push', 'transfer-encoding': 'chunked' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', (err) => ((err as { code?: string }).code ? undefined : reject(err)));
      const chunk = Buffer.alloc(1024, 'y');
      let sent = 0;
      const pump = (): void => {
        while (sent < 200 && req.write(chunk)) sent++;
        if (sent < 200) req.once('drain', pump);
        else req.end();
      };
      pump();
    });
    assert.equal(r, 413);
  });

  test('a failed hand-over is 500 and not remembered, so the redelivery is accepted', async () => {
    const body = payload('github');
    const headers = { ...forgeHeaders('github', 'redeliver-1'), ...signBody('github', body, SECRET.github) };
    failNext = true;
    assert.equal((await post(body, headers)).status, 500);
    assert.equal(lastDelivery()?.result, 'failed');
    assert.equal((await post(body, headers)).status, 202);
  });

  test('GitHub ping is answered; other events and tag-less noise are acknowledged and ignored', async () => {
    const ping = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
    const r = await post(ping, {
      'x-github-event': 'ping',
      'x-github-delivery': 'p1',
      ...signBody('github', ping, SECRET.github),
    });
    assert.equal(r.status, 200);
    assert.equal(lastDelivery()?.result, 'ping');
    const issue = JSON.stringify({ action: 'opened' });
    const before = pushes.length;
    const i = await post(issue, {
      'x-github-event': 'issues',
      'x-github-delivery': 'i1',
      ...signBody('github', issue, SECRET.github),
    });
    assert.equal(i.status, 202);
    assert.equal(lastDelivery()?.result, 'ignored');
    const mr = JSON.stringify({ object_kind: 'merge_request' });
    const m = await post(mr, {
      'x-gitlab-event': 'Merge Request Hook',
      ...signBody('gitlab', mr, SECRET.gitlab),
    });
    assert.equal(m.status, 202);
    assert.equal(pushes.length, before);
  });

  test('GitHub form-encoded deliveries carry the JSON in `payload`', async () => {
    const json = payload('github');
    const body = new URLSearchParams({ payload: json }).toString();
    const r = await post(body, {
      'content-type': 'application/x-www-form-urlencoded',
      ...forgeHeaders('github', 'form-1'),
      ...signBody('github', body, SECRET.github),
    });
    assert.equal(r.status, 202);
    assert.equal(pushes[pushes.length - 1]?.after, (JSON.parse(json) as { after: string }).after);
  });

  test('a branch deletion is a trigger marked deleted; malformed and foreign requests are 400/405', async () => {
    const del = JSON.stringify({
      ref: 'refs/heads/old',
      before: sha(5),
      after: sha(0),
      repository: { clone_url: 'https://g.example/f.git' },
    });
    assert.equal(
      (await post(del, { ...forgeHeaders('github', 'del-1'), ...signBody('github', del, SECRET.github) }))
        .status,
      202,
    );
    assert.equal(pushes[pushes.length - 1]?.deleted, true);
    const junk = '{not json';
    const j = await post(junk, {
      ...forgeHeaders('github', 'junk'),
      ...signBody('github', junk, SECRET.github),
    });
    assert.equal(j.status, 400);
    const noRef = JSON.stringify({ after: sha(9) });
    assert.equal(
      (await post(noRef, { ...forgeHeaders('gitea', 'noref'), ...signBody('gitea', noRef, SECRET.gitea) }))
        .status,
      400,
    );
    assert.equal((await post('{}', {})).status, 400, 'no forge headers');
    const get = await fetch(url);
    assert.equal(get.status, 405);
  });
});
