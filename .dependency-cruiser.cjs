/**
 * The direction of dependencies, checked in `npm test` (npm run depcheck):
 *   client → workers → activities → scrapers, lib;  workflows → lib/contract (activities as types only).
 * lib/ is the floor: it imports no folder above it. mirror/, bench/ and test/ may import the product;
 * the product imports none of them, except the client's demo path, which starts the mirror.
 */
const PRODUCT = '^(client|workers|activities|workflows|scrapers|lib)/';
/** The folders beside the product, which it never imports (the demo's mirror aside, below). */
const BESIDE_THE_PRODUCT = ['mirror', 'bench', 'test'];

/**
 * The rule that `folder` imports none of the product's folders `above` it, nor those beside the
 * product, nor any path `orMatching` (a pattern).
 */
function importsNone(name, folder, above, { comment, orMatching } = {}) {
  const forbidden = `^(${[...above, ...BESIDE_THE_PRODUCT].join('|')})/`;
  return {
    name,
    severity: 'error',
    ...(comment && { comment }),
    from: { path: `^${folder}/` },
    to: { path: orMatching ? `${forbidden}|${orMatching}` : forbidden },
  };
}

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
    importsNone('lib-is-the-floor', 'lib', ['client', 'workers', 'activities', 'workflows', 'scrapers'], {
      comment: 'lib/ imports no folder above it',
    }),
    importsNone('scrapers-use-lib-only', 'scrapers', ['client', 'workers', 'activities', 'workflows']),
    importsNone('activities-below-workers', 'activities', ['client', 'workers', 'workflows'], {
      comment: 'activities use scrapers and lib; they take payload types from lib/contract, not from workflows/',
    }),
    importsNone('workers-below-client', 'workers', ['client']),
    importsNone('workflows-import-the-contract-only', 'workflows', ['client', 'workers', 'scrapers'], {
      comment: 'workflows import @temporalio/workflow, activity types (import type) and lib/contract',
      orMatching: '^lib/(?!contract/)',
    }),
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
