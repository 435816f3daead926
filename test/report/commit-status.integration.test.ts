// Commit statuses against local servers that enforce each forge's documented contract (see
// helpers/forge-server.ts for the pages checked): GitHub REST "Commit statuses"
// (docs.github.com/en/rest/commits/statuses), GitHub Enterprise (same API under /api/v3), Gitea's
// API (repoCreateStatus / CreateStatusOption in its swagger, under /api/v1), GitLab "Commits API:
// set the pipeline status of a commit" (docs.gitlab.com/api/commits). Rate limits: GitHub "Rate
// limits for the REST API" (x-ratelimit-remaining, x-ratelimit-reset, retry-after) and GitLab
// "User and IP rate limits" (RateLimit-Remaining, RateLimit-Reset, Retry-After on 429).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createCommitStatusProvider,
  createCommitStatusPublisher,
  forgeConfigFrom,
  forgeConfigFromEnv,
  ForgeError,
} from '../../src/report/publish/commit-status/index.js';
import type { ForgeConfig, StatusEvent } from '../../src/report/publish/commit-status/index.js';
import { commitStatusesFor } from '../../src/report/format/commit-statuses.js';
import type { CommitStatus } from '../../src/report/format/commit-statuses.js';
import type { StatusSnapshot } from '../../src/report/format/status-snapshot.js';
import { startGitHubServer, startGitLabServer } from './helpers/forge-server.js';
import type { ForgeServer } from './helpers/forge-server.js';

const TOKEN = 'forge-token-abc123';
const env = { FEDSYNC_FORGE_TOKEN: TOKEN };
const SHA = '3f2a9c1e5b7d00112233445566778899aabbccdd';
const STATUS_COMMIT = 'c0ffee0000000000000000000000000000000000';

function snapshot(state: 'Synced' | 'Progressing' | 'Drifted' = 'Synced'): StatusSnapshot {
  return {
    federation: 'shop',
    source: { sha: SHA },
    clusters: [
      { name: 'eu', state },
      { name: 'us', state: 'Synced', message: `very long note ${'x'.repeat(300)}` },
    ],
    loadBalancers: [{ namespace: 'shop', name: 'web', state: 'Synced', ip: '203.0.113.10' }],
  };
}

/** A clock the test moves by hand (rate-limit waits without sleeping). */
function clock(start = 1_800_000_000_000) {
  let t = start;
  return { ms: () => t, clock: { now: () => new Date(t) }, advance: (ms: number) => void (t += ms) };
}

async function publisherFor(config: ForgeConfig, c = clock(), events: StatusEvent[] = []) {
  const provider = await createCommitStatusProvider(config, { env, clock: c.clock });
  return createCommitStatusPublisher({ provider, clock: c.clock, onEvent: (e) => events.push(e) });
}

const contexts = (statuses: CommitStatus[]) => statuses.map((s) => s.context);

