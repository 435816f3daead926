// What an observe must read besides the federation's own resources: the addresses and certificates
// the user made and the Ingresses name, and the nodes whose network tags the firewall rule uses.
import { ANNOTATION_GLOBAL_STATIC_IP, ANNOTATION_PRE_SHARED_CERT } from '../../model/index.js';
import type { LoadBalancerInput } from './input.js';

export type ObserveNeeds = {
  uid: string;
  addresses: string[];
  sslCertificates: string[];
  instances: string[];
};

export function observeNeeds(input: LoadBalancerInput): ObserveNeeds {
  const addresses = new Set<string>();
  const certs = new Set<string>();
  for (const { ingress } of input.ingresses) {
    const a = ingress.metadata.annotations ?? {};
    const ip = a[ANNOTATION_GLOBAL_STATIC_IP]?.trim();
    if (ip) addresses.add(ip);
    for (const c of (a[ANNOTATION_PRE_SHARED_CERT] ?? '').split(',')) if (c.trim()) certs.add(c.trim());
  }
  const instances = input.clusters.flatMap((c) => (c.instances ?? []).map((i) => i.name));
  return {
    uid: input.uid,
    addresses: [...addresses].sort(),
    sslCertificates: [...certs].sort(),
    instances: [...new Set(instances)].sort(),
  };
}
