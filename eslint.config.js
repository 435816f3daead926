// Lint rules, including the boundaries between layers (docs/architecture.md): the pure modules do no
// I/O, and each layer imports only the layers below it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

// Pure modules: no I/O, no clock, no randomness, no logging. Everything they know arrives as arguments.
const pureModules = [
  'src/model/**/*.ts',
  'src/manifests/**/*.ts',
  'src/federation/**/*.ts',
  'src/plan/**/*.ts',
  'src/gcp/model/**/*.ts',
  'src/report/format/**/*.ts',
];

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

// Syntax refused everywhere. Blocks that set no-restricted-syntax repeat it: flat config replaces a
// rule's options for a file, it does not merge them.
const everywhereSyntax = [
  { selector: 'TSEnumDeclaration', message: 'Use an `as const` object and a union type instead of enum.' },
  { selector: 'TSModuleDeclaration[kind="namespace"]', message: 'No namespaces.' },
];

// Imports of impure code a pure module may not make: randomness from node:crypto, I/O builtins,
// I/O, clock and logging libraries.
const purePaths = ['node:crypto', 'crypto'].map((name) => ({
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
const purePatterns = [
  {
    group: ['node:*', '!node:crypto', ...ioBuiltins.flatMap((m) => [m, `${m}/*`])],
    message: 'Pure module: no I/O (node:crypto hashing is allowed).',
  },
  {
    group: ioPackages.flatMap((m) => [m, `${m}/*`]),
    message: 'Pure module: no I/O, clock or logging libraries.',
  },
];

// The layers, lowest first (docs/architecture.md has the table). `forbid` lists the folders a layer
// may not import (relative imports match by folder name); the simulator's own commands are the only
// code outside src/sim that may import it.
const dirs = (...names) => names.flatMap((n) => [`**/${n}/**`, `**/${n}`]);
const adapters = ['kube', 'source', 'gcp/compute', 'compute'];
// src/clock.ts reads the real time; src/model/clock.ts is only the Clock type.
const systemClock = {
  regex: '^(\\.\\./)+clock\\.js$',
  message: 'Pure module: no system clock (time arrives as an argument).',
};
/** CLI commands do not import each other (except `allowed`): what they share is in src/cli. */
const sameFolder = (allowed) => ({
  regex: allowed ? `^\\./(?!${allowed})` : '^\\./',
  message: 'Layer cli: a command does not import another command; shared pieces go to src/cli.',
});
const simCommands = [
  'src/cli/commands/sim.ts',
  'src/cli/commands/sim-gcp.ts',
  'src/cli/commands/demo.ts',
  'src/cli/fleet-options.ts',
];
const layers = [
  {
    name: 'model',
    files: ['src/model/**/*.ts'],
    pure: true,
    patterns: [
      {
        // Not `./x.js`, or a path that climbs out (`./../plan/x.js`).
        regex: '^(?!\\./)|(^|/)\\.\\.(/|$)',
        message: 'Layer model: the shared vocabulary imports nothing outside src/model.',
      },
    ],
  },
  {
    name: 'core',
    files: ['src/manifests/**/*.ts', 'src/federation/**/*.ts', 'src/plan/**/*.ts', 'src/gcp/model/**/*.ts'],
    pure: true,
    patterns: [systemClock],
    forbid: ['sim', ...adapters, 'agent', 'cli', 'report'],
    message:
      'Layer core: the pure core imports only src/model and itself; adapters and orchestration are off limits.',
  },
  {
    name: 'report-format',
    files: ['src/report/format/**/*.ts'],
    pure: true,
    patterns: [systemClock],
    forbid: ['sim', ...adapters, 'agent', 'cli', 'publish'],
    message: 'Layer report: formatters are pure; they import no adapter, publisher or orchestration.',
  },
  {
    name: 'adapters',
    files: ['src/kube/**/*.ts', 'src/source/**/*.ts', 'src/gcp/**/*.ts'],
    ignores: ['src/gcp/model/**'],
    forbid: ['sim', 'agent', 'cli', 'report'],
    message: 'Layer adapters: kube, source and gcp never import agent, cli, report or the simulator.',
  },
  {
    name: 'report-publish',
    files: ['src/report/**/*.ts'],
    ignores: ['src/report/format/**'],
    forbid: ['sim', 'agent', 'cli'],
    message: 'Layer report: publishers import no agent, cli or simulator.',
  },
  {
    name: 'agent',
    files: ['src/agent/**/*.ts'],
    forbid: ['sim', 'cli'],
    message: 'Layer agent: the agent never imports cli or the simulator.',
  },
  {
    name: 'cli',
    files: ['src/cli/**/*.ts'],
    ignores: ['src/cli/commands/**', 'src/cli/fleet-options.ts'],
    forbid: ['sim'],
    message:
      'Layer cli: only `fedsync sim`, `fedsync demo` and the --sim option (cli/fleet-options.ts) import the simulator.',
  },
  {
    name: 'cli-commands',
    files: ['src/cli/commands/**/*.ts'],
    ignores: simCommands,
    patterns: [sameFolder('')],
    forbid: ['sim'],
    message:
      'Layer cli: only `fedsync sim`, `fedsync demo` and the --sim option (cli/fleet-options.ts) import the simulator.',
  },
  {
    name: 'cli-sim-commands',
    files: simCommands.filter((f) => f.startsWith('src/cli/commands/')),
    // `fedsync sim` is two files: sim.ts registers the gcp subcommands of sim-gcp.ts.
    patterns: [sameFolder('sim-gcp\\.js$')],
  },
];

// no-restricted-imports does not see `import()`. The pure layers refuse dynamic import outright (in
// the purity block); every other layer gets its restrictions again as selectors on the import's
// string literal, and must name a dynamically imported module with one. `\x2F` is `/`: esquery's
// regex literals cannot contain a slash.
const slashFree = (regex) => regex.replaceAll('/', String.raw`\x2F`);
const folderRegex = (names) => String.raw`(^|/)(${names.join('|')})(/|$)`;
function dynamicImportSyntax(layer) {
  const restrictions = [
    ...(layer.patterns ?? []).map((p) => ({ regex: p.regex, message: p.message })),
    ...(layer.forbid ? [{ regex: folderRegex(layer.forbid), message: layer.message }] : []),
  ];
  return [
    {
      selector: 'ImportExpression:not([source.type="Literal"])',
      message:
        'Layers: name a dynamically imported module with a string literal, so the layer rules can check it.',
    },
    ...restrictions.map(({ regex, message }) => ({
      selector: `ImportExpression[source.value=/${slashFree(regex)}/]`,
      message,
    })),
  ];
}

function layerConfig(layer) {
  const patterns = [
    ...(layer.pure ? purePatterns : []),
    ...(layer.patterns ?? []),
    ...(layer.forbid ? [{ group: dirs(...layer.forbid), message: layer.message }] : []),
  ];
  return {
    files: layer.files,
    ...(layer.ignores ? { ignores: layer.ignores } : {}),
    rules: {
      'no-restricted-imports': ['error', { paths: layer.pure ? purePaths : [], patterns }],
      // The pure layers keep the purity block's no-restricted-syntax.
      ...(layer.pure
        ? {}
        : { 'no-restricted-syntax': ['error', ...everywhereSyntax, ...dynamicImportSyntax(layer)] }),
    },
  };
}

export default tseslint.config(
  { ignores: ['node_modules/**', 'fixtures/**', '.fedsync/**', 'coverage/**', 'dist/**'] },
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
        ...everywhereSyntax,
      ],
    },
  },
  ...layers.map(layerConfig),
  prettier,
);
