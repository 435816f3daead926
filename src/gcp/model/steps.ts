// A load-balancer plan is an ordered list of steps, each one API call (a replace is two: the delete
// and the insert of the same name, or the insert of a successor beside the old one). Plain data: the
// renderers print it, the digest hashes it, the adapter executes it without deciding anything again.
import type { Action, FieldChange } from '../../model/index.js';
import type { GcpRef, Json, Sensitive } from './resources.js';

/** What happens to a resource: the actions of the one vocabulary that a load balancer uses. */
export type GcpAction = Extract<Action, 'create' | 'update' | 'replace' | 'delete' | 'unchanged'>;

/** The Compute API method a step calls. Updates name theirs: a plain update or one of the set-X calls. */
export const GcpCall = {
  insert: 'insert',
  update: 'update',
  delete: 'delete',
  setUrlMap: 'setUrlMap',
  setSslCertificates: 'setSslCertificates',
  setTarget: 'setTarget',
  setNamedPorts: 'setNamedPorts',
  addInstances: 'addInstances',
  removeInstances: 'removeInstances',
} as const;
export type GcpCall = (typeof GcpCall)[keyof typeof GcpCall];

/** Why a step is dangerous: the planner's guards hold it until a person approves. */
export const GcpDanger = {
  /** Deleting a forwarding rule takes the Ingress's IP off the Internet. */
  deleteForwardingRule: 'gcp.deleteForwardingRule',
  /** A replace deletes the rule before creating it again: a short outage on that port. */
  replaceForwardingRule: 'gcp.replaceForwardingRule',
  /** Releasing an address fedsync reserved: the IP users know is gone for good. */
  releaseAddress: 'gcp.releaseAddress',
} as const;
export type GcpDanger = (typeof GcpDanger)[keyof typeof GcpDanger];

export type GcpStep = {
  action: GcpAction;
  /** `urlMaps/<name>`, `zones/<zone>/instanceGroups/<name>`. */
  subject: string;
  ref: GcpRef;
  /** Absent on unchanged. A replace names the insert; the adapter deletes first when replaceOrder says so. */
  call?: GcpCall;
  /**
   * The request: the whole resource for insert and update; for set-X calls their one field
   * (`{urlMap}`, `{sslCertificates}`, `{target}`, `{namedPorts}`, `{instances}`). References are
   * `projects/…` links. Never key material.
   */
  body?: Json;
  /** Insert of an SSL certificate: the private key, revealed only inside the call. */
  privateKey?: Sensitive;
  /** Fingerprint-guarded calls: the fingerprint the plan was made against. */
  fingerprint?: string;
  /** deleteFirst: same name, the old one goes first; createFirst: a successor is created beside it. */
  replaceOrder?: 'deleteFirst' | 'createFirst';
  /** The subject a createFirst replace succeeds (deleted by a later step of the plan). */
  replaces?: string;
  /** Changed fields: desired `to`, observed `from`. Certificates appear as digests, keys never. */
  changes: FieldChange[];
  reason: string;
  danger?: GcpDanger;
  /** The Ingress (`namespace/name`) the resource belongs to; absent for shared ones. */
  ingress?: string;
};

/** A resource carrying the federation id that nothing desires and that fedsync does not delete. */
export type Orphan = { subject: string; reason: string };

export function isMutation(step: GcpStep): boolean {
  return step.action !== 'unchanged';
}
