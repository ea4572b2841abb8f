/**
 * The batch commands as an operator runs them (the real `orchestrator` executable) against the
 * real dev server, with real workers on the local mirror (mitula only, one page per search):
 *   run exits 1 when the batch failed; list and status show it (by either id); retry re-runs the
 *   failed site as a linked batch; report and export agree with what the mirror changed between
 *   two batches (new, repriced, removed); watch follows a running batch and Ctrl-C leaves it
 *   running; cancel stops it and the `run` that follows it ends with one line; restore refuses
 *   while a worker polls; validate passes.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ListingRecord } from '../../lib/record/listing-record';
import { getBatch } from '../../lib/store/batches';
import { openDatabase } from '../../lib/store/database';
import { startBatchHarness, type BatchHarness } from '../support/batch-harness';
import { BIN, runCli, type CliResult } from '../support/cli';
import { TEST_TEMPORAL_ADDRESS, TEST_UI_PORT } from '../support/temporal-server';
import { until } from '../support/wait';
import { writeTempConfig, type TempConfig } from '../support/temp-config';

const ok = (result: CliResult, label: string) =>
  assert.equal(result.code, 0, `${label} exited ${result.code}\n${result.stdout}\n${result.stderr}`);

/** Records that differ between two catalogue states: what a batch at `after` classifies against one at `before`. */
function changesBetween(before: ListingRecord[], after: ListingRecord[]) {
  const old = new Map(before.map((record) => [record.externalId, JSON.stringify(record)]));
  const now = new Set(after.map((record) => record.externalId));
  return {
    new: after
      .filter((record) => !old.has(record.externalId))
      .map((r) => r.externalId)
      .sort(),
    changed: after
      .filter((record) => old.has(record.externalId) && old.get(record.externalId) !== JSON.stringify(record))
      .map((r) => r.externalId)
      .sort(),
    removed: before
      .filter((record) => !now.has(record.externalId))
      .map((r) => r.externalId)
      .sort(),
  };
}

