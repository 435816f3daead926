// One simulated cluster: store, API, controllers and an HTTP server on 127.0.0.1, with run-time faults.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { nodesOf, type WorldCluster } from '../world.js';
import { kubeApi, type KubeApi } from './api.js';
import { workloadController } from './controller.js';
import { requestCounters, type RequestCounters } from './counters.js';
import { noFaults, type FaultCommand, type FaultState } from './faults.js';
import { resourceRegistry, type CustomResource, type ResourceType } from './resources.js';
import { kubeRequestHandler } from './server.js';
import { serviceAllocator } from './services.js';
import { createStore, type Store } from './store.js';
import { simCaData, simCertPem, simKeyPem } from './tls.js';
import { watchRegistry } from './watch.js';

export type SimClusterOptions = {
  cluster: WorldCluster;
  /** GCP project in node providerIDs (`gce://<project>/<zone>/<node>`). */
  project?: string;
  customResources?: readonly CustomResource[];
  /** Delay between a change and the controllers reacting to it (default 50 ms; tests use less). */
  tickMs?: number;
  /** Watch events kept for resuming watches; older resourceVersions get 410 Gone (default 5000). */
  historyLimit?: number;
  /** Interval of BOOKMARK events on watches that allow them (default 1000 ms). */
  bookmarkIntervalMs?: number;
  /** Announce API Priority and Fairness in response headers, as real API servers do (default true). */
  priorityAndFairness?: boolean;
};

export type SimCluster = {
  readonly name: string;
  readonly region: string;
  readonly zone: string;
  readonly project: string;
  readonly token: string;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `https://127.0.0.1:<port>`: the same port speaks TLS too (kubectl sends tokens only over TLS). */
  readonly httpsUrl: string;
  /** Base64 PEM of the CA that signed the https certificate, for `certificate-authority-data`. */
  readonly caData: string;
  readonly port: number;
  readonly api: KubeApi;
  readonly store: Store;
  readonly counters: RequestCounters;
  faults(): FaultState;
  /** Paths of the requests the hang fault holds unanswered, oldest first (released when it clears). */
  hungRequests(): string[];
  /** Requests the hang fault has held since the cluster started, answered or not. */
  hungRequestCount(): number;
  capacity(): number;
  setFault(cmd: FaultCommand): Promise<void>;
  /** Ends every open watch stream, as an API server restart would. */
  closeWatches(): void;
  /** Resolves once the controllers have caught up with every change so far. */
  settle(): Promise<void>;
  resource(apiVersion: string, kind: string): ResourceType;
  stop(): Promise<void>;
};

