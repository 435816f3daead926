// Raw REST calls to the simulator, for tests that do not want the ~2 s import of @google-cloud/compute.
import type { ComputeSim } from '../../../../src/sim/gcp/server.js';

export async function rest(
  sim: ComputeSim,
  method: string,
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const res = await fetch(`${sim.url}projects/${sim.project}/${path}`, {
    method,
    headers: { authorization: `Bearer ${sim.token}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** A one-cluster-per-zone HTTP load balancer on port 80, built with raw REST calls; returns its IP. */
export async function restLoadBalancer(sim: ComputeSim, zones: Record<string, string>): Promise<string> {
  await rest(sim, 'POST', 'global/healthChecks', {
    name: 'hc',
    type: 'HTTP',
    httpHealthCheck: { port: 30080, requestPath: '/healthz' },
  });
  const backends = [];
  for (const [cluster, zone] of Object.entries(zones)) {
    await rest(sim, 'POST', `zones/${zone}/instanceGroups`, {
      name: 'ig',
      namedPorts: [{ name: 'http', port: 30080 }],
    });
    await rest(sim, 'POST', `zones/${zone}/instanceGroups/ig/addInstances`, {
      instances: [{ instance: `zones/${zone}/instances/${cluster}-node-1` }],
    });
    backends.push({ group: `zones/${zone}/instanceGroups/ig` });
  }
  await rest(sim, 'POST', 'global/backendServices', {
    name: 'be',
    healthChecks: ['global/healthChecks/hc'],
    backends,
  });
  await rest(sim, 'POST', 'global/urlMaps', { name: 'um', defaultService: 'global/backendServices/be' });
  await rest(sim, 'POST', 'global/targetHttpProxies', { name: 'px', urlMap: 'global/urlMaps/um' });
  const address = await rest(sim, 'POST', 'global/addresses', { name: 'ip' }).then(() =>
    rest(sim, 'GET', 'global/addresses/ip'),
  );
  await rest(sim, 'POST', 'global/forwardingRules', {
    name: 'fr',
    IPAddress: 'global/addresses/ip',
    portRange: '80',
    target: 'global/targetHttpProxies/px',
  });
  return String(address.address);
}
