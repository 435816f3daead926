// One watch stream: JSON lines of {type, object}. ERROR events (410 Gone above all) end the stream
// with a classified KubeError; a stream silent for longer than the server's own timeout is treated
// as dead (a half-open connection never ends by itself). `done` runs once, never after stop().
import { createInterface } from 'node:readline';
import type { KubeObject } from '../model/index.js';
import { networkError, watchErrorEvent } from './errors.js';
import type { ResourceInfo, WatchEvent } from './port.js';
import type { HttpRequest, Transport } from './transport.js';

const eventTypes: ReadonlySet<string> = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK']);

export async function openWatch(options: {
  transport: Transport;
  request: HttpRequest;
  info: ResourceInfo;
  inactivityMs: number;
  onEvent: (event: WatchEvent) => void;
  done: (err?: unknown) => void;
}): Promise<{ stop(): void }> {
  const { transport, request, info } = options;
  const label = transport.label(request);
  const { body, abort } = await transport.stream(request);
  let finished = false;
  let idle: NodeJS.Timeout | undefined;

  const finish = (err?: unknown): void => {
    if (finished) return;
    finished = true;
    clearTimeout(idle);
    abort();
    body.destroy();
    options.done(err);
  };
  // Restarted on every event: a big push brings thousands, and refresh() reuses the one timer.
  const touch = (): void => {
    if (idle) idle.refresh();
    else
      idle = setTimeout(() => finish(networkError(label, { code: 'WATCH_INACTIVE' })), options.inactivityMs);
  };
  touch();

  const lines = createInterface({ input: body, crlfDelay: Infinity });
  lines.on('line', (line) => {
    if (finished || line.trim() === '') return;
    touch();
    let event: { type?: string; object?: Record<string, unknown> };
    try {
      event = JSON.parse(line) as typeof event;
    } catch {
      return finish(networkError(label, { code: 'WATCH_BAD_JSON' }));
    }
    if (event.type === 'ERROR') return finish(watchErrorEvent(label, event.object ?? {}));
    if (!event.type || !eventTypes.has(event.type) || !event.object) return;
    const obj = event.object as KubeObject;
    const object = { ...obj, apiVersion: obj.apiVersion || info.apiVersion, kind: obj.kind || info.kind };
    options.onEvent({ type: event.type as WatchEvent['type'], object });
  });
  body.on('error', (err) => finish(networkError(label, err)));
  body.on('close', () => finish());
  body.on('end', () => finish());

  return {
    stop() {
      if (finished) return;
      finished = true;
      clearTimeout(idle);
      abort();
      body.destroy();
    },
  };
}
