// Custom methods: setUrlMap, setSslCertificates, setTarget, setLabels, getHealth, and the instance
// group membership methods (addInstances, removeInstances, listInstances, setNamedPorts).
import { bodyObject, json, mutate, type ApiResponse, type Sim } from './api-types.js';
import type { CollectionName } from './collections.js';
import { link } from './context.js';
import { badRequest, conditionNotMet, invalid, notFound } from './errors.js';
import { newFingerprint, sameFingerprint } from './fingerprint.js';
import { page } from './filter.js';
import { groupHealth } from './health.js';
import { resourcePath, type ScopeKey } from './names.js';
import { stripOutputOnly } from './prepare.js';
import { resolveRef } from './references.js';
import type { Resource } from './store.js';
import { labelsField, validateNamedPorts } from './validate-basic.js';
import { validateCertificateList, validateForwardingRule } from './validate-lb.js';

/** Custom methods that only read (they count against the read quota). */
export const READ_METHODS = new Set(['getHealth', 'listInstances']);

type Call = {
  collection: CollectionName;
  scope: ScopeKey;
  name: string;
  method: string;
  body: unknown;
  query: URLSearchParams;
};

export function customMethod(sim: Sim, call: Call): ApiResponse {
  const { ctx } = sim;
  const { collection, scope, name, method } = call;
  const body = bodyObject(call.body);
  const path = resourcePath(ctx.project, scope, collection, name);
  const existing =
    collection === 'instances' || collection === 'networks'
      ? undefined
      : ctx.store.get(collection, scope, name);
  if (!existing) throw notFound(path);
  const selfLink = String(existing.selfLink);
  const replace =
    (changes: Record<string, unknown>, fingerprint = false): (() => void) =>
    () =>
      ctx.store.put(collection, scope, {
        ...existing,
        ...changes,
        ...(fingerprint ? { fingerprint: newFingerprint() } : {}),
      });
  const op = (operationType: string, apply: () => void, error?: { code: string; message: string }) =>
    mutate(
      sim,
      { scope, operationType, targetLink: selfLink, targetId: existing.id, ...(error ? { error } : {}) },
      apply,
    );
  const key = `${collection}.${method}`;

  switch (key) {
    case 'targetHttpProxies.setUrlMap':
    case 'targetHttpsProxies.setUrlMap': {
      const urlMap = resolveRef(ctx, body.urlMap, 'urlMap', ['urlMaps']).selfLink;
      return op('setUrlMap', replace({ urlMap }, true));
    }
    case 'targetHttpsProxies.setSslCertificates': {
      const sslCertificates = validateCertificateList(ctx, body.sslCertificates, 'sslCertificates');
      return op('setSslCertificates', replace({ sslCertificates }, true));
    }
    case 'forwardingRules.setTarget': {
      const v = validateForwardingRule(
        ctx,
        { ...stripOutputOnly(existing), target: body.target },
        { scope, existing },
      );
      return op('setTarget', replace({ target: v.target }));
    }
    case 'forwardingRules.setLabels':
    case 'addresses.setLabels': {
      if (!sameFingerprint(body.labelFingerprint, String(existing.labelFingerprint))) {
        throw conditionNotMet(path, 'labelFingerprint');
      }
      const labels = labelsField(body);
      return op('setLabels', replace({ labels, labelFingerprint: newFingerprint() }));
    }
    case 'backendServices.getHealth': {
      const group = resolveRef(ctx, body.group, 'group', ['instanceGroups']).selfLink;
      const backends = (existing.backends ?? []) as { group: string }[];
      if (!backends.some((b) => b.group === group)) {
        throw invalid('group', `'${group}' is not a backend of backend service '${name}'.`);
      }
      const healthStatus = groupHealth(ctx, existing, group).map(({ cluster: _cluster, ...h }) => h);
      return json({
        kind: 'compute#backendServiceGroupHealth',
        ...(healthStatus.length ? { healthStatus } : {}),
      });
    }
    case 'instanceGroups.setNamedPorts': {
      if (
        body.fingerprint !== undefined &&
        !sameFingerprint(body.fingerprint, String(existing.fingerprint))
      ) {
        throw conditionNotMet(path);
      }
      return op('setNamedPorts', replace({ namedPorts: validateNamedPorts(body.namedPorts) }, true));
    }
    case 'instanceGroups.addInstances':
    case 'instanceGroups.removeInstances':
      return membership(sim, existing, scope, method, body, op);
    case 'instanceGroups.listInstances': {
      const members = [...(ctx.members.get(selfLink) ?? [])].sort();
      const items = members.map((instance) => ({
        instance,
        status: 'RUNNING',
        namedPorts: existing.namedPorts ?? [],
      }));
      const p = page(items, call.query.get('maxResults'), call.query.get('pageToken'));
      return json({
        kind: 'compute#instanceGroupsListInstances',
        id: `${path}/listInstances`,
        selfLink: `${selfLink}/listInstances`,
        ...(p.items.length ? { items: p.items } : {}),
        ...(p.nextPageToken ? { nextPageToken: p.nextPageToken } : {}),
      });
    }
    default:
      throw badRequest('invalid', `Method '${method}' is not supported on '${collection}' by the simulator.`);
  }
}

function membership(
  sim: Sim,
  group: Resource,
  scope: ScopeKey,
  method: string,
  body: Record<string, unknown>,
  op: (type: string, apply: () => void) => ApiResponse,
): ApiResponse {
  const { ctx } = sim;
  const groupLink = String(group.selfLink);
  const refs = Array.isArray(body.instances) ? (body.instances as { instance?: unknown }[]) : [];
  const links = refs.map((r, i) => {
    const inst = resolveRef(ctx, r?.instance, `instances[${i}].instance`, ['instances'], scope);
    if (inst.scope !== scope) {
      throw invalid(
        `instances[${i}].instance`,
        `instance '${inst.name}' is not in the zone of the instance group.`,
      );
    }
    return link(ctx, inst.scope, 'instances', inst.name);
  });
  const members = ctx.members.get(groupLink) ?? new Set<string>();
  if (method === 'addInstances') {
    // The real API refuses this synchronously (400 memberAlreadyExists); ingress-gce tolerates it.
    const dup = links.find((l) => members.has(l));
    if (dup) {
      const path = (l: string) => l.slice(ctx.baseUrl.length);
      throw badRequest(
        'memberAlreadyExists',
        `Resource '${path(dup)}' is already a member of '${path(groupLink)}'.`,
      );
    }
    return op('addInstances', () => ctx.members.set(groupLink, new Set([...members, ...links])));
  }
  return op('removeInstances', () =>
    ctx.members.set(groupLink, new Set([...members].filter((m) => !links.includes(m)))),
  );
}
