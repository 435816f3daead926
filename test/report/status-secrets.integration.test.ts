// A Secret in the repository (through a pull-request plan) and in a drifted live object never shows
// up in any file of the status branch as written to Git, nor in any commit status.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { planRevision } from '../../src/plan/plan-revision.js';
import type { PlanInput } from '../../src/plan/plan-revision.js';
import { formatPlanMarkdown } from '../../src/report/format/plan-markdown.js';
import { commitStatusesFor, previewStatusFor } from '../../src/report/format/commit-statuses.js';
import { formatStatusFiles, statusSummary } from '../../src/report/format/status-files.js';
import type { StatusSnapshot } from '../../src/report/format/status-snapshot.js';
import { openStatusBranch } from '../../src/report/publish/status-branch.js';
import { createRepo, git, tempDir } from '../helpers/git.js';

const SECRET = 'correct-horse-battery-staple';
const SECRET_B64 = Buffer.from(SECRET).toString('base64');
const LIVE_SECRET = 'live-value-someone-pasted';

test('no Secret value reaches the status branch or a commit status', async () => {
  // The repository's Secret, through a real plan rendered for a pull request.
  const input = load(readFileSync('fixtures/plans/fresh-federation/input.yaml', 'utf8')) as PlanInput;
  const markdown = formatPlanMarkdown(planRevision(input));
  const tmp = await tempDir();
  try {
    const repo = await createRepo(tmp.path, 'secrets', { 'fedsync.yaml': 'kind: Federation\n' });
    const sha = await git(repo.work, 'rev-parse', 'HEAD');
    const liveSecret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'shop' },
      data: { password: Buffer.from(LIVE_SECRET).toString('base64') },
      stringData: { password: SECRET },
    };
    const snapshot: StatusSnapshot = {
      federation: 'shop',
      source: { sha },
      clusters: [
        {
          name: 'eu',
          state: 'Drifted',
          inventory: ['/Secret/shop/db'],
          drift: [
            {
              subject: { kind: 'Secret', namespace: 'shop', name: 'db' },
              classification: 'modified',
              fields: [
                { path: 'data.password', from: Buffer.from(LIVE_SECRET).toString('base64'), to: SECRET_B64 },
                { path: 'stringData', from: { password: LIVE_SECRET }, to: { password: SECRET } },
              ],
              manager: 'kubectl-edit',
              firstSeen: '2026-05-02T10:00:00Z',
              handling: 'reported',
            },
            {
              subject: { kind: 'Secret', namespace: 'shop', name: 'copy' },
              classification: 'unexpected',
              fields: [{ path: '', from: liveSecret }],
              firstSeen: '2026-05-02T10:00:00Z',
              handling: 'failed',
              reason: 'delete refused',
            },
          ],
        },
      ],
      loadBalancers: [],
      previews: [{ sha, ref: 'refs/pull/1/head', markdown }],
    };
    const writer = openStatusBranch({ repo: repo.work });
    const result = await writer.publish(() => ({
      files: formatStatusFiles(snapshot),
      sourceSha: sha,
      summary: statusSummary(snapshot),
    }));
    assert.equal(result.outcome, 'committed');
    const files = (await git(repo.work, 'ls-tree', '-r', '--name-only', 'fedsync/status')).split('\n');
    assert.ok(files.includes(`previews/${sha}.md`) && files.includes('drift/eu.json'), files.join(' '));
    assert.match(await git(repo.work, 'show', `fedsync/status:previews/${sha}.md`), /Secret\/shop\/db/);
    const needles = [SECRET, SECRET_B64, LIVE_SECRET, Buffer.from(LIVE_SECRET).toString('base64')];
    for (const n of needles) {
      // git grep exits 1 when nothing matches.
      await assert.rejects(
        git(repo.work, 'grep', '-F', '-e', n, 'fedsync/status'),
        `the branch holds ${n.slice(0, 5)}…`,
      );
      const message = await git(repo.work, 'log', '-1', '--format=%B', 'fedsync/status');
      assert.ok(!message.includes(n));
    }
    const statuses = [
      ...commitStatusesFor(snapshot),
      previewStatusFor({ sha, outcome: 'planned', summary: markdown.split('\n')[2] ?? '' }),
    ];
    for (const s of statuses) for (const n of needles) assert.ok(!s.description.includes(n), s.context);
  } finally {
    await tmp.remove();
  }
});
