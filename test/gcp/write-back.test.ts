// Write-back: what each member Ingress carries about its load balancer, and when it is written.
import assert from 'node:assert/strict';
import test from 'node:test';
import {
  LB_ANNOTATIONS,
  backendState,
  desiredLoadBalancer,
  ingressStatus,
  memberWriteBack,
  type ObservedLoadBalancer,
} from '../../src/gcp/model/index.js';
import type { KubeObject } from '../../src/model/index.js';
import { demoInput } from './helpers/demo.js';
import { echoAll } from './helpers/echo.js';

test('backend state over the groups, ingress-gce semantics', () => {
  const cases: [Parameters<typeof backendState>[0], string][] = [
    [[], 'Unknown'],
    [[{ group: 'a', states: [] }], 'Unknown'],
    [[{ group: 'a', error: 'notFound' }], 'Unknown'],
    [[{ group: 'a', states: ['UNHEALTHY', 'UNHEALTHY'] }], 'UNHEALTHY'],
    [
      [
        { group: 'a', states: ['UNHEALTHY'] },
        { group: 'b', states: ['HEALTHY'] },
      ],
      'HEALTHY',
    ],
    [
      [
        { group: 'a', error: 'timeout' },
        { group: 'b', states: ['UNHEALTHY'] },
      ],
      'UNHEALTHY',
    ],
  ];
  for (const [groups, want] of cases) assert.equal(backendState(groups), want, JSON.stringify(groups));
});

async function built() {
  const input = await demoInput();
  const desired = desiredLoadBalancer(input);
  const observed = echoAll(desired.resources, input.project);
  return { input, desired, observed };
}

const member = (annotations: Record<string, string> = {}, ip?: string): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: {
    name: 'myingress',
    namespace: 'default',
    annotations: { 'fedsync.io/source': 'x', ...annotations },
  },
  ...(ip ? { status: { loadBalancer: { ingress: [{ ip }] } } } : {}),
});

test('the status of a built load balancer names every resource, like the GCE controller did', async () => {
  const { desired, observed, input } = await built();
  const be = `k8s-be-30036--${input.uid}`;
  const s = ingressStatus({ design: desired.ingresses[0]!, observed, health: { [be]: 'HEALTHY' } });
  const n = desired.ingresses[0]!.names;
  assert.equal(s.ip, '34.120.0.1');
  assert.deepEqual(s.annotations, {
    [LB_ANNOTATIONS.forwardingRule]: n.httpForwardingRule,
    [LB_ANNOTATIONS.httpsForwardingRule]: n.httpsForwardingRule,
    [LB_ANNOTATIONS.targetProxy]: n.httpProxy,
    [LB_ANNOTATIONS.httpsTargetProxy]: n.httpsProxy,
    [LB_ANNOTATIONS.urlMap]: n.urlMap,
    [LB_ANNOTATIONS.sslCert]: desired.ingresses[0]!.certificates[0]!,
    [LB_ANNOTATIONS.backends]: `{"${be}":"HEALTHY"}`,
  });
  const programming = ingressStatus({ design: desired.ingresses[0]!, observed, health: {} });
  assert.equal(programming.annotations[LB_ANNOTATIONS.backends], `{"${be}":"Unknown"}`);
});

test('only what exists is announced', async () => {
  const { desired, input } = await built();
  const partial: ObservedLoadBalancer = {
    project: input.project,
    resources: echoAll(desired.resources, input.project).resources.filter(
      (r) => r.ref.kind !== 'forwardingRule' && r.ref.kind !== 'targetHttpsProxy',
    ),
  };
  const s = ingressStatus({ design: desired.ingresses[0]!, observed: partial, health: {} });
  assert.equal(s.ip, undefined);
  assert.deepEqual(
    Object.keys(s.annotations).sort(),
    [
      LB_ANNOTATIONS.backends,
      LB_ANNOTATIONS.sslCert,
      LB_ANNOTATIONS.targetProxy,
      LB_ANNOTATIONS.urlMap,
    ].sort(),
  );
});

test('first write: ADD and CREATE ip events; the next cycle writes nothing; a change writes only it', async () => {
  const { desired, observed, input } = await built();
  const be = `k8s-be-30036--${input.uid}`;
  const status = ingressStatus({ design: desired.ingresses[0]!, observed, health: { [be]: 'Unknown' } });
  const first = memberWriteBack(status, member());
  assert.ok(first);
  assert.deepEqual(first.events, [
    { type: 'Normal', reason: 'ADD', message: 'default/myingress' },
    { type: 'Normal', reason: 'CREATE', message: 'ip: 34.120.0.1' },
  ]);
  assert.deepEqual(first.status, { loadBalancer: { ingress: [{ ip: '34.120.0.1' }] } });
  assert.equal(Object.keys(first.annotations).length, 7);
  const written = member(status.annotations, '34.120.0.1');
  assert.equal(memberWriteBack(status, written), undefined, 'a no-op cycle writes nothing');
  const healthy = ingressStatus({ design: desired.ingresses[0]!, observed, health: { [be]: 'HEALTHY' } });
  const next = memberWriteBack(healthy, written);
  assert.deepEqual(next?.annotations, { [LB_ANNOTATIONS.backends]: `{"${be}":"HEALTHY"}` });
  assert.deepEqual(next?.events, [], 'health changes are not events');
  // HTTP switched off: the annotations of what is gone are removed.
  const noHttp = { ...status, annotations: { ...status.annotations } };
  delete noHttp.annotations[LB_ANNOTATIONS.forwardingRule];
  delete noHttp.annotations[LB_ANNOTATIONS.targetProxy];
  const removed = memberWriteBack(noHttp, written);
  assert.deepEqual(removed?.annotations, {
    [LB_ANNOTATIONS.forwardingRule]: null,
    [LB_ANNOTATIONS.targetProxy]: null,
  });
  assert.deepEqual(
    removed?.events.map((e) => e.reason),
    ['UPDATE'],
  );
});
