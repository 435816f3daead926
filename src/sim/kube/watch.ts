// Watch streams: JSON lines of ADDED/MODIFIED/DELETED events, BOOKMARKs when asked, and ERROR 410
// when the requested resourceVersion is older than the kept history.
import type { ServerResponse } from 'node:http';
import { isObject, type JsonObject } from './json.js';
import type { Matcher } from './selectors.js';
import { apiVersionOf, type ResourceType } from './resources.js';
import { typeKey, type Store, type StoreEvent } from './store.js';
import { statusBody, StatusError } from './status.js';

export type WatchRequest = {
  t: ResourceType;
  namespace: string | undefined;
  resourceVersion: string | null;
  allowBookmarks: boolean;
  timeoutSeconds: number | undefined;
  matches: Matcher;
  bookmarkIntervalMs: number;
  /** Renders event objects (kubectl asks for Tables); `first` is true for the stream's first one. */
  render?: (obj: JsonObject, first: boolean) => JsonObject;
};

export type WatchRegistry = {
  serve(store: Store, req: WatchRequest, res: ServerResponse): void;
  /** Ends every open watch stream (clients reconnect with their last resourceVersion). */
  closeAll(): void;
};

export function watchRegistry(): WatchRegistry {
  /** Open streams and how to stop feeding each of them. */
  const open = new Map<ServerResponse, () => void>();
  return {
    serve(store, w, res) {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache' });
      res.flushHeaders();
      open.set(res, () => undefined);
      let first = true;
      const send = (type: string, object: JsonObject): void => {
        if (res.writableEnded) return;
        const rendered =
          w.render && type !== 'ERROR' && type !== 'BOOKMARK' ? w.render(object, first) : object;
        if (rendered !== object) first = false;
        res.write(`${JSON.stringify({ type, object: rendered })}\n`);
      };
      // As a real API server does for a selector watch: an object that stops matching is DELETED
      // for this watcher, one that starts matching is ADDED.
      const deliver = (ev: StoreEvent): void => {
        if (typeKey(ev.resource) !== typeKey(w.t)) return;
        const meta = isObject(ev.object.metadata) ? ev.object.metadata : {};
        if (w.namespace !== undefined && w.t.namespaced && meta.namespace !== w.namespace) return;
        const now = w.matches(ev.object);
        if (ev.type === 'MODIFIED' && ev.previous) {
          const was = w.matches(ev.previous);
          if (was && !now) return send('DELETED', ev.object);
          if (!was && now) return send('ADDED', ev.object);
        }
        if (now) send(ev.type, ev.object);
      };
      const rv = w.resourceVersion;
      if (rv === null || rv === '' || rv === '0') {
        const items = store.list(w.t, w.t.namespaced ? w.namespace : undefined).filter((o) => w.matches(o));
        for (const o of items) send('ADDED', o);
      } else {
        const since = Number(rv);
        const events = Number.isInteger(since) ? store.eventsSince(since) : undefined;
        if (!events) {
          const err = new StatusError('Expired', `too old resource version: ${rv} (${store.currentRV()})`);
          send('ERROR', statusBody(err) as JsonObject);
          open.delete(res);
          res.end();
          return;
        }
        for (const ev of events) deliver(ev);
      }
      const unsubscribe = store.subscribe(deliver);
      const bookmark = (): void =>
        send('BOOKMARK', {
          apiVersion: apiVersionOf(w.t),
          kind: w.t.kind,
          metadata: { resourceVersion: String(store.currentRV()) },
        });
      const timers: NodeJS.Timeout[] = [];
      if (w.allowBookmarks) timers.push(setInterval(bookmark, w.bookmarkIntervalMs));
      if (w.timeoutSeconds !== undefined && w.timeoutSeconds > 0) {
        timers.push(setTimeout(() => res.end(), w.timeoutSeconds * 1000));
      }
      const cleanup = (): void => {
        unsubscribe();
        for (const t of timers) clearTimeout(t);
        open.delete(res);
      };
      open.set(res, cleanup);
      res.on('close', cleanup);
      res.on('finish', cleanup);
    },
    closeAll() {
      for (const [res, cleanup] of [...open]) {
        cleanup();
        res.end();
      }
    },
  };
}
