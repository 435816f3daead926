// Service address allocation: clusterIP (immutable once set) and NodePorts in 30000–32767.
// Allocations are derived from the stored Services, so a deleted Service frees its ports at once.
import { isObject, text, type JsonObject } from './json.js';
import type { StatusCause } from './status.js';

export const nodePortRange = { min: 30000, max: 32767 } as const;

export type ServiceAllocator = {
  /** Fills clusterIP and nodePorts in `next`; returns validation causes (422) instead of throwing. */
  allocate(
    next: JsonObject,
    old: JsonObject | undefined,
    others: readonly Readonly<JsonObject>[],
  ): StatusCause[];
};

function portsOf(svc: JsonObject | undefined): JsonObject[] {
  const spec = svc && isObject(svc.spec) ? svc.spec : undefined;
  return Array.isArray(spec?.ports) ? spec.ports.filter(isObject) : [];
}

function uidOf(o: JsonObject): unknown {
  return isObject(o.metadata) ? o.metadata.uid : undefined;
}

/** `seed` spreads first allocations so that clusters of one world get different ports, as real ones would. */
export function serviceAllocator(opts: { seed: number }): ServiceAllocator {
  const span = nodePortRange.max - nodePortRange.min + 1;
  return {
    allocate(next, old, others) {
      const causes: StatusCause[] = [];
      const spec = isObject(next.spec) ? next.spec : (next.spec = {});
      const oldSpec = old && isObject(old.spec) ? old.spec : undefined;
      const type = spec.type ?? 'ClusterIP';

      if (
        oldSpec?.clusterIP !== undefined &&
        spec.clusterIP !== undefined &&
        spec.clusterIP !== oldSpec.clusterIP
      ) {
        causes.push({
          reason: 'FieldValueInvalid',
          message: 'Invalid value: field is immutable',
          field: 'spec.clusterIP',
        });
      }
      if (type !== 'ExternalName' && spec.clusterIP === undefined) {
        if (typeof oldSpec?.clusterIP === 'string') spec.clusterIP = oldSpec.clusterIP;
        else {
          const used = new Set(others.map((o) => (isObject(o.spec) ? o.spec.clusterIP : undefined)));
          let n = 1 + (opts.seed % 200);
          while (used.has(`10.96.${Math.floor(n / 250)}.${(n % 250) + 1}`)) n++;
          spec.clusterIP = `10.96.${Math.floor(n / 250)}.${(n % 250) + 1}`;
        }
      }
      if (typeof spec.clusterIP === 'string' && spec.clusterIP !== 'None') spec.clusterIPs = [spec.clusterIP];

      const ports = portsOf(next);
      if (type !== 'NodePort' && type !== 'LoadBalancer') {
        // Changing the type away from NodePort releases the ports it had, as the real registry does.
        const released = new Set(portsOf(old).map((q) => q.nodePort));
        ports.forEach((p, i) => {
          if (p.nodePort !== undefined && released.has(p.nodePort)) delete p.nodePort;
          if (p.nodePort !== undefined) {
            causes.push({
              reason: 'FieldValueForbidden',
              message: `Forbidden: may not be used when \`type\` is '${text(type)}'`,
              field: `spec.ports[${i}].nodePort`,
            });
          }
        });
        return causes;
      }
      const mine = uidOf(next);
      const taken = new Set<number>();
      for (const o of others) {
        if (uidOf(o) === mine) continue;
        for (const p of portsOf(o)) if (typeof p.nodePort === 'number') taken.add(p.nodePort);
      }
      const oldPorts = portsOf(old);
      ports.forEach((p, i) => {
        if (p.nodePort === undefined) {
          const prev = oldPorts.find(
            (q) => q.port === p.port && (q.protocol ?? 'TCP') === (p.protocol ?? 'TCP'),
          );
          if (typeof prev?.nodePort === 'number' && !taken.has(prev.nodePort)) p.nodePort = prev.nodePort;
        }
        if (p.nodePort !== undefined) {
          const np = p.nodePort;
          const field = `spec.ports[${i}].nodePort`;
          if (typeof np !== 'number' || np < nodePortRange.min || np > nodePortRange.max) {
            causes.push({
              reason: 'FieldValueInvalid',
              message: `Invalid value: ${JSON.stringify(np)}: provided port is not in the valid range. The range of valid ports is ${nodePortRange.min}-${nodePortRange.max}`,
              field,
            });
          } else if (taken.has(np)) {
            causes.push({
              reason: 'FieldValueInvalid',
              message: `Invalid value: ${np}: provided port is already allocated`,
              field,
            });
          } else {
            taken.add(np);
          }
        }
      });
      ports.forEach((p) => {
        if (p.nodePort !== undefined) return;
        for (let k = 0; k < span; k++) {
          const candidate = nodePortRange.min + ((opts.seed + k) % span);
          if (!taken.has(candidate)) {
            p.nodePort = candidate;
            taken.add(candidate);
            return;
          }
        }
        causes.push({
          reason: 'FieldValueInvalid',
          message: 'Internal error: range is full',
          field: 'spec.ports.nodePort',
        });
      });
      return causes;
    },
  };
}
