// Every Google Cloud name fedsync uses is decided here, nowhere else. The family is the one the
// GCE ingress controller gave federated Ingresses (`k8s-um-<namespace>-<name>--<uid>` and so on), so
// `gcloud compute … list` reads the same as it did for the seed, with three fixes: names never
// collide (not after truncation, not between clusters that share a zone, not for `a-b/c` against
// `a/b-c`), they are stable across restarts (pure functions of their inputs), and every name ends in
// `--<uid>`, which is how a list call finds fedsync's resources and nobody else's.
import { createHash } from 'node:crypto';
import type { IngressNames } from '../../model/index.js';

/** Compute Engine names: RFC 1035 labels of at most 63 characters. */
export const GCE_NAME_MAX = 63;
export const GCE_NAME_PATTERN = /^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$/;

export function isValidGceName(name: string): boolean {
  return GCE_NAME_PATTERN.test(name);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The federation id in every name: the first 16 hex digits of SHA-256 over the project and the
 * federation's name (`metadata.name` of fedsync.yaml). The same repository pointed at the same
 * project always yields the same id; renaming the federation yields a new one (and a new set of
 * resources, the old ones being reported as orphans).
 */
export function federationUid(options: { federation: string; project: string }): string {
  return sha256(`fedsync-federation\u0000${options.project}\u0000${options.federation}`).slice(0, 16);
}

const SUFFIX_SEPARATOR = '--';
const HASH_LENGTH = 8;

/** Lower-cases and replaces every character a GCE name cannot hold with `-`. */
function sanitize(part: string): string {
  return part.toLowerCase().replace(/[^a-z0-9-]/g, '-');
}

/**
 * `<prefix>-<part>--<uid>` when that is a valid name and `part` is unambiguous; otherwise
 * `<prefix>-<part trimmed>-<hash8(part)>--<uid>`, the hash over the original part so two parts that
 * sanitise or trim to the same text still get different names.
 */
function compose(prefix: string, part: string, uid: string, ambiguous: boolean): string {
  const clean = sanitize(part);
  const plain = `${prefix}-${clean}${SUFFIX_SEPARATOR}${uid}`;
  if (!ambiguous && clean === part && plain.length <= GCE_NAME_MAX && isValidGceName(plain)) return plain;
  const hash = sha256(part).slice(0, HASH_LENGTH);
  const room = GCE_NAME_MAX - prefix.length - 1 - (HASH_LENGTH + 1) - SUFFIX_SEPARATOR.length - uid.length;
  const trimmed = clean.slice(0, Math.max(0, room)).replace(/-+$/, '');
  return trimmed === ''
    ? `${prefix}-${hash}${SUFFIX_SEPARATOR}${uid}`
    : `${prefix}-${trimmed}-${hash}${SUFFIX_SEPARATOR}${uid}`;
}

/** `<namespace>-<name>`; ambiguous when the namespace has a `-` (`a-b/c` and `a/b-c` both read `a-b-c`). */
function ingressPart(ingress: IngressKey): { part: string; ambiguous: boolean } {
  return { part: `${ingress.namespace}-${ingress.name}`, ambiguous: ingress.namespace.includes('-') };
}

export type IngressKey = { namespace: string; name: string };

export type { IngressNames } from '../../model/index.js';

export function ingressNames(ingress: IngressKey, uid: string): IngressNames {
  const { part, ambiguous } = ingressPart(ingress);
  const name = (prefix: string) => compose(prefix, part, uid, ambiguous);
  return {
    httpForwardingRule: name('k8s-fw'),
    httpsForwardingRule: name('k8s-fws'),
    urlMap: name('k8s-um'),
    httpProxy: name('k8s-tp'),
    httpsProxy: name('k8s-tps'),
    ownedAddress: name('k8s-fw'),
  };
}

/** Backend service and its health check, shared by every Ingress that sends traffic to the nodePort. */
export function backendName(nodePort: number, uid: string): string {
  return `k8s-be-${nodePort}${SUFFIX_SEPARATOR}${uid}`;
}

/** The named port of the instance groups that a backend service's `portName` refers to. */
export function namedPortName(nodePort: number): string {
  return `port${nodePort}`;
}

/**
 * One unmanaged instance group per cluster and zone. The cluster's name is in it, so two clusters
 * that share a zone never evict each other's nodes (they did when every controller used `k8s-ig--<uid>`).
 */
export function instanceGroupName(cluster: string, uid: string): string {
  return compose('k8s-ig', cluster, uid, false);
}

/** The one firewall rule that lets Google's health checkers and front ends reach the node ports. */
export function firewallName(uid: string): string {
  return `k8s-fw-l7${SUFFIX_SEPARATOR}${uid}`;
}

/**
 * A self-managed SSL certificate, named by its content: a new certificate gets a new name, so rotation
 * is create-new → switch the proxy → delete-old (certificates are immutable and cannot be deleted
 * while a proxy uses them). Only the certificate is hashed: it binds the public key, so a new key
 * always means a new certificate, and no key material goes into a name.
 */
export function sslCertificateName(ingress: IngressKey, certificatePem: string, uid: string): string {
  const { part } = ingressPart(ingress);
  const owner = sha256(part).slice(0, 16);
  const content = sha256(certificatePem.trim()).slice(0, 16);
  return `k8s-ssl-${owner}-${content}${SUFFIX_SEPARATOR}${uid}`;
}

/** A URL map's path matcher for one host (`*` included). */
export function pathMatcherName(host: string): string {
  return `host-${sha256(host).slice(0, 16)}`;
}

/** True when a resource name carries this federation's id. */
export function hasFederationUid(name: string, uid: string): boolean {
  return name.endsWith(`${SUFFIX_SEPARATOR}${uid}`);
}

/**
 * The list filter that returns this federation's resources (the regular-expression dialect every
 * Compute list method accepts), plus resources named exactly `extra` (user-reserved addresses,
 * pre-shared certificates). Valid names only hold `[a-z0-9-]`, so nothing needs escaping; anything
 * else is left out.
 */
export function federationListFilter(uid: string, extra: readonly string[] = []): string {
  const named = [...new Set(extra)].filter(isValidGceName).sort();
  const alternatives = [`.*${SUFFIX_SEPARATOR}${uid}`, ...named];
  return `name eq "${alternatives.length === 1 ? alternatives[0] : `(${alternatives.join('|')})`}"`;
}