describe('GitHub and GitHub Enterprise', () => {
  let server: ForgeServer;
  before(async () => {
    server = await startGitHubServer({ token: TOKEN, owner: 'acme', repo: 'fleet' });
  });
  after(() => server.stop());

  test('posts each context once, within the documented contract, with links to the status branch', async () => {
    const config = forgeConfigFrom({
      forge: 'github',
      repository: 'acme/fleet',
      url: server.url,
      webUrl: 'https://github.example',
    });
    assert.ok(config);
    const publisher = await publisherFor(config);
    const wanted = commitStatusesFor(snapshot());
    const result = await publisher.publish(SHA, wanted, { statusCommit: STATUS_COMMIT });
    assert.deepEqual(server.violations, []);
    assert.deepEqual(result.posted, contexts(wanted));
    assert.deepEqual(result.failed, []);
    const stored = server.statuses.get(SHA) ?? [];
    assert.deepEqual(stored.map((s) => s.context).sort(), [
      'fedsync',
      'fedsync/eu',
      'fedsync/loadbalancer',
      'fedsync/us',
    ]);
    const us = stored.find((s) => s.context === 'fedsync/us');
    assert.equal([...(us?.description ?? '')].length, 140);
    assert.equal(
      stored.find((s) => s.context === 'fedsync')?.target_url,
      `https://github.example/acme/fleet/blob/${STATUS_COMMIT}/README.md`,
    );
    assert.equal(
      stored.find((s) => s.context === 'fedsync/loadbalancer')?.target_url,
      `https://github.example/acme/fleet/blob/${STATUS_COMMIT}/loadbalancers/shop-web.md`,
    );
    const first = server.requests.find((r) => r.method === 'POST');
    assert.equal(first?.headers.authorization, `token ${TOKEN}`);
    assert.equal(first?.path, `/repos/acme/fleet/statuses/${SHA}`);

    // The same statuses again: nothing is posted; a changed state posts only that context.
    const posts = server.posts();
    const again = await publisher.publish(SHA, wanted, { statusCommit: STATUS_COMMIT });
    assert.equal(server.posts(), posts);
    assert.equal(again.unchanged.length, wanted.length);
    const drifted = await publisher.publish(SHA, commitStatusesFor(snapshot('Drifted')));
    assert.deepEqual(drifted.posted, ['fedsync', 'fedsync/eu']);
    assert.equal(server.posts(), posts + 2);

    // After a restart: the commit's statuses are read once, and nothing is posted again.
    const gets = server.requests.filter((r) => r.method === 'GET').length;
    const restarted = await publisherFor(config);
    const afterRestart = await restarted.publish(SHA, commitStatusesFor(snapshot('Drifted')));
    assert.equal(server.posts(), posts + 2);
    assert.equal(afterRestart.unchanged.length, 4);
    await restarted.publish(SHA, commitStatusesFor(snapshot('Drifted')));
    assert.equal(server.requests.filter((r) => r.method === 'GET').length, gets + 1);
    assert.equal(restarted.stats.listed, 1);
    assert.deepEqual(server.violations, []);
  });

  test('GitHub Enterprise: the API under /api/v3 of the base URL, links to the same host', async () => {
    const ghe = await startGitHubServer({ token: TOKEN, owner: 'acme', repo: 'fleet', prefix: '/api/v3' });
    try {
      const config = forgeConfigFrom({ forge: 'github', repository: 'acme/fleet', url: `${ghe.url}/api/v3` });
      assert.ok(config);
      const publisher = await publisherFor(config);
      const result = await publisher.publish(SHA, commitStatusesFor(snapshot()), {
        statusCommit: STATUS_COMMIT,
      });
      assert.deepEqual(ghe.violations, []);
      assert.equal(result.posted.length, 4);
      assert.ok(ghe.requests.every((r) => r.path.startsWith('/api/v3/repos/acme/fleet/')));
      assert.equal(
        ghe.statuses.get(SHA)?.find((s) => s.context === 'fedsync')?.target_url,
        `${ghe.url}/acme/fleet/blob/${STATUS_COMMIT}/README.md`,
      );
    } finally {
      await ghe.stop();
    }
  });

  test('rate limits: nothing is sent until the reset or Retry-After time, then the rest goes out', async () => {
    const c = clock();
    const config = forgeConfigFrom({ forge: 'github', repository: 'acme/fleet', url: server.url });
    assert.ok(config);
    const events: StatusEvent[] = [];
    const publisher = await publisherFor(config, c, events);
    const sha = 'b'.repeat(40);
    // Primary limit used up: 403 with remaining 0 and the reset time.
    const resetAt = Math.floor(c.ms() / 1000) + 120;
    server.override = (req) =>
      req.method === 'POST'
        ? {
            status: 403,
            headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(resetAt) },
            body: { message: 'API rate limit exceeded' },
          }
        : undefined;
    const limited = await publisher.publish(sha, commitStatusesFor(snapshot()));
    assert.equal(limited.posted.length, 0);
    assert.equal(limited.deferred.length, 4);
    assert.deepEqual(limited.failed, []);
    server.override = undefined;
    const requests = server.requests.length;
    c.advance(60_000);
    const stillLimited = await publisher.publish(sha, commitStatusesFor(snapshot()));
    assert.equal(stillLimited.deferred.length, 4);
    assert.equal(server.requests.length, requests, 'no request before the reset time');
    c.advance(61_000);
    const resumed = await publisher.publish(sha, commitStatusesFor(snapshot()));
    assert.equal(resumed.posted.length, 4);
    assert.ok(events.some((e) => e.kind === 'deferred' && e.until === resetAt * 1000));

    // Secondary limit: Retry-After in seconds.
    const sha2 = 'c'.repeat(40);
    server.override = (req) =>
      req.method === 'POST'
        ? { status: 429, headers: { 'retry-after': '30' }, body: { message: 'secondary rate limit' } }
        : undefined;
    assert.equal((await publisher.publish(sha2, commitStatusesFor(snapshot()))).deferred.length, 4);
    server.override = undefined;
    c.advance(29_000);
    assert.equal((await publisher.publish(sha2, commitStatusesFor(snapshot()))).posted.length, 0);
    c.advance(2_000);
    assert.equal((await publisher.publish(sha2, commitStatusesFor(snapshot()))).posted.length, 4);

    // A success that used the last request of the window holds the next ones until the reset.
    const sha3 = 'd'.repeat(40);
    server.extraHeaders = {
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(Math.floor(c.ms() / 1000) + 600),
    };
    const partial = await publisher.publish(sha3, commitStatusesFor(snapshot()));
    server.extraHeaders = {};
    // The list call already said the window is used up: nothing posted, all deferred.
    assert.equal(partial.posted.length, 0);
    assert.equal(partial.deferred.length, 4);
    assert.deepEqual(server.violations, []);
  });

  test('a failing forge is reported and counted, never thrown; the token is never in a message', async () => {
    const config = forgeConfigFrom({ forge: 'github', repository: 'acme/fleet', url: server.url });
    assert.ok(config);
    const events: StatusEvent[] = [];
    const publisher = await publisherFor(config, clock(), events);
    server.override = (req) =>
      req.method === 'POST' ? { status: 500, body: { message: 'boom' } } : undefined;
    const broken = await publisher.publish('e'.repeat(40), commitStatusesFor(snapshot()));
    server.override = undefined;
    assert.equal(broken.failed.length, 4);
    assert.ok(broken.failed.every((f) => f.error instanceof ForgeError && f.error.code === 'forge.server'));
    assert.equal(publisher.stats.failed, 4);
    assert.equal(events.filter((e) => e.kind === 'failed').length, 4);
    // Failed posts are not remembered: the next call tries again.
    assert.equal((await publisher.publish('e'.repeat(40), commitStatusesFor(snapshot()))).posted.length, 4);

    const badToken = await createCommitStatusProvider(config, { env: { FEDSYNC_FORGE_TOKEN: 'nope-wrong' } });
    const denied = await createCommitStatusPublisher({ provider: badToken }).publish(
      'f'.repeat(40),
      commitStatusesFor(snapshot()),
    );
    assert.ok(denied.failed.length > 0);
    assert.ok(denied.failed.every((f) => f.error.code === 'forge.auth'));
    assert.ok(
      denied.failed.every((f) => !f.error.message.includes('nope-wrong') && !f.error.message.includes(TOKEN)),
    );

    const gone = await startGitHubServer({ token: TOKEN, owner: 'acme', repo: 'fleet' });
    const goneUrl = gone.url;
    await gone.stop();
    const offline = await publisherFor({ forge: 'github', repository: 'acme/fleet', url: goneUrl });
    const unreachable = await offline.publish(SHA, commitStatusesFor(snapshot()));
    assert.ok(unreachable.failed.length > 0);
    assert.ok(
      unreachable.failed.every((f) => f.error.code === 'forge.unreachable'),
      JSON.stringify(unreachable.failed),
    );
  });
});

