// Drift on the load balancer: a field changed outside fedsync is corrected with selfHeal on and only
// reported with it off; a change in Git is applied either way. The marker's digest tells them apart.
import assert from 'node:assert/strict';
import test from 'node:test';
import {
  EMPTY_DRAIN_STATE,
  desiredLoadBalancer,
  parseOwner,
  planLoadBalancer,
  specDigest,
  withSpecDigests,
  type LoadBalancerInput,
  type ObservedLoadBalancer,
} from '../../src/gcp/model/index.js';
import { demoInput } from './helpers/demo.js';
import { echoAll } from './helpers/echo.js';

const NOW = '2026-06-01T12:00:00.000Z';
const plan = (input: LoadBalancerInput, observed: ObservedLoadBalancer) =>
  planLoadBalancer({ input, observed, drain: EMPTY_DRAIN_STATE, now: NOW });
const changed = (p: ReturnType<typeof plan>) => p.steps.filter((s) => s.action !== 'unchanged');

/** The project as fedsync left it after applying `input`: every digested kind carries its digest. */
const written = (input: LoadBalancerInput) =>
  echoAll(withSpecDigests(desiredLoadBalancer(input)).resources, input.project);

/** Someone edits the URL map in the console: its default service now points elsewhere. */
function consoleEdit(observed: ObservedLoadBalancer): ObservedLoadBalancer {
  return {
    ...observed,
    resources: observed.resources.map((r) =>
      r.ref.kind === 'urlMap'
        ? { ...r, body: { ...r.body, defaultService: 'projects/fedsync-demo/global/backendServices/other' } }
        : r,
    ),
  };
}

test('what fedsync writes carries the digest of its owned fields; descriptions stay parseable', async () => {
  const input = await demoInput();
  const desired = withSpecDigests(desiredLoadBalancer(input));
  const um = desired.resources.find((r) => r.ref.kind === 'urlMap')!;
  assert.equal(um.owner.spec, specDigest('urlMap', um.body));
  assert.deepEqual(parseOwner(um.body.description), um.owner);
  const ip = desired.resources.find((r) => r.ref.kind === 'address')!;
  assert.equal(ip.owner.spec, undefined, 'addresses are never updated: no digest');
  // The digest is over the owned fields only, in canonical form (list order does not matter).
  const hc = desired.resources.find((r) => r.ref.kind === 'healthCheck')!;
  assert.equal(
    specDigest('healthCheck', { ...hc.body, description: 'x' }),
    specDigest('healthCheck', hc.body),
  );
  assert.notEqual(
    specDigest('healthCheck', { ...hc.body, checkIntervalSec: 5 }),
    specDigest('healthCheck', hc.body),
  );
  assert.deepEqual(changed(plan(input, written(input))), [], 'a project as fedsync wrote it: nothing to do');
});

test('console drift: corrected with selfHeal on, reported (skip) with selfHeal off', async () => {
  const input = await demoInput();
  const observed = consoleEdit(written(input));
  const [fix, ...others] = changed(plan(input, observed));
  assert.deepEqual(others, []);
  assert.equal(fix!.action, 'update');
  assert.equal(fix!.drift, true);
  assert.match(fix!.reason, /changed outside fedsync .*corrected/);
  assert.deepEqual(
    fix!.changes.map((c) => c.path),
    ['defaultService'],
  );
  const [report, ...none] = changed(plan({ ...input, selfHeal: false }, observed));
  assert.deepEqual(none, []);
  assert.equal(report!.action, 'skip');
  assert.equal(report!.drift, true);
  assert.match(report!.reason, /selfHeal is off: reported, not corrected/);
});

test('a change in Git is applied whatever selfHeal says, and is not drift', async () => {
  const before = await demoInput();
  const observed = written({ ...before, settings: { backendTimeoutSec: 60 } });
  for (const selfHeal of [true, false]) {
    const [update, ...rest] = changed(plan({ ...before, selfHeal }, observed));
    assert.deepEqual(rest, [], `selfHeal ${selfHeal}`);
    assert.equal(update!.action, 'update');
    assert.equal(update!.drift, undefined);
    assert.deepEqual(update!.changes, [{ path: 'timeoutSec', from: 60, to: 30 }]);
  }
  // A resource written before digests existed: any difference counts as a change to apply.
  const old = echoAll(desiredLoadBalancer(before).resources, before.project);
  const [fix] = changed(plan({ ...before, selfHeal: false }, consoleEdit(old)));
  assert.equal(fix!.action, 'update');
  assert.equal(fix!.drift, undefined);
});
