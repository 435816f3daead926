import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NODE_PORT_MAX, NODE_PORT_MIN, chooseNodePort, pinNodePorts } from '../../src/federation/nodeport.js';
import { ingressBackends } from '../../src/federation/ingress-backends.js';
import { planRevision } from '../../src/plan/plan-revision.js';
import type { KubeObject } from '../../src/model/index.js';
import { fedObject, ingress, observed, registration, repo, service } from '../helpers/federation.js';
import { clusterPlans } from '../../src/model/index.js';

const SVC = '/Service/shop/web';

function live(nodePort: number): KubeObject {
  return service('shop', 'web', { nodePort });
}

test('ingress backends: v1 default backend and rule backends by number and by name, deduplicated', () => {
  assert.deepEqual(ingressBackends(ingress('shop', 'front', 'web')), [
    { namespace: 'shop', service: 'web', port: 80 },
    { namespace: 'shop', service: 'web', port: 'http' },
  ]);
  const legacy: KubeObject = {
    apiVersion: 'extensions/v1beta1',
    kind: 'Ingress',
    metadata: { name: 'old', namespace: 'ns' },
    spec: {
      backend: { serviceName: 'a', servicePort: 8080 },
      rules: [{ http: { paths: [{ backend: { serviceName: 'b', servicePort: 'web' } }] } }],
    },
  };
  assert.deepEqual(ingressBackends(legacy), [
    { namespace: 'ns', service: 'a', port: 8080 },
    { namespace: 'ns', service: 'b', port: 'web' },
  ]);
});

const objects = (svc: KubeObject) => [fedObject(svc), fedObject(ingress('shop', 'front', 'web'))];

test('nodePort: the value in Git wins over live values', () => {
  const { pins, problems } = pinNodePorts({
    objects: objects(service('shop', 'web', { nodePort: 30080 })),
    clusters: [observed('a', { objects: [live(31000)] })],
  });
  assert.deepEqual(problems, []);
  assert.equal(pins.get(SVC)?.get(80), 30080);
});

test('nodePort: the value already allocated everywhere it exists is kept', () => {
  const { pins, problems } = pinNodePorts({
    objects: objects(service('shop', 'web')),
    clusters: [
      observed('a', { objects: [live(31000)] }),
      observed('b', { objects: [live(31000)] }),
      observed('c'),
    ],
  });
  assert.deepEqual(problems, []);
  assert.equal(pins.get(SVC)?.get(80), 31000);
});

test('nodePort: disagreeing clusters are a problem naming each value, and nothing is pinned', () => {
  const { pins, problems } = pinNodePorts({
    objects: objects(service('shop', 'web')),
    clusters: [observed('a', { objects: [live(31000)] }), observed('b', { objects: [live(31001)] })],
  });
  assert.equal(pins.get(SVC), undefined);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.code, 'nodePort.conflict');
  assert.match(problems[0]!.message, /31000 in a, 31001 in b/);
  assert.match(problems[0]!.message, /set spec\.ports\[\]\.nodePort in Git/);
});

test('nodePort: with nothing allocated, a deterministic choice in range, the same on every run', () => {
  const first = pinNodePorts({ objects: objects(service('shop', 'web')), clusters: [observed('a')] });
  const again = pinNodePorts({ objects: objects(service('shop', 'web')), clusters: [observed('b')] });
  const port = first.pins.get(SVC)?.get(80);
  assert.ok(port !== undefined && port >= NODE_PORT_MIN && port <= NODE_PORT_MAX);
  assert.equal(again.pins.get(SVC)?.get(80), port);
  assert.equal(port, chooseNodePort('shop/web/80', new Set()));
});

test('nodePort: the deterministic choice skips a port another Service already uses', () => {
  const taken = chooseNodePort('shop/web/80', new Set());
  const other = { ...service('shop', 'other', { nodePort: taken }) };
  const { pins } = pinNodePorts({
    objects: [...objects(service('shop', 'web')), fedObject(other)],
    clusters: [],
  });
  assert.equal(pins.get(SVC)?.get(80), taken === NODE_PORT_MAX ? NODE_PORT_MIN : taken + 1);
});

test('nodePort: a ClusterIP Service behind an Ingress is a problem; a Service not in Git is a warning', () => {
  const clusterIp = pinNodePorts({
    objects: objects(service('shop', 'web', { type: 'ClusterIP' })),
    clusters: [],
  });
  assert.deepEqual(
    clusterIp.problems.map((p) => p.code),
    ['nodePort.backendNotNodePort'],
  );
  const missing = pinNodePorts({ objects: [fedObject(ingress('shop', 'front', 'web'))], clusters: [] });
  assert.deepEqual(
    missing.problems.map((p) => [p.code, p.severity]),
    [['nodePort.backendNotFederated', 'warning']],
  );
});

test('nodePort: every cluster receives the same pinned value; a Service not behind an Ingress is left alone', () => {
  const plan = planRevision({
    revision: { sha: 'c0ffee' },
    repo: repo({
      clusters: [registration('a'), registration('b')],
      objects: [...objects(service('shop', 'web')), fedObject(service('shop', 'plain'))],
    }),
    clusters: [observed('a', { objects: [live(31000)], inventory: [] }), observed('b', { inventory: [] })],
    now: '2026-01-01T00:00:00Z',
  });
  for (const c of clusterPlans(plan)) {
    const actions = c.actions.filter(
      (a) => a.action !== 'delete' && a.action !== 'unchanged' && a.action !== 'skip',
    );
    const web = actions.find((a) => a.ref.name === 'web');
    const plain = actions.find((a) => a.ref.name === 'plain');
    assert.ok(web && 'object' in web && plain && 'object' in plain);
    assert.equal((web.object.spec as { ports: { nodePort?: number }[] }).ports[0]!.nodePort, 31000, c.name);
    assert.equal((plain.object.spec as { ports: { nodePort?: number }[] }).ports[0]!.nodePort, undefined);
  }
});

test('nodePort: an override that changes a pinned nodePort in one cluster is a problem', () => {
  const svc = fedObject(service('shop', 'web', { nodePort: 30080 }), {
    overrides: { b: [{ op: 'replace', path: '/spec/ports/0/nodePort', value: 30081 }] },
  });
  const plan = planRevision({
    revision: { sha: 'c0ffee' },
    repo: repo({
      clusters: [registration('a'), registration('b')],
      objects: [svc, fedObject(ingress('shop', 'front', 'web'))],
    }),
    clusters: [observed('a', { inventory: [] }), observed('b', { inventory: [] })],
    now: '2026-01-01T00:00:00Z',
  });
  assert.deepEqual(
    plan.problems.filter((p) => p.code.startsWith('nodePort')).map((p) => [p.code, p.cluster]),
    [['nodePort.overridden', 'b']],
  );
});