describe('Gitea', () => {
  test('the same statuses API under /api/v1, its `status` field read back after a restart', async () => {
    const server = await startGitHubServer({
      token: TOKEN,
      owner: 'acme',
      repo: 'fleet',
      prefix: '/api/v1',
      flavour: 'gitea',
    });
    try {
      const config = forgeConfigFrom({ forge: 'gitea', repository: 'acme/fleet', url: server.url });
      assert.ok(config);
      const publisher = await publisherFor(config);
      const result = await publisher.publish(SHA, commitStatusesFor(snapshot('Progressing')), {
        statusCommit: STATUS_COMMIT,
      });
      assert.deepEqual(server.violations, []);
      assert.equal(result.posted.length, 4);
      assert.ok(server.requests.every((r) => r.path.startsWith('/api/v1/repos/acme/fleet/')));
      assert.ok(server.requests.every((r) => r.headers.authorization === `token ${TOKEN}`));
      const stored = server.statuses.get(SHA) ?? [];
      assert.equal(stored.find((s) => s.context === 'fedsync/eu')?.state, 'pending');
      assert.equal(
        stored.find((s) => s.context === 'fedsync')?.target_url,
        `${server.url}/acme/fleet/src/commit/${STATUS_COMMIT}/README.md`,
      );
      const posts = server.posts();
      const restarted = await publisherFor(config);
      assert.equal(
        (await restarted.publish(SHA, commitStatusesFor(snapshot('Progressing')))).unchanged.length,
        4,
      );
      assert.equal(server.posts(), posts);
    } finally {
      await server.stop();
    }
  });
});

