// The built-in controllers: Deployments and ReplicaSets get Pods (Deployments own their Pods
// directly, without ReplicaSets in between) and status; a scheduler binds Pods to Nodes up to the
// cluster's capacity and leaves the rest Pending/Unschedulable, as kube-scheduler would.
import { createHash, randomBytes } from 'node:crypto';
import type { KubeApi } from './api.js';
import { clone, deepEqual, isObject, type Json, type JsonObject } from './json.js';
import type { ResourceType } from './resources.js';

export type ControllerDeps = {
  api: KubeApi;
  /** Pods the cluster can run in total. */
  capacity: () => number;
  now: () => string;
};

type Node = { name: string; pods: number; ip: string };

function meta(o: JsonObject): JsonObject {
  return isObject(o.metadata) ? o.metadata : {};
}

function str(v: Json | undefined): string {
  return typeof v === 'string' ? v : '';
}

function ownedBy(pod: JsonObject, uid: Json | undefined): boolean {
  const refs = meta(pod).ownerReferences;
  return Array.isArray(refs) && refs.some((r) => isObject(r) && r.uid === uid);
}

function isTerminating(o: JsonObject): boolean {
  return meta(o).deletionTimestamp !== undefined;
}

function conditionOf(o: JsonObject, type: string): JsonObject | undefined {
  const st = isObject(o.status) ? o.status : {};
  const cs = Array.isArray(st.conditions) ? st.conditions : [];
  return cs.find((c): c is JsonObject => isObject(c) && c.type === type);
}

export function isPodReady(pod: JsonObject): boolean {
  return conditionOf(pod, 'Ready')?.status === 'True' && !isTerminating(pod);
}

/** Keeps lastTransitionTime of conditions whose status did not change. */
function withTransitions(prev: JsonObject | undefined, next: JsonObject[], now: string): JsonObject[] {
  return next.map((c) => {
    const old = prev ? conditionOf(prev, str(c.type)) : undefined;
    const same = old && old.status === c.status && old.reason === c.reason;
    const out: JsonObject = { ...c, lastTransitionTime: same ? (old.lastTransitionTime ?? now) : now };
    if ('lastUpdateTime' in c) out.lastUpdateTime = same ? (old.lastUpdateTime ?? now) : now;
    return out;
  });
}

