// Lint rules, including the boundary that keeps the planner pure (DESIGN.md §5).
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
      'no-restricted-syntax': [
        'error',
        {
          selector: 'TSEnumDeclaration',
          message: 'Use an `as const` object and a union type instead of enum.',
        },
        { selector: 'TSModuleDeclaration[kind="namespace"]', message: 'No namespaces.' },
      ],
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    files: pureModules,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...['node:crypto', 'crypto'].map((name) => ({
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
            })),
          ],
          patterns: [
            {
              group: ['node:*', '!node:crypto', ...ioBuiltins.flatMap((m) => [m, `${m}/*`])],
              message: 'Pure module: no I/O (node:crypto hashing is allowed).',
            },
            {
              group: ioPackages.flatMap((m) => [m, `${m}/*`]),
              message: 'Pure module: no I/O, clock or logging libraries.',
            },
            {
              group: [
                '**/sim/**',
                '**/kube/**',
                '**/source/**',
                '**/agent/**',
                '**/cli/**',
                '**/gcp/compute/**',
              ],
              message: 'Pure module: adapters and orchestration are off limits.',
            },
          ],
        },
      ],
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
        {
          selector: 'TSEnumDeclaration',
          message: 'Use an `as const` object and a union type instead of enum.',
        },
        { selector: 'TSModuleDeclaration[kind="namespace"]', message: 'No namespaces.' },
      ],
    },
  },
  prettier,
);
