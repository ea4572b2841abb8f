/** The batches the Runs and Data health views show: the batch report's figures, durations from the transitions. */
import assert from 'node:assert/strict';
import { runHistory } from '../../../../lib/dashboard/run-history';
import { buildBatchReport } from '../../../../lib/report/batch-report';
import { marketHistory } from '../../../support/market-fixture';
import { describeOnEachBackend } from '../../../support/store-backends';
import { storeForEachTest } from '../../../support/store-fixture';

describeOnEachBackend('dashboard: run history', (backend) => {
  const store = storeForEachTest(marketHistory, backend);

  it('gives the latest batches oldest first, each site with the metrics its report has', async () => {
    const history = await runHistory(store());
    assert.deepEqual(
      history.map((run) => run.batch.id),
      ['b1', 'b2'],
    );
    for (const run of history) {
      const report = await buildBatchReport(store(), run.batch.id, { listingLimit: 0 });
      assert.deepEqual(
        run.sites.map((site) => [site.site, site.mainState, site.metrics, site.metricsSource]),
        report.sites.map((site) => [site.site, site.mainState, site.metrics, site.metricsSource]),
      );
      assert.deepEqual(run.alerts, report.alerts);
    }
    const lamudi = history[1].sites.find((site) => site.site === 'lamudi')!;
    assert.deepEqual(
      [
        lamudi.metrics.listingsSeen,
        lamudi.metrics.listingsNew,
        lamudi.metrics.listingsRemoved,
        lamudi.metrics.priceChanges,
      ],
      [8, 3, 2, 3],
    );
    const trovit = history[1].sites.find((site) => site.site === 'trovit')!;
    assert.deepEqual([trovit.mainState, trovit.metrics.pagesFailed], ['failed', 1]);
    assert.deepEqual(
      (await runHistory(store(), 1)).map((run) => run.batch.id),
      ['b2'],
    );
  });

  it('times the batch from creation to its end and each site from running to its last state', async () => {
    const b2 = (await runHistory(store()))[1];
    assert.equal(b2.durationMs, 120_000);
    assert.equal(b2.sites.find((site) => site.site === 'lamudi')!.durationMs, 90_000);
  });
});
