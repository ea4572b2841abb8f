/**
 * planBatch refuses a batch it cannot plan with the same words as `run` and `schedule`
 * (lib/schedule/batch-input.ts, checkBatchStart), as a non-retryable failure: the site and the
 * file are named, and asking again gives the same answer.
 */
import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../../activities';
import { checkBatchStart } from '../../../lib/schedule/batch-input';
import { openDatabase, type Db } from '../../../lib/store/database';
import { getBatch } from '../../../lib/store/batches';
import type { AppConfig } from '../../../lib/config/types';
import type { BatchPlan } from '../../../lib/contract/payloads';
import { testConfig } from '../../support/test-config';

describe('planBatch: the site check of run and schedule', () => {
  let config: AppConfig;
  let db: Db;
  before(async () => {
    const base = testConfig({ taskQueue: 'unused', sites: ['lamudi', 'trovit'] });
    config = { ...base, sites: base.sites.map((site) => (site.key === 'trovit' ? { ...site, enabled: false } : site)) };
    db = await openDatabase(config.storage.database);
  });
  after(() => db?.destroy());

  const plan = (sites: string[], workflowId: string) => {
    const { planBatch } = createActivities({
      config,
      db,
      fetcherFor: () => assert.fail('planning fetches nothing'),
      adapterFor: () => assert.fail('planning parses nothing'),
      liftRateLimits: true,
    });
    return new MockActivityEnvironment().run(planBatch, { input: { sites }, workflowId });
  };

  for (const { sites, says } of [
    { sites: ['atlantis'], says: /unknown site "atlantis": the sites in .*config\.yaml are lamudi, trovit/ },
    { sites: ['trovit'], says: /site trovit is disabled in .*config\.yaml/ },
  ]) {
    it(`refuses ${sites.join(', ')} as run does, without retries, and plans nothing`, async () => {
      const workflowId = `batch-refused-${sites.join('-')}`;
      const error = await plan(sites, workflowId).then(
        () => assert.fail('the plan should be refused'),
        (failure: unknown) => failure,
      );
      assert.ok(error instanceof ApplicationFailure, String(error));
      assert.equal(error.nonRetryable, true);
      assert.match(error.message, says);
      assert.throws(() => checkBatchStart(config, sites), { message: error.message });
      assert.equal(await getBatch(db, workflowId.replace(/^batch-/, '')), null);
    });
  }

  it('plans the sites it was given', async () => {
    const planned = (await plan(['lamudi'], 'batch-planned')) as BatchPlan;
    assert.deepEqual(
      planned.sites.map((site) => site.site),
      ['lamudi'],
    );
    assert.equal((await getBatch(db, planned.batchId))!.status, 'running');
  });
});
