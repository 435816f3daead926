// A TCP proxy in front of a server that a test can cut: afterwards connections are accepted and
// bytes are swallowed, never answered — one client's network partition, while others still reach the
// server directly.
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';

export type TcpProxy = {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** From now on nothing gets through, in either direction, on old and new connections. */
  cut(): void;
  /** Ends the cut: stalled connections are reset, new ones go through again. */
  restore(): void;
  stop(): Promise<void>;
};

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let cut = false;
  const pairs = new Set<[Socket, Socket | undefined]>();
  const server = createServer((client) => {
    const pair: [Socket, Socket | undefined] = [client, undefined];
    pairs.add(pair);
    client.on('close', () => pairs.delete(pair));
    client.on('error', () => undefined);
    if (cut) {
      client.on('data', () => undefined);
      return;
    }
    const upstream = createConnection(target);
    pair[1] = upstream;
    upstream.on('error', () => client.destroy());
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
    client.on('data', (d) => {
      if (!cut) upstream.write(d);
    });
    upstream.on('data', (d) => {
      if (!cut) client.write(d);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    cut() {
      cut = true;
    },
    restore() {
      cut = false;
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream?.destroy();
      }
      pairs.clear();
    },
    async stop() {
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream?.destroy();
      }
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
