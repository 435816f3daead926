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
  'src/report/render/**/*.ts',
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
          patterns: [
            {
              group: ['node:*', '!node:crypto', 'fs', 'path', 'http', 'https', 'child_process', 'os'],
              message: 'Pure module: no I/O (node:crypto hashing is allowed).',
            },
            { group: ['pino', 'pino/*'], message: 'Pure module: no logging.' },
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
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Pure module: time arrives as an argument.' },
        { object: 'Math', property: 'random', message: 'Pure module: no randomness.' },
        { object: 'console', message: 'Pure module: no logging.' },
        { object: 'process', message: 'Pure module: no process state.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'NewExpression[callee.name="Date"][arguments.length=0]',
          message: 'Pure module: no clock.',
        },
        {
          selector: 'TSEnumDeclaration',
          message: 'Use an `as const` object and a union type instead of enum.',
        },
        { selector: 'CallExpression[callee.name="setTimeout"]', message: 'Pure module: no timers.' },
        { selector: 'CallExpression[callee.name="fetch"]', message: 'Pure module: no I/O.' },
      ],
    },
  },
  prettier,
);