const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A stable UUID-shaped id for a named object of this world. */
function uidOf(key: string): string {
  const h = createHash('sha256').update(key).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function seedOf(name: string): number {
  return createHash('sha256').update(name).digest().readUInt32BE(0);
}

export async function startSimCluster(opts: SimClusterOptions): Promise<SimCluster> {
  const c = opts.cluster;
  const project = opts.project ?? 'fedsync-sim';
  const token = c.token ?? randomBytes(16).toString('hex');
  const registry = resourceRegistry(opts.customResources ?? []);
  const store = createStore({ historyLimit: opts.historyLimit ?? 5000 });
  const api = kubeApi({ registry, store, services: serviceAllocator({ seed: seedOf(c.name) }), now });
  const counters = requestCounters();
  const watches = watchRegistry();
  const nodes = nodesOf(c);
  // A node's own pod limit applies only when the world file sets one; the cluster capacity always does.
  const perNodeDefault = 110;
  let capacity = c.capacity ?? nodes.reduce((sum, n) => sum + (n.pods ?? perNodeDefault), 0);
  let faults = noFaults();
  const sockets = new Set<Socket>();
  const hung = new Map<ServerResponse, string>();
  let hungTotal = 0;
  let port = c.port ?? 0;

  const type = (apiVersion: string, kind: string): ResourceType => {
    const t = registry.byKind(apiVersion, kind);
    if (!t) throw new Error(`no resource ${apiVersion} ${kind}`);
    return t;
  };

  // Bootstrap: the namespaces, the `kubernetes` Service and the Nodes every cluster has.
  const system = { fieldManager: 'kube-apiserver' };
  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    api.create(type('v1', 'Namespace'), '', { metadata: { name: ns } }, system);
  }
  api.create(
    type('v1', 'Service'),
    'default',
    {
      metadata: { name: 'kubernetes', labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, targetPort: 6443 }] },
    },
    system,
  );
  nodes.forEach((n, i) => {
    const nodeT = type('v1', 'Node');
    const created = api.create(
      nodeT,
      '',
      {
        metadata: {
          name: n.name,
          labels: {
            'kubernetes.io/hostname': n.name,
            'kubernetes.io/os': 'linux',
            'kubernetes.io/arch': 'amd64',
            'node.kubernetes.io/instance-type': 'e2-standard-4',
            'topology.kubernetes.io/region': c.region,
            'topology.kubernetes.io/zone': n.zone,
            'cloud.google.com/gke-nodepool': 'default-pool',
          },
        },
        spec: { providerID: `gce://${project}/${n.zone}/${n.name}`, podCIDR: `10.${100 + i}.0.0/24` },
      },
      { fieldManager: 'kubelet' },
    );
    const pods = String(n.pods ?? Math.max(perNodeDefault, capacity));
    const resources = { cpu: '4', memory: '16393136Ki', pods };
    const t = now();
    api.update(
      nodeT,
      '',
      n.name,
      {
        ...created,
        status: {
          capacity: resources,
          allocatable: resources,
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'KubeletReady',
              message: 'kubelet is posting ready status',
              lastHeartbeatTime: t,
              lastTransitionTime: t,
            },
          ],
          addresses: [
            { type: 'InternalIP', address: `10.128.${seedOf(c.name) % 250}.${i + 2}` },
            { type: 'Hostname', address: n.name },
          ],
          nodeInfo: {
            kubeletVersion: 'v1.32.0',
            osImage: 'Container-Optimized OS',
            architecture: 'amd64',
            operatingSystem: 'linux',
          },
        },
      },
      { fieldManager: 'kubelet', subresource: 'status' },
    );
  });

  // Controllers run shortly after any change; their own writes trigger another pass until quiet.
  const controller = workloadController({ api, capacity: () => capacity, now });
  const tickMs = opts.tickMs ?? 50;
  let timer: NodeJS.Timeout | undefined;
  let settleWaiters: (() => void)[] = [];
  const runControllers = (): void => {
    timer = undefined;
    try {
      controller.reconcile();
    } catch (err) {
      console.error(`sim ${c.name}: controller error: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!timer) {
      const waiters = settleWaiters;
      settleWaiters = [];
      for (const w of waiters) w();
    }
  };
  const kick = (): void => {
    timer ??= setTimeout(runControllers, tickMs);
  };
  const unsubscribe = store.subscribe(kick);
  kick();

  const handler = kubeRequestHandler({
    api,
    token,
    counters,
    faults: () => faults,
    watches,
    bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 1000,
    ...(opts.priorityAndFairness === false
      ? {}
      : {
          priorityAndFairness: {
            flowSchemaUid: uidOf(`${c.name}/flowschema/global-default`),
            priorityLevelUid: uidOf(`${c.name}/prioritylevel/global-default`),
          },
        }),
    address: () => `127.0.0.1:${port}`,
    onHang: (req: IncomingMessage, res: ServerResponse) => {
      hung.set(res, req.url ?? '/');
      hungTotal++;
      res.on('close', () => hung.delete(res));
    },
  });
  const httpServer = createServer(handler);
  const httpsServer = createHttpsServer({ cert: simCertPem, key: simKeyPem }, handler);
  // One port, two protocols: a TLS handshake starts with byte 0x16, plain HTTP never does.
  const server = createNetServer((socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.once('readable', () => {
      const first = socket.read(1) as Buffer | null;
      if (!first) return;
      socket.unshift(first);
      (first[0] === 0x16 ? httpsServer : httpServer).emit('connection', socket);
    });
  });
  const listen = (): Promise<void> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        port = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  const closeListener = (): Promise<void> =>
    new Promise((resolve) => {
      watches.closeAll();
      for (const s of sockets) s.destroy();
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });
  const releaseHung = (): void => {
    for (const res of hung.keys()) res.socket?.destroy();
    hung.clear();
  };
  await listen();

  const setFault = async (cmd: FaultCommand): Promise<void> => {
    switch (cmd.fault) {
      case 'down':
        faults = { ...faults, down: true };
        await closeListener();
        return;
      case 'up': {
        const wasDown = faults.down;
        faults = noFaults();
        releaseHung();
        if (wasDown || !server.listening) await listen();
        return;
      }
      case 'hang':
        faults = { ...faults, hang: true };
        // Open watches stop too: clients notice the stream end, and their reconnect hangs.
        watches.closeAll();
        return;
      case 'errors':
        faults = { ...faults, errorRate: cmd.rate, errorCode: cmd.code ?? 500 };
        return;
      case 'latency':
        faults = { ...faults, latencyMs: cmd.ms };
        return;
      case 'capacity':
        capacity = cmd.pods;
        kick();
        return;
    }
  };

  return {
    name: c.name,
    region: c.region,
    zone: c.zone,
    project,
    token,
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get httpsUrl() {
      return `https://127.0.0.1:${port}`;
    },
    caData: simCaData,
    get port() {
      return port;
    },
    api,
    store,
    counters,
    faults: () => faults,
    hungRequests: () => [...hung.values()],
    hungRequestCount: () => hungTotal,
    capacity: () => capacity,
    setFault,
    closeWatches: () => watches.closeAll(),
    settle: () =>
      new Promise<void>((resolve) => {
        if (!timer) return resolve();
        settleWaiters.push(resolve);
      }),
    resource: type,
    async stop() {
      unsubscribe();
      if (timer) clearTimeout(timer);
      timer = undefined;
      for (const w of settleWaiters) w();
      releaseHung();
      await closeListener();
    },
  };
}
