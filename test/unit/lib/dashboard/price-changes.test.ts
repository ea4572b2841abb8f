/** Price changes per batch and the latest ones, on test/support/market-fixture.ts. */
import assert from 'node:assert/strict';
import { changePercent, latestPriceChanges, priceChangeSummaries } from '../../../../lib/dashboard/price-changes';
import { MARKET_BATCHES, marketHistory } from '../../../support/market-fixture';
import { describeOnEachBackend } from '../../../support/store-backends';
import { storeForEachTest } from '../../../support/store-fixture';

describeOnEachBackend('dashboard: price changes', (backend) => {
  const store = storeForEachTest(marketHistory, backend);

  it('counts per batch the changes, rises and falls; the median change is over changes within one currency', async () => {
    assert.deepEqual(await priceChangeSummaries(store(), 30), [
      {
        batchId: 'b1',
        batchCreatedAt: MARKET_BATCHES[0].createdAt,
        changes: 0,
        up: 0,
        down: 0,
        medianChangePercent: null,
      },
      // a +50%, h −10%, i 1000 MXN → 60 USD (no percentage): median of +50 and −10.
      {
        batchId: 'b2',
        batchCreatedAt: MARKET_BATCHES[1].createdAt,
        changes: 3,
        up: 1,
        down: 1,
        medianChangePercent: 20,
      },
    ]);
  });

  it('lists the latest changes with their listings', async () => {
    const rows = await latestPriceChanges(store(), 10);
    assert.deepEqual(
      rows
        .map((row) => [row.externalId, row.oldPrice, row.oldCurrency, row.price, row.currency, row.title, row.batchId])
        .sort(),
      [
        ['a', 100, 'MXN', 150, 'MXN', 'Casa a', 'b2'],
        ['h', 200, 'MXN', 180, 'MXN', 'Casa h', 'b2'],
        ['i', 1000, 'MXN', 60, 'USD', 'Casa i', 'b2'],
      ],
    );
    assert.equal((await latestPriceChanges(store(), 2)).length, 2);
  });

  it('has no percentage across currencies or from a price that was not known', () => {
    assert.equal(changePercent({ oldPrice: 200, oldCurrency: 'MXN', price: 180, currency: 'MXN' }), -10);
    assert.equal(changePercent({ oldPrice: 1000, oldCurrency: 'MXN', price: 60, currency: 'USD' }), null);
    assert.equal(changePercent({ oldPrice: null, oldCurrency: null, price: 60, currency: 'USD' }), null);
  });
});
