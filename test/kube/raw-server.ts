// A kubeconfig for a plain node:http stand-in server, for tests that need answers the simulator
// never gives (resets, silences, hand-made error bodies).
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig, type User } from '@kubernetes/client-node';

/** Context `raw` at the server's address, as `user` (a plain token user by default). */
export function rawServerKubeConfig(
  server: http.Server,
  user: User = { name: 'u', token: 'not-a-secret' },
): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: 'raw',
        server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        // Plain HTTP for this stand-in server; client-node allows it only this way.
        skipTLSVerify: true,
      },
    ],
    users: [user],
    contexts: [{ name: 'raw', cluster: 'raw', user: user.name }],
    currentContext: 'raw',
  });
  return kc;
}
