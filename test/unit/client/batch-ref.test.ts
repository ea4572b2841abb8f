/**
 * Naming batches: either the batch id or the workflow id finds a batch; a retry re-runs exactly
 * the failed sites with the batch's options and refuses a running batch or one with no failure;
 * site names are checked against the configuration.
 */
import { strict as assert } from 'node:assert';
import { batchIdCandidates, findBatchRow } from '../../../client/batch-ref';
import { UserInputError } from '../../../lib/errors';
import { checkBatchSites, failedSites, retryInput } from '../../../lib/schedule/batch-input';
import { retryBatchWorkflowId } from '../../../lib/contract/names';
import { getBatch, getTasks, setBatchStatus } from '../../../lib/store/batches';
import { testConfig } from '../../support/test-config';
import { describeOnEachBackend } from '../../support/store-backends';
import { addBatch, twoBatchHistory, storeForEachTest } from '../../support/store-fixture';

const userError = (pattern: RegExp) => (error: Error) => error instanceof UserInputError && pattern.test(error.message);

describe('batch ids', () => {
  it('reads a workflow id or a batch id', () => {
    assert.deepEqual(batchIdCandidates('20251128-060000'), [
      { batchId: '20251128-060000', workflowId: 'batch-20251128-060000' },
    ]);
    assert.deepEqual(batchIdCandidates(' batch-20251128-060000 '), [
      { batchId: '20251128-060000', workflowId: 'batch-20251128-060000' },
      { batchId: 'batch-20251128-060000', workflowId: 'batch-batch-20251128-060000' },
    ]);
    assert.throws(() => batchIdCandidates('two words'), userError(/"two words" is not a batch id/));
    assert.throws(() => batchIdCandidates(''), userError(/is not a batch id/));
  });

  it('checks sites against the configuration', () => {
    const config = testConfig({ taskQueue: 'unused' });
    checkBatchSites(config, ['lamudi', 'trovit']);
    checkBatchSites(config, undefined);
    assert.throws(
      () => checkBatchSites(config, ['lamudi', 'vivanuncios', 'x']),
      userError(/unknown sites "vivanuncios", "x": the sites in .*config\.yaml are inmuebles24/),
    );
    const disabled = {
      ...config,
      sites: config.sites.map((site) => (site.key === 'trovit' ? { ...site, enabled: false } : site)),
    };
    assert.throws(() => checkBatchSites(disabled, ['trovit']), userError(/site trovit is disabled/));
  });
});

describeOnEachBackend('batch ids in the store', (backend) => {
  const store = storeForEachTest(async (db) => {
    await twoBatchHistory(db);
    // A batch whose own id starts with "batch-": its workflow id is batch-batch-odd.
    await addBatch(db, 'batch-odd', ['lamudi'], '2025-11-29T06:00:00.000Z');
  }, backend);

  it('finds the same batch by either id, and lets the database settle a batch id starting with batch-', async () => {
    assert.equal((await findBatchRow(store(), 'b2'))!.row.id, 'b2');
    assert.equal((await findBatchRow(store(), 'batch-b2'))!.row.id, 'b2');
    assert.equal((await findBatchRow(store(), 'batch-b2'))!.workflowId, 'batch-b2');
    assert.equal((await findBatchRow(store(), 'batch-odd'))!.batchId, 'batch-odd');
    assert.equal((await findBatchRow(store(), 'batch-batch-odd'))!.batchId, 'batch-odd');
    assert.equal(await findBatchRow(store(), 'nope'), null);
    assert.equal(await findBatchRow(null, 'b2'), null);
  });

  it('retries exactly the failed sites, with the options of the batch, linked to it', async () => {
    const batch = (await getBatch(store(), 'b2'))!;
    assert.deepEqual(failedSites(batch, await getTasks(store(), 'b2')), ['trovit']);
    assert.deepEqual(retryInput(batch, await getTasks(store(), 'b2')), {
      sites: ['trovit'],
      maxPages: 3,
      label: 'nightly',
      parentBatchId: 'b2',
    });
    assert.equal(retryBatchWorkflowId('b2', 1), 'batch-b2-retry1');
    assert.equal(retryBatchWorkflowId('b2', 3), 'batch-b2-retry3');
  });

  it('refuses to retry a running batch or one where nothing failed', async () => {
    const b1 = (await getBatch(store(), 'b1'))!;
    const b1Tasks = await getTasks(store(), 'b1');
    assert.throws(() => retryInput(b1, b1Tasks), userError(/batch b1 has no failed site to retry/));
    await setBatchStatus(store(), 'b2', 'running');
    const b2 = (await getBatch(store(), 'b2'))!;
    const b2Tasks = await getTasks(store(), 'b2');
    assert.throws(() => retryInput(b2, b2Tasks), userError(/batch b2 is still running: wait for it to end/));
  });
});
