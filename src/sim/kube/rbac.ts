// Validation of rbac.authorization.k8s.io/v1 objects as a real API server does it
// (pkg/apis/rbac/validation in Kubernetes): rules need verbs and, for resources, API groups and
// resources; namespaced rules cannot name non-resource URLs; a binding's roleRef must point at a
// Role or ClusterRole of the RBAC group; subjects must be ServiceAccounts (with a namespace where
// the binding has none), Users or Groups.
import { isObject, text, type JsonObject } from './json.js';
import type { StatusCause } from './status.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

const required = (field: string, why = 'Required value'): StatusCause => ({
  reason: 'FieldValueRequired',
  message: why,
  field,
});
const unsupported = (field: string, value: unknown, allowed: string[]): StatusCause => ({
  reason: 'FieldValueNotSupported',
  message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${allowed.map((a) => `"${a}"`).join(', ')}`,
  field,
});

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export function validateRules(obj: JsonObject, namespaced: boolean): StatusCause[] {
  const causes: StatusCause[] = [];
  list(obj.rules).forEach((r, i) => {
    const at = `rules[${i}]`;
    const rule = isObject(r) ? r : {};
    if (list(rule.verbs).length === 0)
      causes.push(required(`${at}.verbs`, 'Required value: verbs must contain at least one value'));
    const urls = list(rule.nonResourceURLs);
    if (urls.length > 0) {
      if (namespaced)
        causes.push({
          reason: 'FieldValueInvalid',
          message: `Invalid value: ${JSON.stringify(urls)}: namespaced rules cannot apply to non-resource URLs`,
          field: `${at}.nonResourceURLs`,
        });
      if (list(rule.apiGroups).length > 0 || list(rule.resources).length > 0)
        causes.push({
          reason: 'FieldValueInvalid',
          message: `Invalid value: ${JSON.stringify(urls)}: rules cannot apply to both regular resources and non-resource URLs`,
          field: `${at}.nonResourceURLs`,
        });
      return;
    }
    if (list(rule.apiGroups).length === 0)
      causes.push(
        required(`${at}.apiGroups`, 'Required value: resource rules must supply at least one api group'),
      );
    if (list(rule.resources).length === 0)
      causes.push(
        required(`${at}.resources`, 'Required value: resource rules must supply at least one resource'),
      );
  });
  return causes;
}

export function validateBinding(obj: JsonObject, namespaced: boolean): StatusCause[] {
  const causes: StatusCause[] = [];
  const ref = isObject(obj.roleRef) ? obj.roleRef : {};
  if (text(ref.apiGroup) !== RBAC_GROUP)
    causes.push(unsupported('roleRef.apiGroup', ref.apiGroup ?? '', [RBAC_GROUP]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(text(ref.kind))) causes.push(unsupported('roleRef.kind', ref.kind ?? '', kinds));
  if (text(ref.name) === '') causes.push(required('roleRef.name'));
  list(obj.subjects).forEach((s, i) => {
    const at = `subjects[${i}]`;
    const subject = isObject(s) ? s : {};
    if (text(subject.name) === '') causes.push(required(`${at}.name`));
    switch (text(subject.kind)) {
      case 'ServiceAccount':
        if (text(subject.apiGroup) !== '') causes.push(unsupported(`${at}.apiGroup`, subject.apiGroup, ['']));
        if (!namespaced && text(subject.namespace) === '') causes.push(required(`${at}.namespace`));
        break;
      case 'User':
      case 'Group':
        if (text(subject.apiGroup) !== RBAC_GROUP)
          causes.push(unsupported(`${at}.apiGroup`, subject.apiGroup ?? '', [RBAC_GROUP]));
        break;
      default:
        causes.push(unsupported(`${at}.kind`, subject.kind ?? '', ['ServiceAccount', 'User', 'Group']));
    }
  });
  return causes;
}
