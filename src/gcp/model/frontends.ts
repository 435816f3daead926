// The per-Ingress half of the load balancer: the URL map, the HTTP proxy and forwarding rule (unless
// `kubernetes.io/ingress.allow-http: "false"`), the certificates, HTTPS proxy and forwarding rule
// (when the Ingress has TLS or pre-shared certificates), and the address both rules share.
import type { Problem } from '../../model/index.js';
import type { IngressDesign, Requirement } from './design.js';
import type { IngressSpec } from './ingress-spec.js';
import { ingressNames, isValidGceName, sslCertificateName } from './names.js';
import { linkOf, ownerDescription, sensitive, type DesiredResource, type GcpRef } from './resources.js';
import { readTlsSecret } from './tls.js';
import { urlMapRules } from './url-map.js';
import type { KubeObject } from '../../model/index.js';

type Context = {
  federation: string;
  project: string;
  uid: string;
  secrets: readonly KubeObject[];
};

export type Frontend = {
  design: IngressDesign;
  resources: DesiredResource[];
  required: Requirement[];
  problems: string[];
  warnings: string[];
};

/** `service` is the backend-service link of each path, resolved by the caller. */
export function frontendResources(
  spec: IngressSpec,
  backendLink: (ref: { service: string; port: number | string }) => string | undefined,
  ctx: Context,
): Frontend {
  const key = `${spec.key.namespace}/${spec.key.name}`;
  const subject = `Ingress/${key}`;
  const names = ingressNames(spec.key, ctx.uid);
  const owner = { federation: ctx.federation, ingress: key };
  const description = ownerDescription(owner);
  const problems: string[] = [];
  const warnings: string[] = [];
  const required: Requirement[] = [];
  const resources: DesiredResource[] = [];
  const link = (ref: GcpRef) => linkOf(ctx.project, ref);
  const add = (ref: GcpRef, body: Record<string, unknown>, extra: Partial<DesiredResource> = {}) =>
    resources.push({ ref, owner, body: { name: ref.name, description, ...body }, from: subject, ...extra });

  // URL map.
  const paths = spec.paths.flatMap((p) => {
    const service = backendLink(p.backend);
    return service ? [{ ...p, service }] : [];
  });
  let defaultService = spec.defaultBackend ? backendLink(spec.defaultBackend) : undefined;
  if (!spec.defaultBackend && paths[0]) {
    defaultService = paths[0].service;
    warnings.push(
      `has no default backend: requests that match no rule go to ${paths[0].backend.service}:${String(paths[0].backend.port)}`,
    );
  }
  if (!defaultService && !spec.defaultBackend && spec.unsupported.length === 0)
    problems.push('has no backend at all');
  const rules = urlMapRules(paths, defaultService ?? '');
  problems.push(...rules.problems);
  const backendServices = [...new Set([defaultService, ...paths.map((p) => p.service)])]
    .filter((s): s is string => s !== undefined)
    .map((s) => s.split('/').pop()!)
    .sort();
  const urlMap: GcpRef = { kind: 'urlMap', name: names.urlMap };
  add(urlMap, { defaultService, hostRules: rules.hostRules, pathMatchers: rules.pathMatchers });

  // Address.
  let address: GcpRef;
  if (spec.staticIpName !== undefined) {
    address = { kind: 'address', name: spec.staticIpName };
    if (!isValidGceName(spec.staticIpName))
      problems.push(
        `kubernetes.io/ingress.global-static-ip-name '${spec.staticIpName}' is not a valid address name`,
      );
    else
      required.push({
        ref: address,
        by: subject,
        hint: `reserve it first: gcloud compute addresses create ${spec.staticIpName} --global (a regional address does not work)`,
      });
  } else {
    address = { kind: 'address', name: names.ownedAddress };
    add(address, { ipVersion: 'IPV4', addressType: 'EXTERNAL' });
  }

  // Certificates: pre-shared by name win over TLS Secrets, as with the GCE ingress controller.
  const certificates: string[] = [];
  if (spec.preSharedCerts.length > 0) {
    if (spec.tls.length > 0)
      warnings.push('has both spec.tls and pre-shared-cert: the pre-shared certificates are used');
    for (const name of spec.preSharedCerts) {
      if (!isValidGceName(name)) {
        problems.push(`pre-shared-cert '${name}' is not a valid certificate name`);
        continue;
      }
      certificates.push(name);
      required.push({
        ref: { kind: 'sslCertificate', name },
        by: subject,
        hint: `upload it first: gcloud compute ssl-certificates create ${name} --global --certificate=… --private-key=…`,
      });
    }
  } else {
    for (const secretName of [...new Set(spec.tls.map((t) => t.secretName))]) {
      if (secretName === undefined) {
        warnings.push('has a spec.tls entry without secretName: it is ignored');
        continue;
      }
      const where = `TLS Secret ${spec.key.namespace}/${secretName}`;
      const secret = ctx.secrets.find(
        (s) => s.metadata.name === secretName && (s.metadata.namespace ?? 'default') === spec.key.namespace,
      );
      if (!secret) {
        problems.push(`${where} is not in the repository`);
        continue;
      }
      const material = readTlsSecret(secret);
      if (typeof material === 'string') {
        problems.push(`${where}: ${material}`);
        continue;
      }
      const name = sslCertificateName(spec.key, material.certificate, ctx.uid);
      if (certificates.includes(name)) continue;
      certificates.push(name);
      add(
        { kind: 'sslCertificate', name },
        { certificate: material.certificate },
        { privateKey: sensitive(material.privateKey, `${where} tls.key`) },
      );
    }
  }
  const https = certificates.length > 0;
  const http = spec.allowHttp;
  if (!http && !https)
    problems.push('allows no HTTP (allow-http "false") and has no certificate: nothing to serve');

  const rule = (name: string, port: number, target: GcpRef) =>
    add(
      { kind: 'forwardingRule', name },
      {
        IPAddress: link(address),
        IPProtocol: 'TCP',
        portRange: `${port}-${port}`,
        target: link(target),
        loadBalancingScheme: 'EXTERNAL',
        networkTier: 'PREMIUM',
      },
    );
  if (http) {
    const proxy: GcpRef = { kind: 'targetHttpProxy', name: names.httpProxy };
    add(proxy, { urlMap: link(urlMap) });
    rule(names.httpForwardingRule, 80, proxy);
  }
  if (https) {
    const proxy: GcpRef = { kind: 'targetHttpsProxy', name: names.httpsProxy };
    add(proxy, {
      urlMap: link(urlMap),
      sslCertificates: certificates.map((name) => link({ kind: 'sslCertificate', name })),
    });
    rule(names.httpsForwardingRule, 443, proxy);
  }
  return {
    design: {
      key,
      subject,
      names,
      held: problems.length > 0,
      address: { name: address.name, userManaged: spec.staticIpName !== undefined },
      http,
      https,
      certificates,
      backendServices,
    },
    resources,
    required,
    problems,
    warnings,
  };
}

/** Problems of one Ingress as values, with where it was read. */
export function ingressProblems(f: Frontend, source: Problem['source']): Problem[] {
  const at = source ? { source } : {};
  return [
    ...f.problems.map((m) => ({
      code: 'gcp.ingress.invalid',
      severity: 'error' as const,
      message: `${m}; its load balancer is left as it is`,
      object: f.design.subject,
      ...at,
    })),
    ...f.warnings.map((m) => ({
      code: 'gcp.ingress.warning',
      severity: 'warning' as const,
      message: m,
      object: f.design.subject,
      ...at,
    })),
  ];
}
