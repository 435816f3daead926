// The digest blocks kept across edits equal the blocks hashed from scratch: random lists of actions,
// random sequences of replacements, insertions and removals (at the start, the end, on block
// boundaries), seeded so every failure reproduces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeAction } from '../../src/model/index.js';
import { blockLines, digestBlocks, editBlocks } from '../../src/plan/digest-blocks.js';
import type { ActionEdit } from '../../src/plan/digest-blocks.js';
import { planDigest } from '../../src/plan/plan-digest.js';
import type { Plan } from '../../src/model/index.js';

function rng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return Math.floor((a / 4294967296) * n);
  };
}

let serial = 0;
const action = (int: (n: number) => number): KubeAction => {
  const ref = { group: '', kind: 'ConfigMap', namespace: 'shop', name: `cm-${serial++}` };
  return int(3) === 0
    ? {
        action: 'update',
        ref,
        object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: ref },
        changes: [],
        reason: 'x',
      }
    : { action: 'unchanged', ref, object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: ref } };
};

test('blocks kept across edits equal the blocks of the edited list', () => {
  let cut = 0;
  for (let seed = 1; seed <= 200; seed++) {
    const int = rng(seed);
    const actions = Array.from({ length: int(400) }, () => action(int));
    let blocks = digestBlocks(actions);
    cut = Math.max(cut, blocks.length);
    for (let round = 0; round < 5; round++) {
      const edits: ActionEdit[] = [];
      for (let n = int(8); n > 0; n--) {
        const roll = int(3);
        if (roll === 0 && actions.length > 0) {
          const at = int(actions.length);
          actions[at] = { ...actions[at]!, action: 'unchanged' } as KubeAction;
          edits.push({ at, change: 'replace' });
        } else if (roll === 1) {
          const at = int(actions.length + 1);
          actions.splice(at, 0, action(int));
          edits.push({ at, change: 'insert' });
        } else if (actions.length > 0) {
          const at = int(actions.length);
          actions.splice(at, 1);
          edits.push({ at, change: 'remove' });
        }
      }
      blocks = editBlocks(blocks, actions, edits);
      assert.deepEqual(blocks, digestBlocks(actions), `seed ${seed}, round ${round}`);
    }
  }
  // Not vacuous: lists of hundreds of actions are cut into several blocks.
  assert.ok(cut > 3, `at most ${cut} blocks`);
});

test('the plan digest reads kept blocks, and changes with any action', () => {
  const int = rng(7);
  const actions = Array.from({ length: 300 }, () => action(int));
  const plan = (list: KubeAction[]): Plan =>
    ({
      schemaVersion: 1,
      federation: 'shop',
      revision: { sha: 'c1' },
      policy: {},
      digest: '',
      problems: [],
      targets: [
        { kind: 'cluster', name: 'a', health: 'Ready', actions: list, inventory: [], selfHeal: true },
      ],
    }) as unknown as Plan;
  const blocks = new Map([['a', digestBlocks(actions)]]);
  assert.equal(planDigest(plan(actions), { blocks }), planDigest(plan(actions)));
  const changed = actions.slice();
  changed[150] = { action: 'delete', ref: changed[150]!.ref, apiVersion: 'v1', reason: 'gone' };
  assert.notEqual(planDigest(plan(changed)), planDigest(plan(actions)));
  assert.notEqual(blockLines(digestBlocks(changed)), blockLines(blocks.get('a')!));
});
