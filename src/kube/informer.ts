// List+watch of one kind in one cluster, kept running: a watch that ends cleanly is resumed from
// the last resourceVersion (no list), a 410 Gone relists, any other failure waits with the retry
// policy's backoff and tries again (client-node 1.4 informers stop for good on most errors, which
// is why this loop exists).
import { refKey, refOf, type KubeObject } from '../model/index.js';
import { KubeError, KubeErrorCode, type ClusterClient, type WatchEvent } from './port.js';
import { retryDelayMs, type RetryPolicy } from './retry.js';

export type InformerEvent = {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  key: string;
  object: KubeObject;
  /** The cached copy before this event (MODIFIED, DELETED). */
  previous?: KubeObject;
  /** True when the change was found by a (re)list rather than streamed by the watch. */
  fromList: boolean;
};

export type InformerStats = {
  lists: number;
  /** Watch requests opened. */
  watches: number;
  /** Relists forced by 410 Gone. */
  expired: number;
  /** Failures (list or watch) followed by a backoff. */
  failures: number;
};

export type Informer = {
  readonly objects: ReadonlyMap<string, KubeObject>;
  /** Listed at least once (or the server does not serve the kind: nothing to hold). */
  synced(): boolean;
  lastError(): unknown;
  stats(): InformerStats;
  stop(): void;
};

export function startInformer(options: {
  client: ClusterClient;
  apiVersion: string;
  kind: string;
  labelSelector?: string;
  backoff: RetryPolicy;
  onEvent: (event: InformerEvent) => void;
  onSynced: () => void;
  /** What is kept of each listed or streamed object (default: the object as the server sent it). */
  transform?: (object: KubeObject) => KubeObject;
}): Informer {
  const { client, apiVersion, kind, labelSelector, backoff } = options;
  const keep = options.transform ?? ((o: KubeObject): KubeObject => o);
  const objects = new Map<string, KubeObject>();
  const stats: InformerStats = { lists: 0, watches: 0, expired: 0, failures: 0 };
  let rv: string | undefined;
  let synced = false;
  let stopped = false;
  let lastError: unknown;
  let current: { stop(): void } | undefined;
  let failuresInARow = 0;

  const markSynced = (): void => {
    if (synced) return;
    synced = true;
    options.onSynced();
  };

  const relist = async (): Promise<void> => {
    stats.lists++;
    const listed = await client.list({ apiVersion, kind, ...(labelSelector ? { labelSelector } : {}) });
    if (stopped) return;
    const fresh = new Map(listed.items.map((o) => [refKey(refOf(o)), keep(o)] as const));
    for (const [key, previous] of [...objects]) {
      if (fresh.has(key)) continue;
      objects.delete(key);
      options.onEvent({ type: 'DELETED', key, object: previous, previous, fromList: true });
    }
    for (const [key, object] of fresh) {
      const previous = objects.get(key);
      objects.set(key, object);
      if (!previous) options.onEvent({ type: 'ADDED', key, object, fromList: true });
      else if (previous.metadata.resourceVersion !== object.metadata.resourceVersion)
        options.onEvent({ type: 'MODIFIED', key, object, previous, fromList: true });
    }
    rv = listed.resourceVersion;
    failuresInARow = 0;
    markSynced();
  };

  const onWatchEvent = (e: WatchEvent): void => {
    if (stopped) return;
    failuresInARow = 0; // the stream works: the next failure starts the backoff afresh
    const eventRv = e.object.metadata.resourceVersion;
    if (typeof eventRv === 'string' && eventRv !== '') rv = eventRv;
    if (e.type === 'BOOKMARK') return;
    const object = keep(e.object);
    const key = refKey(refOf(object));
    const previous = objects.get(key);
    if (e.type === 'DELETED') objects.delete(key);
    else objects.set(key, object);
    options.onEvent({
      type: e.type === 'DELETED' ? 'DELETED' : previous ? 'MODIFIED' : 'ADDED',
      key,
      object,
      ...(previous ? { previous } : {}),
      fromList: false,
    });
  };

  /** Resolves when the watch ends: undefined for a clean end, else the error. */
  const watchOnce = (from: string): Promise<unknown> =>
    new Promise((resolve) => {
      stats.watches++;
      client
        .watch(
          { apiVersion, kind, resourceVersion: from, ...(labelSelector ? { labelSelector } : {}) },
          onWatchEvent,
          resolve,
        )
        .then((w) => {
          current = w;
          if (stopped) w.stop();
        }, resolve);
    });

  const run = async (): Promise<void> => {
    while (!stopped) {
      let err: unknown;
      try {
        if (rv === undefined) await relist();
        if (stopped || rv === undefined) return;
        err = await watchOnce(rv);
        current = undefined;
      } catch (listErr) {
        err = listErr;
      }
      if (stopped) return;
      if (err === undefined || err === null) continue; // a clean end: resume from rv
      lastError = err;
      if (err instanceof KubeError && err.code === KubeErrorCode.expired) {
        stats.expired++;
        rv = undefined;
        continue;
      }
      // A kind the cluster does not serve has no objects there; keep asking, slowly.
      if (err instanceof KubeError && err.code === KubeErrorCode.unknownKind) markSynced();
      stats.failures++;
      await backoff.sleep(retryDelayMs(backoff, failuresInARow++, err));
    }
  };
  void run();

  return {
    objects,
    synced: () => synced,
    lastError: () => lastError,
    stats: () => ({ ...stats }),
    stop() {
      stopped = true;
      current?.stop();
    },
  };
}
