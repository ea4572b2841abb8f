/**
 * The worker's code compiled at launch (workers/worker-code.ts): one folder per content, the three
 * entries in it, run by bin/worker.js without tsx, with stack traces that still name the project's
 * TypeScript. A launched worker parsing pages on a thread started from the compiled entry is
 * test/integration/metrics.test.ts's batch (bin/orchestrator, as an operator starts it).
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildWorkerCode, workerCodeCache } from '../../../workers/worker-code';
import { inFreshNode } from '../../support/fresh-node';

const ROOT = join(__dirname, '..', '..', '..');

describe('the compiled worker code', function () {
  this.timeout(120_000);
  let folder: string;

  before(async () => {
    folder = await buildWorkerCode();
  });

  it('is a folder named by its content in the project, holding the three entries', async () => {
    assert.equal(join(folder, '..'), workerCodeCache());
    assert.ok(folder.startsWith(join(ROOT, 'node_modules', '.cache')), folder);
    assert.match(folder, /worker-[0-9a-f]{16}$/);
    assert.deepEqual(readdirSync(folder).sort(), ['parser-thread-entry.js', 'source-maps.js', 'worker-entry.js']);
    assert.equal(await buildWorkerCode(), folder, 'the same code gives the same folder');
  });

  it('loads neither tsx, nor the configuration loader, nor any source file of the project', () => {
    const loaded = inFreshNode<{ packages: string[]; own: string[] }>(
      `
      require(${JSON.stringify(join(folder, 'source-maps.js'))}).mapOwnSourcesOnly([${JSON.stringify(folder)}]);
      process.setSourceMapsEnabled(true);
      require(${JSON.stringify(join(folder, 'worker-entry.js'))});
      const files = Object.keys(require.cache);
      const packages = [...new Set(files.flatMap((file) => {
        const inner = file.split('/node_modules/').slice(1).pop();
        return inner && !inner.startsWith('.cache/') ? [inner.startsWith('@') ? inner.split('/').slice(0, 2).join('/') : inner.split('/')[0]] : [];
      }))];
      const own = files.filter((file) => !file.includes('/node_modules/'));
      process.stdout.write(JSON.stringify({ packages, own }));`,
      [],
    );
    // Nor the configuration's loader, which the launcher ran (workers/launched.ts).
    for (const name of ['tsx', 'esbuild', 'typescript', 'zod', 'yaml'])
      assert.ok(!loaded.packages.includes(name), name);
    assert.ok(loaded.packages.includes('@temporalio/worker'), 'the worker itself');
    assert.deepEqual(loaded.own, [], 'no source file of the project: all of it is in the bundle');
  });

  it('maps stack traces to the TypeScript, as bin/worker.js runs it', () => {
    // An entry asked for another command than `worker` throws from client/worker-entry.ts.
    const run = spawnSync(process.execPath, [join(ROOT, 'bin', 'worker.js'), 'status'], {
      env: { ...process.env, ORCHESTRATOR_WORKER_CODE: folder },
      encoding: 'utf8',
    });
    assert.equal(run.status, 70, run.stderr);
    assert.match(run.stderr, /bin\/worker\.js starts `orchestrator worker` only/);
    // The line of the TypeScript that throws it (a map by lines: the column is the line's first mapped one).
    const line =
      readFileSync(join(ROOT, 'client', 'worker-entry.ts'), 'utf8')
        .split('\n')
        .findIndex((text) => text.includes('bin/worker.js starts')) + 1;
    assert.ok(line > 0);
    assert.match(run.stderr, new RegExp(`client/worker-entry\\.ts:${line}:\\d+`), run.stderr);
    assert.doesNotMatch(run.stderr, /worker-entry\.js/);
  });
});
