/**
 * A running batch answers its progress query, carries its search attributes, and when cancelled
 * cancels its children and their running activities; SQLite records the cancellation.
 */
import { strict as assert } from 'node:assert';
import { CancelledFailure, WorkflowFailedError } from '@temporalio/client';
import { startBatch } from '../../client/batch-client';
import { getBatch, getTasks, getTransitions } from '../../lib/store/batches';
import { openDatabase } from '../../lib/store/database';
import { checkTransitionChain } from '../../lib/contract/statuses';
import { progressQuery } from '../../workflows/messages';
import { BatchIdKey, BatchStatusKey, SiteKey } from '../../lib/contract/search-attributes';
import { startBatchHarness, type BatchHarness } from '../support/batch-harness';

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('progress and cancellation (real dev server, local mirror)', function () {
  this.timeout(180_000);
  let harness: BatchHarness;

  before(async () => {
    harness = await startBatchHarness({
      taskQueue: `test-cancel-${Date.now()}`,
      sites: ['inmuebles24', 'lamudi'],
      pagesPerSearch: 3,
    });
    for (const site of ['inmuebles24', 'lamudi']) harness.mirror.setFaults(site, { slowMs: 1500 });
  });
  after(() => harness?.close());

  it('reports progress per site while running, then cancels children and activities', async () => {
    const handle = await startBatch(harness.client, harness.config, {}, 'batch-it-cancel');
    const progress = await until('pages on both sites', async () => {
      const current = await handle.query(progressQuery);
      return current.sites.every((site) => site.pages >= 1) ? current : undefined;
    });
    assert.equal(progress.batchId, 'it-cancel');
    assert.equal(progress.status, 'running');
    assert.deepEqual(progress.sites.map((s) => s.site).sort(), ['inmuebles24', 'lamudi']);
    for (const site of progress.sites) {
      assert.equal(site.state, 'running', JSON.stringify(site));
      assert.equal(site.plannedPages, 9);
    }
    const described = await handle.describe();
    assert.equal(described.typedSearchAttributes.get(BatchIdKey), 'it-cancel');
    const child = await harness.client.workflow.getHandle('batch-it-cancel/lamudi').describe();
    assert.equal(child.typedSearchAttributes.get(SiteKey), 'lamudi');
    assert.match((await child.staticSummary()) ?? '', /lamudi/);

    await handle.cancel();
    await assert.rejects(
      handle.result(),
      (error: unknown) => error instanceof WorkflowFailedError && error.cause instanceof CancelledFailure,
    );
    for (const site of ['inmuebles24', 'lamudi']) {
      const childHandle = harness.client.workflow.getHandle(`batch-it-cancel/${site}`);
      const state = await until(`${site} child cancelled`, async () => {
        const d = await childHandle.describe();
        return d.status.name === 'CANCELLED' && (d.raw.pendingActivities?.length ?? 0) === 0
          ? d.status.name
          : undefined;
      });
      assert.equal(state, 'CANCELLED');
    }
    const db = await openDatabase(harness.config.storage.database);
    try {
      assert.equal((await getBatch(db, 'it-cancel'))!.status, 'cancelled');
      for (const task of await getTasks(db, 'it-cancel')) {
        assert.ok(['failed', 'skipped'].includes(task.state), `${task.id} is ${task.state}`);
        const chain = await getTransitions(db, task.id);
        assert.deepEqual(checkTransitionChain(chain), [], task.id);
        // Each running child marks its own task; the batch marks those no child could (lamudi's
        // detail task: its child never started).
        assert.equal(chain.at(-1)!.reason, 'batch cancelled', task.id);
      }
      assert.deepEqual(
        (await getTransitions(db, 'it-cancel/lamudi/detail')).map((t) => t.to),
        ['pending', 'failed'],
      );
    } finally {
      await db.destroy();
    }
    const after = await handle.describe();
    assert.equal(after.typedSearchAttributes.get(BatchStatusKey), 'cancelled');
  });
});
