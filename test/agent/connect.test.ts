// Where the agent's Google Cloud credentials come from: `gcp.credentialsFile` reaches Application
// Default Credentials as the key file of the Compute Engine connection, all the way to the auth
// client the Compute clients are given — checked without contacting Google.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GoogleAuth, JWT } from 'google-auth-library';
import { resolveAgentConfig } from '../../src/agent/config/resolve.js';
import type { AgentConfig } from '../../src/agent/config/types.js';
import { computeConnection, connect } from '../../src/agent/run/connect.js';
import { agentLoadBalancer } from '../../src/agent/run/load-balancer.js';
import { googleAuthOptions } from '../../src/gcp/compute/connection.js';
import { loadRepo } from '../../src/source/load-repo.js';

let dir: string;
let kubeconfig: string;
let keyFile: string;
const EMAIL = 'fedsync-agent@acme-prod.iam.gserviceaccount.com';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fedsync-connect-'));
  kubeconfig = join(dir, 'kubeconfig');
  await writeFile(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: home, cluster: {server: "https://127.0.0.1:1"}}]',
      'users: [{name: me, user: {token: t}}]',
      'contexts: [{name: home, context: {cluster: home, user: me}}]',
      'current-context: home',
      '',
    ].join('\n'),
  );
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  keyFile = join(dir, 'key.json');
  await writeFile(
    keyFile,
    JSON.stringify({
      type: 'service_account',
      project_id: 'acme-prod',
      private_key_id: 'k1',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      client_email: EMAIL,
      client_id: '1',
      token_uri: 'https://oauth2.googleapis.com/token',
    }),
  );
});
after(() => rm(dir, { recursive: true, force: true }));

function config(flags: Record<string, string>): AgentConfig {
  const r = resolveAgentConfig({
    env: {},
    host: { hostname: 'h', instanceId: 'i' },
    flags: { 'repo-path': dir, kubeconfig, ...flags },
  });
  if (!r.ok) assert.fail(JSON.stringify(r.problems));
  return r.value;
}

test('gcp.credentialsFile becomes the key file of the Compute Engine connection', async () => {
  const connections = await connect(config({ 'gcp-credentials-file': keyFile }));
  assert.deepEqual(computeConnection(connections.gcp, 'acme-prod'), {
    kind: 'applicationDefault',
    project: 'acme-prod',
    keyFilename: keyFile,
  });
  // Without it, Application Default Credentials search on their own.
  const plain = await connect(config({}));
  assert.deepEqual(computeConnection(plain.gcp, 'acme-prod'), {
    kind: 'applicationDefault',
    project: 'acme-prod',
  });
});

test('the key file is what the auth client of the Compute clients is made from', async () => {
  const connections = await connect(config({ 'gcp-credentials-file': keyFile }));
  const connection = computeConnection(connections.gcp, 'acme-prod');
  assert.equal(connection.kind, 'applicationDefault');
  if (connection.kind !== 'applicationDefault') return;
  // Reading a service-account key makes a JWT client locally; a token is fetched only on a call.
  const client = await new GoogleAuth(googleAuthOptions(connection)).getClient();
  assert.ok(client instanceof JWT, `a service-account client, got ${client.constructor.name}`);
  assert.equal(client.email, EMAIL);
  assert.deepEqual(client.scopes, ['https://www.googleapis.com/auth/compute']);
});

test("the agent's load balancer reads the configured key file (a missing one is named)", async () => {
  const missing = join(dir, 'no-such-key.json');
  const connections = await connect(config({ 'gcp-credentials-file': missing }));
  const lb = agentLoadBalancer({ gcp: connections.gcp, members: () => undefined });
  const loaded = await loadRepo({ repo: 'fixtures/repos/demo' }).catch(() => undefined);
  try {
    assert.ok(loaded?.ok, 'a repository naming a Google Cloud project');
    await assert.rejects(
      () => lb.port.observe({ repo: loaded.value, clusters: [] }),
      (err: Error) => {
        return err.message.includes(missing);
      },
    );
  } finally {
    await lb.close();
  }
});
