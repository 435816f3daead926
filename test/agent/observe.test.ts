// Metrics scraped over HTTP and parsed with a Prometheus text-format parser; health, readiness, the
// webhook mount and the manual trigger of the agent's HTTP server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import parsePrometheus, { type Family, type Sample } from 'parse-prometheus-text-format';
import { register as globalRegistry } from 'prom-client';
import { createMetrics, type PromMetrics } from '../../src/agent/observe/metrics.js';
import { startAgentServer, type AgentServer, type TriggerResult } from '../../src/agent/observe/server.js';
import { createWebhookHandler } from '../../src/agent/webhook/handler.js';
import { signBody } from '../../src/agent/webhook/verify.js';

let metrics: PromMetrics;
let server: AgentServer;
let ready = { caches: false, repository: false };
const triggers: string[] = [];
let nextResult: TriggerResult = { ok: true };

before(async () => {
  metrics = createMetrics();
  server = await startAgentServer({
    host: '127.0.0.1',
    port: 0,
    metrics,
    readiness: [
      { name: 'caches-synced', check: () => ready.caches },
      { name: 'repository-read', check: () => ready.repository },
    ],
    webhook: createWebhookHandler({
      secret: (forge) => (forge === 'github' ? 'hook-secret' : undefined),
      onPush: () => undefined,
      onDelivery: (d) => metrics.webhookDelivery(d),
    }),
    reconcile: {
      trigger: (reason) => {
        triggers.push(reason);
        return Promise.resolve(nextResult);
      },
    },
  });
});
after(() => server.stop());

