import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, prettyLine, scrubText } from '../../src/agent/observe/logger.js';

function capture(format: 'json' | 'pretty' | 'auto', isTTY = false) {
  const lines: string[] = [];
  const log = createLogger({
    format,
    isTTY,
    destination: { write: (l: string) => lines.push(l) },
    level: 'debug',
  });
  return { log, lines };
}

describe('logger', () => {
  test('JSON lines with the level as a word-free number, message and fields', () => {
    const { log, lines } = capture('json');
    log.info({ cluster: 'eu-1', created: 3 }, 'applied cluster plan');
    const entry = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    assert.equal(entry.msg, 'applied cluster plan');
    assert.equal(entry.level, 30);
    assert.equal(entry.cluster, 'eu-1');
    assert.equal(typeof entry.time, 'number');
  });

  test('secrets are redacted: keys, headers, a Secret’s data, credentials in text, errors', () => {
    const { log, lines } = capture('json');
    log.info(
      {
        token: 'ghp_abcdefghijklmnopqrstuvwxyz0123',
        githubToken: 'plain-s3cret-1',
        tokenEnv: 'GITHUB_TOKEN',
        headers: { authorization: 'Bearer s3cret-bearer-2', 'x-gitlab-token': 's3cret-3', accept: 'json' },
        object: {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: {
            name: 'db',
            annotations: {
              'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"pw":"czNjcmV0LTQ="}}',
            },
          },
          data: { pw: 'czNjcmV0LTQ=' },
          stringData: { url: 's3cret-5' },
        },
      },
      'cloning https://x-access-token:s3cret-6@github.com/acme/fleet.git',
    );
    const err = Object.assign(new Error('request failed: Authorization: Bearer s3cret-bearer-7'), {
      config: { headers: { Authorization: 'Bearer s3cret-8' } },
    });
    log.error({ err }, 'fetch failed');
    log.warn(new Error('token s3cret-long-9 rejected'));
    const out = lines.join('');
    assert.doesNotMatch(out, /s3cret|ghp_abc|czNjcmV0/);
    type Line = {
      tokenEnv: string;
      msg: string;
      headers: { accept: string };
      object: { data: unknown };
      err: { type: string; message: string; config: { headers: { Authorization: string } } };
    };
    const first = JSON.parse(lines[0] ?? '') as Line;
    assert.equal(first.tokenEnv, 'GITHUB_TOKEN', 'a reference is not a secret');
    assert.equal(first.headers.accept, 'json');
    assert.deepEqual(first.object.data, { pw: '[redacted]' }, 'keys kept, values hidden');
    assert.equal(first.msg, 'cloning https://[redacted]@github.com/acme/fleet.git');
    const second = JSON.parse(lines[1] ?? '') as Line;
    assert.equal(second.err.type, 'Error');
    assert.equal(second.err.config.headers.Authorization, '[redacted]');
    assert.match(second.err.message, /Bearer \[redacted\]/);
  });

  test('on a terminal one readable line per entry; auto follows the terminal', () => {
    const { log, lines } = capture('auto', true);
    log.info({ sha: '1a2b3c', clusters: 3, note: 'two words' }, 'reconciled');
    assert.match(
      lines[0] ?? '',
      /^\d\d:\d\d:\d\d\.\d{3} INFO {2}reconciled sha=1a2b3c clusters=3 note="two words"\n$/,
    );
    const json = capture('auto', false);
    json.log.info('x');
    assert.doesNotThrow(() => JSON.parse(json.lines[0] ?? ''));
    assert.equal(prettyLine('not json'), 'not json');
  });

  test('scrubText', () => {
    assert.equal(scrubText('Basic dXNlcjpwYXNzd29yZA=='), 'Basic [redacted]');
    assert.equal(scrubText('glpat-abcdefghijklmnopqrstu'), '[redacted]');
    assert.equal(scrubText('nothing here'), 'nothing here');
  });
});
