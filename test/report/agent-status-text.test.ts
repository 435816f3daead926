// A running agent's status as text: following vs leading, suspensions, nothing applied yet, a retry
// and a wait for a new commit, one line per cluster; each kind of run in one line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyCounts } from '../../src/model/index.js';
import type { ReconcileOutcome } from '../../src/model/index.js';
import {
  agentRunLine,
  formatAgentStatusText,
  type AgentStatusView,
} from '../../src/report/format/agent-status-text.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const failed: ReconcileOutcome = {
  status: 'failed',
  sha: SHA,
  targets: [],
  problems: [],
  terminal: true,
  drift: [],
};
const base = { reasons: ['schedule'], startedAt: '2026-01-01T00:00:00.000Z', seconds: 1, sha: SHA };

test('a follower, suspended, waiting for a new commit, with a retry due and its clusters', () => {
  const status: AgentStatusView = {
    identity: 'agent-b',
    leading: false,
    state: {
      running: true,
      last: { ...base, mode: 'waiting', terminal: failed },
      waitingFor: { sha: SHA, status: 'failed' },
      retry: { attempt: 2, at: '2026-01-01T00:01:00.000Z' },
      suspensions: [{ by: 'repository', reason: 'spec.suspend in fedsync.yaml', since: base.startedAt }],
      runs: 4,
    },
    clusters: [
      {
        cluster: 'eu',
        health: 'Offline',
        failures: 3,
        message: 'failed 3 probes',
        lastProbeAt: base.startedAt,
      },
      { cluster: 'us-long-name', health: 'Ready', failures: 0, message: '' },
    ],
  };
  assert.equal(
    formatAgentStatusText(status, 'http://127.0.0.1:8080'),
    [
      'Agent agent-b at http://127.0.0.1:8080: following (it plans, the leader writes)',
      '  suspended by the repository since 2026-01-01T00:00:00.000Z: spec.suspend in fedsync.yaml',
      '  applied: nothing yet',
      '  last run: 2026-01-01T00:00:00.000Z [schedule] 0123456789ab: nothing done, waiting for a new commit (it ended failed)',
      '  waiting for a new commit: 0123456789ab ended failed',
      '  retry 2 at 2026-01-01T00:01:00.000Z',
      '  runs: 4 (one running now)',
      'Clusters:',
      '  eu            Offline  last probe 2026-01-01T00:00:00.000Z  failed 3 probes',
      '  us-long-name  Ready    last probe -',
      '',
    ].join('\n'),
  );
});

test('a planned run says whether changes wait and why nothing was written', () => {
  const why = { code: 'agent.notLeader', message: 'this replica does not hold the Lease' };
  const counts = emptyCounts();
  assert.equal(
    agentRunLine({ ...base, mode: 'planned', why, plan: { digest: 'sha256:x', counts }, problems: [] }),
    '[schedule] 0123456789ab: planned only, nothing to change: agent.notLeader: this replica does not hold the Lease',
  );
  assert.match(
    agentRunLine({
      ...base,
      mode: 'planned',
      why,
      plan: { digest: 'sha256:x', counts: { ...counts, create: 1 } },
      problems: [],
    }),
    /planned only, changes are waiting: agent\.notLeader/,
  );
  assert.match(
    agentRunLine({ ...base, mode: 'planned', why, problems: [] }),
    /planned only, could not be planned/,
  );
  assert.match(
    agentRunLine({ ...base, reasons: ['manual', 'watch'], mode: 'applied', outcome: failed }),
    /^\[manual,watch\] Apply 0123456789ab: failed before anything was applied/,
  );
});
