// Two registrations of one cluster (same kubeconfig context, or the same declared API server) are a
// validation error naming both files and lines; duplicateServers finds contexts of one server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { duplicateServers, loadFederation, normaliseServer } from '../../src/manifests/index.js';
import { formatProblem } from '../../src/model/index.js';

const fedsyncCluster = (name: string, context?: string): string =>
  `apiVersion: fedsync.io/v1alpha1\nkind: Cluster\nmetadata:\n  name: ${name}\nspec:\n${context ? `  kubeconfigContext: ${context}\n` : '  {}\n'}`;

function problems(files: Record<string, string>): string[] {
  const r = loadFederation(Object.entries(files).map(([path, text]) => ({ path, text })));
  assert.ok(!r.ok, 'expected problems');
  return r.problems.map(formatProblem);
}

test('two clusters with the same kubeconfigContext: an error naming both files and lines', () => {
  const out = problems({
    'clusters/a.yaml': fedsyncCluster('a', 'prod-east'),
    'clusters/b.yaml': `# the same cluster under another name\n${fedsyncCluster('b', 'prod-east')}`,
  });
  assert.equal(out.length, 1, out.join('\n'));
  assert.match(
    out[0] ?? '',
    /^clusters\/b\.yaml:7: Cluster\/b: cluster "b" uses kubeconfig context "prod-east", and so does cluster "a" at clusters\/a\.yaml:6: /,
  );
});

test('a context that defaults to a cluster name collides with one named explicitly', () => {
  const out = problems({
    'clusters/east.yaml': fedsyncCluster('east'),
    'clusters/west.yaml': fedsyncCluster('west', 'east'),
  });
  assert.equal(out.length, 1, out.join('\n'));
  assert.match(
    out[0] ?? '',
    /^clusters\/west\.yaml:6: .*context "east", and so does cluster "east" at clusters\/east\.yaml:4/,
  );
});

test('federation v1 and kubefed registrations of the same API server, spelt differently', () => {
  const v1 = [
    'apiVersion: federation/v1beta1',
    'kind: Cluster',
    'metadata:',
    '  name: old',
    'spec:',
    '  serverAddressByClientCIDRs:',
    '    - clientCIDR: 0.0.0.0/0',
    '      serverAddress: 10.0.0.1:443',
    '  secretRef: {name: old-ctx}',
    '',
  ].join('\n');
  const kubefed = [
    'apiVersion: core.kubefed.io/v1beta1',
    'kind: KubeFedCluster',
    'metadata:',
    '  name: new',
    'spec:',
    '  apiEndpoint: https://10.0.0.1/',
    '  secretRef: {name: new-ctx}',
    '',
  ].join('\n');
  const out = problems({ 'clusters/new.yaml': kubefed, 'clusters/old.yaml': v1 });
  assert.equal(out.length, 1, out.join('\n'));
  assert.match(
    out[0] ?? '',
    /^clusters\/old\.yaml:8: .*cluster "old" declares API server https:\/\/10\.0\.0\.1 \(spec\.serverAddressByClientCIDRs\[0\]\.serverAddress\), and so does cluster "new" at clusters\/new\.yaml:6/,
  );
});

test('distinct contexts and servers load; a path prefix is another server', () => {
  const kubefed = (name: string, endpoint: string): string =>
    `apiVersion: core.kubefed.io/v1beta1\nkind: KubeFedCluster\nmetadata: {name: ${name}}\nspec:\n  apiEndpoint: ${endpoint}\n`;
  const r = loadFederation([
    { path: 'clusters/a.yaml', text: kubefed('a', 'https://proxy.example.com/k8s/clusters/c-1') },
    { path: 'clusters/b.yaml', text: kubefed('b', 'https://proxy.example.com/k8s/clusters/c-2') },
    { path: 'clusters/c.yaml', text: fedsyncCluster('c') },
  ]);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.problems.map(formatProblem)));
});

test('normaliseServer: one spelling per server, no credentials', () => {
  assert.equal(normaliseServer('HTTPS://API.Example.com:443/'), 'https://api.example.com');
  assert.equal(normaliseServer('api.example.com:6443'), 'https://api.example.com:6443');
  assert.equal(normaliseServer('https://u:p@10.0.0.1/?token=x'), 'https://10.0.0.1');
  assert.equal(normaliseServer('http://[::1]:80'), 'http://[::1]');
});

test('duplicateServers: contexts that resolve to one API server, grouped and sorted', () => {
  assert.deepEqual(
    duplicateServers(
      new Map([
        ['east', 'https://10.0.0.1:443'],
        ['west', 'https://10.0.0.2'],
        ['east-again', 'https://10.0.0.1/'],
        ['no-server', ''],
        ['also-none', ''],
      ]),
    ),
    [{ server: 'https://10.0.0.1', contexts: ['east', 'east-again'] }],
  );
  assert.deepEqual(duplicateServers({ a: 'https://x', b: 'https://y' }), []);
});
