// Lint rules: the code style, the purity of the core (no I/O, clock, randomness or logging) and the
// directions in which the layers may import each other. docs/architecture.md explains both; the
// tests in test/lint prove that each restriction fires.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

const under = (...folders) => folders.map((f) => `${f}/**/*.ts`);

// The pure core: no I/O, no clock, no randomness, no logging. Everything it knows arrives as arguments.
const pureCore = ['src/manifests', 'src/federation', 'src/plan', 'src/gcp/model', 'src/report/format'];
/** Every folder the purity rules cover (the unit test tier loads only these). */
export const pureFolders = ['src/model', ...pureCore];
const pureModules = under(...pureFolders);

// Built-in modules that reach outside the process (bare names; every `node:*` one is refused too).
const ioBuiltins = [
  'fs',
  'path',
  'http',
  'https',
  'http2',
  'net',
  'tls',
  'dns',
  'dgram',
  'child_process',
  'cluster',
  'os',
  'process',
  'readline',
  'worker_threads',
  'perf_hooks',
  'timers',
  'stream',
  'zlib',
  'v8',
  'vm',
];
// Dependencies that do I/O, keep time or log.
const ioPackages = [
  'pino',
  'prom-client',
  'isomorphic-git',
  'chokidar',
  'node-cron',
  'p-limit',
  'undici',
  'google-auth-library',
  '@kubernetes/client-node',
  '@google-cloud/*',
];

// Syntax refused everywhere. Blocks below that set no-restricted-syntax repeat these (flat config
// replaces a rule's options, it does not merge them).
const everywhereSyntax = [
  { selector: 'TSEnumDeclaration', message: 'Use an `as const` object and a union type instead of enum.' },
  { selector: 'TSModuleDeclaration[kind="namespace"]', message: 'No namespaces.' },
];

// --- Layers ------------------------------------------------------------------------------------
// Who may import whom. ESLint resolves nothing: it matches import specifiers, so a forbidden layer
// is named by a folder segment (`../kube/fleet.js` and `../../kube/fleet.js` both contain `kube/`).
// Folder names are unique in src apart from two twins that share their layer's fate: src/sim/kube
// (forbidden wherever src/kube is) and src/gcp/model (pure, like the core it belongs to).

/** One restriction: importing anything under one of these folders is an error. */
const forbid = (message, ...folders) => ({ message, folders });

const sim = forbid(
  "Layers: only the simulator's own commands (src/cli/commands/sim*.ts, demo.ts) import src/sim.",
  'sim',
);
const adapters = forbid(
  'Layers: the pure core imports no adapter (kube, source, sim, agent, cli, gcp/compute, report/publish).',
  'kube',
  'source',
  'sim',
  'agent',
  'cli',
  // gcp/compute and report/publish, also when named from their sibling (`../compute/…`).
  'compute',
  'publish',
);
const upward = forbid(
  'Layers: kube, source and gcp are adapters: they never import agent, cli or report.',
  'agent',
  'cli',
  'report',
);
const cli = forbid('Layers: src/agent never imports src/cli (what both need goes below them).', 'cli');

/** no-restricted-imports patterns for static imports and re-exports. */
const patternsOf = (restrictions) =>
  restrictions.map(({ message, folders }) => ({ group: folders.map((f) => `**/${f}/**`), message }));
/** no-restricted-syntax selectors for `import()`, which no-restricted-imports does not see. */
const dynamicOf = (restrictions) => [
  {
    selector: 'ImportExpression:not([source.type="Literal"])',
    message:
      'Layers: name a dynamically imported module with a string literal, so the layer rules can check it.',
  },
  // `\x2F` is `/`: esquery's regex literals cannot contain a slash.
  ...restrictions.map(({ message, folders }) => ({
    selector: String.raw`ImportExpression[source.value=/(^|\x2F)(${folders.join('|')})\x2F/]`,
    message,
  })),
];

