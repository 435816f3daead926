// The agent's --no-prune / --no-self-heal switches reach the policy the planner reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planRevision } from '../../src/plan/plan-revision.js';
import { clusterPlans, type FederationRepo, type KubeObject } from '../../src/model/index.js';
import { toMemberObject } from '../../src/federation/member-object.js';
import { withAgentPolicy } from '../../src/agent/run/policy-overrides.js';
import type { LoadedRepo } from '../../src/source/load-repo.js';
import { asApplied } from '../helpers/apiserver.js';
import { configMap, fedObject, observed, registration, repo } from '../helpers/federation.js';

const owned = (obj: KubeObject): KubeObject =>
  asApplied(toMemberObject(obj, { federation: 'demo', source: `apps/${obj.metadata.name}.yaml@old` }));

function actionsFor(federation: FederationRepo): string[] {
  const kept = configMap('default', 'kept', { a: '1' });
  const gone = configMap('default', 'gone', { a: '1' });
  const cluster = observed('c1', { objects: [owned(kept), owned(gone)] });
  const plan = planRevision({
    revision: { sha: 'abc123' },
    repo: federation,
    clusters: [cluster],
    now: '2026-01-01T00:00:00Z',
  });
  return clusterPlans(plan)[0]!.actions.map((a) => `${a.action} ${a.ref.name}`);
}

const loaded = (): LoadedRepo => ({
  ok: true,
  value: repo({
    clusters: [registration('c1')],
    objects: [fedObject(configMap('default', 'kept', { a: '1' }))],
  }),
});

test('without overrides the repository policy prunes what left Git', () => {
  const out = withAgentPolicy(loaded(), { selfHeal: true, prune: true });
  assert.ok(out.ok);
  assert.ok(actionsFor(out.value).includes('delete gone'));
});

test('--no-prune turns pruning off in the policy the planner reads', () => {
  const original = loaded();
  const out = withAgentPolicy(original, { selfHeal: true, prune: false });
  assert.ok(out.ok && original.ok);
  assert.equal(out.value.federation.policy.prune, false);
  assert.equal(out.value.federation.policy.selfHeal, true);
  assert.ok(!actionsFor(out.value).includes('delete gone'), actionsFor(out.value).join(', '));
  assert.equal(original.value.federation.policy.prune, true, 'the loaded repository is not mutated');
});

test('--no-self-heal turns self-heal off and can never turn a policy on', () => {
  const base = loaded();
  assert.ok(base.ok);
  const strict: LoadedRepo = {
    ok: true,
    value: {
      ...base.value,
      federation: { ...base.value.federation, policy: { ...base.value.federation.policy, prune: false } },
    },
  };
  const out = withAgentPolicy(strict, { selfHeal: false, prune: true });
  assert.ok(out.ok);
  assert.equal(out.value.federation.policy.selfHeal, false);
  assert.equal(out.value.federation.policy.prune, false);
});
