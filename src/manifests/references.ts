// Checks between objects: Ingress backends must name a Service (and port) of the repository that
// the global load balancer can reach (NodePort), TLS secrets must exist, and a pinned nodePort may
// be claimed by one Service only (one GCP backend service serves it in every cluster).
import { ANNOTATION_PRE_SHARED_CERT } from '../model/labels.js';
import type { Problem } from '../model/problem.js';
import type { Entry } from './entry.js';
import type { ServiceFacts } from './parts.js';
import { problemAt } from './problems.js';

export function checkReferences(entries: Entry[], problems: Problem[]): void {
  const services = new Map<string, { facts: ServiceFacts; entry: Entry }>();
  const secrets = new Set<string>();
  const nodePorts = new Map<number, Entry>();
  for (const e of entries) {
    const meta = e.object.template.metadata;
    const nsName = `${meta.namespace ?? ''}/${meta.name}`;
    if (e.facts.kind === 'Service') {
      services.set(nsName, { facts: e.facts.service, entry: e });
      for (const p of e.facts.service.ports) {
        if (p.nodePort === undefined) continue;
        const other = nodePorts.get(p.nodePort);
        if (other && other !== e) {
          problems.push(
            problemAt(
              e.spot,
              [...p.path, 'nodePort'],
              'reference.nodePortTaken',
              `nodePort ${p.nodePort} is already pinned by ${other.spot.object ?? ''} at ${other.object.source.file}:${other.object.source.line}; pick another port`,
            ),
          );
        } else nodePorts.set(p.nodePort, e);
      }
    }
    if (e.object.template.kind === 'Secret' && e.object.template.apiVersion === 'v1') secrets.add(nsName);
  }
  for (const e of entries) {
    if (e.facts.kind !== 'Ingress') continue;
    const meta = e.object.template.metadata;
    const ns = meta.namespace ?? 'default';
    for (const b of e.facts.ingress.backends) {
      const svc = services.get(`${ns}/${b.service}`);
      if (!svc) {
        problems.push(
          problemAt(
            e.spot,
            b.path,
            'reference.missingService',
            `backend names Service ${ns}/${b.service}, which is not in the repository; add it or fix the name`,
          ),
        );
        continue;
      }
      const port = svc.facts.ports.find((p) =>
        typeof b.port === 'number' ? p.port === b.port : p.name === b.port,
      );
      if (!port) {
        const have =
          svc.facts.ports.map((p) => (p.name ? `${p.port} (${p.name})` : String(p.port))).join(', ') ||
          'none';
        problems.push(
          problemAt(
            e.spot,
            b.path,
            'reference.missingPort',
            `backend names port ${b.port} of Service ${ns}/${b.service}, which has ports: ${have}`,
          ),
        );
      }
      if (svc.facts.type !== 'NodePort' && svc.facts.type !== 'LoadBalancer') {
        problems.push(
          problemAt(
            e.spot,
            b.path,
            'reference.serviceType',
            `backend Service ${ns}/${b.service} is type ${svc.facts.type}; the global load balancer reaches clusters through a NodePort, so make it type NodePort`,
          ),
        );
      }
    }
    const preShared = meta.annotations?.[ANNOTATION_PRE_SHARED_CERT] !== undefined;
    for (const t of e.facts.ingress.tlsSecrets) {
      if (!preShared && !secrets.has(`${ns}/${t.name}`)) {
        problems.push(
          problemAt(
            e.spot,
            t.path,
            'reference.missingSecret',
            `TLS Secret ${ns}/${t.name} is not in the repository; add it (type kubernetes.io/tls) or name a certificate with ${ANNOTATION_PRE_SHARED_CERT}`,
          ),
        );
      }
    }
  }
}
