// Validation and defaults for addresses, health checks, SSL certificates, firewalls, instance groups.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { SimContext } from './context.js';
import { alreadyExists, invalid, show } from './errors.js';
import { isValidName, type ScopeKey } from './names.js';
import { resolveRef } from './references.js';
import type { Resource } from './store.js';

export type Body = Record<string, unknown>;
export type ValidateOpts = { scope: ScopeKey; existing: Resource | undefined };
export type Validator = (ctx: SimContext, input: Body, opts: ValidateOpts) => Body;

const ipv4Re = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/;

export function isIpv4(v: unknown): v is string {
  return typeof v === 'string' && ipv4Re.test(v);
}

export function intField(input: Body, field: string, def: number, min: number, max: number): number {
  const raw = input[field];
  if (raw === undefined || raw === null) return def;
  const n = typeof raw === 'string' ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw invalid(`resource.${field}`, `'${show(raw)}'. Must be an integer between ${min} and ${max}.`);
  }
  return n;
}

export function labelsField(input: Body): Record<string, string> {
  const labels = input.labels ?? {};
  if (typeof labels !== 'object' || Array.isArray(labels)) throw invalid('resource.labels', 'must be a map.');
  for (const [k, v] of Object.entries(labels as Record<string, unknown>)) {
    if (!/^[a-z][-_a-z0-9]{0,62}$/.test(k) || typeof v !== 'string' || !/^[-_a-z0-9]{0,63}$/.test(v)) {
      throw invalid(
        `resource.labels.${k}`,
        'label keys and values must be lowercase letters, digits, - or _.',
      );
    }
  }
  return labels as Record<string, string>;
}

/** Ephemeral and reserved addresses come from 34.120.0.0/16, like Google's anycast ranges. */
export function allocateIp(ctx: SimContext): string {
  const used = new Set<unknown>([
    ...ctx.store.list('addresses', 'global').map((a) => a.address),
    ...ctx.store.list('forwardingRules', 'global').map((f) => f.IPAddress),
  ]);
  for (let i = 1; i < 65535; i++) {
    const ip = `34.120.${Math.floor(i / 254)}.${(i % 254) + 1}`;
    if (!used.has(ip)) return ip;
  }
  throw invalid('resource.address', 'no free address left in the simulated range.');
}

export const validateAddress: Validator = (ctx, input) => {
  let address = input.address;
  if (address === undefined) address = allocateIp(ctx);
  else if (!isIpv4(address))
    throw invalid('resource.address', `'${show(address)}'. Must be an IPv4 address.`);
  else if (
    ctx.store.list('addresses', 'global').some((a) => a.address === address && a.name !== input.name)
  ) {
    throw alreadyExists(`IP address ${address}`);
  }
  if ((input.ipVersion ?? 'IPV4') !== 'IPV4') throw invalid('resource.ipVersion', 'only IPV4 is simulated.');
  return {
    ...input,
    address,
    ipVersion: 'IPV4',
    addressType: input.addressType ?? 'EXTERNAL',
    networkTier: input.networkTier ?? 'PREMIUM',
    labels: labelsField(input),
  };
};

function httpCheck(input: Body, field: string): Body {
  const hc = (input[field] ?? {}) as Body;
  const spec =
    hc.portSpecification ?? (hc.port === undefined && hc.portName ? 'USE_NAMED_PORT' : 'USE_FIXED_PORT');
  const out: Body = {
    ...hc,
    portSpecification: spec,
    requestPath: hc.requestPath ?? '/',
    proxyHeader: hc.proxyHeader ?? 'NONE',
  };
  if (spec === 'USE_FIXED_PORT') out.port = intField(hc, 'port', 80, 1, 65535);
  if (typeof out.requestPath !== 'string' || !out.requestPath.startsWith('/')) {
    throw invalid(`resource.${field}.requestPath`, `'${String(out.requestPath)}'. Must start with '/'.`);
  }
  return out;
}

