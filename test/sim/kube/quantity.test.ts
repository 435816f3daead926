// Quantities are stored in the canonical form of k8s.io/apimachinery resource.Quantity.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalQuantity, canonicalizeQuantities } from '../../../src/sim/kube/quantity.js';

test('canonical quantities, as a real API server stores them', () => {
  const cases: [string | number, string | undefined][] = [
    [0.5, '500m'],
    ['1.5', '1500m'],
    ['1000m', '1'],
    ['2', '2'],
    [2, '2'],
    ['0.0001', '100u'],
    ['1500000', '1500k'],
    ['-0.5', '-500m'],
    ['0', '0'],
    ['128Mi', '128Mi'],
    ['1024Mi', '1Gi'],
    ['0.5Gi', '512Mi'],
    ['1.5Gi', '1536Mi'],
    ['0.5Ki', '512'],
    ['0.1Gi', '107374182400m'],
    ['0.9Gi', '966367641600m'],
    ['1e3', '1e3'],
    ['1.5e3', '1500'],
    ['1.5e6', '1500e3'],
    ['1E', '1E'],
    ['lots', undefined],
  ];
  for (const [input, expected] of cases) assert.equal(canonicalQuantity(input), expected, String(input));
});

test('only quantity fields are rewritten, never labels, annotations or data', () => {
  const obj = {
    metadata: { labels: { limits: '1.0' }, annotations: { sizeLimit: '0.5' } },
    data: { requests: '1.0' },
    spec: {
      containers: [{ name: 'a', resources: { requests: { cpu: 0.5 }, limits: { memory: '1024Mi' } } }],
      volumes: [{ name: 'v', emptyDir: { sizeLimit: '0.5Gi' } }],
      hard: { pods: '10', 'requests.cpu': '2000m' },
    },
  };
  canonicalizeQuantities(obj);
  assert.deepEqual(obj, {
    metadata: { labels: { limits: '1.0' }, annotations: { sizeLimit: '0.5' } },
    data: { requests: '1.0' },
    spec: {
      containers: [{ name: 'a', resources: { requests: { cpu: '500m' }, limits: { memory: '1Gi' } } }],
      volumes: [{ name: 'v', emptyDir: { sizeLimit: '512Mi' } }],
      hard: { pods: '10', 'requests.cpu': '2' },
    },
  });
});
