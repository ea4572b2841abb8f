/**
 * The direction of dependencies, checked in `npm test` (npm run depcheck):
 *   client → workers → activities → scrapers, lib;  workflows → lib/contract (activities as types only).
 * lib/ is the floor: it imports no folder above it. mirror/, bench/ and test/ may import the product;
 * the product imports none of them, except the client's demo path, which starts the mirror.
 */
const PRODUCT = '^(client|workers|activities|workflows|scrapers|lib)/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'a cycle between modules: one of them belongs lower',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'no-folder-cycles',
      severity: 'error',
      comment:
        'two folders of the product that import each other (directly or round a loop): one of them belongs lower',
      scope: 'folder',
      from: { path: PRODUCT },
      to: { path: PRODUCT, circular: true },
    },
    {
      name: 'lib-is-the-floor',
      severity: 'error',
      comment: 'lib/ imports no folder above it',
      from: { path: '^lib/' },
      to: { path: '^(client|workers|activities|workflows|scrapers|mirror|bench|test)/' },
    },
    {
      name: 'scrapers-use-lib-only',
      severity: 'error',
      from: { path: '^scrapers/' },
      to: { path: '^(client|workers|activities|workflows|mirror|bench|test)/' },
    },
    {
      name: 'activities-below-workers',
      severity: 'error',
      comment: 'activities use scrapers and lib; they take payload types from lib/contract, not from workflows/',
      from: { path: '^activities/' },
      to: { path: '^(client|workers|workflows|mirror|bench|test)/' },
    },
    {
      name: 'workers-below-client',
      severity: 'error',
      from: { path: '^workers/' },
      to: { path: '^(client|mirror|bench|test)/' },
    },
    {
      name: 'workflows-import-the-contract-only',
      severity: 'error',
      comment: 'workflows import @temporalio/workflow, activity types (import type) and lib/contract',
      from: { path: '^workflows/' },
      to: { path: '^(client|workers|scrapers|mirror|bench|test)/|^lib/(?!contract/)' },
    },
    {
      name: 'workflows-import-activities-as-types',
      severity: 'error',
      from: { path: '^workflows/' },
      to: { path: '^activities/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'product-never-imports-bench-or-test',
      severity: 'error',
      from: { path: PRODUCT },
      to: { path: '^(bench|test)/' },
    },
    {
      name: 'only-the-demo-starts-the-mirror',
      severity: 'error',
      comment: 'the product reaches the local mirror only from the client demo path',
      from: { path: PRODUCT, pathNot: '^client/demo' },
      to: { path: '^mirror/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|data|bench/results|test/fixtures)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
