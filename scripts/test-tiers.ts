// Which tier every test file belongs to, and the checks that keep the tiers honest. A file's tier is
// the one in its name (`x.contract.test.ts`) or else its directory's; a file that gets none, a test
// that spawns a binary outside the contract tier, and a unit test that reaches beyond the pure core
// are errors, so a new test cannot silently fall out of `npm test` or into the wrong tier.
// I/O arrives as `read`, so the rules are tested on made-up trees.
import { posix } from 'node:path';
import ts from 'typescript';

export const TIERS = ['unit', 'integration', 'contract'] as const;
export type Tier = (typeof TIERS)[number];

/** The tier of every directory that holds tests; the longest matching prefix wins. */
export const DIRECTORY_TIERS: Readonly<Record<string, Tier>> = {
  'test/model': 'unit',
  'test/manifests': 'unit',
  'test/federation': 'unit',
  'test/plan': 'unit',
  'test/gcp': 'unit',
  'test/report': 'unit',
  'test/lint': 'unit',
  'test/helpers': 'unit',
  'test/agent': 'integration',
  'test/bench': 'integration',
  'test/charts': 'integration',
  'test/cli': 'integration',
  'test/kube': 'integration',
  'test/scenario': 'integration',
  'test/sim': 'integration',
  'test/source': 'integration',
  'test/contract': 'contract',
};

/** What unit tests may load from src/: the pure core, which does no I/O (lint enforces that). */
export const PURE_SOURCES = [
  'src/model',
  'src/manifests',
  'src/federation',
  'src/plan',
  'src/gcp/model',
  'src/report/format',
] as const;

/** Built-in modules a unit test may not reach, even through a helper: processes, sockets, threads. */
const OUTSIDE_THE_PROCESS = new Set([
  'child_process',
  'http',
  'https',
  'http2',
  'net',
  'tls',
  'dgram',
  'cluster',
  'worker_threads',
]);

export type TestFile = { file: string; tier: Tier };
export type TierProblem = { file: string; message: string };

const TEST_FILE = /\.test\.ts$/;
/** Names that look like tests but would never run. */
const LOOKS_LIKE_A_TEST = /\.(test|spec)\.[cm]?[jt]sx?$|\.spec\.ts$/;
const NAMED_TIER = /\.(unit|integration|contract)\.test\.ts$/;

const under = (file: string, dir: string): boolean => file === dir || file.startsWith(`${dir}/`);

function directoryTier(file: string): Tier | undefined {
  let best: string | undefined;
  for (const dir of Object.keys(DIRECTORY_TIERS))
    if (under(posix.dirname(file), dir) && (!best || dir.length > best.length)) best = dir;
  return best ? DIRECTORY_TIERS[best] : undefined;
}

/** The tier a test file's name or directory gives it, if any. */
export function tierOf(file: string): Tier | undefined {
  const named = NAMED_TIER.exec(file)?.[1] as Tier | undefined;
  return named ?? directoryTier(file);
}

/** Module specifiers a file loads at run time (type-only imports load nothing). */
export function runtimeImports(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!node.importClause?.isTypeOnly) out.push(node.moduleSpecifier.text);
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      if (!node.isTypeOnly) out.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      out.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

const builtinName = (spec: string): string | undefined => {
  const bare = spec.startsWith('node:') ? spec.slice(5) : spec;
  const top = bare.split('/')[0] ?? bare;
  return spec.startsWith('node:') || OUTSIDE_THE_PROCESS.has(top) ? top : undefined;
};

/** A relative import as a repository path: `./x.js` is the TypeScript file `x.ts` when there is one. */
function resolveRelative(from: string, spec: string, read: (path: string) => string | undefined): string {
  const target = posix.normalize(posix.join(posix.dirname(from), spec));
  const asTs = target.replace(/\.js$/, '.ts');
  return read(asTs) !== undefined ? asTs : target;
}

/** The first chain of run-time imports from `file` that leaves the pure core, if there is one. */
function impureChain(
  file: string,
  read: (path: string) => string | undefined,
  importsOf: (path: string, text: string) => string[],
): string[] | undefined {
  const seen = new Set<string>();
  const walk = (path: string, chain: string[]): string[] | undefined => {
    if (seen.has(path)) return undefined;
    seen.add(path);
    const text = read(path);
    if (text === undefined) return undefined;
    for (const spec of importsOf(path, text)) {
      const builtin = builtinName(spec);
      if (builtin !== undefined) {
        if (OUTSIDE_THE_PROCESS.has(builtin)) return [...chain, `node:${builtin}`];
        continue;
      }
      if (!spec.startsWith('.')) continue;
      const target = resolveRelative(path, spec, read);
      if (target.startsWith('src/')) {
        if (!PURE_SOURCES.some((dir) => under(target, dir))) return [...chain, target];
        continue;
      }
      const found = walk(target, [...chain, target]);
      if (found) return found;
    }
    return undefined;
  };
  return walk(file, [file]);
}

const renamed = (file: string, tier: Tier): string =>
  posix.basename(file).replace(NAMED_TIER, '.test.ts').replace(TEST_FILE, `.${tier}.test.ts`);

/**
 * Classifies every test among `files` (repository paths under test/, any kind of file) and lists
 * what breaks the rules. `read` returns a file's text, or undefined when there is no such file.
 */
export function classifyTests(
  files: readonly string[],
  read: (path: string) => string | undefined,
): { tests: TestFile[]; problems: TierProblem[] } {
  const tests: TestFile[] = [];
  const problems: TierProblem[] = [];
  const parsed = new Map<string, string[]>();
  const importsOf = (path: string, text: string): string[] => {
    let found = parsed.get(path);
    if (!found) parsed.set(path, (found = runtimeImports(path, text)));
    return found;
  };
  for (const file of [...files].sort()) {
    if (!TEST_FILE.test(file)) {
      if (LOOKS_LIKE_A_TEST.test(file))
        problems.push({ file, message: 'never runs: test files are named *.test.ts' });
      continue;
    }
    const tier = tierOf(file);
    if (!tier) {
      problems.push({
        file,
        message:
          `is in no test tier: add its directory to DIRECTORY_TIERS in scripts/test-tiers.ts, or name ` +
          `it ${renamed(file, 'integration')} (or .unit / .contract)`,
      });
      continue;
    }
    const text = read(file) ?? '';
    const spawns = importsOf(file, text).some((s) => builtinName(s) === 'child_process');
    if (spawns && tier !== 'contract') {
      problems.push({
        file,
        message:
          `runs processes (imports node:child_process) but is in the ${tier} tier; tests that spawn a ` +
          `real binary are contract tests: name it ${renamed(file, 'contract')}`,
      });
      continue;
    }
    if (tier === 'unit') {
      const chain = impureChain(file, read, importsOf);
      if (chain) {
        problems.push({
          file,
          message:
            `is a unit test but reaches ${chain.at(-1)} (${chain.join(' → ')}); unit tests load only ` +
            `the pure core (${PURE_SOURCES.join(', ')}) and nothing that leaves the process: ` +
            `name it ${renamed(file, 'integration')} or move it`,
        });
        continue;
      }
    }
    tests.push({ file, tier });
  }
  return { tests, problems };
}
