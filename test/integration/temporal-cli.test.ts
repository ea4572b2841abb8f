/**
 * The README's "Using the Temporal CLI" lines, run as a reader would paste them into bash, with
 * the provisioned `temporal` binary against the real test server: the started batch completes
 * under our workers and is found by its BatchId; the created schedule has the documented spec and
 * policies, a trigger starts a batch that completes, and delete removes it. The lines come from
 * client/temporal-cli-lines.ts, which renders the README block (test/unit/client/temporal-cli-lines.test.ts);
 * only the task queue and the ids differ, so runs never collide.
 */
import { strict as assert } from 'node:assert';
import { dirname } from 'node:path';
import { ScheduleNotFoundError } from '@temporalio/client';
import {
  README_VALUES,
  scheduleCreateArgs,
  scheduleDeleteArgs,
  scheduleTriggerArgs,
  shellLine,
  workflowListArgs,
  workflowStartArgs,
  type CliLineValues,
} from '../../client/temporal-cli-lines';
import { getBatch } from '../../lib/store/batches';
import { openDatabase } from '../../lib/store/database';
import { findTemporalCli } from '../../lib/temporal/cli-binary';
import { startBatchHarness, type BatchHarness } from '../support/batch-harness';
import { runProgram, type CliResult } from '../support/cli';
import { TEST_TEMPORAL_ADDRESS } from '../support/temporal-server';
import { until } from '../support/wait';

/** Run one README line through bash, with the provisioned `temporal` first on PATH and the test server as TEMPORAL_ADDRESS. */
function bash(line: string): Promise<CliResult> {
  const cli = findTemporalCli()!;
  return runProgram('bash', ['-c', line], {
    ...process.env,
    PATH: `${dirname(cli.path)}:${process.env.PATH}`,
    TEMPORAL_ADDRESS: TEST_TEMPORAL_ADDRESS,
  });
}

describe('README Temporal CLI lines (real temporal binary, real server)', function () {
  this.timeout(240_000);
  let harness: BatchHarness;
  let values: CliLineValues;

  before(async () => {
    // Workers with only mitula configured: the schedule's input leaves the sites to the config.
    harness = await startBatchHarness({
      taskQueue: `test-temporal-cli-${Date.now()}`,
      sites: ['mitula'],
      pagesPerSearch: 1,
    });
    const stamp = Date.now();
    values = {
      ...README_VALUES,
      taskQueue: harness.config.temporal.taskQueue,
      batchId: `${stamp}-cli`,
      scheduleId: `daily-batch-${stamp}`,
    };
  });
  after(async () => {
    await harness?.client.schedule
      .getHandle(values.scheduleId)
      .delete()
      .catch(() => undefined);
    await harness?.close();
  });

  it('temporal workflow start runs a batch that completes and is found by its BatchId', async () => {
    const start = await bash(shellLine(workflowStartArgs(values)));
    assert.equal(start.code, 0, start.stderr);
    const workflowId = `batch-${values.batchId}`;
    const result = await harness.client.workflow.getHandle(workflowId).result();
    assert.equal(result.status, 'completed', JSON.stringify(result.sites));
    assert.equal(result.batchId, values.batchId);
    assert.deepEqual(
      result.sites.map((site: { site: string }) => site.site),
      ['mitula'],
    );
    assert.ok(result.sites[0].pages === 3, `maxPages 1 over mitula's three start URLs: ${result.sites[0].pages} pages`);

    const db = await openDatabase(harness.config.storage.database);
    try {
      assert.equal((await getBatch(db, values.batchId))?.status, 'completed');
    } finally {
      await db.destroy();
    }
    // Visibility is eventually consistent: the list shows the batch and its site child once indexed.
    const listed = await until('the batch and its child in `temporal workflow list`', async () => {
      const list = await bash(shellLine(workflowListArgs(values)));
      return list.stdout.includes(`${workflowId}/mitula`) && list.stdout.includes(workflowId) ? list : null;
    });
    assert.match(listed.stdout, /Completed/);
  });

  it('temporal schedule create makes the daily schedule; trigger starts a batch that completes; delete removes it', async () => {
    const create = await bash(shellLine(scheduleCreateArgs(values)));
    assert.equal(create.code, 0, create.stderr);
    const handle = harness.client.schedule.getHandle(values.scheduleId);
    const described = await handle.describe();
    assert.equal(described.spec.timezone, 'America/Mexico_City');
    assert.deepEqual(
      described.spec.calendars?.map((c) => [c.hour, c.minute]),
      [[[{ start: 6, end: 6, step: 1 }], [{ start: 0, end: 0, step: 1 }]]],
    );
    assert.equal(described.policies.overlap, 'SKIP');
    assert.equal(described.policies.catchupWindow, 3_600_000);
    assert.equal(described.action.workflowType, 'batchWorkflow');
    assert.equal(described.action.taskQueue, values.taskQueue);
    assert.deepEqual(described.action.args, [{ maxPages: 5 }]);

    const trigger = await bash(shellLine(scheduleTriggerArgs(values)));
    assert.equal(trigger.code, 0, trigger.stderr);
    const workflowId = await until(
      'the triggered run',
      async () => (await handle.describe()).info.recentActions[0]?.action.workflow.workflowId ?? null,
    );
    assert.match(workflowId, new RegExp(`^batch-${values.scheduleId}-`));
    const result = await harness.client.workflow.getHandle(workflowId).result();
    assert.equal(result.status, 'completed', JSON.stringify(result.sites));
    assert.equal(result.batchId, workflowId.slice('batch-'.length));

    const remove = await bash(shellLine(scheduleDeleteArgs(values)));
    assert.equal(remove.code, 0, remove.stderr);
    await assert.rejects(handle.describe(), ScheduleNotFoundError);
  });
});
