// The status renderers beyond the golden files: Secret values never leave, history only grows on a
// change a person would see, bad names are refused, and commit statuses follow the states.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { previewsIn, formatStatusFiles, statusSummary } from '../../src/report/format/status-files.js';
import { StatusFormatError } from '../../src/report/format/status-paths.js';
import { MAX_DRIFT_ENTRIES } from '../../src/report/format/status-drift.js';
import {
  MAX_DESCRIPTION,
  commitStatusesFor,
  previewStatusFor,
} from '../../src/report/format/commit-statuses.js';
import type { DriftEntry, StatusSnapshot } from '../../src/report/format/status-snapshot.js';
import { worstState } from '../../src/report/format/status-snapshot.js';

const SHA = 'a'.repeat(40);
const SECRET = 'correct-horse-battery-staple';
const SECRET_B64 = Buffer.from(SECRET).toString('base64');
const OTHER_SECRET = 'hunter2-but-longer';

function snapshot(overrides: Partial<StatusSnapshot> = {}): StatusSnapshot {
  return {
    federation: 'shop',
    source: { sha: SHA, ref: 'main' },
    clusters: [
      { name: 'eu', state: 'Synced', appliedSha: SHA, lastChange: '2026-05-02T10:00:00Z', inventory: [] },
    ],
    loadBalancers: [],
    ...overrides,
  };
}

const secretRef = { kind: 'Secret', namespace: 'shop', name: 'api-keys' };
const lastApplied = JSON.stringify({ apiVersion: 'v1', kind: 'Secret', data: { TOKEN: SECRET_B64 } });

/** Secret values in every shape a drift field can take. */
const secretDrift: DriftEntry[] = [
  {
    subject: secretRef,
    classification: 'modified',
    fields: [
      { path: 'data.TOKEN', from: SECRET_B64, to: Buffer.from(OTHER_SECRET).toString('base64') },
      { path: 'stringData.password', from: SECRET, to: OTHER_SECRET },
      { path: 'data', from: { TOKEN: SECRET_B64 }, to: { TOKEN: SECRET_B64, EXTRA: SECRET } },
      { path: 'data["tls.key"]', from: SECRET },
      { path: '/data/TOKEN', from: SECRET },
      { path: 'spec.weird', from: { nested: SECRET } },
      {
        path: 'metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]',
        from: lastApplied,
      },
      {
        path: 'metadata.annotations',
        from: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied },
      },
      { path: 'type', from: 'Opaque', to: 'kubernetes.io/tls' },
    ],
    manager: 'kubectl-edit',
    firstSeen: '2026-05-02T10:02:00Z',
    handling: 'reported',
    reason: 'self-heal is off',
  },
  {
    subject: { ...secretRef, name: 'whole' },
    classification: 'unexpected',
    fields: [
      {
        path: '',
        from: {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: {
            name: 'whole',
            annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied },
          },
          data: { TOKEN: SECRET_B64 },
          stringData: { password: SECRET },
        },
      },
    ],
    firstSeen: '2026-05-02T10:03:00Z',
    handling: 'failed',
  },
];

test('no Secret value reaches any file of the status branch, from clusters or load balancers', () => {
  const snap = snapshot({
    clusters: [
      { name: 'eu', state: 'Drifted', drift: secretDrift, inventory: ['/Secret/shop/api-keys'] },
      { name: 'us', state: 'Synced', drift: [] },
    ],
    loadBalancers: [{ namespace: 'shop', name: 'web', state: 'Drifted', drift: secretDrift }],
  });
  const files = formatStatusFiles(snap);
  assert.ok(files['drift/eu.md'] && files['drift/eu.json'] && files['drift/loadbalancers/shop-web.json']);
  const needles = [SECRET, SECRET_B64, OTHER_SECRET, Buffer.from(OTHER_SECRET).toString('base64')];
  for (const [path, text] of Object.entries(files))
    for (const n of needles) assert.ok(!text.includes(n), `${path} leaks a Secret value (${n.slice(0, 4)}…)`);
  for (const s of commitStatusesFor(snap))
    for (const n of needles) assert.ok(!s.description.includes(n), `status ${s.context} leaks`);
  // What changed is still visible: the keys, the type, and that the value is hidden.
  const md = files['drift/eu.md'] ?? '';
  assert.match(md, /`data\.TOKEN` \(value hidden\)/);
  assert.match(md, /`type`/);
  const json = JSON.parse(files['drift/eu.json'] ?? '{}') as { entries: DriftEntry[] };
  const token = json.entries[0]?.fields.find((f) => f.path === 'data.TOKEN');
  assert.equal(token?.from, '(sensitive value)');
  const type = json.entries[0]?.fields.find((f) => f.path === 'type');
  assert.equal(type?.to, 'kubernetes.io/tls');
});