async function scrapeWithText(): Promise<{ families: Map<string, Family>; text: string }> {
  const res = await fetch(`${server.url}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  return { families: new Map(parsePrometheus(text).map((f) => [f.name, f])), text };
}

const scrape = async (): Promise<Map<string, Family>> => (await scrapeWithText()).families;

function samples(families: Map<string, Family>, name: string): Sample[] {
  const f = families.get(name);
  assert.ok(f, `metric ${name} is exposed`);
  return f.metrics;
}

const valueOf = (
  families: Map<string, Family>,
  name: string,
  labels: Record<string, string>,
): number | undefined => {
  const s = samples(families, name).find((m) =>
    Object.entries(labels).every(([k, v]) => m.labels?.[k] === v),
  );
  return s?.value === undefined ? undefined : Number(s.value);
};

describe('metrics', () => {
  test('every metric the agent reports is scraped and parses', async () => {
    metrics.reconcileFinished({ seconds: 0.3, result: 'converged' });
    metrics.reconcileFinished({ seconds: 4, result: 'converged' });
    metrics.reconcileFinished({ seconds: 1, result: 'failed' });
    metrics.revisionApplied({ sha: 'aaaaaaa', branch: 'main', atMs: 1_700_000_000_000 });
    metrics.revisionApplied({ sha: 'bbbbbbb', branch: 'main', atMs: 1_700_000_060_000 });
    metrics.setObjects('eu-1', { 'in-sync': 10, drifted: 2 });
    metrics.setObjects('eu-1', { 'in-sync': 12 });
    metrics.setObjects('us-1', { 'in-sync': 3, missing: 1 });
    metrics.setDrift('eu-1', 2);
    metrics.driftCorrected('eu-1', 2);
    metrics.kubeRequest({ cluster: 'eu-1', verb: 'patch', code: 200 });
    metrics.kubeRequest({ cluster: 'eu-1', verb: 'patch', code: 200 });
    metrics.kubeRequest({ cluster: 'us-1', verb: 'get', code: 'error' });
    metrics.kubeError({ cluster: 'us-1', code: 'kube.unreachable' });
    metrics.gcpRequest({ method: 'urlMaps.patch', code: 200 });
    metrics.gcpError({ code: 'gcp.conditionNotMet' });
    metrics.gcpOperation({ kind: 'insert', result: 'done', seconds: 12 });
    metrics.setClusterHealth('eu-1', true);
    metrics.setClusterHealth('us-1', false);
    metrics.setLeader({ lease: 'fedsync', leading: true });

    const { families: m, text } = await scrapeWithText();
    // The parser validates every line but folds a labelled histogram into one sample (it keeps
    // neither labels nor _count/_sum then), so the per-result series are read from the text.
    assert.equal(m.get('fedsync_reconcile_duration_seconds')?.type, 'HISTOGRAM');
    assert.match(text, /^fedsync_reconcile_duration_seconds_count\{result="converged"\} 2$/m);
    assert.match(text, /^fedsync_reconcile_duration_seconds_sum\{result="converged"\} 4\.3$/m);
    assert.match(text, /^fedsync_reconcile_duration_seconds_bucket\{le="0\.5",result="converged"\} 1$/m);
    assert.match(text, /^fedsync_reconcile_duration_seconds_bucket\{le="5",result="converged"\} 2$/m);
    assert.match(text, /^fedsync_reconcile_duration_seconds_count\{result="failed"\} 1$/m);

    assert.deepEqual(
      samples(m, 'fedsync_last_applied_revision_info').map((s) => [s.labels?.sha, s.value]),
      [['bbbbbbb', '1']],
      'only the newest revision',
    );
    assert.equal(valueOf(m, 'fedsync_last_applied_timestamp_seconds', {}), 1_700_000_060);
    assert.equal(valueOf(m, 'fedsync_objects', { cluster: 'eu-1', state: 'in-sync' }), 12);
    assert.equal(
      valueOf(m, 'fedsync_objects', { cluster: 'eu-1', state: 'drifted' }),
      undefined,
      'gone state dropped',
    );
    assert.equal(valueOf(m, 'fedsync_objects', { cluster: 'us-1', state: 'missing' }), 1);
    assert.equal(valueOf(m, 'fedsync_drift_objects', { cluster: 'eu-1' }), 2);
    assert.equal(valueOf(m, 'fedsync_drift_corrected_total', { cluster: 'eu-1' }), 2);
    assert.equal(
      valueOf(m, 'fedsync_kube_requests_total', { cluster: 'eu-1', verb: 'patch', code: '200' }),
      2,
    );
    assert.equal(valueOf(m, 'fedsync_kube_requests_total', { cluster: 'us-1', code: 'error' }), 1);
    assert.equal(
      valueOf(m, 'fedsync_kube_request_errors_total', { cluster: 'us-1', code: 'kube.unreachable' }),
      1,
    );
    assert.equal(valueOf(m, 'fedsync_gcp_requests_total', { method: 'urlMaps.patch', code: '200' }), 1);
    assert.equal(valueOf(m, 'fedsync_gcp_request_errors_total', { code: 'gcp.conditionNotMet' }), 1);
    assert.equal(m.get('fedsync_gcp_operation_duration_seconds')?.type, 'HISTOGRAM');
    assert.match(text, /^fedsync_gcp_operation_duration_seconds_count\{kind="insert",result="done"\} 1$/m);
    assert.equal(valueOf(m, 'fedsync_cluster_ready', { cluster: 'eu-1' }), 1);
    assert.equal(valueOf(m, 'fedsync_cluster_ready', { cluster: 'us-1' }), 0);
    assert.equal(valueOf(m, 'fedsync_leader', { lease: 'fedsync' }), 1);
    assert.ok(m.has('fedsync_process_resident_memory_bytes'), 'process metrics under the prefix');

    metrics.forgetCluster('us-1');
    const after = await scrape();
    for (const name of ['fedsync_objects', 'fedsync_cluster_ready', 'fedsync_kube_requests_total'])
      assert.ok(!samples(after, name).some((s) => s.labels?.cluster === 'us-1'), `${name} forgot us-1`);
    assert.equal(valueOf(after, 'fedsync_cluster_ready', { cluster: 'eu-1' }), 1);
  });

  test('webhook deliveries are counted by forge and result', async () => {
    const body = JSON.stringify({
      ref: 'refs/heads/main',
      after: 'a'.repeat(40),
      repository: { clone_url: 'https://g.example/f.git' },
    });
    const post = (headers: Record<string, string>) =>
      fetch(`${server.url}/webhook/github`, {
        method: 'POST',
        body,
        headers: { 'x-github-event': 'push', ...headers },
      });
    assert.equal(
      (await post({ 'x-github-delivery': 'd1', ...signBody('github', body, 'hook-secret') })).status,
      202,
    );
    assert.equal(
      (await post({ 'x-github-delivery': 'd2', ...signBody('github', body, 'wrong') })).status,
      403,
    );
    assert.equal((await post({ 'x-github-delivery': 'd3' })).status, 401);
    const m = await scrape();
    assert.equal(valueOf(m, 'fedsync_webhook_deliveries_total', { forge: 'github', result: 'accepted' }), 1);
    assert.equal(
      valueOf(m, 'fedsync_webhook_deliveries_total', { forge: 'github', result: 'bad_signature' }),
      1,
    );
    assert.equal(valueOf(m, 'fedsync_webhook_deliveries_total', { forge: 'github', result: 'unsigned' }), 1);
  });

  test('each agent has its own registry; the global one stays empty', async () => {
    const other = createMetrics({ processMetrics: false });
    other.setLeader({ lease: 'x', leading: false });
    const text = (await other.scrape()).text;
    assert.doesNotMatch(text, /fedsync_reconcile_duration_seconds_count\{result="converged"\} 2/);
    assert.doesNotMatch(await globalRegistry.metrics(), /fedsync_/);
  });
});

describe('agent HTTP server', () => {
  test('/healthz answers; /readyz is 503 naming what is not ready, then 200', async () => {
    const h = await fetch(`${server.url}/healthz`);
    assert.equal(h.status, 200);
    ready = { caches: true, repository: false };
    const r = await fetch(`${server.url}/readyz`);
    assert.equal(r.status, 503);
    assert.equal(await r.text(), '[+]caches-synced ok\n[-]repository-read failed\nnot ready\n');
    ready = { caches: true, repository: true };
    const ok = await fetch(`${server.url}/readyz`);
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /ok\n$/);
  });

  test('POST /reconcile from this host triggers; ?wait=true answers with the outcome', async () => {
    const r = await fetch(`${server.url}/reconcile`, { method: 'POST' });
    assert.equal(r.status, 202);
    nextResult = { ok: false, message: 'cluster eu-1 unreachable' };
    const w = await fetch(`${server.url}/reconcile?wait=true&reason=cli`, { method: 'POST' });
    assert.equal(w.status, 500);
    assert.deepEqual(await w.json(), { ok: false, message: 'cluster eu-1 unreachable' });
    assert.deepEqual(triggers.slice(-2), ['manual', 'cli']);
    assert.equal((await fetch(`${server.url}/reconcile`)).status, 405);
    assert.equal((await fetch(`${server.url}/nothing`)).status, 404);
  });

  test('from elsewhere the trigger needs the token; without one configured it is refused', async () => {
    const start = (token?: string) =>
      startAgentServer({
        host: '127.0.0.1',
        port: 0,
        metrics,
        readiness: [],
        isLocalAddress: () => false,
        reconcile: { trigger: () => Promise.resolve({ ok: true }), ...(token ? { token: () => token } : {}) },
      });
    const open = await start();
    try {
      const r = await fetch(`${open.url}/reconcile`, { method: 'POST' });
      assert.equal(r.status, 403);
      assert.match(((await r.json()) as { error: string }).error, /local-only/);
    } finally {
      await open.stop();
    }
    const guarded = await start('trigger-t0ken');
    try {
      const call = (auth?: string) =>
        fetch(`${guarded.url}/reconcile`, { method: 'POST', headers: auth ? { authorization: auth } : {} });
      assert.equal((await call()).status, 401);
      assert.equal((await call('Bearer nope')).status, 403);
      assert.equal((await call('Bearer trigger-t0ken')).status, 202);
    } finally {
      await guarded.stop();
    }
  });
});
