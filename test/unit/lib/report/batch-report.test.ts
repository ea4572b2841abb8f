/**
 * The batch report from a recorded history: new, changed (with the old price) and removed
 * listings against the site's previous batch, totals, metrics stored or computed, failed sites
 * without a removal count, and an unknown batch as a user error.
 */
import { strict as assert } from 'node:assert';
import { UserInputError } from '../../../../lib/errors';
import { computeSiteMetrics, storeSiteMetrics } from '../../../../lib/metrics/site-metrics';
import { storeAlerts } from '../../../../lib/metrics/alerts';
import { buildBatchReport } from '../../../../lib/report/batch-report';
import { renderReport } from '../../../../client/report-view';
import { mergeDetail } from '../../../../lib/store/listings';
import { describeOnEachBackend } from '../../../support/store-backends';
import { card, twoBatchHistory, storeForEachTest } from '../../../support/store-fixture';

describeOnEachBackend('batch report', (backend) => {
  const store = storeForEachTest(twoBatchHistory, backend);

  it('lists the new, repriced and removed listings of a site against its previous batch', async () => {
    const report = await buildBatchReport(store(), 'b2');
    const lamudi = report.sites.find((site) => site.site === 'lamudi')!;
    assert.deepEqual(
      lamudi.newListings.map((l) => [l.externalId, l.price]),
      [['d', 400]],
    );
    assert.deepEqual(
      lamudi.changedListings.map((l) => [l.externalId, l.previousPrice, l.price]),
      [['b', 200, 250]],
    );
    assert.deepEqual(
      lamudi.removedListings.map((l) => [l.externalId, l.title, l.price]),
      [['c', 'Casa c', 300]],
    );
    assert.equal(lamudi.metrics.previousBatchId, 'b1');
    assert.equal(lamudi.metrics.listingsRemoved, 1);
    assert.equal(lamudi.mainState, 'completed');
    assert.deepEqual(report.totals, {
      pagesFetched: 2,
      pagesFailed: 1,
      listingsSeen: 3,
      listingsNew: 1,
      listingsUpdated: 1,
      listingsRemoved: 1,
      priceChanges: 1,
    });
  });

  it('shows no previous price for a new listing whose detail page revealed its price', async () => {
    await mergeDetail(store(), 'b2', card('lamudi', 'd', 450));
    const lamudi = (await buildBatchReport(store(), 'b2')).sites.find((site) => site.site === 'lamudi')!;
    assert.deepEqual(lamudi.newListings, [
      {
        site: 'lamudi',
        externalId: 'd',
        title: 'Casa d',
        url: 'https://www.lamudi.com.mx/detalle/d',
        price: 450,
        currency: 'MXN',
      },
    ]);
  });

  it('gives a failed site no removal count and its error, and computes metrics the batch did not store', async () => {
    await storeSiteMetrics(store(), 'b2', await computeSiteMetrics(store(), 'b2', 'lamudi', true));
    const report = await buildBatchReport(store(), 'b2');
    const trovit = report.sites.find((site) => site.site === 'trovit')!;
    assert.equal(trovit.mainState, 'failed');
    assert.equal(trovit.error, 'ServerError: 500 from casas.trovit.com.mx');
    assert.equal(trovit.metrics.listingsRemoved, null, 'a failed site has no baseline comparison');
    assert.deepEqual(trovit.removedListings, []);
    assert.equal(trovit.metrics.pagesFailed, 1);
    assert.equal(trovit.metricsSource, 'computed');
    assert.equal(report.sites.find((site) => site.site === 'lamudi')!.metricsSource, 'stored');
  });

  it('the first batch of a site has nothing removed and everything new', async () => {
    const report = await buildBatchReport(store(), 'b1');
    const lamudi = report.sites.find((site) => site.site === 'lamudi')!;
    assert.equal(lamudi.metrics.listingsRemoved, null);
    assert.deepEqual(
      lamudi.newListings.map((l) => l.externalId),
      ['a', 'b', 'c'],
    );
    assert.equal(report.totals.listingsRemoved, null);
  });

  it('keeps the counts but lists no listings with a limit of 0, and at most the limit otherwise', async () => {
    assert.deepEqual((await buildBatchReport(store(), 'b2', { listingLimit: 0 })).sites[0].newListings, []);
    assert.equal((await buildBatchReport(store(), 'b2', { listingLimit: 0 })).totals.listingsNew, 1);
    assert.deepEqual(
      (await buildBatchReport(store(), 'b1', { listingLimit: 2 })).sites[0].newListings.map((l) => l.externalId),
      ['a', 'b'],
    );
  });

  it('shows alerts and renders every site, the totals and the listings as text', async () => {
    await storeAlerts(store(), [
      {
        batchId: 'b2',
        site: 'trovit',
        kind: 'site_failed',
        message: 'trovit: scraping failed after its retries (1 page(s) failed)',
      },
    ]);
    const text = renderReport(await buildBatchReport(store(), 'b2'));
    assert.match(text, /^Batch b2: completed_with_errors/);
    assert.match(text, /lamudi\s+completed\s+–\s+2\s+0\s+3\s+1\s+1\s+1\s+1/);
    assert.match(text, /site_failed · trovit: scraping failed/);
    assert.match(text, /lamudi · changed:\n\s+b\s+250 MXN \(was 200 MXN\)\s+Casa b/);
    assert.match(text, /lamudi · removed:\n\s+c\s+300 MXN\s+Casa c/);
    assert.match(text, /trovit: ServerError: 500/);
  });

  it('refuses an unknown batch with one line naming it', async () => {
    await assert.rejects(
      buildBatchReport(store(), 'nope'),
      (error: Error) => error instanceof UserInputError && /unknown batch "nope"/.test(error.message),
    );
  });
});
