// The documented load-balancer limits at their exact boundaries: the limit itself is accepted, one
// more is a 400 that names the limit. The 64 KB URL-map size is lifted here so that each count limit
// is what refuses (with it, 1,000 path rules would not fit anyway).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { LIMITS } from '../../../src/sim/gcp/limits.js';
import { startComputeSim, type ComputeSim } from '../../../src/sim/gcp/server.js';
import { demoDataPlanes } from './helpers/fake-data-plane.js';
import { rest } from './helpers/rest.js';

let sim: ComputeSim;
const defaultService = 'global/backendServices/be';

before(async () => {
  sim = await startComputeSim({
    project: 'limits-project',
    dataPlanes: demoDataPlanes(),
    token: 'limits-token',
    operationDelayMs: 0,
    limits: { urlMapBytes: 100 * 1024 * 1024 },
  });
  await rest(sim, 'POST', 'global/healthChecks', { name: 'hc', type: 'HTTP' });
  await rest(sim, 'POST', 'global/backendServices', { name: 'be', healthChecks: ['global/healthChecks/hc'] });
});
after(() => sim.stop());

test('the limits are the documented ones (cloud.google.com/load-balancing/docs/quotas)', () => {
  assert.deepEqual(LIMITS, {
    hostRulesPerUrlMap: 1000,
    pathMatchersPerUrlMap: 1000,
    pathRulesPerPathMatcher: 1000,
    hostsPerHostRule: 1000,
    backendsPerBackendService: 50,
    sslCertificatesPerTargetProxy: 15,
    urlMapBytes: 65536,
  });
});

test('URL maps: 1,000 host rules, path matchers and path rules are accepted, 1,001 refused', async () => {
  const matchers = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `pm${i}`, defaultService }));
  const hostRules = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ hosts: [`h${i}.example.com`], pathMatcher: 'pm0' }));
  const pathRules = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ paths: [`/p${i}`], service: defaultService }));
  const cases: [string, (n: number) => Record<string, unknown>, RegExp][] = [
    [
      'hr',
      (n) => ({ hostRules: hostRules(n), pathMatchers: matchers(1) }),
      /1001 host rules exceeds the limit of 1000/,
    ],
    ['pm', (n) => ({ pathMatchers: matchers(n) }), /1001 path matchers exceeds the limit of 1000/],
    [
      'pr',
      (n) => ({ pathMatchers: [{ name: 'pm0', defaultService, pathRules: pathRules(n) }] }),
      /1001 path rules exceeds the limit of 1000/,
    ],
  ];
  for (const [name, body, refused] of cases) {
    await rest(sim, 'POST', 'global/urlMaps', { name: `${name}-ok`, defaultService, ...body(1000) });
    await assert.rejects(
      rest(sim, 'POST', 'global/urlMaps', { name: `${name}-over`, defaultService, ...body(1001) }),
      (err: Error) => refused.test(err.message) && /"reason":"invalid"/.test(err.message),
    );
  }
});
