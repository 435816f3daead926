// Desired against observed → the ordered steps that make Google Cloud match, the orphans, and the
// problems found on the way. Only fields fedsync owns are compared (see compare.ts), so output-only
// fields, API defaults and fields others set never cause an update.
import type { FieldChange, Problem } from '../../model/index.js';
import { IMMUTABLE_FIELDS, ownedChanges, topField } from './compare.js';
import type { DesiredLoadBalancer } from './design.js';
import { hasFederationUid } from './names.js';
import { orderSteps } from './order.js';
import {
  refOfLink,
  subjectOf,
  type DesiredResource,
  type Json,
  type ObservedLoadBalancer,
  type ObservedResource,
} from './resources.js';
import { GcpDanger, type GcpCall, type LoadBalancerAction, type Orphan } from './steps.js';
import { certificateDigest } from './tls.js';

export type LoadBalancerDiff = { steps: LoadBalancerAction[]; orphans: Orphan[]; problems: Problem[] };

type Emit = (step: Omit<LoadBalancerAction, 'subject' | 'changes'> & { changes?: FieldChange[] }) => void;

/** What plans show for a body's fields: certificates as digests, links as they are. */
function shown(d: DesiredResource): FieldChange[] {
  if (d.ref.kind === 'sslCertificate')
    return [{ path: 'certificate', to: certificateDigest(String(d.body.certificate)) }];
  return Object.entries(d.body)
    .filter(([k]) => k !== 'name' && k !== 'description')
    .map(([path, to]) => ({ path, to }));
}

function forwardingRuleView(d: DesiredResource, ips: Map<string, string>): Json {
  const ref = typeof d.body.IPAddress === 'string' ? refOfLink(d.body.IPAddress) : undefined;
  const ip = ref ? ips.get(ref.name) : undefined;
  return {
    ...d.body,
    IPAddress: ip ?? `(address ${ref?.name ?? String(d.body.IPAddress)}, not reserved yet)`,
  };
}

function updateCalls(d: DesiredResource, o: ObservedResource, changes: FieldChange[], emit: Emit): void {
  const base = {
    action: 'update' as const,
    ref: d.ref,
    ...(d.owner.ingress ? { ingress: d.owner.ingress } : {}),
  };
  const fields = new Set(changes.map((c) => topField(c.path)));
  const only = (f: string) => changes.filter((c) => topField(c.path) === f);
  const set = (call: GcpCall, field: string, reason: string) =>
    emit({ ...base, call, body: { [field]: d.body[field] }, changes: only(field), reason });
  switch (d.ref.kind) {
    case 'healthCheck':
    case 'firewall':
      emit({
        ...base,
        call: 'update',
        body: d.body,
        changes,
        reason: 'fields differ from the desired state',
      });
      return;
    case 'backendService':
    case 'urlMap':
      emit({
        ...base,
        call: 'update',
        body: d.body,
        ...(o.fingerprint ? { fingerprint: o.fingerprint } : {}),
        changes,
        reason: 'fields differ from the desired state',
      });
      return;
    case 'targetHttpProxy':
    case 'targetHttpsProxy':
      if (fields.has('urlMap')) set('setUrlMap', 'urlMap', 'the proxy points at another URL map');
      if (fields.has('sslCertificates'))
        set('setSslCertificates', 'sslCertificates', 'the certificates changed');
      return;
    case 'forwardingRule':
      if (fields.has('target')) set('setTarget', 'target', 'the rule points at another proxy');
      return;
    case 'instanceGroup':
      if (fields.has('namedPorts'))
        emit({
          ...base,
          call: 'setNamedPorts',
          body: { namedPorts: d.body.namedPorts },
          ...(o.fingerprint ? { fingerprint: o.fingerprint } : {}),
          changes: only('namedPorts'),
          reason: 'the nodePorts served changed',
        });
      return;
    case 'address':
    case 'sslCertificate':
      return;
  }
}

