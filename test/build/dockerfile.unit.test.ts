// The container image without a Docker engine: the Dockerfile copies only files that exist and that
// .dockerignore lets into the build context, later stages copy only what earlier stages produce,
// the final stage holds dist/, bin/ and production dependencies (no sources, no dev tools) and runs
// as a non-root user — the same uid and the same command the Helm chart runs the pod with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRenderer } from '../helpers/helm-template.js';

type Instruction = { op: string; args: string; line: number };
type Stage = { from: string; name: string; instructions: Instruction[] };

function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const m = /^([A-Z]+)\s+(.*)$/.exec(line);
    assert.ok(m, `Dockerfile:${i + 1}: an instruction`);
    const [, op = '', args = ''] = m;
    if (op === 'FROM') {
      const [from = '', as, name] = args.split(/\s+/);
      stages.push({
        from,
        name: as?.toUpperCase() === 'AS' ? (name ?? '') : String(stages.length),
        instructions: [],
      });
    } else {
      assert.ok(stages.length > 0, `Dockerfile:${i + 1}: ${op} before FROM`);
      stages.at(-1)?.instructions.push({ op, args, line: i + 1 });
    }
  });
  return stages;
}

/** .dockerignore as Docker reads it: the last matching pattern wins, `!` re-includes, a pattern on a directory covers what is in it. */
function dockerignore(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const glob = (negate ? l.slice(1) : l).replace(/\/+$/, '');
      const re = new RegExp(
        `^${glob
          .split('/')
          .map((seg) =>
            seg === '**'
              ? '.*'
              : seg
                  .replace(/[.+^${}()|[\]\\]/g, '\\$&')
                  .replace(/\*/g, '[^/]*')
                  .replace(/\?/g, '[^/]'),
          )
          .join('/')}$`,
      );
      return { negate, re };
    });
  return (path) => {
    const parts = path.replace(/\/+$/, '').split('/');
    const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let excluded = false;
    for (const rule of rules) if (candidates.some((c) => rule.re.test(c))) excluded = !rule.negate;
    return excluded;
  };
}

const words = (args: string): string[] => args.split(/\s+/).filter(Boolean);
const stages = parseDockerfile(readFileSync('Dockerfile', 'utf8'));
const ignored = dockerignore(readFileSync('.dockerignore', 'utf8'));
const final = stages.at(-1) as Stage;

test('every COPY from the build context names files that exist and are in the context', () => {
  let copies = 0;
  for (const stage of stages)
    for (const ins of stage.instructions.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from'))) {
      const sources = words(ins.args).slice(0, -1);
      for (const src of sources) {
        copies++;
        assert.ok(existsSync(src), `Dockerfile:${ins.line}: ${src} exists`);
        assert.ok(!ignored(src), `Dockerfile:${ins.line}: ${src} is not excluded by .dockerignore`);
      }
    }
  assert.ok(copies >= 6);
  for (const path of [
    'src/cli/main.ts',
    'patches',
    'scripts/build.js',
    'bin/fedsync.js',
    'package-lock.json',
  ])
    assert.ok(!ignored(path), `${path} is in the build context`);
  for (const path of [
    'node_modules/zod/package.json',
    'dist/main.js',
    'test/build/pack.contract.test.ts',
    '.git/HEAD',
    '.fedsync/cache',
    'fixtures/repos/demo',
  ])
    assert.ok(ignored(path), `${path} stays out of the build context`);
});

test('later stages copy only what earlier stages produce: dist/ from the build, production dependencies', () => {
  const byName = new Map(stages.map((s, i) => [s.name, { stage: s, index: i }]));
  const workdir = (s: Stage): string => s.instructions.filter((i) => i.op === 'WORKDIR').at(-1)?.args ?? '/';
  stages.forEach((stage, index) => {
    for (const ins of stage.instructions.filter((i) => i.op === 'COPY' && i.args.startsWith('--from'))) {
      const [flag = '', src = ''] = words(ins.args);
      const from = byName.get(flag.replace('--from=', ''));
      assert.ok(from && from.index < index, `Dockerfile:${ins.line}: ${flag} names an earlier stage`);
      assert.ok(
        src.startsWith(`${workdir(from.stage)}/`),
        `Dockerfile:${ins.line}: ${src} is under that stage's WORKDIR`,
      );
    }
  });
  const build = byName.get('build')?.stage;
  assert.ok(
    build?.instructions.some((i) => i.op === 'RUN' && i.args.includes('node scripts/build.js')),
    'the build stage builds dist/',
  );
  assert.ok(
    build?.instructions.some((i) => i.op === 'RUN' && i.args.includes('patch-package')),
    'and patches before it',
  );
  const deps = byName.get('prod-deps')?.stage;
  assert.ok(
    deps?.instructions.some((i) => i.op === 'RUN' && /npm ci .*--omit=dev/.test(i.args)),
    'production dependencies only',
  );
  for (const s of stages) assert.match(s.from, /(^node:20-|nodejs20)/, `Node 20: ${s.from}`);
});

test('the final stage: dist/, bin/ and node_modules only, a non-root user, the chart uid and command', () => {
  const copied = final.instructions
    .filter((i) => i.op === 'COPY')
    .map((i) =>
      words(i.args)
        .filter((w) => !w.startsWith('--'))
        .slice(0, -1),
    )
    .flat();
  assert.ok(
    copied.some((p) => p.endsWith('/dist/')) &&
      copied.includes('bin/') &&
      copied.some((p) => p.endsWith('/node_modules/')),
  );
  assert.ok(
    !copied.some((p) => /(^|\/)(src|test|scripts|patches)\/?$/.test(p)),
    `no sources: ${copied.join(' ')}`,
  );
  const user = final.instructions.filter((i) => i.op === 'USER').at(-1)?.args ?? '';
  const uid = user.split(':')[0] ?? '';
  assert.ok(user && uid !== '0' && uid !== 'root', `runs as non-root (USER ${user})`);
  assert.match(final.from, /:nonroot$|-slim/);
  assert.ok(
    final.instructions.some(
      (i) => i.op === 'RUN' && /apt-get install -y --no-install-recommends git ca-certificates/.test(i.args),
    ),
    'the final stage has git (fedsync clones with it) and the CA certificates it trusts',
  );
  const entrypoint = JSON.parse(
    final.instructions.find((i) => i.op === 'ENTRYPOINT')?.args ?? '[]',
  ) as string[];
  assert.deepEqual(entrypoint.slice(-1), ['/app/bin/fedsync.js']);
  assert.equal(final.instructions.find((i) => i.op === 'WORKDIR')?.args, '/app');

  const { objects } = createRenderer('charts/fedsync', { name: 'fedsync', namespace: 'ns' }).render();
  const deployment = objects.find((o) => o.kind === 'Deployment') as {
    spec: {
      template: { spec: { securityContext: { runAsUser: number }; containers: { args: string[] }[] } };
    };
  };
  const pod = deployment.spec.template.spec;
  assert.equal(String(pod.securityContext.runAsUser), uid, 'the chart runs the pod as the image user');
  const cmd = JSON.parse(final.instructions.find((i) => i.op === 'CMD')?.args ?? '[]') as string[];
  assert.deepEqual(cmd, pod.containers[0]?.args, 'the image and the chart run the same command');
});
