// Created versus adopted: the plan records which objects fedsync adopted, and an adopted object that
// Git no longer wants is orphaned (released, kept running) unless its manifest asked for deletion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planRevision } from '../../src/plan/plan-revision.js';
import type { FederatedObject, KubeObject, ObservedCluster, Plan } from '../../src/model/index.js';
import {
  ANNOTATION_ON_REMOVE,
  ON_REMOVE_DELETE,
  clusterPlans,
  refKey,
  refOf,
} from '../../src/model/index.js';
import { toMemberObject } from '../../src/federation/member-object.js';
import { formatPlanText } from '../../src/report/format/plan-text.js';
import { asApplied } from '../helpers/apiserver.js';
import { configMap, fedObject, observed, registration, repo } from '../helpers/federation.js';

const key = (o: KubeObject) => refKey(refOf(o));
const owned = (obj: KubeObject): KubeObject =>
  asApplied(toMemberObject(obj, { federation: 'demo', source: `apps/${obj.metadata.name}.yaml@old` }));

function plan(objects: FederatedObject[], cluster: ObservedCluster): Plan {
  return planRevision({
    revision: { sha: 'abc123' },
    repo: repo({ clusters: [registration(cluster.name)], objects }),
    clusters: [cluster],
    now: '2026-01-01T00:00:00Z',
  });
}

const lines = (p: Plan) => clusterPlans(p)[0]!.actions.map((a) => `${a.action} ${a.ref.name}`);

test('an adopt is recorded as adopted; created objects are not', () => {
  const handMade = asApplied(configMap('shop', 'by-hand'));
  const p = plan([fedObject(configMap('shop', 'by-hand')), fedObject(configMap('shop', 'new'))], {
    ...observed('a', { objects: [handMade] }),
    inventory: [],
  });
  assert.deepEqual(lines(p), ['adopt by-hand', 'create new']);
  assert.deepEqual(clusterPlans(p)[0]!.adopted, [key(handMade)]);
});

test('adopted stays adopted while Git keeps it, whether unchanged or updated', () => {
  const same = owned(configMap('shop', 'same'));
  const edited = owned(configMap('shop', 'edited'));
  const p = plan(
    [fedObject(configMap('shop', 'same')), fedObject(configMap('shop', 'edited', { key: 'new' }))],
    { ...observed('a', { objects: [same, edited] }), adopted: [key(same), key(edited)] },
  );
  assert.deepEqual(lines(p), ['update edited', 'unchanged same']);
  assert.deepEqual(clusterPlans(p)[0]!.adopted, [key(edited), key(same)].sort());
});

test('removed from Git: a created object is deleted, an adopted one orphaned and shown as such', () => {
  const created = owned(configMap('shop', 'created'));
  const adopted = owned(configMap('shop', 'adopted'));
  const stays = owned(configMap('shop', 'stays'));
  const p = plan([fedObject(configMap('shop', 'stays'))], {
    ...observed('a', { objects: [created, adopted, stays] }),
    adopted: [key(adopted)],
  });
  assert.deepEqual(lines(p), ['unchanged stays', 'orphan adopted', 'delete created']);
  const cp = clusterPlans(p)[0]!;
  assert.deepEqual(cp.inventory, [key(stays)], 'both leave the inventory');
  assert.equal(cp.adopted, undefined);
  const orphan = cp.actions.find((a) => a.action === 'orphan')!;
  assert.match(orphan.reason, /adopted, so released and kept/);
  assert.match(formatPlanText(p), /orphan: not desired here; adopted/);
});

test('an adopted object whose manifest said on-remove: delete is deleted (and guarded like any delete)', () => {
  const annotated = configMap('shop', 'asked');
  annotated.metadata.annotations = { [ANNOTATION_ON_REMOVE]: ON_REMOVE_DELETE };
  const live = owned(annotated);
  const p = plan([], { ...observed('a', { objects: [live] }), adopted: [key(live)] });
  assert.deepEqual(lines(p), ['held asked'], 'the last object of a cluster: the empty-render guard holds it');
  const cp = clusterPlans(p)[0]!;
  assert.deepEqual(cp.inventory, [key(live)]);
  assert.deepEqual(cp.adopted, [key(live)], 'a held adopted object stays recorded as adopted');
});
