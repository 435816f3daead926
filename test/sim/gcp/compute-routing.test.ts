// Backend health (getHealth) and request routing through the simulated load balancer: nearest
// healthy region, failover when a cluster's data plane goes down, drain with capacityScaler 0,
// host and path rules.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startComputeSim, type ComputeSim } from '../../../src/sim/gcp/server.js';
import { computeClients, done, type ComputeClients } from './helpers/compute-clients.js';
import { demoDataPlanes, demoDistances, type FakeDataPlane } from './helpers/fake-data-plane.js';
import { buildLoadBalancer, zoneOf } from './helpers/world.js';

const project = 'route-project';
let sim: ComputeSim;
let c: ComputeClients;
let planes: FakeDataPlane[];
let ip: string;
const [asia, europe, us] = [0, 1, 2];

before(async () => {
  planes = demoDataPlanes();
  sim = await startComputeSim({
    project,
    dataPlanes: planes,
    distances: demoDistances,
    token: 'route-token',
    operationDelayMs: 5,
  });
  c = computeClients(sim.port, 'route-token');
  ip = await buildLoadBalancer(c, project, 'web');
});
after(() => sim.stop());

async function health(zone: string, backendService = 'web-be'): Promise<string[]> {
  const [h] = await c.backendServices.getHealth({
    project,
    backendService,
    resourceGroupReferenceResource: { group: `zones/${zone}/instanceGroups/web-ig` },
  });
  return (h.healthStatus ?? []).map((s) => `${s.instance!.split('/').pop()}:${s.port}:${s.healthState}`);
}

test('getHealth reports every instance of the group HEALTHY when its cluster serves the health-check port', async () => {
  assert.deepEqual(await health(zoneOf.europe), [
    'gce-europe-west1b-node-1:30080:HEALTHY',
    'gce-europe-west1b-node-2:30080:HEALTHY',
  ]);
});

test('an unreachable cluster, a readiness path that differs from the check path, or no endpoints make instances UNHEALTHY', async () => {
  try {
    planes[europe]!.setReachable(false);
    assert.deepEqual(await health(zoneOf.europe), [
      'gce-europe-west1b-node-1:30080:UNHEALTHY',
      'gce-europe-west1b-node-2:30080:UNHEALTHY',
    ]);
    planes[europe]!.setReachable(true);
    planes[europe]!.serve(30080, [{ node: 'gce-europe-west1b-node-1', readinessPath: '/ready' }]);
    assert.match((await health(zoneOf.europe))[0]!, /UNHEALTHY$/);
    planes[europe]!.serve(30080, [{ node: 'gce-europe-west1b-node-2' }]);
    assert.match(
      (await health(zoneOf.europe))[0]!,
      /:HEALTHY$/,
      'a pod without a readiness path passes any check path',
    );
    planes[europe]!.serve(30080, []);
    assert.match((await health(zoneOf.europe))[0]!, /UNHEALTHY$/);
  } finally {
    planes[europe]!.setReachable(true);
    planes[europe]!.serve(30080, [{ node: 'gce-europe-west1b-node-1', readinessPath: '/healthz' }]);
  }
  assert.match((await health(zoneOf.europe))[0]!, /:HEALTHY$/);
});

test('an instance group without the named port the backend service uses is UNHEALTHY', async () => {
  const zone = zoneOf.asia;
  const [ig] = await c.instanceGroups.get({ project, zone, instanceGroup: 'web-ig' });
  await done(
    c,
    project,
    c.instanceGroups.setNamedPorts({
      project,
      zone,
      instanceGroup: 'web-ig',
      instanceGroupsSetNamedPortsRequestResource: {
        namedPorts: [{ name: 'https', port: 30443 }],
        fingerprint: ig.fingerprint!,
      },
    }),
  );
  assert.match((await health(zone))[0]!, /UNHEALTHY$/);
  await done(
    c,
    project,
    c.instanceGroups.setNamedPorts({
      project,
      zone,
      instanceGroup: 'web-ig',
      instanceGroupsSetNamedPortsRequestResource: { namedPorts: [{ name: 'http', port: 30080 }] },
    }),
  );
  assert.match((await health(zone))[0]!, /:HEALTHY$/);
});

test('requests go to the nearest region with a healthy backend', () => {
  const from = (region: string) => sim.route({ from: region, ip, host: 'shop.example.com', path: '/' });
  assert.deepEqual(
    ['europe-west1', 'asia-east1', 'us-central1'].map((r) =>
      'cluster' in from(r) ? (from(r) as { cluster: string }).cluster : from(r),
    ),
    ['gce-europe-west1b', 'gce-asia-east1a', 'gce-us-central1c'],
  );
  const answer = from('europe-west1');
  assert.ok('cluster' in answer);
  assert.equal(answer.backendService, 'web-be');
  assert.equal(answer.forwardingRule, 'web-fr');
  assert.equal(answer.instance, 'gce-europe-west1b-node-1');
  assert.equal(answer.distanceMs, 0);
  // A region with no known distances is equally far from all: ties go by cluster name.
  assert.equal(
    (sim.route({ from: 'australia-southeast1', ip }) as { cluster: string }).cluster,
    'gce-asia-east1a',
  );
  assert.equal(
    (sim.route({ from: 'europe-west1', ip: '10.9.9.9' }) as { error: string }).error,
    'no forwarding rule',
  );
});

