/** Median prices per batch and group, on the hand-filled store of test/support/market-fixture.ts, numbers written out. */
import assert from 'node:assert/strict';
import { areaOf, marketMedians } from '../../../../lib/dashboard/market';
import { MARKET_BATCHES, marketHistory } from '../../../support/market-fixture';
import { describeOnEachBackend } from '../../../support/store-backends';
import { storeForEachTest } from '../../../support/store-fixture';

describeOnEachBackend('dashboard: market medians', (backend) => {
  const store = storeForEachTest(marketHistory, backend);

  const cell = (batchId: string, city: string, propertyType: string, operation: string, currency: string) => ({
    batchId,
    batchCreatedAt: MARKET_BATCHES.find((batch) => batch.id === batchId)!.createdAt,
    city,
    propertyType,
    operation,
    currency,
  });
  /**
   * A group's figures: `listings` priced, at a median of `medianPrice`; `withArea` of them with an
   * area, at a median of `medianPricePerM2` a m² (none: no area, no median).
   */
  const figures = (listings: number, medianPrice: number, withArea = 0, medianPricePerM2: number | null = null) => ({
    listings,
    medianPrice,
    withArea,
    medianPricePerM2,
  });

  it('per batch and city × type × operation × currency: priced listings, median price, median per m², at the prices of the time', async () => {
    assert.deepEqual(await marketMedians(store(), 30), [
      // a at 100 as in b1 (150 only from b2), c, t; e has no price. Per m²: a 10, b 10.
      { ...cell('b1', 'CDMX', 'house', 'sale', 'MXN'), ...figures(4, 300, 2, 10) },
      // i at 1000 MXN as in b1 (60 USD only from b2).
      { ...cell('b1', 'Puebla', 'apartment', 'rent', 'MXN'), ...figures(3, 200) },
      // 150, 200, 300, 500 → 250; per m² 15, 10, 10 (land area), 20 → 12.5.
      { ...cell('b2', 'CDMX', 'house', 'sale', 'MXN'), ...figures(4, 250, 4, 12.5) },
      { ...cell('b2', 'CDMX', 'house', 'sale', 'USD'), ...figures(1, 100) },
      { ...cell('b2', 'Puebla', 'apartment', 'rent', 'MXN'), ...figures(1, 180) },
      { ...cell('b2', 'Puebla', 'apartment', 'rent', 'USD'), ...figures(1, 60) },
    ]);
  });

  it('covers only the latest batches asked for', async () => {
    assert.deepEqual(
      (await marketMedians(store(), 1)).map((c) => c.batchId),
      ['b2', 'b2', 'b2', 'b2'],
    );
  });

  it('divides by the built area, else the land area, and never by nothing', () => {
    assert.equal(areaOf(25, 300), 25);
    assert.equal(areaOf(null, 30), 30);
    assert.equal(areaOf(0, 30), 30);
    assert.equal(areaOf(0, null), null);
  });
});
