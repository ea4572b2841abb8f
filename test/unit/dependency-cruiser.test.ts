/**
 * The dependency rules of .dependency-cruiser.cjs (npm run depcheck, part of npm test) catch what
 * they are meant to: small trees in a temporary folder, laid out with the product's folder names,
 * each with one wrong import, are cruised with the project's own rules and must report that rule;
 * the same imports done right, and the real tree, report nothing. Uses dependency-cruiser's API
 * (one process, a few seconds), not its CLI.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { ICruiseResult, IForbiddenRuleType } from 'dependency-cruiser' with { 'resolution-mode': 'import' };

const ROOT = resolve(__dirname, '../..');
/** The project's configuration, as npm run depcheck reads it. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const CONFIG = require(join(ROOT, '.dependency-cruiser.cjs')) as {
  forbidden: IForbiddenRuleType[];
  options: { exclude: { path: string } };
};
/** The folders npm run depcheck cruises. */
const FOLDERS = ['client', 'workers', 'activities', 'workflows', 'scrapers', 'lib', 'mirror', 'bench', 'test'];

/** Cruise `folders` under `baseDir` with the project's rules; the names of the rules broken. */
async function brokenRules(baseDir: string, folders: string[]): Promise<string[]> {
  const { cruise } = await import('dependency-cruiser');
  const { output } = await cruise(folders, {
    baseDir,
    validate: true,
    ruleSet: { forbidden: CONFIG.forbidden },
    exclude: CONFIG.options.exclude,
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  });
  const result = output as ICruiseResult;
  return [...new Set(result.summary.violations.map((violation) => violation.rule.name))].sort();
}

describe('dependency rules (.dependency-cruiser.cjs)', function () {
  this.timeout(30_000);
  let base: string;
  let tree = 0;

  before(() => {
    base = mkdtempSync(join(tmpdir(), 'depcheck-'));
  });

  after(() => {
    rmSync(base, { recursive: true, force: true });
  });

  /** A fresh tree of `files` (path → source); the folders to cruise are its top-level ones. */
  function write(files: Record<string, string>): { dir: string; folders: string[] } {
    const dir = join(base, `tree-${tree++}`);
    for (const [path, source] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), source);
    }
    return { dir, folders: [...new Set(Object.keys(files).map((path) => path.split('/')[0]))] };
  }

  async function check(files: Record<string, string>): Promise<string[]> {
    const { dir, folders } = write(files);
    return brokenRules(dir, folders);
  }

  for (const { wrong, files, broken } of [
    {
      wrong: 'lib/ importing workflows/ breaks lib-is-the-floor',
      files: {
        'workflows/batch.ts': 'export const name = "batch";\n',
        'lib/probe.ts': "import { name } from '../workflows/batch';\nexport const probe = name;\n",
      },
      broken: ['lib-is-the-floor'],
    },
    {
      wrong: 'two modules importing each other break no-circular',
      files: {
        'lib/a.ts': "import { b } from './b';\nexport const a = (): number => b() + 1;\n",
        'lib/b.ts': "import { a } from './a';\nexport const b = (): number => a() - 1;\n",
      },
      broken: ['no-circular'],
    },
    {
      wrong: 'two folders importing each other break no-folder-cycles, though no module cycle exists',
      files: {
        'lib/fetch/target.ts': 'export const target = 1;\n',
        'lib/fetch/fetcher.ts': "import { guard } from '../security/guard';\nexport const fetcher = guard;\n",
        'lib/security/guard.ts': 'export const guard = 2;\n',
        'lib/security/policy.ts': "import { target } from '../fetch/target';\nexport const policy = target;\n",
      },
      broken: ['no-folder-cycles'],
    },
  ]) {
    it(wrong, async () => {
      assert.deepEqual(await check(files), broken);
    });
  }

  it('lib/ importing scrapers/ breaks lib-is-the-floor; scrapers/ importing lib/ is the right way', async () => {
    assert.deepEqual(
      await check({
        'scrapers/page.ts': 'export const isChallengePage = (html: string): boolean => html === "";\n',
        'lib/fetch/responses.ts':
          "import { isChallengePage } from '../../scrapers/page';\nexport const x = isChallengePage;\n",
      }),
      ['lib-is-the-floor'],
    );
    assert.deepEqual(
      await check({
        'lib/fetch/responses.ts': 'export type ChallengeRecognizer = (html: string) => boolean;\n',
        'scrapers/page.ts':
          "import type { ChallengeRecognizer } from '../lib/fetch/responses';\nexport const isChallengePage: ChallengeRecognizer = (html) => html === '';\n",
      }),
      [],
    );
  });

  it('a workflow may import activities as types only', async () => {
    const activities = {
      'activities/index.ts': 'export interface Activities { run(): Promise<void> }\nexport const x = 1;\n',
    };
    assert.deepEqual(
      await check({
        ...activities,
        'workflows/batch.ts': "import type { Activities } from '../activities';\nexport type A = Activities;\n",
      }),
      [],
    );
    assert.deepEqual(
      await check({
        ...activities,
        'workflows/batch.ts': "import { x } from '../activities';\nexport const y = x;\n",
      }),
      ['workflows-import-activities-as-types'],
    );
  });

  it('the product does not start the mirror, except from the client demo', async () => {
    const mirror = { 'mirror/server.ts': 'export const startMirror = (): void => undefined;\n' };
    const start = "import { startMirror } from '../mirror/server';\nexport const s = startMirror;\n";
    assert.deepEqual(await check({ ...mirror, 'client/demo.ts': start }), []);
    assert.deepEqual(await check({ ...mirror, 'client/run.ts': start }), ['only-the-demo-starts-the-mirror']);
  });

  it('the real tree breaks no rule', async () => {
    assert.deepEqual(await brokenRules(ROOT, FOLDERS), []);
  });
});
