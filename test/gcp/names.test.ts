// Every Google Cloud name: the seed's family, GCE's rules, uniqueness and stability.
import assert from 'node:assert/strict';
import test from 'node:test';
import {
  GCE_NAME_MAX,
  backendName,
  federationListFilter,
  federationUid,
  firewallName,
  hasFederationUid,
  ingressNames,
  instanceGroupName,
  isValidGceName,
  namedPortName,
  pathMatcherName,
  sslCertificateName,
} from '../../src/gcp/model/index.js';

const uid = 'ff1107f83ed600c0';

test('the seed family for default/myingress', () => {
  assert.deepEqual(ingressNames({ namespace: 'default', name: 'myingress' }, uid), {
    httpForwardingRule: 'k8s-fw-default-myingress--ff1107f83ed600c0',
    httpsForwardingRule: 'k8s-fws-default-myingress--ff1107f83ed600c0',
    urlMap: 'k8s-um-default-myingress--ff1107f83ed600c0',
    httpProxy: 'k8s-tp-default-myingress--ff1107f83ed600c0',
    httpsProxy: 'k8s-tps-default-myingress--ff1107f83ed600c0',
    ownedAddress: 'k8s-fw-default-myingress--ff1107f83ed600c0',
  });
  assert.equal(backendName(30301, uid), 'k8s-be-30301--ff1107f83ed600c0');
  assert.equal(namedPortName(30301), 'port30301');
  assert.equal(firewallName(uid), 'k8s-fw-l7--ff1107f83ed600c0');
  assert.equal(instanceGroupName('gce-europe-west1b', uid), 'k8s-ig-gce-europe-west1b--ff1107f83ed600c0');
});

test('the federation id: 16 hex digits from the project and federation name, stable', () => {
  const a = federationUid({ federation: 'demo', project: 'fedsync-demo' });
  assert.match(a, /^[0-9a-f]{16}$/);
  assert.equal(a, federationUid({ federation: 'demo', project: 'fedsync-demo' }));
  assert.notEqual(a, federationUid({ federation: 'demo2', project: 'fedsync-demo' }));
  assert.notEqual(a, federationUid({ federation: 'demo', project: 'other' }));
});

const cases: { what: string; ns: string; name: string }[] = [
  { what: 'plain', ns: 'default', name: 'myingress' },
  {
    what: 'long (the GLBC example that got mangled)',
    ns: 'production-payments',
    name: 'checkout-frontend-public-ingress',
  },
  { what: 'longest possible', ns: 'n'.repeat(63), name: 'i'.repeat(253) },
  { what: 'dots in the name', ns: 'default', name: 'my.ingress' },
  { what: 'the dash twin of it', ns: 'default', name: 'my-ingress' },
  { what: 'namespace with a dash', ns: 'a-b', name: 'c' },
  { what: 'the other split of it', ns: 'a', name: 'b-c' },
  { what: 'trailing dash after trimming', ns: 'x', name: `${'y'.repeat(28)}-${'z'.repeat(40)}` },
  { what: 'same long prefix, different end 1', ns: 'team', name: `${'frontend-'.repeat(8)}one` },
  { what: 'same long prefix, different end 2', ns: 'team', name: `${'frontend-'.repeat(8)}two` },
];

test('every Ingress name is a valid GCE name, ends with --<uid>, and no two collide', () => {
  const seen = new Map<string, string>();
  for (const c of cases) {
    const names = ingressNames({ namespace: c.ns, name: c.name }, uid);
    for (const [role, n] of Object.entries(names)) {
      assert.ok(n.length <= GCE_NAME_MAX, `${c.what} ${role}: ${n} is ${n.length} long`);
      assert.ok(isValidGceName(n), `${c.what} ${role}: ${n}`);
      assert.ok(hasFederationUid(n, uid), `${c.what} ${role}: ${n}`);
      if (role === 'ownedAddress') continue; // the address is named like the HTTP rule (another collection)
      const other = seen.get(n);
      assert.equal(other, undefined, `${c.what} ${role} collides with ${other}: ${n}`);
      seen.set(n, `${c.what} ${role}`);
    }
    // Stable: the same input gives the same names (no state, no clock).
    assert.deepEqual(ingressNames({ namespace: c.ns, name: c.name }, uid), names);
  }
  // The plain name carries no hash; the ambiguous or long ones do.
  assert.equal(
    ingressNames({ namespace: 'a-b', name: 'c' }, uid).urlMap.length,
    'k8s-um-a-b-c-'.length + 8 + 18,
  );
});

test('instance groups differ between clusters sharing a zone, even with long names', () => {
  const names = [
    'gce-europe-west1b',
    'gce-europe-west1b-2',
    `${'c'.repeat(60)}-1`,
    `${'c'.repeat(60)}-2`,
    'Cluster_A',
    'cluster-a',
  ].map((c) => instanceGroupName(c, uid));
  assert.equal(new Set(names).size, names.length, names.join('\n'));
  for (const n of names) assert.ok(isValidGceName(n) && hasFederationUid(n, uid), n);
});

test('certificates are named by content, per Ingress', () => {
  const key = { namespace: 'default', name: 'myingress' };
  const a = sslCertificateName(key, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', uid);
  const same = sslCertificateName(key, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', uid);
  const b = sslCertificateName(key, '-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----', uid);
  const other = sslCertificateName({ namespace: 'default', name: 'other' }, 'AAAA', uid);
  assert.equal(a, same, 'surrounding whitespace does not matter');
  assert.notEqual(a, b);
  assert.notEqual(sslCertificateName(key, 'AAAA', uid), other);
  assert.match(a, /^k8s-ssl-[0-9a-f]{16}-[0-9a-f]{16}--ff1107f83ed600c0$/);
  assert.ok(a.length <= GCE_NAME_MAX && isValidGceName(a));
});

test('path matcher names are valid and one per host', () => {
  const a = pathMatcherName('demo.fedsync.example');
  assert.ok(isValidGceName(a));
  assert.notEqual(a, pathMatcherName('*'));
});

test('the list filter finds the federation by suffix plus named user resources', () => {
  assert.equal(federationListFilter(uid), `name eq ".*--${uid}"`);
  assert.equal(
    federationListFilter(uid, ['web-ip', 'a-cert', 'web-ip', 'Bad"Name']),
    `name eq "(.*--${uid}|a-cert|web-ip)"`,
  );
});