export const validateHealthCheck: Validator = (_ctx, input) => {
  const type = input.type;
  const field =
    type === 'HTTP'
      ? 'httpHealthCheck'
      : type === 'HTTPS'
        ? 'httpsHealthCheck'
        : type === 'TCP'
          ? 'tcpHealthCheck'
          : undefined;
  if (!field)
    throw invalid('resource.type', `'${String(type)}'. The simulator supports HTTP, HTTPS and TCP.`);
  const checkIntervalSec = intField(input, 'checkIntervalSec', 5, 1, 300);
  const timeoutSec = intField(input, 'timeoutSec', 5, 1, 300);
  if (timeoutSec > checkIntervalSec) {
    throw invalid('resource.timeoutSec', 'timeoutSec must be less than or equal to checkIntervalSec.');
  }
  const check =
    field === 'tcpHealthCheck'
      ? { port: intField((input[field] ?? {}) as Body, 'port', 80, 1, 65535) }
      : httpCheck(input, field);
  return {
    ...input,
    checkIntervalSec,
    timeoutSec,
    healthyThreshold: intField(input, 'healthyThreshold', 2, 1, 10),
    unhealthyThreshold: intField(input, 'unhealthyThreshold', 2, 1, 10),
    [field]: check,
  };
};

export const validateSslCertificate: Validator = (_ctx, input) => {
  const type = input.type ?? 'SELF_MANAGED';
  if (type !== 'SELF_MANAGED')
    throw invalid('resource.type', 'the simulator supports SELF_MANAGED certificates only.');
  const self = (input.selfManaged ?? {}) as Body;
  const certificate = input.certificate ?? self.certificate;
  const privateKey = input.privateKey ?? self.privateKey;
  if (typeof certificate !== 'string' || typeof privateKey !== 'string') {
    throw invalid(
      'resource.certificate',
      'a self-managed certificate needs both certificate and privateKey.',
    );
  }
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certificate);
    if (!cert.checkPrivateKey(createPrivateKey(privateKey))) throw new Error('mismatch');
  } catch {
    // Never echo the key material.
    throw invalid('resource.certificate', 'The SSL certificate and key could not be parsed or do not match.');
  }
  const sans = (cert.subjectAltName ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('DNS:'))
    .map((s) => s.slice(4));
  const rest = { ...input };
  delete rest.privateKey;
  delete rest.selfManaged;
  return {
    ...rest,
    type: 'SELF_MANAGED',
    certificate,
    selfManaged: { certificate },
    subjectAlternativeNames: sans,
    expireTime: new Date(cert.validTo).toISOString(),
  };
};

export const validateFirewall: Validator = (ctx, input) => {
  const network = resolveRef(ctx, input.network ?? `global/networks/${ctx.network}`, 'resource.network', [
    'networks',
  ]);
  const allowed = input.allowed ?? [];
  const denied = input.denied ?? [];
  if (!Array.isArray(allowed) || !Array.isArray(denied) || allowed.length + denied.length === 0) {
    throw invalid('resource.allowed', 'a firewall needs at least one allowed or denied rule.');
  }
  if (allowed.length > 0 && denied.length > 0)
    throw invalid('resource.denied', 'allowed and denied are exclusive.');
  const direction = input.direction ?? 'INGRESS';
  return {
    ...input,
    network: network.selfLink,
    direction,
    priority: intField(input, 'priority', 1000, 0, 65535),
    ...(allowed.length ? { allowed } : { denied }),
    ...(direction === 'INGRESS' && !input.sourceRanges && !input.sourceTags
      ? { sourceRanges: ['0.0.0.0/0'] }
      : {}),
    disabled: input.disabled ?? false,
  };
};

export function validateNamedPorts(value: unknown): { name: string; port: number }[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid('namedPorts', 'must be a list.');
  return value.map((p: unknown, i) => {
    const np = (p ?? {}) as Body;
    if (!isValidName(np.name))
      throw invalid(`namedPorts[${i}].name`, `'${String(np.name)}'. Must be a valid name.`);
    return { name: np.name, port: intField(np, 'port', 0, 1, 65535) };
  });
}

export const validateInstanceGroup: Validator = (ctx, input) => {
  const out: Body = { ...input, namedPorts: validateNamedPorts(input.namedPorts) };
  if (input.network !== undefined)
    out.network = resolveRef(ctx, input.network, 'resource.network', ['networks']).selfLink;
  else
    out.network = resolveRef(ctx, `global/networks/${ctx.network}`, 'resource.network', [
      'networks',
    ]).selfLink;
  return out;
};
