// Turns a request body into a stored resource: strips output-only fields, checks the name, the
// fingerprint and immutable fields, validates, and adds the fields the server owns.
import { COLLECTIONS, type CollectionName } from './collections.js';
import { link, scopeLink, type SimContext } from './context.js';
import { alreadyExists, conditionNotMet, invalid, show } from './errors.js';
import { newFingerprint, sameFingerprint } from './fingerprint.js';
import { NAME_REGEX, isValidName, resourcePath, type ScopeKey } from './names.js';
import { referrers } from './references.js';
import type { Resource } from './store.js';
import {
  validateAddress,
  validateFirewall,
  validateHealthCheck,
  validateInstanceGroup,
  validateSslCertificate,
  type Body,
  type Validator,
} from './validate-basic.js';
import {
  validateBackendService,
  validateForwardingRule,
  validateTargetHttpProxy,
  validateTargetHttpsProxy,
  validateUrlMap,
} from './validate-lb.js';

export type WritableCollection = Exclude<CollectionName, 'instances' | 'networks'>;

const validators: Record<WritableCollection, Validator> = {
  addresses: validateAddress,
  healthChecks: validateHealthCheck,
  backendServices: validateBackendService,
  urlMaps: validateUrlMap,
  targetHttpProxies: validateTargetHttpProxy,
  targetHttpsProxies: validateTargetHttpsProxy,
  sslCertificates: validateSslCertificate,
  forwardingRules: validateForwardingRule,
  firewalls: validateFirewall,
  instanceGroups: validateInstanceGroup,
};

const outputOnly = [
  'id',
  'creationTimestamp',
  'selfLink',
  'selfLinkWithId',
  'kind',
  'fingerprint',
  'labelFingerprint',
  'size',
  'users',
  'status',
  'zone',
  'region',
  'expireTime',
  'subjectAlternativeNames',
];

/** Copies a body without output-only fields and protobufjs virtual oneof keys (`_name`). */
export function stripOutputOnly(body: Body): Body {
  return Object.fromEntries(
    Object.entries(body).filter(([k]) => !outputOnly.includes(k) && !k.startsWith('_')),
  );
}

function checkName(name: unknown): asserts name is string {
  if (!isValidName(name)) {
    throw invalid('resource.name', `'${String(name)}'. Must be a match of regex '(?:${NAME_REGEX})'`);
  }
}

function serverFields(ctx: SimContext, collection: WritableCollection, scope: ScopeKey, name: string): Body {
  const spec = COLLECTIONS[collection];
  return {
    kind: `compute#${spec.kind}`,
    selfLink: link(ctx, scope, collection, name),
    ...(spec.scope === 'zonal' ? { zone: scopeLink(ctx, scope) } : {}),
  };
}

export function prepareInsert(
  ctx: SimContext,
  collection: WritableCollection,
  scope: ScopeKey,
  body: Body,
): Resource {
  const input = stripOutputOnly(body);
  checkName(input.name);
  if (ctx.store.get(collection, scope, input.name)) {
    throw alreadyExists(resourcePath(ctx.project, scope, collection, input.name));
  }
  const spec = COLLECTIONS[collection];
  const validated = validators[collection](ctx, input, { scope, existing: undefined });
  return {
    ...validated,
    name: input.name,
    id: ctx.store.nextId(),
    creationTimestamp: ctx.now().toISOString(),
    ...serverFields(ctx, collection, scope, input.name),
    ...(spec.fingerprinted || collection === 'instanceGroups' ? { fingerprint: newFingerprint() } : {}),
    ...(spec.labels ? { labelFingerprint: newFingerprint() } : {}),
  };
}

const immutableForwardingRuleFields = [
  'IPAddress',
  'IPProtocol',
  'portRange',
  'target',
  'loadBalancingScheme',
];

export function prepareUpdate(
  ctx: SimContext,
  collection: WritableCollection,
  scope: ScopeKey,
  existing: Resource,
  body: Body,
  mode: 'put' | 'patch',
): Resource {
  const spec = COLLECTIONS[collection];
  const path = resourcePath(ctx.project, scope, collection, existing.name);
  if (spec.fingerprinted && !sameFingerprint(body.fingerprint, String(existing.fingerprint)))
    throw conditionNotMet(path);
  if (body.name !== undefined && body.name !== existing.name) {
    throw invalid(
      'resource.name',
      `'${show(body.name)}'. The name of an existing resource cannot be changed.`,
    );
  }
  const stripped = stripOutputOnly(body);
  const input: Body =
    mode === 'patch' ? { ...stripOutputOnly(existing), ...stripped } : { ...stripped, name: existing.name };
  if (spec.labels && mode === 'put') input.labels = existing.labels;
  const validated = validators[collection](ctx, input, { scope, existing });
  if (collection === 'forwardingRules') {
    for (const f of immutableForwardingRuleFields) {
      if (JSON.stringify(validated[f]) !== JSON.stringify(existing[f])) {
        throw invalid(
          `resource.${f}`,
          `field '${f}' of a forwarding rule cannot be changed (use setTarget for the target).`,
        );
      }
    }
  }
  return {
    ...validated,
    name: existing.name,
    id: existing.id,
    creationTimestamp: existing.creationTimestamp,
    ...serverFields(ctx, collection, scope, existing.name),
    ...(spec.fingerprinted || collection === 'instanceGroups' ? { fingerprint: newFingerprint() } : {}),
    ...(spec.labels ? { labelFingerprint: existing.labelFingerprint } : {}),
  };
}

/** What a read returns: the stored resource plus fields computed from the rest of the world. */
export function renderResource(
  ctx: SimContext,
  collection: CollectionName,
  scope: ScopeKey,
  r: Resource,
): Resource {
  if (collection === 'instanceGroups') {
    return { ...r, size: ctx.members.get(String(r.selfLink))?.size ?? 0 };
  }
  if (collection === 'addresses') {
    const users = referrers(ctx, {
      collection,
      scope,
      name: r.name,
      selfLink: String(r.selfLink),
      resource: r,
    });
    return { ...r, status: users.length ? 'IN_USE' : 'RESERVED', ...(users.length ? { users } : {}) };
  }
  return r;
}
