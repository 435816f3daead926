// Builders shared by the Compute simulator contract tests.
import { readFileSync } from 'node:fs';
import type { ComputeClients } from './compute-clients.js';
import { done } from './compute-clients.js';

export const tls = {
  aCert: readFileSync('fixtures/tls/a.crt', 'utf8'),
  aKey: readFileSync('fixtures/tls/a.key', 'utf8'),
  bCert: readFileSync('fixtures/tls/b.crt', 'utf8'),
  bKey: readFileSync('fixtures/tls/b.key', 'utf8'),
};

export const zoneOf = {
  asia: 'asia-east1-a',
  europe: 'europe-west1-b',
  us: 'us-central1-c',
} as const;

/**
 * Builds a complete HTTP load balancer: health check on nodePort 30080 (/healthz), one instance
 * group per cluster zone holding all of that cluster's nodes with named port http:30080, a backend
 * service, URL map, HTTP proxy, reserved address and forwarding rule on port 80. Returns the IP.
 */
export async function buildLoadBalancer(c: ComputeClients, project: string, prefix: string): Promise<string> {
  await done(
    c,
    project,
    c.healthChecks.insert({
      project,
      healthCheckResource: {
        name: `${prefix}-hc`,
        type: 'HTTP',
        httpHealthCheck: { port: 30080, requestPath: '/healthz' },
      },
    }),
  );
  const groups: string[] = [];
  for (const [cluster, zone] of Object.entries({
    'gce-asia-east1a': zoneOf.asia,
    'gce-europe-west1b': zoneOf.europe,
    'gce-us-central1c': zoneOf.us,
  })) {
    const ig = `${prefix}-ig`;
    await done(
      c,
      project,
      c.instanceGroups.insert({
        project,
        zone,
        instanceGroupResource: { name: ig, namedPorts: [{ name: 'http', port: 30080 }] },
      }),
    );
    const instances = [1, 2].map((i) => ({ instance: `zones/${zone}/instances/${cluster}-node-${i}` }));
    await done(
      c,
      project,
      c.instanceGroups.addInstances({
        project,
        zone,
        instanceGroup: ig,
        instanceGroupsAddInstancesRequestResource: { instances },
      }),
    );
    groups.push(`zones/${zone}/instanceGroups/${ig}`);
  }
  await done(
    c,
    project,
    c.backendServices.insert({
      project,
      backendServiceResource: {
        name: `${prefix}-be`,
        portName: 'http',
        healthChecks: [`global/healthChecks/${prefix}-hc`],
        backends: groups.map((group) => ({
          group,
          balancingMode: 'RATE',
          maxRatePerInstance: 100,
          capacityScaler: 1,
        })),
      },
    }),
  );
  await done(
    c,
    project,
    c.urlMaps.insert({
      project,
      urlMapResource: { name: `${prefix}-um`, defaultService: `global/backendServices/${prefix}-be` },
    }),
  );
  await done(
    c,
    project,
    c.httpProxies.insert({
      project,
      targetHttpProxyResource: { name: `${prefix}-proxy`, urlMap: `global/urlMaps/${prefix}-um` },
    }),
  );
  await done(c, project, c.addresses.insert({ project, addressResource: { name: `${prefix}-ip` } }));
  await done(
    c,
    project,
    c.forwardingRules.insert({
      project,
      forwardingRuleResource: {
        name: `${prefix}-fr`,
        IPAddress: `global/addresses/${prefix}-ip`,
        portRange: '80',
        target: `global/targetHttpProxies/${prefix}-proxy`,
      },
    }),
  );
  const [address] = await c.addresses.get({ project, address: `${prefix}-ip` });
  return address.address!;
}
