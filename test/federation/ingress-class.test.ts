// When fedsync runs a federation's load balancer (the federation names a Google Cloud project),
// every member Ingress gets an ingress class no in-cluster controller serves, so no cluster builds a
// load balancer of its own; a class named in Git is replaced, with a warning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderDesired } from '../../src/federation/desired.js';
import type { FederationRepo, KubeObject } from '../../src/model/index.js';
import { fedObject, ingress, observed, registration, repo } from '../helpers/federation.js';

const CLASS = 'kubernetes.io/ingress.class';

function members(r: FederationRepo) {
  const out = renderDesired({
    repo: r,
    sha: 'abc',
    ready: ['a', 'b'],
    observed: [observed('a'), observed('b')],
    now: '2026-06-01T00:00:00Z',
  });
  const ingresses = [...out.byCluster.values()].flatMap((list) =>
    list.map((d) => d.object).filter((o) => o.kind === 'Ingress'),
  );
  return { ingresses, problems: out.problems };
}

function federation(template: KubeObject, gcp?: FederationRepo['federation']['gcp']): FederationRepo {
  const r = repo({ clusters: [registration('a'), registration('b')], objects: [fedObject(template)] });
  if (gcp) r.federation.gcp = gcp;
  return r;
}

test('with a Google Cloud project every member Ingress gets the class fedsync', () => {
  const { ingresses, problems } = members(federation(ingress('shop', 'web', 'web'), { project: 'p' }));
  assert.equal(ingresses.length, 2);
  for (const i of ingresses) assert.equal(i.metadata.annotations?.[CLASS], 'fedsync');
  assert.deepEqual(
    problems.filter((p) => p.code === 'ingress.classReplaced'),
    [],
  );
});

test('spec.gcp.ingressClass chooses the class', () => {
  const { ingresses } = members(
    federation(ingress('shop', 'web', 'web'), { project: 'p', ingressClass: 'fedsync-global' }),
  );
  for (const i of ingresses) assert.equal(i.metadata.annotations?.[CLASS], 'fedsync-global');
});

test('without a project the Ingress is left as Git says (an in-cluster controller serves it)', () => {
  const { ingresses } = members(federation(ingress('shop', 'web', 'web')));
  for (const i of ingresses) assert.equal(i.metadata.annotations?.[CLASS], undefined);
});

test('a class named in Git is replaced with a warning; spec.ingressClassName is taken out', () => {
  const byAnnotation = ingress('shop', 'web', 'web');
  byAnnotation.metadata.annotations = { ...byAnnotation.metadata.annotations, [CLASS]: 'gce' };
  const a = members(federation(byAnnotation, { project: 'p' }));
  for (const i of a.ingresses) assert.equal(i.metadata.annotations?.[CLASS], 'fedsync');
  const warning = a.problems.find((p) => p.code === 'ingress.classReplaced');
  assert.equal(warning?.severity, 'warning');
  assert.match(warning?.message ?? '', /kubernetes\.io\/ingress\.class: gce replaced by/);
  assert.equal(byAnnotation.metadata.annotations[CLASS], 'gce', 'the repository object is not changed');

  const bySpec = ingress('shop', 'web', 'web');
  (bySpec.spec as Record<string, unknown>).ingressClassName = 'gce';
  const s = members(federation(bySpec, { project: 'p' }));
  for (const i of s.ingresses) {
    assert.equal(i.metadata.annotations?.[CLASS], 'fedsync');
    assert.equal((i.spec as Record<string, unknown>).ingressClassName, undefined);
  }
  assert.match(
    s.problems.find((p) => p.code === 'ingress.classReplaced')?.message ?? '',
    /spec\.ingressClassName: "gce"/,
  );
  assert.equal((bySpec.spec as Record<string, unknown>).ingressClassName, 'gce');
});
