import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Plan } from '../../src/model/index.js';
import { PLAN_SCHEMA_VERSION } from '../../src/model/index.js';
import { renderPlanJson } from '../../src/report/render/plan-json.js';
import { renderPlanText, summaryLine } from '../../src/report/render/plan-text.js';
import { renderPlanMarkdown } from '../../src/report/render/plan-markdown.js';
import { renderObjectsYaml } from '../../src/report/render/objects-yaml.js';
import { MASKED } from '../../src/plan/mask.js';
import { about } from '../helpers/plan.js';
import { planDigest } from '../../src/plan/plan-digest.js';

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
      target: 'a',
      health: 'Ready',
      actions: [
        { action: 'create', ...about(ref('Secret', 'db')), object: secretObject, reason: 'in Git' },
        {
          action: 'update',
          ...about(ref('Deployment', 'web', 'apps')),
          object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' } },
          changes: [{ path: 'spec.replicas', from: 3, to: 4 }],
          reason: 'differs',
        },
        {
          action: 'adopt',
          ...about(ref('ConfigMap', 'legacy')),
          object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'legacy', namespace: 'shop' } },
          changes: [{ path: 'data.mode', from: 'old', to: 'new' }],
          reason: "exists without fedsync's labels",
        },
        { action: 'unchanged', ...about(ref('ConfigMap', 'same')) },
        { action: 'skip', ...about(ref('ConfigMap', 'frozen')), reason: 'fedsync.io/reconcile: disabled' },
        {
          action: 'held',
          ...about(ref('Ingress', 'old', 'networking.k8s.io')),
          would: 'delete',
          reason: 'removed',
          guards: ['guard.lbFrontendDelete'],
        },
        { action: 'delete', ...about(ref('ConfigMap', 'gone')), reason: 'removed' },
      ],
      inventory: [],
    },
    { kind: 'cluster', target: 'b', health: 'Offline', actions: [], inventory: [] },
  ],
  problems: [{ code: 'cluster.offline', severity: 'warning', message: 'Offline', cluster: 'b' }],
  guards: { digest: 'sha256:guarded', guards: ['guard.lbFrontendDelete'], released: [] },
  requeueAfterSeconds: 12,
};

test('text: terraform-like symbols, changed fields, per cluster, summary line', () => {
  const text = renderPlanText(plan);
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
      '  - Ingress/shop/old (held by guard.lbFrontendDelete)',
      '  - ConfigMap/shop/gone',
      '    (1 unchanged)',
      '',
      'cluster b (Offline): left untouched',
      '',
      'Problems:',
      '  warning: Offline (cluster b)',
      '',
      'Held by guard.lbFrontendDelete; approve with digest sha256:guarded (any later commit) or commit 0123456789abcdef0123456789abcdef01234567 (in a commit directly on top of it changing only fedsync.yaml)',
      '',
      'Plan: 1 to add, 2 to change, 1 to destroy, 1 held by safety guards.',
      'Plan again in 12 s (pending pods).',
      '',
    ].join('\n'),
  );
  assert.equal(summaryLine(plan), 'Plan: 1 to add, 2 to change, 1 to destroy, 1 held by safety guards.');
});

test('JSON: versioned, stable, Secret objects masked (the plan value itself keeps them for apply)', () => {
  const json = renderPlanJson(plan);
  const parsed = JSON.parse(json) as Plan;
  assert.equal(parsed.schemaVersion, PLAN_SCHEMA_VERSION);
  assert.ok(!json.includes('aHVudGVyMg=='));
  assert.ok(json.includes(MASKED));
  assert.equal(renderPlanJson(plan), json);
  assert.equal(
    (plan.targets[0]!.actions[0] as unknown as { object: { data: { password: string } } }).object.data
      .password,
    'aHVudGVyMg==',
  );
});

