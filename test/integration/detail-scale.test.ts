/**
 * A detail run over more than 5,000 URLs completes, and no run of any workflow of the batch
 * exceeds the history bound: every run's history is fetched and counted.
 */
import { strict as assert } from 'node:assert';
import type { Client } from '@temporalio/client';
import { openDatabase } from '../../lib/store/database';
import { detailCounts } from '../../lib/store/detail-queue';
import { startBatchHarness, type BatchHarness } from '../support/batch-harness';

/** Every run of a workflow id, newest first, by following continued-as-new links backwards. */
async function runHistories(client: Client, workflowId: string) {
  const runs = [];
  let runId: string | undefined;
  for (;;) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    runs.push(history);
    const previous = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
    if (!previous) return runs;
    runId = previous;
  }
}

describe('detail workflow at scale (real dev server, local mirror)', function () {
  this.timeout(900_000);
  let harness: BatchHarness;
  const PAGES = 60; // 3 searches × (59 × 30 + 15) = 5,355 Lamudi listings, one detail page each

  before(async () => {
    harness = await startBatchHarness({
      taskQueue: `test-detail-scale-${Date.now()}`,
      sites: ['lamudi'],
      pagesPerSearch: PAGES,
      // Window activities make a page cost a fraction of an event: a lower bound keeps continue-as-new exercised.
      edit: (config) => ({ ...config, batch: { ...config.batch, maxHistoryEventsPerRun: 300 } }),
      startUrls: {
        lamudi: [
          { url: 'https://www.lamudi.com.mx/jalisco/zapopan/casa/for-sale/', maxPages: PAGES },
          { url: 'https://www.lamudi.com.mx/jalisco/guadalajara/departamento/for-rent/', maxPages: PAGES },
          { url: 'https://www.lamudi.com.mx/nuevo-leon/monterrey/terreno/for-sale/', maxPages: PAGES },
        ],
      },
    });
  });
  after(() => harness?.close());

  it('carries 5,000+ detail URLs through continue-as-new with every run under the history bound', async () => {
    const result = await harness.runBatch('batch-it-detail-scale', { sites: ['lamudi'] });
    assert.equal(result.status, 'completed', JSON.stringify(result.sites));
    const expected = harness.expectedRecords('lamudi');
    assert.ok(expected.length >= 5000, `only ${expected.length} listings`);
    assert.equal(result.sites[0].detail?.done, expected.length);

    const db = await openDatabase(harness.config.storage.database);
    try {
      assert.deepEqual(await detailCounts(db, 'it-detail-scale', 'lamudi'), {
        pending: 0,
        done: expected.length,
        failed: 0,
        skipped: 0,
      });
    } finally {
      await db.destroy();
    }

    const bound = harness.config.batch.maxHistoryEventsPerRun;
    const counts: Record<string, number[]> = {};
    for (const workflowId of [
      'batch-it-detail-scale',
      'batch-it-detail-scale/lamudi',
      'batch-it-detail-scale/lamudi/detail',
    ]) {
      counts[workflowId] = (await runHistories(harness.client, workflowId)).map((history) => history.events!.length);
    }
    for (const [workflowId, lengths] of Object.entries(counts)) {
      for (const length of lengths)
        assert.ok(length <= bound, `${workflowId}: a run has ${length} events, over ${bound}`);
    }
    assert.ok(counts['batch-it-detail-scale/lamudi/detail'].length > 1, 'the detail workflow continued as new');
    console.log(`      history events per run: ${JSON.stringify(counts)}`);
  });
});
