// Pod spec checks a real API server makes (pkg/apis/core/validation in Kubernetes) that a chart or
// manifest can get wrong: volumes need a unique name and exactly one source, every volumeMount
// names a volume and a unique mountPath, container ports and probes are well formed, a request is
// not above its limit, and user and group ids are not negative.
import { isObject, text, type JsonObject } from './json.js';
import { quantityNano } from './quantity.js';
import type { StatusCause } from './status.js';

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
// IANA_SVC_NAME: at most 15 characters, lower-case letters, digits and '-', at least one letter.
const svcName = /^(?=.*[a-z])[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const VOLUME_SOURCES = [
  'emptyDir',
  'configMap',
  'secret',
  'projected',
  'persistentVolumeClaim',
  'hostPath',
  'downwardAPI',
  'csi',
  'ephemeral',
  'nfs',
  'image',
];
const HANDLERS = ['httpGet', 'tcpSocket', 'exec', 'grpc'];

const cause = (reason: string, field: string, message: string): StatusCause => ({ reason, field, message });
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const obj = (v: unknown): JsonObject => (isObject(v) ? v : {});

function validPort(port: unknown): boolean {
  if (typeof port === 'number') return Number.isInteger(port) && port >= 1 && port <= 65535;
  return typeof port === 'string' && port.length <= 15 && svcName.test(port);
}

function validateIds(sc: JsonObject, at: string, causes: StatusCause[]): void {
  for (const f of ['runAsUser', 'runAsGroup', 'fsGroup']) {
    const v = sc[f];
    if (v !== undefined && !(typeof v === 'number' && Number.isInteger(v) && v >= 0))
      causes.push(
        cause(
          'FieldValueInvalid',
          `${at}.${f}`,
          `Invalid value: ${JSON.stringify(v)}: must be between 0 and 2147483647, inclusive`,
        ),
      );
  }
}

export function validatePodSpec(specValue: unknown, at: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const spec = obj(specValue);
  const volumes = new Set<string>();
  list(spec.volumes).forEach((v, i) => {
    const vol = obj(v);
    const name = text(vol.name);
    if (!dnsLabel.test(name))
      causes.push(cause('FieldValueRequired', `${at}.volumes[${i}].name`, 'Required value'));
    else if (volumes.has(name))
      causes.push(cause('FieldValueDuplicate', `${at}.volumes[${i}].name`, `Duplicate value: "${name}"`));
    volumes.add(name);
    const sources = VOLUME_SOURCES.filter((s) => vol[s] !== undefined);
    if (sources.length === 0)
      causes.push(
        cause('FieldValueRequired', `${at}.volumes[${i}]`, 'Required value: must specify a volume type'),
      );
    if (sources.length > 1)
      causes.push(
        cause(
          'FieldValueForbidden',
          `${at}.volumes[${i}].${sources[1]}`,
          'Forbidden: may not specify more than 1 volume type',
        ),
      );
  });
  validateIds(obj(spec.securityContext), `${at}.securityContext`, causes);
  for (const group of ['initContainers', 'containers']) {
    list(spec[group]).forEach((c, j) => {
      const container = obj(c);
      const cat = `${at}.${group}[${j}]`;
      const paths = new Set<string>();
      list(container.volumeMounts).forEach((m, k) => {
        const mount = obj(m);
        const name = text(mount.name);
        if (!volumes.has(name))
          causes.push(cause('FieldValueNotFound', `${cat}.volumeMounts[${k}].name`, `Not found: "${name}"`));
        const path = text(mount.mountPath);
        if (path === '')
          causes.push(cause('FieldValueRequired', `${cat}.volumeMounts[${k}].mountPath`, 'Required value'));
        else if (paths.has(path))
          causes.push(
            cause(
              'FieldValueInvalid',
              `${cat}.volumeMounts[${k}].mountPath`,
              `Invalid value: "${path}": must be unique`,
            ),
          );
        paths.add(path);
      });
      list(container.ports).forEach((p, k) => {
        const port = obj(p);
        if (!validPort(port.containerPort) || typeof port.containerPort !== 'number')
          causes.push(
            cause(
              'FieldValueInvalid',
              `${cat}.ports[${k}].containerPort`,
              `Invalid value: ${JSON.stringify(port.containerPort)}: must be between 1 and 65535, inclusive`,
            ),
          );
        if (port.name !== undefined && !validPort(port.name))
          causes.push(
            cause(
              'FieldValueInvalid',
              `${cat}.ports[${k}].name`,
              `Invalid value: ${JSON.stringify(port.name)}: must be no more than 15 characters of [-a-z0-9] with at least one letter`,
            ),
          );
      });
      for (const probeName of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
        if (container[probeName] === undefined) continue;
        const probe = obj(container[probeName]);
        const handlers = HANDLERS.filter((h) => probe[h] !== undefined);
        if (handlers.length !== 1)
          causes.push(
            cause(
              'FieldValueRequired',
              `${cat}.${probeName}`,
              'Required value: must specify exactly one handler type',
            ),
          );
        const port =
          handlers[0] === 'httpGet' || handlers[0] === 'tcpSocket' ? obj(probe[handlers[0]]).port : 1;
        if (!validPort(port))
          causes.push(
            cause(
              'FieldValueInvalid',
              `${cat}.${probeName}.${handlers[0]}.port`,
              `Invalid value: ${JSON.stringify(port)}: must be a port number or name`,
            ),
          );
      }
      const resources = obj(container.resources);
      for (const [name, request] of Object.entries(obj(resources.requests))) {
        const limit = obj(resources.limits)[name];
        if (typeof request !== 'string' && typeof request !== 'number') continue;
        if (typeof limit !== 'string' && typeof limit !== 'number') continue;
        const r = quantityNano(request);
        const l = quantityNano(limit);
        if (r !== undefined && l !== undefined && r > l)
          causes.push(
            cause(
              'FieldValueInvalid',
              `${cat}.resources.requests`,
              `Invalid value: "${String(request)}": must be less than or equal to ${name} limit of ${String(limit)}`,
            ),
          );
      }
      validateIds(obj(container.securityContext), `${cat}.securityContext`, causes);
    });
  }
  return causes;
}