test('Markdown: summary, table per cluster, diff details, approval snippet', () => {
  const md = renderPlanMarkdown(plan);
  assert.match(md, /\*\*1 to add, 2 to change, 1 to destroy, 1 held by safety guards\.\*\*/);
  assert.match(md, /\| a \| Ready \| 1 \| 2 \| 1 \| 1 \| 1 \|/);
  assert.match(md, /\| b \| Offline \| 0 \| 0 \| 0 \| 0 \| 0 \|/);
  assert.match(md, /```diff\n\+ Secret\/shop\/db\n~ Deployment\/shop\/web/);
  assert.match(md, /- digest: sha256:guarded\n {8}guards: \[guard\.lbFrontendDelete\]/);
  assert.match(
    md,
    /# or: only in a commit directly on top of 0123456789ab that changes only fedsync\.yaml\n {6}- commit: 0123456789abcdef0123456789abcdef01234567\n {8}guards: \[guard\.lbFrontendDelete\]\n {8}reason: <why>/,
  );
});

test('YAML objects: Secret values masked', () => {
  const yaml = renderObjectsYaml([
    secretObject,
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } },
  ]);
  assert.ok(!yaml.includes('aHVudGVyMg=='));
  assert.match(yaml, /password: \(sensitive value\)/);
  assert.match(yaml, /---\napiVersion: v1\nkind: ConfigMap/);
});

const lbRef = (kind: string, name: string) => ({ kind, name });
const lbAbout = (kind: string, name: string, collection: string) => ({
  key: `${collection}/${name}`,
  subject: `${collection}/${name}`,
  ref: lbRef(kind, name),
});

/** A plan whose load-balancer target uses the actions clusters never have: replace, held replace. */
const withLoadBalancer = (ruleAction: 'replace' | 'held'): Plan => ({
  ...plan,
  guards: undefined,
  targets: [
    {
      kind: 'loadBalancer',
      target: 'loadbalancer',
      actions: [
        {
          action: 'create',
          ...lbAbout('urlMap', 'fedsync-demo', 'urlMaps'),
          object: { name: 'fedsync-demo' },
          reason: 'desired, missing',
        },
        ruleAction === 'replace'
          ? {
              action: 'replace',
              ...lbAbout('forwardingRule', 'fedsync-demo-https', 'forwardingRules'),
              object: { name: 'fedsync-demo-https', IPAddress: '203.0.113.9' },
              changes: [{ path: 'IPAddress', from: '203.0.113.7', to: '203.0.113.9' }],
              reason: 'IPAddress cannot change in place',
            }
          : {
              action: 'held',
              ...lbAbout('forwardingRule', 'fedsync-demo-https', 'forwardingRules'),
              would: 'replace',
              guards: ['guard.lbFrontendDelete'],
              reason: 'IPAddress cannot change in place',
            },
        {
          action: 'delete',
          ...lbAbout('sslCertificate', 'old-cert', 'sslCertificates'),
          reason: 'not desired',
        },
        { action: 'unchanged', ...lbAbout('healthCheck', 'fedsync-demo-hc', 'healthChecks') },
      ],
    },
  ],
  problems: [],
});

test('a load-balancer target renders with the same words: replace adds and destroys, held replace', () => {
  const replaced = withLoadBalancer('replace');
  assert.equal(
    renderPlanText(replaced).split('\n').slice(2, 10).join('\n'),
    [
      'load balancer loadbalancer:',
      '  + urlMaps/fedsync-demo',
      '  -/+ forwardingRules/fedsync-demo-https (replace: IPAddress cannot change in place)',
      '      IPAddress: "203.0.113.7" → "203.0.113.9"',
      '  - sslCertificates/old-cert',
      '    (1 unchanged)',
      '',
      'Plan: 2 to add, 0 to change, 2 to destroy.',
    ].join('\n'),
  );
  assert.match(renderPlanMarkdown(replaced), /\| loadbalancer \| {2}\| 2 \| 0 \| 2 \| 0 \| 1 \|/);
  assert.ok(renderPlanJson(replaced).includes('"action": "replace"'));

  const held = withLoadBalancer('held');
  assert.match(
    renderPlanText(held),
    /-\/\+ forwardingRules\/fedsync-demo-https \(held by guard\.lbFrontendDelete\)/,
  );
  assert.equal(summaryLine(held), 'Plan: 1 to add, 0 to change, 1 to destroy, 1 held by safety guards.');
});

test('the plan digest covers load-balancer actions by (target, key)', () => {
  const a = withLoadBalancer('replace');
  const b = withLoadBalancer('held');
  assert.notEqual(planDigest(a), planDigest(b));
  assert.equal(planDigest(a), planDigest(withLoadBalancer('replace')));
});