test('when the nearest cluster goes down, traffic fails over to the next nearest; back when it recovers', () => {
  try {
    planes[europe]!.setReachable(false);
    assert.equal(
      (sim.route({ from: 'europe-west1', ip }) as { cluster: string }).cluster,
      'gce-us-central1c',
    );
    planes[us]!.setReachable(false);
    assert.equal((sim.route({ from: 'europe-west1', ip }) as { cluster: string }).cluster, 'gce-asia-east1a');
    planes[asia]!.setReachable(false);
    assert.deepEqual(
      { error: (sim.route({ from: 'europe-west1', ip }) as { error: string }).error },
      { error: 'no healthy backend' },
    );
  } finally {
    for (const p of planes) p.setReachable(true);
  }
  assert.equal((sim.route({ from: 'europe-west1', ip }) as { cluster: string }).cluster, 'gce-europe-west1b');
});

test('a backend drained with capacityScaler 0 receives no traffic', async () => {
  const [be] = await c.backendServices.get({ project, backendService: 'web-be' });
  const drained = be.backends!.map((b) => ({
    ...b,
    capacityScaler: b.group!.includes(zoneOf.europe) ? 0 : 1,
  }));
  await done(
    c,
    project,
    c.backendServices.update({
      project,
      backendService: 'web-be',
      backendServiceResource: { ...be, backends: drained },
    }),
  );
  assert.equal((sim.route({ from: 'europe-west1', ip }) as { cluster: string }).cluster, 'gce-us-central1c');
  const [be2] = await c.backendServices.get({ project, backendService: 'web-be' });
  await done(
    c,
    project,
    c.backendServices.update({
      project,
      backendService: 'web-be',
      backendServiceResource: { ...be2, backends: be.backends },
    }),
  );
  assert.equal((sim.route({ from: 'europe-west1', ip }) as { cluster: string }).cluster, 'gce-europe-west1b');
});

test('host and path rules pick the backend service as the load balancer does', async () => {
  const group = (zone: string) => `zones/${zone}/instanceGroups/web-ig`;
  for (const [name, zone] of [
    ['be-api', zoneOf.us],
    ['be-static', zoneOf.asia],
    ['be-exact', zoneOf.europe],
  ] as const) {
    await done(
      c,
      project,
      c.backendServices.insert({
        project,
        backendServiceResource: {
          name,
          healthChecks: ['global/healthChecks/web-hc'],
          backends: [{ group: group(zone) }],
        },
      }),
    );
  }
  const svc = (n: string) => `global/backendServices/${n}`;
  const [um] = await c.urlMaps.get({ project, urlMap: 'web-um' });
  await done(
    c,
    project,
    c.urlMaps.update({
      project,
      urlMap: 'web-um',
      urlMapResource: {
        ...um,
        hostRules: [
          { hosts: ['api.example.com'], pathMatcher: 'api' },
          { hosts: ['*.static.example.com'], pathMatcher: 'static' },
        ],
        pathMatchers: [
          {
            name: 'api',
            defaultService: svc('be-api'),
            pathRules: [
              { paths: ['/v1/*'], service: svc('be-static') },
              { paths: ['/v1/exact'], service: svc('be-exact') },
            ],
          },
          { name: 'static', defaultService: svc('be-static') },
        ],
      },
    }),
  );
  const via = (host: string, path: string) => {
    const a = sim.route({ from: 'europe-west1', ip, host, path });
    return 'cluster' in a ? `${a.backendService}@${a.cluster}` : a.error;
  };
  assert.equal(via('api.example.com', '/'), 'be-api@gce-us-central1c');
  assert.equal(via('api.example.com:80', '/v1/users?x=1'), 'be-static@gce-asia-east1a');
  assert.equal(via('api.example.com', '/v1/exact'), 'be-exact@gce-europe-west1b');
  assert.equal(via('api.example.com', '/v1'), 'be-api@gce-us-central1c', '/v1/* does not match /v1');
  assert.equal(via('img.static.example.com', '/a.png'), 'be-static@gce-asia-east1a');
  assert.equal(
    via('static.example.com', '/a.png'),
    'web-be@gce-europe-west1b',
    'the wildcard needs a label before the suffix',
  );
  assert.equal(via('other.org', '/v1/exact'), 'web-be@gce-europe-west1b');
});
