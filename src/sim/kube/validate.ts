// Validation a real API server does that fedsync's behaviour depends on; failures are 422 Invalid with causes.
import { isObject, text, type JsonObject } from './json.js';
import type { ResourceType } from './resources.js';
import type { StatusCause } from './status.js';
import { validateSecret } from './secrets.js';
import { validateLease } from './lease.js';
import { validatePodSpec } from './pod-spec.js';
import { validateBinding, validateRules } from './rbac.js';

const subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function invalidValue(field: string, value: unknown, why: string): StatusCause {
  return { reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(value)}: ${why}`, field };
}

function required(field: string): StatusCause {
  return { reason: 'FieldValueRequired', message: 'Required value', field };
}

function matches(selector: unknown, labels: unknown): boolean {
  if (!isObject(selector)) return false;
  const ml = isObject(selector.matchLabels) ? selector.matchLabels : {};
  const l = isObject(labels) ? labels : {};
  return Object.entries(ml).every(([k, v]) => l[k] === v);
}

function validateContainers(spec: unknown, at: string, causes: StatusCause[]): void {
  const cs = isObject(spec) ? spec.containers : undefined;
  if (!Array.isArray(cs) || cs.length === 0) {
    causes.push(required(`${at}.containers`));
    return;
  }
  cs.forEach((c, i) => {
    if (!isObject(c) || typeof c.name !== 'string' || !label.test(c.name))
      causes.push(required(`${at}.containers[${i}].name`));
    if (!isObject(c) || typeof c.image !== 'string' || c.image === '')
      causes.push(required(`${at}.containers[${i}].image`));
  });
}

export function validate(t: ResourceType, obj: JsonObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const meta = isObject(obj.metadata) ? obj.metadata : {};
  const name = meta.name;
  const nameRule = t.kind === 'Namespace' || t.kind === 'Service' ? label : subdomain;
  if (typeof name !== 'string' || name === '') causes.push(required('metadata.name'));
  else if (!nameRule.test(name) || name.length > 253) {
    causes.push(
      invalidValue(
        'metadata.name',
        name,
        `a lowercase RFC 1123 ${nameRule === label ? 'label' : 'subdomain'} must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
      ),
    );
  }
  if (!t.builtin) return causes;
  const spec = isObject(obj.spec) ? obj.spec : undefined;
  switch (t.kind) {
    case 'Deployment':
    case 'ReplicaSet': {
      const tpl = spec && isObject(spec.template) ? spec.template : undefined;
      if (!spec || !isObject(spec.selector)) causes.push(required('spec.selector'));
      else if (!matches(spec.selector, tpl && isObject(tpl.metadata) ? tpl.metadata.labels : undefined)) {
        causes.push(
          invalidValue(
            'spec.template.metadata.labels',
            tpl && isObject(tpl.metadata) ? tpl.metadata.labels : {},
            '`selector` does not match template `labels`',
          ),
        );
      }
      validateContainers(tpl?.spec, 'spec.template.spec', causes);
      causes.push(...validatePodSpec(tpl?.spec, 'spec.template.spec'));
      if (spec && spec.replicas !== undefined && !(typeof spec.replicas === 'number' && spec.replicas >= 0)) {
        causes.push(invalidValue('spec.replicas', spec.replicas, 'must be greater than or equal to 0'));
      }
      break;
    }
    case 'Pod':
      validateContainers(spec, 'spec', causes);
      causes.push(...validatePodSpec(spec, 'spec'));
      break;
    case 'Role':
    case 'ClusterRole':
      causes.push(...validateRules(obj, t.namespaced));
      break;
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      causes.push(...validateBinding(obj, t.namespaced));
      break;
    case 'Secret':
      causes.push(...validateSecret(obj));
      break;
    case 'Service': {
      const ports = spec?.ports;
      if (
        spec?.type !== 'ExternalName' &&
        spec?.clusterIP !== 'None' &&
        (!Array.isArray(ports) || ports.length === 0)
      ) {
        causes.push(required('spec.ports'));
      }
      if (Array.isArray(ports)) {
        ports.forEach((p, i) => {
          if (!isObject(p) || typeof p.port !== 'number' || p.port < 1 || p.port > 65535) {
            causes.push(
              invalidValue(
                `spec.ports[${i}].port`,
                isObject(p) ? p.port : p,
                'must be between 1 and 65535, inclusive',
              ),
            );
          }
        });
      }
      break;
    }
    case 'Ingress': {
      const rules = spec?.rules;
      if (Array.isArray(rules)) {
        rules.forEach((r, i) => {
          const paths = isObject(r) && isObject(r.http) ? r.http.paths : undefined;
          if (!Array.isArray(paths)) return;
          paths.forEach((p, j) => {
            const at = `spec.rules[${i}].http.paths[${j}]`;
            if (!isObject(p) || !['Exact', 'Prefix', 'ImplementationSpecific'].includes(text(p.pathType))) {
              causes.push({
                reason: 'FieldValueRequired',
                message: 'Required value: pathType must be specified',
                field: `${at}.pathType`,
              });
            }
            if (!isObject(p) || !isObject(p.backend)) causes.push(required(`${at}.backend`));
          });
        });
      }
      break;
    }
    case 'Lease':
      causes.push(...validateLease(obj));
      break;
    default:
      break;
  }
  return causes;
}