describe('GitLab', () => {
  let server: ForgeServer;
  before(async () => {
    server = await startGitLabServer({ token: TOKEN, project: 'platform/fleet/config' });
  });
  after(() => server.stop());

  test('its own API: encoded project path, PRIVATE-TOKEN, name as context, GitLab states', async () => {
    const config = forgeConfigFrom({ forge: 'gitlab', repository: 'platform/fleet/config', url: server.url });
    assert.ok(config);
    const publisher = await publisherFor(config);
    const result = await publisher.publish(SHA, commitStatusesFor(snapshot('Progressing')), {
      statusCommit: STATUS_COMMIT,
    });
    assert.deepEqual(server.violations, []);
    assert.equal(result.posted.length, 4);
    const post = server.requests.find((r) => r.method === 'POST');
    assert.equal(post?.path, `/api/v4/projects/platform%2Ffleet%2Fconfig/statuses/${SHA}`);
    assert.equal(post?.headers['private-token'], TOKEN);
    const stored = server.statuses.get(SHA) ?? [];
    assert.equal(stored.find((s) => s.context === 'fedsync/eu')?.state, 'running');
    assert.equal(stored.find((s) => s.context === 'fedsync/us')?.state, 'success');
    assert.equal(
      stored.find((s) => s.context === 'fedsync')?.target_url,
      `${server.url}/platform/fleet/config/-/blob/${STATUS_COMMIT}/README.md`,
    );
    assert.ok(stored.every((s) => [...s.description].length <= 140));

    // Posting `running` again would be refused by GitLab; fedsync does not post it again.
    await publisher.publish(SHA, commitStatusesFor(snapshot('Progressing')));
    const restarted = await publisherFor(config);
    assert.equal(
      (await restarted.publish(SHA, commitStatusesFor(snapshot('Progressing')))).unchanged.length,
      4,
    );
    const done = await restarted.publish(SHA, commitStatusesFor(snapshot('Drifted')));
    assert.deepEqual(done.posted, ['fedsync', 'fedsync/eu']);
    assert.equal(server.statuses.get(SHA)?.find((s) => s.context === 'fedsync/eu')?.state, 'failed');
    assert.deepEqual(server.violations, []);
  });

  test('429 with Retry-After and RateLimit-* headers holds posts until the time given', async () => {
    const c = clock();
    const config = forgeConfigFrom({ forge: 'gitlab', repository: 'platform/fleet/config', url: server.url });
    assert.ok(config);
    const publisher = await publisherFor(config, c);
    const sha = '9'.repeat(40);
    server.override = (req) =>
      req.method === 'POST'
        ? {
            status: 429,
            headers: {
              'retry-after': '45',
              'ratelimit-remaining': '0',
              'ratelimit-reset': String(Math.floor(c.ms() / 1000) + 45),
            },
            body: { message: 'Retry later' },
          }
        : undefined;
    assert.equal((await publisher.publish(sha, commitStatusesFor(snapshot()))).deferred.length, 4);
    server.override = undefined;
    const n = server.requests.length;
    c.advance(44_000);
    assert.equal((await publisher.publish(sha, commitStatusesFor(snapshot()))).deferred.length, 4);
    assert.equal(server.requests.length, n);
    c.advance(2_000);
    assert.equal((await publisher.publish(sha, commitStatusesFor(snapshot()))).posted.length, 4);
    assert.deepEqual(server.violations, []);
  });

  test('a numeric project id works; links are left out (no web path to link with)', async () => {
    const byId = await startGitLabServer({ token: TOKEN, project: '4242' });
    try {
      const publisher = await publisherFor({ forge: 'gitlab', repository: '4242', url: byId.url });
      await publisher.publish(SHA, commitStatusesFor(snapshot()), { statusCommit: STATUS_COMMIT });
      assert.deepEqual(byId.violations, []);
      assert.ok((byId.statuses.get(SHA) ?? []).every((s) => s.target_url === undefined));
    } finally {
      await byId.stop();
    }
  });
});

describe('forge configuration', () => {
  test('from flags or the environment, with clear errors', async () => {
    assert.equal(forgeConfigFromEnv({}), undefined);
    assert.deepEqual(
      forgeConfigFromEnv({
        FEDSYNC_FORGE: 'gitea',
        FEDSYNC_FORGE_REPO: 'a/b',
        FEDSYNC_FORGE_URL: 'https://git.example/',
      }),
      { forge: 'gitea', repository: 'a/b', url: 'https://git.example' },
    );
    const bad: [Parameters<typeof forgeConfigFrom>[0], RegExp][] = [
      [{ forge: 'bitbucket', repository: 'a/b' }, /unknown forge "bitbucket"/],
      [{ forge: 'github' }, /repository is not set/],
      [{ forge: 'github', repository: 'just-a-name' }, /must be owner\/name/],
      [{ forge: 'gitea', repository: 'a/b' }, /needs its URL/],
      [
        { forge: 'gitlab', repository: 'g/p', url: 'https://user:pw@gitlab.example' },
        /must not contain credentials/,
      ],
      [{ forge: 'gitlab', repository: 'g/p', url: 'ftp://gitlab.example' }, /must be http\(s\)/],
    ];
    for (const [input, message] of bad)
      assert.throws(
        () => forgeConfigFrom(input),
        (e: unknown) => e instanceof ForgeError && e.code === 'forge.config' && message.test(e.message),
      );
    await assert.rejects(
      createCommitStatusProvider({ forge: 'github', repository: 'a/b' }, { env: {} }),
      /FEDSYNC_FORGE_TOKEN \(the forge token\) is empty or not set/,
    );
  });
});
