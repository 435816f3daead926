// Defaulting a real API server does for the built-in kinds whose defaults fedsync will see in live
// objects. Only the common fields are defaulted; docs/simulator.md lists them.
import { isObject, type JsonObject } from './json.js';
import { canonicalizeQuantities } from './quantity.js';
import type { ResourceType } from './resources.js';
import { normalizeSecret } from './secrets.js';

function setDefault(obj: JsonObject, key: string, value: JsonObject[string]): void {
  if (obj[key] === undefined) obj[key] = value;
}

function child(obj: JsonObject, key: string): JsonObject {
  const v = obj[key];
  if (isObject(v)) return v;
  const fresh: JsonObject = {};
  obj[key] = fresh;
  return fresh;
}

function defaultPodSpec(spec: JsonObject): void {
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'schedulerName', 'default-scheduler');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'securityContext', {});
  for (const list of ['containers', 'initContainers']) {
    const cs = spec[list];
    if (!Array.isArray(cs)) continue;
    for (const c of cs) {
      if (!isObject(c)) continue;
      const image = typeof c.image === 'string' ? c.image : '';
      const tag = image.includes('@') ? 'digest' : (/:([^/:]+)$/.exec(image)?.[1] ?? 'latest');
      setDefault(c, 'imagePullPolicy', tag === 'latest' ? 'Always' : 'IfNotPresent');
      setDefault(c, 'terminationMessagePath', '/dev/termination-log');
      setDefault(c, 'terminationMessagePolicy', 'File');
      setDefault(c, 'resources', {});
      if (Array.isArray(c.ports)) for (const p of c.ports) if (isObject(p)) setDefault(p, 'protocol', 'TCP');
      if (Array.isArray(c.env)) {
        for (const e of c.env) {
          const ref = isObject(e) && isObject(e.valueFrom) ? e.valueFrom.fieldRef : undefined;
          if (isObject(ref)) setDefault(ref, 'apiVersion', 'v1');
        }
      }
      for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
        const pr = c[probe];
        if (!isObject(pr)) continue;
        setDefault(pr, 'timeoutSeconds', 1);
        setDefault(pr, 'periodSeconds', 10);
        setDefault(pr, 'successThreshold', 1);
        setDefault(pr, 'failureThreshold', 3);
        if (isObject(pr.httpGet)) setDefault(pr.httpGet, 'scheme', 'HTTP');
      }
    }
  }
}

export function applyDefaults(t: ResourceType, obj: JsonObject): void {
  if (!t.builtin) return;
  canonicalizeQuantities(obj);
  switch (`${t.group}/${t.kind}`) {
    case 'apps/Deployment': {
      const spec = child(obj, 'spec');
      setDefault(spec, 'replicas', 1);
      setDefault(spec, 'revisionHistoryLimit', 10);
      setDefault(spec, 'progressDeadlineSeconds', 600);
      setDefault(spec, 'strategy', {
        type: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
      });
      const tpl = spec.template;
      if (isObject(tpl)) defaultPodSpec(child(tpl, 'spec'));
      break;
    }
    case 'apps/ReplicaSet': {
      const spec = child(obj, 'spec');
      setDefault(spec, 'replicas', 1);
      const tpl = spec.template;
      if (isObject(tpl)) defaultPodSpec(child(tpl, 'spec'));
      break;
    }
    case '/Pod':
      defaultPodSpec(child(obj, 'spec'));
      break;
    case '/Service': {
      const spec = child(obj, 'spec');
      setDefault(spec, 'type', 'ClusterIP');
      setDefault(spec, 'sessionAffinity', 'None');
      if (spec.type !== 'ExternalName') {
        setDefault(spec, 'ipFamilies', ['IPv4']);
        setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
        setDefault(spec, 'internalTrafficPolicy', 'Cluster');
      }
      if (spec.type === 'NodePort' || spec.type === 'LoadBalancer')
        setDefault(spec, 'externalTrafficPolicy', 'Cluster');
      if (Array.isArray(spec.ports)) {
        for (const p of spec.ports) {
          if (!isObject(p)) continue;
          setDefault(p, 'protocol', 'TCP');
          if (p.port !== undefined) setDefault(p, 'targetPort', p.port);
        }
      }
      break;
    }
    case '/Secret':
      normalizeSecret(obj);
      break;
    case '/Namespace': {
      const meta = child(obj, 'metadata');
      const labels = child(meta, 'labels');
      if (typeof meta.name === 'string') labels['kubernetes.io/metadata.name'] = meta.name;
      setDefault(child(obj, 'spec'), 'finalizers', ['kubernetes']);
      setDefault(child(obj, 'status'), 'phase', 'Active');
      break;
    }
    default:
      break;
  }
}