describe('orchestrator batch commands (real server, workers, mirror)', function () {
  this.timeout(300_000);
  let harness: BatchHarness;
  let config: TempConfig;
  const stamp = Date.now();
  const failedId = `${stamp}-fail`;
  const cli = (...args: string[]) => runCli(['--config', config.path, ...args]);
  const json = async (...args: string[]) => {
    const result = await cli(...args, '--json');
    ok(result, args.join(' '));
    return JSON.parse(result.stdout);
  };

  before(async () => {
    harness = await startBatchHarness({ taskQueue: `test-cli-batches-${stamp}`, sites: ['mitula'], pagesPerSearch: 1 });
    const { storage, temporal } = harness.config;
    // The CLI's own config: the harness's server, task queue, database and folders.
    config = writeTempConfig(Number(TEST_TEMPORAL_ADDRESS.split(':')[1]), TEST_UI_PORT, (doc) => {
      doc.temporal = { ...doc.temporal, task_queue: temporal.taskQueue, embedded: false };
      doc.storage = {
        ...doc.storage,
        database: storage.database,
        backups_dir: storage.backupsDir,
        exports_dir: storage.exportsDir,
      };
    });
  });
  after(async () => {
    harness?.mirror.clearFaults();
    await harness?.close();
  });

  it('run exits 1 when the batch failed; list and status show it by either id', async () => {
    harness.mirror.setFaults('mitula', { status500Always: true });
    const run = await cli('run', '--sites', 'mitula', '--max-pages', '1', '--id', `batch-${failedId}`);
    harness.mirror.clearFaults();
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, new RegExp(`Batch ${failedId}: failed`));
    assert.match(run.stdout, /mitula: .*500/);

    const listed = (await json('list', '--status', 'failed')) as Array<{ id: string; status: string }>;
    assert.ok(
      listed.some((batch) => batch.id === failedId && batch.status === 'failed'),
      JSON.stringify(listed),
    );
    const text = await cli('list', '--limit', '5');
    ok(text, 'list');
    assert.match(text.stdout, new RegExp(`${failedId}\\s+failed\\s+mitula`));

    for (const ref of [failedId, `batch-${failedId}`]) {
      const status = await json('status', ref);
      assert.equal(status.batchId, failedId);
      assert.equal(status.status, 'failed');
      assert.equal(status.workflow.status, 'COMPLETED');
      assert.deepEqual(
        status.tasks.map((task: { site: string; kind: string; state: string }) => [task.site, task.kind, task.state]),
        [['mitula', 'main', 'failed']],
      );
      assert.match(status.tasks[0].lastError, /500/);
    }
  });

  it('retry re-runs the failed site as a new batch linked to the failed one', async () => {
    const retry = await cli('retry', failedId);
    ok(retry, 'retry');
    const retryId = `${failedId}-retry1`;
    assert.match(retry.stdout, new RegExp(`Batch ${retryId}: completed`));
    const status = await json('status', retryId);
    assert.equal(status.batch.parentBatchId, failedId);
    assert.deepEqual(status.batch.sites, ['mitula']);
    assert.equal(status.batch.options.maxPages, 1);
    assert.equal(status.status, 'completed');
    const again = await cli('retry', retryId);
    assert.equal(again.code, 1);
    assert.match(again.stderr, new RegExp(`^error: batch ${retryId} has no failed site to retry`));
  });

  it('report and export give the listings the mirror added, repriced and removed between two batches', async () => {
    const before = harness.expectedRecordsAt(0, 'mitula');
    harness.mirror.setEpoch(1);
    const secondId = `${stamp}-second`;
    ok(await cli('run', '--sites', 'mitula', '--max-pages', '1', '--id', `batch-${secondId}`), 'second run');
    const after = harness.expectedRecords('mitula');
    const expected = changesBetween(before, after);
    // One page per search: removals and price changes show; listings moving up from page 2 cannot.
    assert.ok(expected.changed.length > 0 && expected.removed.length > 0, JSON.stringify(expected));

    const report = await json('report', secondId, '--listings', '1000');
    const mitula = report.sites[0];
    const ids = (listings: Array<{ externalId: string }>) => listings.map((l) => l.externalId).sort();
    assert.equal(mitula.metrics.previousBatchId, `${failedId}-retry1`);
    assert.deepEqual(ids(mitula.newListings), expected.new);
    assert.deepEqual(ids(mitula.changedListings), expected.changed);
    assert.deepEqual(ids(mitula.removedListings), expected.removed);
    assert.deepEqual(
      [mitula.metrics.listingsNew, mitula.metrics.listingsUpdated, mitula.metrics.listingsRemoved],
      [expected.new.length, expected.changed.length, expected.removed.length],
    );
    assert.equal(mitula.metrics.listingsSeen, after.length);
    for (const field of ['price', 'bedrooms', 'area', 'coordinates'])
      assert.equal(typeof mitula.metrics.fillRates[field], 'number', field);

    const text = await cli('report', `batch-${secondId}`);
    ok(text, 'report');
    assert.match(
      text.stdout,
      new RegExp(`mitula · removed \\(first 10 of ${expected.removed.length}\\)|mitula · removed:`),
    );
    assert.match(text.stdout, /Fill rates/);

    const exported = await cli('export', '--batch', secondId, '--out', `${secondId}.jsonl`, '--json');
    ok(exported, 'export');
    const result = JSON.parse(exported.stdout);
    assert.equal(result.file, join(harness.config.storage.exportsDir, `${secondId}.jsonl`));
    const records = readFileSync(result.file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    assert.deepEqual(records, after, 'the export holds exactly the listings the batch saw, as the mirror served them');
  });

  it('watch follows a running batch and Ctrl-C leaves it running; status shows its progress; cancel stops it', async () => {
    // Pages that take longer than the fetch timeout keep the batch running (timing out and
    // retrying) for minutes, however slow the machine is, until we cancel it.
    harness.mirror.setFaults('mitula', { slowMs: 120_000 });
    const slowId = `${stamp}-slow`;
    // Started and followed by `orchestrator run`, which must end with one line once the batch is cancelled.
    const run = spawn(
      BIN,
      ['--config', config.path, 'run', '--sites', 'mitula', '--max-pages', '1', '--id', `batch-${slowId}`],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let runOutput = '';
    let runErrors = '';
    run.stdout.on('data', (chunk) => (runOutput += chunk));
    run.stderr.on('data', (chunk) => (runErrors += chunk));
    await until('run to start the batch', () => (runErrors.includes(`Batch batch-${slowId} started`) ? true : null), {
      seen: () => runErrors,
    });

    const status = await json('status', slowId);
    assert.equal(status.workflow.status, 'RUNNING');
    assert.equal(status.status, 'running');
    assert.deepEqual(
      status.progress.sites.map((site: { site: string }) => site.site),
      ['mitula'],
    );

    const watch = spawn(BIN, ['--config', config.path, 'watch', slowId], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    watch.stdout.on('data', (chunk) => (output += chunk));
    watch.stderr.on('data', (chunk) => (output += chunk));
    await until(
      'a progress frame from watch',
      () => (new RegExp(`batch ${slowId}: running[\\s\\S]*mitula\\s+running`).test(output) ? true : null),
      { seen: () => output },
    );
    watch.kill('SIGINT');
    const code = await until('watch to exit', () => watch.exitCode, { timeoutMs: 30_000, seen: () => output });
    assert.equal(code, 0, output);
    assert.match(output, new RegExp(`Stopped watching\\. Batch ${slowId} keeps running`));
    assert.equal((await harness.client.workflow.getHandle(`batch-${slowId}`).describe()).status.name, 'RUNNING');

    const cancel = await cli('cancel', `batch-${slowId}`);
    harness.mirror.clearFaults();
    ok(cancel, 'cancel');
    assert.match(cancel.stdout, new RegExp(`Batch ${slowId} cancelled\\.`));
    assert.equal((await harness.client.workflow.getHandle(`batch-${slowId}`).describe()).status.name, 'CANCELLED');
    const db = await openDatabase(harness.config.storage.database, { readonly: true });
    try {
      assert.equal((await getBatch(db, slowId))!.status, 'cancelled');
    } finally {
      await db.destroy();
    }
    const runCode = await until('run to exit', () => run.exitCode, { timeoutMs: 30_000, seen: () => runErrors });
    assert.equal(runCode, 1, runErrors);
    assert.match(runErrors, new RegExp(`^error: batch batch-${slowId} was cancelled$`, 'm'));
    assert.doesNotMatch(runErrors, /\n\s+at /, 'no stack trace');
    assert.match(runOutput, new RegExp(`batch ${slowId}: running`));

    const twice = await cli('cancel', slowId);
    assert.equal(twice.code, 1);
    assert.match(twice.stderr, new RegExp(`^error: batch ${slowId} is not running \\(cancelled\\)`));
  });

  it('restore refuses while a worker polls the task queue, leaving the database as it was', async () => {
    const backup = JSON.parse((await cli('backup', '--json')).stdout) as { file: string };
    const name = backup.file.split('/').pop()!;
    const batchesBefore = (await json('list', '--limit', '100')).length;
    const refused = await cli('restore', name);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /Workers must be stopped/);
    assert.match(refused.stderr, new RegExp(`error: a worker is polling ${harness.config.temporal.taskQueue}`));
    assert.equal((await json('list', '--limit', '100')).length, batchesBefore);
  });

  it('validate passes every check against the running server', async () => {
    const result = await cli('validate');
    ok(result, 'validate');
    assert.equal((result.stdout.match(/^✔ /gm) ?? []).length, 6, result.stdout);
    assert.match(
      result.stdout,
      new RegExp(`Temporal server\\s+answers at ${TEST_TEMPORAL_ADDRESS.replace(/\./g, '\\.')}`),
    );
    assert.match(result.stdout, /database\s+.* at schema version \d+/);
  });
});