test('values of other kinds are shown, in a collapsible block', () => {
  const files = formatStatusFiles(
    snapshot({
      clusters: [
        {
          name: 'eu',
          state: 'Drifted',
          drift: [
            {
              subject: { group: 'apps', kind: 'Deployment', namespace: 'shop', name: 'web' },
              classification: 'modified',
              fields: [{ path: 'spec.template.spec.containers[name=web].image', from: 'web:2', to: 'web:1' }],
              firstSeen: '2026-05-02T10:00:00Z',
              handling: 'corrected',
            },
          ],
        },
      ],
    }),
  );
  assert.match(files['drift/eu.md'] ?? '', /<details><summary>Deployment\.apps shop\/web<\/summary>/);
  assert.match(files['drift/eu.md'] ?? '', /`"web:2"` \| `"web:1"`/);
});

test('drift files are capped with a count of what is left out', () => {
  const many: DriftEntry[] = Array.from({ length: MAX_DRIFT_ENTRIES + 3 }, (_, i) => ({
    subject: { kind: 'ConfigMap', namespace: 'shop', name: `cm-${String(i).padStart(4, '0')}` },
    classification: 'missing' as const,
    fields: [],
    firstSeen: '2026-05-02T10:00:00Z',
    handling: 'corrected' as const,
  }));
  const files = formatStatusFiles(snapshot({ clusters: [{ name: 'eu', state: 'Drifted', drift: many }] }));
  const json = JSON.parse(files['drift/eu.json'] ?? '{}') as {
    total: number;
    truncated: boolean;
    entries: unknown[];
  };
  assert.equal(json.total, MAX_DRIFT_ENTRIES + 3);
  assert.equal(json.truncated, true);
  assert.equal(json.entries.length, MAX_DRIFT_ENTRIES);
  assert.match(files['drift/eu.md'] ?? '', /3 more drifted objects are not listed/);
});

test('history grows only when a state, applied commit or drift count changes, and is capped', () => {
  const first = formatStatusFiles(snapshot());
  const history1 = first['history.jsonl'] ?? '';
  assert.equal(history1.trim().split('\n').length, 1);
  // Same view again (even on a new source commit the target did not change): same file.
  const again = formatStatusFiles(snapshot(), { previousHistory: history1 });
  assert.equal(again['history.jsonl'], history1);
  const drifted = formatStatusFiles(
    snapshot({
      clusters: [{ name: 'eu', state: 'Drifted', appliedSha: SHA, drift: secretDrift.slice(0, 1) }],
    }),
    { previousHistory: history1 },
  );
  const lines = (drifted['history.jsonl'] ?? '').trim().split('\n');
  assert.equal(lines.length, 2);
  assert.equal((JSON.parse(lines[1] ?? '{}') as { state: string }).state, 'Drifted');
  // Cap: only the newest lines stay.
  let history = '';
  for (let i = 0; i < 8; i++) {
    const state = i % 2 === 0 ? 'Synced' : 'Progressing';
    history =
      formatStatusFiles(snapshot({ clusters: [{ name: 'eu', state }] }), {
        previousHistory: history,
        historyLimit: 5,
      })['history.jsonl'] ?? '';
  }
  const capped = history.trim().split('\n');
  assert.equal(capped.length, 5);
  assert.equal((JSON.parse(capped[4] ?? '{}') as { state: string }).state, 'Progressing');
});

test('the same snapshot renders identical files; a changed drift changes them', () => {
  const a = formatStatusFiles(snapshot());
  assert.deepEqual(formatStatusFiles(snapshot()), a);
  const b = formatStatusFiles(snapshot({ clusters: [{ name: 'eu', state: 'Drifted', drift: secretDrift }] }));
  assert.notEqual(b['README.md'], a['README.md']);
});