export function diffLoadBalancer(options: {
  desired: DesiredLoadBalancer;
  observed: ObservedLoadBalancer;
  prune: boolean;
}): LoadBalancerDiff {
  const { desired, observed } = options;
  const steps: LoadBalancerAction[] = [];
  const orphans: Orphan[] = [];
  const problems: Problem[] = [];
  const emit: Emit = (s) => steps.push({ changes: [], ...s, subject: subjectOf(s.ref) });
  const bySubject = new Map(observed.resources.map((r) => [subjectOf(r.ref), r]));
  const ips = new Map<string, string>();
  for (const r of observed.resources)
    if (r.ref.kind === 'address' && typeof r.body.address === 'string') ips.set(r.ref.name, r.body.address);
  const desiredSubjects = new Set(desired.resources.map((d) => subjectOf(d.ref)));
  const designs = new Map(desired.ingresses.map((i) => [i.key, i]));

  // Certificates that leave an Ingress while others arrive are rotations: create-new → switch → delete-old.
  const successorOf = new Map<string, string>();
  const predecessorOf = new Map<string, string>();
  for (const design of desired.ingresses) {
    if (design.held) continue;
    const arriving = desired.resources
      .filter(
        (d) =>
          d.ref.kind === 'sslCertificate' &&
          d.owner.ingress === design.key &&
          !bySubject.has(subjectOf(d.ref)),
      )
      .map((d) => subjectOf(d.ref))
      .sort();
    const leaving = observed.resources
      .filter(
        (o) =>
          o.ref.kind === 'sslCertificate' &&
          o.owner?.ingress === design.key &&
          !desiredSubjects.has(subjectOf(o.ref)),
      )
      .map((o) => subjectOf(o.ref))
      .sort();
    arriving.forEach((s, i) => {
      if (leaving[i]) {
        predecessorOf.set(s, leaving[i]);
        successorOf.set(leaving[i], s);
      }
    });
  }

  for (const d of desired.resources) {
    const subject = subjectOf(d.ref);
    const o = bySubject.get(subject);
    const owner = d.owner.ingress ? { ingress: d.owner.ingress } : {};
    if (!o) {
      const predecessor = predecessorOf.get(subject);
      emit({
        action: predecessor ? 'replace' : 'create',
        ref: d.ref,
        call: 'insert',
        body: d.body,
        ...(d.privateKey ? { privateKey: d.privateKey } : {}),
        ...(predecessor ? { replaceOrder: 'createFirst' as const, replaces: predecessor } : {}),
        changes:
          d.ref.kind === 'forwardingRule' ? shown({ ...d, body: forwardingRuleView(d, ips) }) : shown(d),
        reason: predecessor ? `new certificate for ${predecessor}` : 'does not exist',
        ...owner,
      });
      if (d.ref.kind === 'instanceGroup' && d.members && d.members.length > 0)
        emit({
          action: 'update',
          ref: d.ref,
          call: 'addInstances',
          body: { instances: d.members.map((instance) => ({ instance })) },
          changes: [{ path: 'instances', to: d.members }],
          reason: 'the cluster nodes join the new group',
        });
      continue;
    }
    if (d.ref.kind === 'sslCertificate') {
      if (
        certificateDigest(typeof o.body.certificate === 'string' ? o.body.certificate : '') !==
        certificateDigest(String(d.body.certificate))
      )
        problems.push({
          code: 'gcp.certificateConflict',
          severity: 'error',
          message: `${subject} exists with other content than its name says; delete it by hand`,
          ...(d.from ? { object: d.from } : {}),
        });
      else emit({ action: 'unchanged', ref: d.ref, reason: 'in sync', ...owner });
      continue;
    }
    const want = d.ref.kind === 'forwardingRule' ? forwardingRuleView(d, ips) : d.body;
    const changes = ownedChanges(d.ref.kind, want, o.body);
    const immutable = changes.filter((c) => IMMUTABLE_FIELDS[d.ref.kind]?.includes(topField(c.path)));
    const before = steps.length;
    if (immutable.length > 0) {
      emit({
        action: 'replace',
        ref: d.ref,
        call: 'insert',
        body: d.body,
        replaceOrder: 'deleteFirst',
        changes,
        reason: `${[...new Set(immutable.map((c) => topField(c.path)))].join(', ')} cannot change in place`,
        ...(d.ref.kind === 'forwardingRule' ? { danger: GcpDanger.replaceForwardingRule } : {}),
        ...owner,
      });
    } else if (changes.length > 0) {
      updateCalls(d, o, changes, emit);
    }
    if (d.ref.kind === 'instanceGroup' && d.members) {
      const have = new Set(o.members ?? []);
      const want = new Set(d.members);
      const add = d.members.filter((m) => !have.has(m));
      const remove = [...have].filter((m) => !want.has(m)).sort();
      if (add.length > 0)
        emit({
          action: 'update',
          ref: d.ref,
          call: 'addInstances',
          body: { instances: add.map((instance) => ({ instance })) },
          changes: [{ path: 'instances', from: [...have].sort(), to: d.members }],
          reason: `${add.length} node(s) joined the cluster`,
        });
      if (remove.length > 0)
        emit({
          action: 'update',
          ref: d.ref,
          call: 'removeInstances',
          body: { instances: remove.map((instance) => ({ instance })) },
          changes: [{ path: 'instances', from: [...have].sort(), to: d.members }],
          reason: `${remove.length} node(s) left the cluster`,
        });
    }
    if (steps.length === before) emit({ action: 'unchanged', ref: d.ref, reason: 'in sync', ...owner });
  }

  // Observed resources with the federation id that nothing desires.
  for (const o of observed.resources) {
    const subject = subjectOf(o.ref);
    if (desiredSubjects.has(subject) || !hasFederationUid(o.ref.name, desired.uid)) continue;
    const del = (reason: string) =>
      emit({
        action: 'delete',
        ref: o.ref,
        call: 'delete',
        reason,
        ...(o.owner?.ingress ? { ingress: o.owner.ingress } : {}),
        ...(o.ref.kind === 'forwardingRule'
          ? { danger: GcpDanger.deleteForwardingRule }
          : o.ref.kind === 'address'
            ? { danger: GcpDanger.releaseAddress }
            : {}),
      });
    if (!o.owner || o.owner.federation !== desired.federation) {
      orphans.push({
        subject,
        reason: o.owner
          ? `carries this federation's id but belongs to federation ${o.owner.federation}`
          : 'carries this federation id but no fedsync marker in its description; fedsync leaves it alone',
      });
      continue;
    }
    if (o.owner.ingress) {
      const design = designs.get(o.owner.ingress);
      if (design?.held) continue;
      if (design) {
        const successor = successorOf.get(subject);
        del(successor ? `replaced by ${successor}` : `no longer part of Ingress ${o.owner.ingress}`);
      } else if (options.prune) del(`Ingress ${o.owner.ingress} was removed from the repository`);
      else
        orphans.push({
          subject,
          reason: `Ingress ${o.owner.ingress} was removed from the repository; prune is off`,
        });
      continue;
    }
    if (desired.anyHeld) continue;
    del('no Ingress uses it any more');
  }
  return {
    steps: orderSteps(steps),
    orphans: orphans.sort((a, b) => (a.subject < b.subject ? -1 : 1)),
    problems,
  };
}
