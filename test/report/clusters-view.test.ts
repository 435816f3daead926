// The clusters view: Ready from a probe that answered; Unreachable with the probe's cause; Offline
// only where the agent's health record says so; a missing kubeconfig context and --assume-offline
// named as causes; region and zones from labels and spec.gcp.zones; the text lists every cluster and
// says why each one that is not Ready is not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clustersView,
  type AgentVerdicts,
  type ClusterProbe,
} from '../../src/report/format/clusters-view.js';
import { formatClustersText } from '../../src/report/format/clusters-text.js';
import { registration } from '../helpers/federation.js';

const AT = '2026-01-01T00:00:00.000Z';
const regs = [
  {
    ...registration('us', { region: 'us-central1', zone: 'us-central1-c' }),
    gcp: { zones: ['us-central1-c', 'us-central1-f'] },
  },
  registration('eu', { 'topology.kubernetes.io/zone': 'europe-west1-b' }),
  registration('asia', { region: 'asia-east1' }),
  registration('gone'),
];
const refused: ClusterProbe = {
  cluster: 'eu',
  at: AT,
  ok: false,
  cause: { reason: 'network', message: 'GET /readyz on eu: unreachable (ECONNREFUSED)' },
};
const timedOut: ClusterProbe = {
  cluster: 'asia',
  at: AT,
  ok: false,
  cause: { reason: 'timeout', message: 'GET /readyz on asia: no answer within 10000 ms' },
};
const record: AgentVerdicts = {
  observer: 'agent-a',
  updatedAt: '2025-12-31T23:59:00.000Z',
  offline: {
    eu: { since: '2025-12-31T23:50:00.000Z', cause: 'GET /readyz on eu: unreachable (ECONNREFUSED)' },
  },
};

test('probes decide Ready and Unreachable; the agent record turns Unreachable into Offline', () => {
  const view = clustersView({
    registrations: regs,
    probes: [{ cluster: 'us', at: AT, ok: true }, refused, timedOut],
    missingContexts: ['gone'],
    record,
  });
  const by = new Map(view.clusters.map((c) => [c.name, c]));
  assert.deepEqual(
    view.clusters.map((c) => [c.name, c.health]),
    [
      ['asia', 'Unreachable'],
      ['eu', 'Offline'],
      ['gone', 'Unreachable'],
      ['us', 'Ready'],
    ],
  );
  const us = by.get('us')!;
  assert.equal(us.region, 'us-central1');
  assert.deepEqual(us.zones, ['us-central1-c', 'us-central1-f']);
  assert.equal(us.lastProbeAt, AT);
  assert.equal(us.cause, undefined);
  const eu = by.get('eu')!;
  assert.equal(eu.region, 'europe-west1', 'the region the zone lies in');
  assert.deepEqual(eu.zones, ['europe-west1-b']);
  assert.equal(eu.cause?.reason, 'agentProbes');
  assert.match(eu.cause.message, /agent-a has seen it fail its health probes since 2025-12-31T23:50/);
  assert.match(eu.cause.message, /this run: network: .*ECONNREFUSED/);
  assert.equal(eu.agent?.offlineSince, '2025-12-31T23:50:00.000Z');
  assert.deepEqual(by.get('asia')!.cause, timedOut.ok ? undefined : timedOut.cause);
  assert.deepEqual(by.get('asia')!.zones, []);
  const gone = by.get('gone')!;
  assert.equal(gone.cause?.reason, 'noContext');
  assert.equal(gone.lastProbeAt, undefined, 'not probed');
  assert.deepEqual(view.missingContexts, ['gone']);
  assert.deepEqual(view.record, { observer: 'agent-a', updatedAt: record.updatedAt });
});

test('without a record an unreachable cluster stays Unreachable; --assume-offline is Offline', () => {
  const view = clustersView({
    registrations: regs.slice(0, 3),
    probes: [{ cluster: 'us', at: AT, ok: true }, refused],
    missingContexts: [],
    assumedOffline: ['asia'],
  });
  const health = Object.fromEntries(view.clusters.map((c) => [c.name, [c.health, c.cause?.reason]]));
  assert.deepEqual(health, {
    asia: ['Offline', 'assumed'],
    eu: ['Unreachable', 'network'],
    us: ['Ready', undefined],
  });
  assert.equal(view.record, undefined);
});

test('the text has a row per cluster and a why line under each one not Ready', () => {
  const text = formatClustersText(
    clustersView({
      registrations: regs,
      probes: [{ cluster: 'us', at: AT, ok: true }, refused, timedOut],
      missingContexts: ['gone'],
      record,
    }),
  );
  const lines = text.trimEnd().split('\n');
  assert.match(lines[0]!, /^NAME\s+STATUS\s+REGION\s+ZONES\s+LAST PROBE$/);
  assert.match(text, /^us\s+Ready\s+us-central1\s+us-central1-c,us-central1-f\s+2026-01-01T00:00:00.000Z$/m);
  assert.match(
    text,
    /^eu\s+Offline\s+europe-west1\s+europe-west1-b\s+2026-01-01T00:00:00.000Z\n {2}why: agentProbes: /m,
  );
  assert.match(
    text,
    /^asia\s+Unreachable\s+asia-east1\s+-\s+2026-01-01T00:00:00.000Z\n {2}why: timeout: GET \/readyz on asia: no answer/m,
  );
  assert.match(
    text,
    /^gone\s+Unreachable\s+-\s+-\s+-\n {2}why: noContext: the kubeconfig has no context gone$/m,
  );
  assert.match(text, /Agent verdicts: the record of agent-a, written 2025-12-31T23:59:00.000Z\.\n$/);
  assert.equal(formatClustersText({ clusters: [], missingContexts: [] }), 'No clusters are registered.\n');
});
