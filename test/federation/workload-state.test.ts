import { test } from 'node:test';
import assert from 'node:assert/strict';
import { workloadSignals } from '../../src/federation/workload-state.js';
import { deployment, observed } from '../helpers/federation.js';

const KEY = 'apps/Deployment/shop/web';
const NOW = '2026-01-01T00:01:00Z';

test('current = ready replicas where the member exists; capacity only from pods stuck ≥ 60 s; recheck at the next crossing', () => {
  const signals = workloadSignals({
    key: KEY,
    now: NOW,
    clusters: [
      observed('a', {
        objects: [deployment('shop', 'web', 5)],
        workloads: {
          [KEY]: {
            specReplicas: 5,
            readyReplicas: 3,
            unschedulableSince: ['2026-01-01T00:00:00Z', '2026-01-01T00:00:20Z', '2026-01-01T00:00:50Z'],
          },
        },
      }),
      observed('b', {
        objects: [deployment('shop', 'web', 2)],
        workloads: { [KEY]: { specReplicas: 2, readyReplicas: 2, unschedulableSince: [] } },
      }),
      // A workload entry without a live object does not count (member object missing).
      observed('c', { workloads: { [KEY]: { specReplicas: 4, readyReplicas: 4, unschedulableSince: [] } } }),
    ],
  });
  assert.deepEqual(signals.current, { a: 3, b: 2 });
  assert.deepEqual(signals.capacity, { a: 4 });
  assert.equal(signals.requeueAfterSeconds, 20);
});

test('no pending pods: no capacity limit and no recheck', () => {
  const signals = workloadSignals({
    key: KEY,
    now: NOW,
    clusters: [
      observed('a', {
        objects: [deployment('shop', 'web')],
        workloads: { [KEY]: { specReplicas: 3, readyReplicas: 3, unschedulableSince: [] } },
      }),
    ],
  });
  assert.deepEqual(signals.capacity, {});
  assert.equal(signals.requeueAfterSeconds, undefined);
});
