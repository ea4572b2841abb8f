// Lint: typescript-eslint with type information, so promise mistakes (a floating promise, a
// promise passed where a callback's result is ignored) are errors; and the workflow sandbox's
// rules: code under workflows/ runs in Temporal's deterministic V8 isolate, where Node built-ins
// and non-deterministic modules cannot be imported.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = builtinModules.flatMap((name) => [name, `node:${name}`]);

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'data/',
      'logs/',
      'backups/',
      'exports/',
      'bench/results/',
      'test/fixtures/',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { arguments: false, attributes: false } },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      // Async functions that implement an async interface without awaiting are fine.
      '@typescript-eslint/require-await': 'off',
      // An AbortSignal's reason is what the caller aborted with, rethrown as is.
      '@typescript-eslint/prefer-promise-reject-errors': [
        'error',
        { allowThrowingAny: true, allowThrowingUnknown: true },
      ],
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true, allowArray: true, allowNullish: true },
      ],
    },
  },
  {
    // Tests and the benchmark read parsed JSON, SQL rows and process output as they come.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      // A workflow reads at a glance: its steps are named functions, none longer than a screen.
      'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }],
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({
            name,
            message: 'workflow code runs in the deterministic sandbox: no Node built-ins; do I/O in an activity',
          })),
          patterns: [
            {
              group: ['../lib/*', '!../lib/contract', '../lib/*/*', '!../lib/contract/*'],
              message: 'workflows import only @temporalio/workflow, activity types and lib/contract',
            },
            {
              group: ['../activities', '../activities/*'],
              allowTypeImports: true,
              message: 'workflows import activities as types only (import type)',
            },
            {
              group: ['../workers/*', '../client/*', '../scrapers/*', '../mirror/*'],
              message: 'workflows import only @temporalio/workflow, activity types and lib/contract',
            },
            {
              group: [
                'better-sqlite3',
                'pg',
                'kysely',
                'cheerio',
                'got-scraping',
                'playwright-core',
                'pino',
                'uuid',
                'crypto',
              ],
              message: 'not deterministic, or I/O: keep it in activities',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'use sleep() from @temporalio/workflow' },
        { name: 'setInterval', message: 'use sleep() from @temporalio/workflow in a loop' },
        { name: 'fetch', message: 'do I/O in an activity' },
        { name: 'process', message: 'workflow code has no process: pass values in the workflow input' },
      ],
    },
  },
);
