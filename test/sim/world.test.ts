import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodesOf, parseWorld, readWorld } from '../../src/sim/world.js';

test('the demo world has the three seed clusters with nodes in their zones', async () => {
  const world = await readWorld('fixtures/worlds/demo.yaml');
  assert.deepEqual(
    world.clusters.map((c) => c.name),
    ['gce-asia-east1a', 'gce-europe-west1b', 'gce-us-central1c'],
  );
  const nodes = nodesOf(world.clusters[1]!);
  assert.equal(nodes.length, 3);
  assert.deepEqual(nodes[0], { name: 'gce-europe-west1b-node-1', zone: 'europe-west1-b', pods: undefined });
});

test('a world file with an unknown field is rejected with its path', () => {
  assert.throws(
    () =>
      parseWorld(
        'apiVersion: fedsync.io/v1alpha1\nkind: World\nmetadata: {name: x}\nclusters: [{name: a, region: r, zone: z, color: red}]\n',
      ),
    /clusters\.0/,
  );
});

test('a cluster listed twice is rejected', () => {
  assert.throws(
    () =>
      parseWorld(
        'apiVersion: fedsync.io/v1alpha1\nkind: World\nmetadata: {name: x}\nclusters: [{name: a, region: r, zone: z}, {name: a, region: r, zone: z}]\n',
      ),
    /listed twice/,
  );
});
