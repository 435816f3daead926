import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Plan } from '../../src/model/index.js';
import { PLAN_SCHEMA_VERSION } from '../../src/model/index.js';
import { formatPlanJson } from '../../src/report/format/plan-json.js';
import { formatPlanText, summaryLine } from '../../src/report/format/plan-text.js';
import { formatPlanMarkdown } from '../../src/report/format/plan-markdown.js';
import { formatObjectsYaml } from '../../src/report/format/objects-yaml.js';
import { MASKED } from '../../src/plan/mask.js';
import { clusterPlans } from '../../src/model/index.js';

const secretObject = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'db', namespace: 'shop' },
  data: { password: 'aHVudGVyMg==' },
};

const ref = (kind: string, name: string, group = '') => ({ group, kind, namespace: 'shop', name });

const plan: Plan = {
  schemaVersion: PLAN_SCHEMA_VERSION,
  federation: 'demo',
  revision: { sha: '0123456789abcdef0123456789abcdef01234567' },
  digest: 'sha256:x',
  targets: [
    {
      kind: 'cluster',
      name: 'a',
      health: 'Ready',
      actions: [
        { action: 'create', ref: ref('Secret', 'db'), object: secretObject, reason: 'in Git' },
        {
          action: 'update',
          ref: ref('Deployment', 'web', 'apps'),
          object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' } },
          changes: [{ path: 'spec.replicas', from: 3, to: 4 }],
          reason: 'differs',
        },
        {
          action: 'adopt',
          ref: ref('ConfigMap', 'legacy'),
          object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'legacy', namespace: 'shop' } },
          changes: [{ path: 'data.mode', from: 'old', to: 'new' }],
          reason: "exists without fedsync's labels",
        },
        {
          action: 'unchanged',
          ref: ref('ConfigMap', 'same'),
          object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'same', namespace: 'shop' } },
        },
        { action: 'skip', ref: ref('ConfigMap', 'frozen'), reason: 'fedsync.io/reconcile: disabled' },
        {
          action: 'held',
          ref: ref('Ingress', 'old', 'networking.k8s.io'),
          apiVersion: 'networking.k8s.io/v1',
          reason: 'removed',
          heldBy: ['guard.lbFrontendDelete'],
        },
        { action: 'delete', ref: ref('ConfigMap', 'gone'), apiVersion: 'v1', reason: 'removed' },
      ],
      inventory: [],
      selfHeal: true,
    },
    { kind: 'cluster', name: 'b', health: 'Offline', actions: [], inventory: [], selfHeal: true },
    {
      kind: 'loadBalancer',
      name: 'shop-prod',
      actions: [
        {
          action: 'replace',
          subject: 'forwardingRules/k8s-fw-shop-web--0123456789abcdef',
          ref: { kind: 'forwardingRule', name: 'k8s-fw-shop-web--0123456789abcdef' },
          call: 'insert',
          replaceOrder: 'deleteFirst',
          reason: 'IPAddress cannot change in place',
          changes: [{ path: 'IPAddress', from: '10.0.0.1', to: '10.0.0.2' }],
        },
      ],
      uid: '0123456789abcdef',
      ingresses: [],
      orphans: [],
    },
  ],
  problems: [{ code: 'cluster.offline', severity: 'warning', message: 'Offline', cluster: 'b' }],
  guards: { digest: 'sha256:guarded', guards: ['guard.lbFrontendDelete'], released: [] },
  requeueAfterSeconds: 12,
};

test('text: terraform-like symbols, changed fields, per cluster, summary line', () => {
  const text = formatPlanText(plan);
  assert.equal(
    text,
    [
      'fedsync plan for federation demo at 0123456789ab',
      '',
      'cluster a:',
      '  + Secret/shop/db',
      '  ~ Deployment/shop/web',
      '      spec.replicas: 3 → 4',
      "  ± ConfigMap/shop/legacy (adopt: exists without fedsync's labels)",
      '      data.mode: "old" → "new"',
      '  # ConfigMap/shop/frozen skipped: fedsync.io/reconcile: disabled',
      '  ! Ingress/shop/old (delete held by guard.lbFrontendDelete)',
      '  - ConfigMap/shop/gone',
      '    (1 unchanged)',
      '',
      'cluster b (Offline): left untouched',
      '',
      'load balancer (project shop-prod):',
      '  -/+ forwardingRules/k8s-fw-shop-web--0123456789abcdef (replace: IPAddress cannot change in place)',
      '      IPAddress: "10.0.0.1" → "10.0.0.2"',
      '',
      'Problems:',
      '  warning: Offline (cluster b)',
      '',
      'Held by guard.lbFrontendDelete; approve with digest sha256:guarded (any later commit) or commit 0123456789abcdef0123456789abcdef01234567 (in a commit directly on top of it changing only fedsync.yaml)',
      '',
      'Plan: 2 to add, 2 to change, 2 to destroy, 1 held by safety guards.',
      'Plan again in 12 s (pending pods, or a drained backend due to be undrained).',
      '',
    ].join('\n'),
  );
  assert.equal(summaryLine(plan), 'Plan: 2 to add, 2 to change, 2 to destroy, 1 held by safety guards.');
});

test('JSON: versioned, stable, Secret objects masked (the plan value itself keeps them for apply)', () => {
  const json = formatPlanJson(plan);
  const parsed = JSON.parse(json) as Plan;
  assert.equal(parsed.schemaVersion, 2);
  assert.ok(!json.includes('aHVudGVyMg=='));
  assert.ok(json.includes(MASKED));
  assert.equal(formatPlanJson(plan), json);
  assert.equal(
    (clusterPlans(plan)[0]!.actions[0] as unknown as { object: { data: { password: string } } }).object.data
      .password,
    'aHVudGVyMg==',
  );
});

test('Markdown: summary, table per target, diff details, approval snippet', () => {
  const md = formatPlanMarkdown(plan);
  assert.match(md, /\*\*2 to add, 2 to change, 2 to destroy, 1 held by safety guards\.\*\*/);
  assert.match(md, /\| cluster a \| Ready \| 1 \| 2 \| 1 \| 1 \| 1 \|/);
  assert.match(md, /\| cluster b \| Offline \| 0 \| 0 \| 0 \| 0 \| 0 \|/);
  assert.match(md, /\| load balancer \(project shop-prod\) \| {2}\| 1 \| 0 \| 1 \| 0 \| 0 \|/);
  assert.match(
    md,
    /<summary>load balancer \(project shop-prod\)<\/summary>\n\n```diff\n-\/\+ forwardingRules\//,
  );
  assert.match(md, /```diff\n\+ Secret\/shop\/db\n~ Deployment\/shop\/web/);
  assert.match(md, /- digest: sha256:guarded\n {8}guards: \[guard\.lbFrontendDelete\]/);
  assert.match(
    md,
    /# or: only in a commit directly on top of 0123456789ab that changes only fedsync\.yaml\n {6}- commit: 0123456789abcdef0123456789abcdef01234567\n {8}guards: \[guard\.lbFrontendDelete\]\n {8}reason: <why>/,
  );
});

test('YAML objects: Secret values masked', () => {
  const yaml = formatObjectsYaml([
    secretObject,
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } },
  ]);
  assert.ok(!yaml.includes('aHVudGVyMg=='));
  assert.match(yaml, /password: \(sensitive value\)/);
  assert.match(yaml, /---\napiVersion: v1\nkind: ConfigMap/);
});
