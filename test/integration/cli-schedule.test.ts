/**
 * `orchestrator schedule …` against the real dev server with real workers on the local mirror:
 * create makes a Temporal Schedule with the documented defaults (Mexico City time, overlap SKIP,
 * one-hour catch-up) and the batch input; list and describe show it; pause and unpause toggle
 * it; trigger and backfill start batches that complete under their scheduled ids; delete removes
 * it; an unknown schedule is one line naming the known ones; a start-URL CSV with a mistake is
 * refused before any schedule is made.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScheduleNotFoundError } from '@temporalio/client';
import { getBatch } from '../../lib/store/batches';
import { openDatabase } from '../../lib/store/database';
import { startBatchHarness, type BatchHarness } from '../support/batch-harness';
import { runCli, type CliResult } from '../support/cli';
import { TEST_TEMPORAL_ADDRESS, TEST_UI_PORT } from '../support/temporal-server';
import { writeTempConfig, type TempConfig } from '../support/temp-config';

const ok = (result: CliResult, label: string) =>
  assert.equal(result.code, 0, `${label} exited ${result.code}\n${result.stdout}\n${result.stderr}`);

describe('orchestrator schedule (real server, workers, mirror)', function () {
  this.timeout(300_000);
  let harness: BatchHarness;
  let config: TempConfig;
  const scheduleId = `nightly-${Date.now()}`;
  const cli = (...args: string[]) => runCli(['--config', config.path, ...args]);
  const describeJson = async () => {
    const result = await cli('schedule', 'describe', scheduleId, '--json');
    ok(result, 'describe');
    return JSON.parse(result.stdout);
  };
  /** Poll the schedule until it has started `count` runs; their workflow ids. */
  const runs = async (count: number): Promise<string[]> => {
    const handle = harness.client.schedule.getHandle(scheduleId);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const recent = (await handle.describe()).info.recentActions.map((action) => action.action.workflow.workflowId);
      if (recent.length >= count) return recent;
      assert.ok(Date.now() < deadline, `the schedule started ${recent.length} of ${count} runs`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };

  before(async () => {
    harness = await startBatchHarness({
      taskQueue: `test-cli-schedule-${Date.now()}`,
      sites: ['mitula'],
      pagesPerSearch: 1,
    });
    config = writeTempConfig(Number(TEST_TEMPORAL_ADDRESS.split(':')[1]), TEST_UI_PORT, (doc) => {
      doc.temporal = { ...doc.temporal, task_queue: harness.config.temporal.taskQueue, embedded: false };
      doc.storage = { ...doc.storage, database: harness.config.storage.database };
    });
  });
  after(async () => {
    await harness?.client.schedule
      .getHandle(scheduleId)
      .delete()
      .catch(() => undefined);
    await harness?.close();
  });

  it('creates a schedule with the documented defaults and the batch input; list and describe show it', async () => {
    ok(
      await cli(
        'schedule',
        'create',
        '--cron',
        '0 6 * * *',
        '--id',
        scheduleId,
        '--sites',
        'mitula',
        '--max-pages',
        '1',
        '--label',
        'nightly',
      ),
      'create',
    );
    const described = await describeJson();
    assert.equal(described.cron, '0 6 * * *');
    assert.equal(described.timezone, 'America/Mexico_City');
    assert.equal(described.overlap, 'SKIP');
    assert.equal(described.catchupWindowMs, 3_600_000);
    assert.equal(described.workflowType, 'batchWorkflow');
    assert.equal(described.taskQueue, harness.config.temporal.taskQueue);
    assert.deepEqual(described.input, { sites: ['mitula'], maxPages: 1, label: 'nightly' });
    assert.equal(described.paused, false);
    // 06:00 in Mexico City is 12:00 UTC (no daylight saving there since 2022).
    assert.match(described.nextRuns[0], /T12:00:00\.000Z$/);

    const listed = await cli('schedule', 'list', '--json');
    ok(listed, 'list');
    const mine = (JSON.parse(listed.stdout) as Array<{ scheduleId: string; cron: string; timezone: string }>).find(
      (s) => s.scheduleId === scheduleId,
    );
    assert.deepEqual([mine?.cron, mine?.timezone], ['0 6 * * *', 'America/Mexico_City']);
    const text = await cli('schedule', 'describe', scheduleId);
    assert.match(text.stdout, /cron 0 6 \* \* \* in America\/Mexico_City · overlap SKIP · catch-up window 60 min/);

    const again = await cli('schedule', 'create', '--cron', '@daily', '--id', scheduleId);
    assert.equal(again.code, 1);
    assert.match(again.stderr, new RegExp(`^error: a schedule with id "${scheduleId}" already exists`));
  });

  it('refuses a start-URL CSV with a mistake in one line naming file, line and value, and creates no schedule', async () => {
    const badId = `${scheduleId}-badcsv`;
    const urlsDir = mkdtempSync(join(tmpdir(), 'orchestrator-bad-urls-'));
    writeFileSync(
      join(urlsDir, 'mitula.csv'),
      'url,max_pages\nhttps://casas.mitula.mx/casas/venta-zapopan-jalisco,1\nhttp://169.254.169.254/latest/meta-data/,1\n',
    );
    const bad = writeTempConfig(Number(TEST_TEMPORAL_ADDRESS.split(':')[1]), TEST_UI_PORT, (doc) => {
      doc.temporal = { ...doc.temporal, task_queue: harness.config.temporal.taskQueue, embedded: false };
      doc.storage = { ...doc.storage, database: harness.config.storage.database, urls_dir: urlsDir };
    });
    const result = await runCli([
      '--config',
      bad.path,
      'schedule',
      'create',
      '--cron',
      '0 6 * * *',
      '--id',
      badId,
      '--sites',
      'mitula',
    ]);
    assert.equal(result.code, 1, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stderr, /^error: .*mitula\.csv: line 3: host 169\.254\.169\.254 is a link-local address/);
    assert.equal(result.stderr.trimEnd().split('\n').length, 1, result.stderr);
    assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
    await assert.rejects(
      harness.client.schedule.getHandle(badId).describe(),
      ScheduleNotFoundError,
      'no schedule was created',
    );
  });

  it('pauses and unpauses', async () => {
    ok(await cli('schedule', 'pause', scheduleId, '--note', 'portal maintenance'), 'pause');
    let described = await describeJson();
    assert.deepEqual([described.paused, described.note], [true, 'portal maintenance']);
    ok(await cli('schedule', 'unpause', scheduleId), 'unpause');
    described = await describeJson();
    assert.equal(described.paused, false);
  });

  it('trigger and backfill start batches that complete under their scheduled ids', async () => {
    ok(await cli('schedule', 'trigger', scheduleId), 'trigger');
    const [triggered] = await runs(1);
    assert.match(triggered, new RegExp(`^batch-${scheduleId}-`));
    const first = await harness.client.workflow.getHandle(triggered).result();
    assert.equal(first.status, 'completed', JSON.stringify(first.sites));

    // One scheduled time (2025-11-26 06:00 Mexico City) lies in the backfilled day.
    ok(
      await cli('schedule', 'backfill', scheduleId, '--start', '2025-11-26T00:00:00Z', '--end', '2025-11-27T00:00:00Z'),
      'backfill',
    );
    const backfilled = (await runs(2)).find((id) => id !== triggered)!;
    assert.equal(backfilled, `batch-${scheduleId}-2025-11-26T12:00:00Z`);
    const second = await harness.client.workflow.getHandle(backfilled).result();
    assert.equal(second.status, 'completed', JSON.stringify(second.sites));

    const db = await openDatabase(harness.config.storage.database, { readonly: true });
    try {
      const batch = await getBatch(db, `${scheduleId}-2025-11-26T12:00:00Z`);
      assert.deepEqual([batch?.status, batch?.label, batch?.sites], ['completed', 'nightly', ['mitula']]);
    } finally {
      await db.destroy();
    }
    const described = await describeJson();
    assert.equal(described.actionsTaken, 2);
  });

  it('deletes the schedule; an unknown schedule is one line naming the known ones', async () => {
    ok(await cli('schedule', 'delete', scheduleId), 'delete');
    const gone = await cli('schedule', 'describe', scheduleId);
    assert.equal(gone.code, 1);
    assert.match(
      gone.stderr.trim(),
      new RegExp(`^error: unknown schedule "${scheduleId}"(: the schedules are .*|: there are no schedules.*)$`),
    );
  });
});