export function workloadController(deps: ControllerDeps): { reconcile(): void } {
  const { api, now } = deps;
  const reg = api.registry;
  const type = (group: string, plural: string): ResourceType => {
    const t = reg.byPath(group, 'v1', plural);
    if (!t) throw new Error(`missing resource ${plural}`);
    return t;
  };
  const podT = type('', 'pods');
  const nodeT = type('', 'nodes');
  const owners = [type('apps', 'deployments'), type('apps', 'replicasets')];
  const manager = { fieldManager: 'kube-controller-manager' };

  const syncOwner = (t: ResourceType, owner: JsonObject, pods: JsonObject[]): void => {
    const m = meta(owner);
    const ns = str(m.namespace);
    const spec = isObject(owner.spec) ? owner.spec : {};
    const tpl = isObject(spec.template) ? spec.template : {};
    const hash = createHash('sha256').update(JSON.stringify(tpl)).digest('hex').slice(0, 10);
    const desired = typeof spec.replicas === 'number' ? spec.replicas : 1;
    const mine = pods.filter((p) => ownedBy(p, m.uid) && !isTerminating(p));
    const stale = mine.filter(
      (p) => (isObject(meta(p).labels) ? (meta(p).labels as JsonObject) : {})['pod-template-hash'] !== hash,
    );
    let live = mine.filter((p) => !stale.includes(p));
    for (const p of stale) api.remove(podT, ns, str(meta(p).name));
    if (live.length > desired) {
      // Unscheduled pods go first, then the newest.
      const order = [...live].sort(
        (a, b) =>
          Number(Boolean(isObject(a.spec) && a.spec.nodeName)) -
            Number(Boolean(isObject(b.spec) && b.spec.nodeName)) ||
          str(meta(b).creationTimestamp).localeCompare(str(meta(a).creationTimestamp)),
      );
      for (const p of order.slice(0, live.length - desired)) api.remove(podT, ns, str(meta(p).name));
      live = order.slice(live.length - desired);
    }
    for (let i = live.length; i < desired; i++) {
      const tm = isObject(tpl.metadata) ? tpl.metadata : {};
      const labels = { ...(isObject(tm.labels) ? tm.labels : {}), 'pod-template-hash': hash };
      const pod = api.create(
        podT,
        ns,
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: `${str(m.name)}-${hash.slice(0, 8)}-${randomBytes(3).toString('hex').slice(0, 5)}`,
            namespace: ns,
            labels,
            ...(isObject(tm.annotations) ? { annotations: tm.annotations } : {}),
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: t.kind,
                name: str(m.name),
                uid: m.uid ?? '',
                controller: true,
                blockOwnerDeletion: true,
              },
            ],
          },
          spec: clone(isObject(tpl.spec) ? tpl.spec : {}),
        },
        manager,
      );
      live.push(pod);
    }
    const ready = live.filter(isPodReady).length;
    const status: JsonObject = {
      observedGeneration: m.generation ?? 1,
      replicas: live.length,
    };
    if (t.kind === 'Deployment') status.updatedReplicas = live.length;
    if (ready > 0) {
      status.readyReplicas = ready;
      status.availableReplicas = ready;
    }
    if (t.kind === 'Deployment') {
      if (desired - ready > 0) status.unavailableReplicas = desired - ready;
      const available = ready >= desired;
      status.conditions = withTransitions(
        owner,
        [
          {
            type: 'Available',
            status: available ? 'True' : 'False',
            reason: available ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
            message: available
              ? 'Deployment has minimum availability.'
              : 'Deployment does not have minimum availability.',
            lastUpdateTime: '',
          },
          {
            type: 'Progressing',
            status: 'True',
            reason: available ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated',
            message: available
              ? `Deployment "${str(m.name)}" has successfully progressed.`
              : `Deployment "${str(m.name)}" is progressing.`,
            lastUpdateTime: '',
          },
        ],
        now(),
      );
    } else {
      status.fullyLabeledReplicas = live.length;
    }
    if (!deepEqual(owner.status, status)) {
      api.update(t, ns, str(m.name), { ...owner, status }, { ...manager, subresource: 'status' });
    }
  };

  const schedule = (nodes: Node[]): void => {
    const pods = api.store.list(podT).filter((p) => !isTerminating(p));
    const nodeOf = (p: JsonObject): string => (isObject(p.spec) ? str(p.spec.nodeName) : '');
    const bound = pods.filter((p) => nodeOf(p) !== '');
    const cap = deps.capacity();
    // Capacity dropped below what runs: the newest pods are evicted, as when nodes go away.
    if (bound.length > cap) {
      const newest = [...bound].sort((a, b) =>
        str(meta(b).creationTimestamp).localeCompare(str(meta(a).creationTimestamp)),
      );
      for (const p of newest.slice(0, bound.length - cap)) {
        api.remove(podT, str(meta(p).namespace), str(meta(p).name));
      }
      return;
    }
    const load = new Map(nodes.map((n) => [n.name, 0]));
    for (const p of bound) load.set(nodeOf(p), (load.get(nodeOf(p)) ?? 0) + 1);
    let running = bound.length;
    const waiting = pods
      .filter((p) => nodeOf(p) === '')
      .sort(
        (a, b) =>
          str(meta(a).creationTimestamp).localeCompare(str(meta(b).creationTimestamp)) ||
          str(meta(a).name).localeCompare(str(meta(b).name)),
      );
    for (const pod of waiting) {
      const free = nodes
        .filter((n) => (load.get(n.name) ?? 0) < n.pods)
        .sort((a, b) => (load.get(a.name) ?? 0) - (load.get(b.name) ?? 0))[0];
      const ns = str(meta(pod).namespace);
      const name = str(meta(pod).name);
      if (!free || running >= cap) {
        const status: JsonObject = {
          phase: 'Pending',
          conditions: withTransitions(
            pod,
            [
              {
                type: 'PodScheduled',
                status: 'False',
                reason: 'Unschedulable',
                message: `0/${nodes.length} nodes are available: ${nodes.length} Too many pods.`,
                lastProbeTime: null,
              },
            ],
            now(),
          ),
          qosClass: 'BestEffort',
        };
        if (!deepEqual(pod.status, status))
          api.update(
            podT,
            ns,
            name,
            { ...pod, status },
            { fieldManager: 'kube-scheduler', subresource: 'status' },
          );
        continue;
      }
      running++;
      load.set(free.name, (load.get(free.name) ?? 0) + 1);
      const boundPod = api.update(
        podT,
        ns,
        name,
        { ...pod, spec: { ...(isObject(pod.spec) ? pod.spec : {}), nodeName: free.name } },
        { fieldManager: 'kube-scheduler' },
      );
      const t = now();
      const spec = isObject(boundPod.spec) ? boundPod.spec : {};
      const containers = Array.isArray(spec.containers) ? spec.containers.filter(isObject) : [];
      const conditions = ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].map((type) => ({
        type,
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: t,
      }));
      api.update(
        podT,
        ns,
        name,
        {
          ...boundPod,
          status: {
            phase: 'Running',
            conditions,
            hostIP: free.ip,
            podIP: `10.${100 + (running % 100)}.${Math.floor(running / 250) % 250}.${(running % 250) + 1}`,
            startTime: t,
            qosClass: 'BestEffort',
            containerStatuses: containers.map((c) => ({
              name: c.name ?? '',
              image: c.image ?? '',
              imageID: '',
              ready: true,
              started: true,
              restartCount: 0,
              state: { running: { startedAt: t } },
            })),
          },
        },
        { fieldManager: 'kubelet', subresource: 'status' },
      );
    }
  };

  return {
    reconcile() {
      const nodes: Node[] = api.store.peek(nodeT).map((n) => {
        const st = isObject(n.status) ? n.status : {};
        const cap = isObject(st.allocatable) ? st.allocatable : {};
        const addrs = Array.isArray(st.addresses) ? st.addresses.filter(isObject) : [];
        return {
          name: str(meta(n).name),
          pods: Number(cap.pods ?? 110),
          ip: str(addrs.find((a) => a.type === 'InternalIP')?.address),
        };
      });
      for (const t of owners) {
        const pods = api.store.peek(podT);
        for (const owner of api.store.peek(t)) {
          if (isTerminating(owner)) continue;
          syncOwner(
            t,
            owner,
            pods.filter((p) => meta(p).namespace === meta(owner).namespace),
          );
        }
      }
      schedule(nodes);
      // Status after scheduling, so readiness shows up in the same pass.
      for (const t of owners) {
        const pods = api.store.peek(podT);
        for (const owner of api.store.peek(t)) {
          if (isTerminating(owner)) continue;
          syncOwner(
            t,
            owner,
            pods.filter((p) => meta(p).namespace === meta(owner).namespace),
          );
        }
      }
    },
  };
}