test('names that could leave their folder, or collide, are refused with a clear error', () => {
  const bad: [Partial<StatusSnapshot>, RegExp][] = [
    [{ clusters: [{ name: '../escape', state: 'Synced' }] }, /cluster name "\.\.\/escape"/],
    [{ clusters: [{ name: 'a..b', state: 'Synced' }] }, /cluster name "a\.\.b"/],
    [{ loadBalancers: [{ namespace: 'Shop', name: 'web', state: 'Synced' }] }, /namespace "Shop"/],
    [
      {
        loadBalancers: [
          { namespace: 'a-b', name: 'c', state: 'Synced' },
          { namespace: 'a', name: 'b-c', state: 'Synced' },
        ],
      },
      /would both be written to loadbalancers\/a-b-c\.md/,
    ],
    [{ source: { sha: 'abc' } }, /source SHA "abc" is not a full commit id/],
    [{ previews: [{ sha: 'x/../y', markdown: '' }] }, /preview SHA/],
  ];
  for (const [overrides, message] of bad)
    assert.throws(
      () => formatStatusFiles(snapshot(overrides)),
      (err: unknown) =>
        err instanceof StatusFormatError &&
        err.code === 'report.invalidSnapshot' &&
        message.test(err.message),
    );
});

test('worst state wins the roll-up, in the documented order', () => {
  assert.equal(worstState([]), 'Synced');
  assert.equal(worstState(['Synced', 'Drifted', 'Progressing']), 'Drifted');
  assert.equal(worstState(['Failed', 'Offline']), 'Offline');
  assert.equal(worstState(['Offline', 'Unknown']), 'Unknown');
  assert.equal(statusSummary(snapshot()), 'Synced, 1 of 1 targets synced');
});

test('commit statuses: one per cluster, one for the load balancers, one roll-up; ≤ 140 characters', () => {
  const snap = snapshot({
    clusters: [
      { name: 'eu', state: 'Synced' },
      { name: 'us', state: 'Progressing', message: 'x'.repeat(300) },
      { name: 'asia', state: 'Offline' },
    ],
    loadBalancers: [{ namespace: 'shop', name: 'web', state: 'Synced', ip: '203.0.113.10' }],
  });
  const statuses = commitStatusesFor(snap);
  assert.deepEqual(
    statuses.map((s) => [s.context, s.state]),
    [
      ['fedsync', 'error'],
      ['fedsync/asia', 'error'],
      ['fedsync/eu', 'success'],
      ['fedsync/loadbalancer', 'success'],
      ['fedsync/us', 'pending'],
    ],
  );
  for (const s of statuses) assert.ok([...s.description].length <= MAX_DESCRIPTION, s.context);
  assert.match(statuses.find((s) => s.context === 'fedsync/us')?.description ?? '', /…$/);
  assert.equal(statuses.find((s) => s.context === 'fedsync/loadbalancer')?.file, 'loadbalancers/shop-web.md');
  assert.equal(
    statuses[0]?.description,
    'Offline: 2 of 4 targets synced at aaaaaaaaaaaa · not synced: asia, us',
  );
  // No load balancer: no load-balancer context.
  assert.ok(!commitStatusesFor(snapshot()).some((s) => s.context.endsWith('/loadbalancer')));
  assert.equal(commitStatusesFor(snapshot(), { prefix: 'fed/shop' })[0]?.context, 'fed/shop');
});

test('preview statuses say what the plan does, or why it cannot go ahead', () => {
  const ok = previewStatusFor({
    sha: SHA,
    outcome: 'planned',
    summary: '3 to add, 1 to change, 0 to destroy',
  });
  assert.deepEqual(ok, {
    context: 'fedsync/plan',
    state: 'success',
    description: '3 to add, 1 to change, 0 to destroy',
    file: `previews/${SHA}.md`,
  });
  const held = previewStatusFor({
    sha: SHA,
    outcome: 'held',
    summary: '0 to add, 0 to change, 40 to destroy',
  });
  assert.equal(held.state, 'failure');
  assert.match(held.description, /^held: needs approval/);
  assert.equal(
    previewStatusFor({ sha: SHA, outcome: 'invalid', summary: 'apps/web.yaml:3: bad' }).state,
    'failure',
  );
});

test('previews already on the branch can be read back and carried forward', () => {
  const p = { sha: 'b'.repeat(40), ref: 'refs/pull/3/head', markdown: '### plan\n' };
  const files = formatStatusFiles(snapshot({ previews: [p, { sha: 'c'.repeat(40), markdown: 'x\n' }] }));
  const back = previewsIn(new Map(Object.entries(files)));
  assert.deepEqual(back, [p, { sha: 'c'.repeat(40), markdown: 'x\n' }]);
  assert.deepEqual(formatStatusFiles(snapshot({ previews: back })), files);
});
