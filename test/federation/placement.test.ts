import { test } from 'node:test';
import assert from 'node:assert/strict';
import { placedClusters, unknownPlacementClusters } from '../../src/federation/placement.js';
import { matchesSelector } from '../../src/federation/selector.js';
import type { LabelSelector, Placement } from '../../src/model/index.js';
import { registration } from '../helpers/federation.js';

const clusters = [
  registration('asia', { region: 'asia', tier: 'prod', nodes: '3' }),
  registration('europe', { region: 'europe', tier: 'prod', nodes: '10' }),
  registration('us', { region: 'us', tier: 'canary' }),
];

const placementTable: { name: string; placement: Placement; want: string[] }[] = [
  { name: 'no placement: every cluster', placement: {}, want: ['asia', 'europe', 'us'] },
  { name: 'explicit list', placement: { clusters: ['us', 'asia'] }, want: ['asia', 'us'] },
  { name: 'explicit empty list: no cluster', placement: { clusters: [] }, want: [] },
  {
    name: 'clusters beat selector',
    placement: { clusters: ['us'], selector: { matchLabels: { tier: 'prod' } } },
    want: ['us'],
  },
  {
    name: 'matchLabels',
    placement: { selector: { matchLabels: { tier: 'prod' } } },
    want: ['asia', 'europe'],
  },
  { name: 'empty selector: every cluster', placement: { selector: {} }, want: ['asia', 'europe', 'us'] },
  {
    name: 'In',
    placement: {
      selector: { matchExpressions: [{ key: 'region', operator: 'In', values: ['us', 'asia'] }] },
    },
    want: ['asia', 'us'],
  },
  {
    name: 'NotIn (missing label also matches)',
    placement: { selector: { matchExpressions: [{ key: 'nodes', operator: 'NotIn', values: ['3'] }] } },
    want: ['europe', 'us'],
  },
  {
    name: 'Exists',
    placement: { selector: { matchExpressions: [{ key: 'nodes', operator: 'Exists' }] } },
    want: ['asia', 'europe'],
  },
  {
    name: 'DoesNotExist',
    placement: { selector: { matchExpressions: [{ key: 'nodes', operator: 'DoesNotExist' }] } },
    want: ['us'],
  },
  {
    name: 'Gt compares integers (10 > 5, not as strings)',
    placement: { selector: { matchExpressions: [{ key: 'nodes', operator: 'Gt', values: ['5'] }] } },
    want: ['europe'],
  },
  {
    name: 'Lt',
    placement: { selector: { matchExpressions: [{ key: 'nodes', operator: 'Lt', values: ['5'] }] } },
    want: ['asia'],
  },
  {
    name: 'matchLabels and expressions are ANDed',
    placement: {
      selector: {
        matchLabels: { tier: 'prod' },
        matchExpressions: [{ key: 'region', operator: 'NotIn', values: ['asia'] }],
      },
    },
    want: ['europe'],
  },
];

for (const row of placementTable) {
  test(`placement: ${row.name}`, () => {
    assert.deepEqual(placedClusters(row.placement, clusters), row.want);
  });
}

test('placement: names in an explicit list that are not registered are reported, not placed', () => {
  const placement = { clusters: ['us', 'mars'] };
  assert.deepEqual(placedClusters(placement, clusters), ['us']);
  assert.deepEqual(unknownPlacementClusters(placement, clusters), ['mars']);
});

test('selector: Gt/Lt with a non-integer value or label never match', () => {
  const bad: LabelSelector = { matchExpressions: [{ key: 'region', operator: 'Gt', values: ['1'] }] };
  assert.equal(matchesSelector({ region: 'us' }, bad), false);
  const badValue: LabelSelector = { matchExpressions: [{ key: 'n', operator: 'Lt', values: ['x'] }] };
  assert.equal(matchesSelector({ n: '1' }, badValue), false);
});