// The pure core's packages and built-ins (hashing stays allowed; dynamic import is refused there).
const noRandomness = ['node:crypto', 'crypto'].map((name) => ({
  name,
  importNames: [
    'randomBytes',
    'randomUUID',
    'randomInt',
    'randomFill',
    'randomFillSync',
    'getRandomValues',
    'webcrypto',
  ],
  message: 'Pure module: no randomness (hashing is allowed).',
}));
const noIo = [
  {
    group: ['node:*', '!node:crypto', ...ioBuiltins.flatMap((m) => [m, `${m}/*`])],
    message: 'Pure module: no I/O (node:crypto hashing is allowed).',
  },
  {
    group: ioPackages.flatMap((m) => [m, `${m}/*`]),
    message: 'Pure module: no I/O, clock or logging libraries.',
  },
  // src/clock.ts reads the real time; the Clock type itself lives in src/model.
  {
    group: ['**/clock.js', '!**/model/clock.js'],
    message: 'Layers: the pure core imports no adapter (src/clock.ts reads the real time).',
  },
];
// src/model is the bottom: its own files (`./x.js`) only, no packages, no way up.
const onlyModel = {
  regex: String.raw`^(?!\./)|(^|/)\.\.(/|$)`,
  message: 'Layers: src/model imports only src/model (no packages, nothing outside it).',
};

const simCommands = ['src/cli/commands/sim*.ts', 'src/cli/commands/demo.ts'];

// A file gets the no-restricted-imports of the LAST block that matches it, so the blocks run from the
// outermost layer inwards and each lists every restriction of its files. The pure core's
// no-restricted-syntax comes from the purity block after these (it refuses every dynamic import).
const layer = ({ files, ignores, restrict, paths = [], patterns = [], pure = false }) => ({
  files,
  ...(ignores ? { ignores } : {}),
  rules: {
    'no-restricted-imports': ['error', { paths, patterns: [...patterns, ...patternsOf(restrict)] }],
    ...(pure ? {} : { 'no-restricted-syntax': ['error', ...everywhereSyntax, ...dynamicOf(restrict)] }),
  },
});
const layers = [
  layer({ files: under('src'), ignores: [...under('src/sim'), ...simCommands], restrict: [sim] }),
  layer({ files: under('src/kube', 'src/source', 'src/gcp'), restrict: [sim, upward] }),
  layer({ files: under('src/agent'), restrict: [sim, cli] }),
  layer({ files: under(...pureCore), restrict: [adapters], paths: noRandomness, patterns: noIo, pure: true }),
  // gcp/model is pure core and part of gcp: both sets apply.
  layer({
    files: under('src/gcp/model'),
    restrict: [adapters, upward],
    paths: noRandomness,
    patterns: noIo,
    pure: true,
  }),
  layer({ files: under('src/model'), restrict: [], patterns: [onlyModel], pure: true }),
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'fixtures/**', '.fedsync/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked.map((c) => ({ ...c, files: ['**/*.ts'] })),
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['test', 'describe', 'it', 'suite', 'before', 'after'],
            },
          ],
        },
      ],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', ...everywhereSyntax],
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  ...layers,
  {
    files: pureModules,
    rules: {
      'no-restricted-globals': [
        'error',
        ...['console'].map((name) => ({ name, message: 'Pure module: no logging.' })),
        ...['process', 'globalThis', 'global', 'window', 'require'].map((name) => ({
          name,
          message: 'Pure module: no process or global state; pass what you need as an argument.',
        })),
        ...['performance'].map((name) => ({ name, message: 'Pure module: no clock.' })),
        ...['crypto'].map((name) => ({
          name,
          message: 'Pure module: no randomness (import { createHash } from node:crypto to hash).',
        })),
        ...['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask'].map((name) => ({
          name,
          message: 'Pure module: no timers.',
        })),
        ...['fetch', 'XMLHttpRequest', 'WebSocket'].map((name) => ({
          name,
          message: 'Pure module: no I/O.',
        })),
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Pure module: time arrives as an argument.' },
        { object: 'Math', property: 'random', message: 'Pure module: no randomness.' },
      ],
      'no-restricted-syntax': [
        'error',
        ...everywhereSyntax,
        {
          selector: 'NewExpression[callee.name="Date"][arguments.length=0]',
          message: 'Pure module: no clock (time arrives as an argument).',
        },
        {
          selector: 'CallExpression[callee.name="Date"]',
          message: 'Pure module: no clock (Date() is the current time as a string).',
        },
        {
          selector: 'ImportExpression',
          message: 'Pure module: no dynamic import (it bypasses these rules).',
        },
      ],
    },
  },
  prettier,
);
