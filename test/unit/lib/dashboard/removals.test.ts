/** Removed listings and their days listed, on test/support/market-fixture.ts. */
import assert from 'node:assert/strict';
import { removals } from '../../../../lib/dashboard/removals';
import { marketHistory } from '../../../support/market-fixture';
import { describeOnEachBackend } from '../../../support/store-backends';
import { storeForEachTest } from '../../../support/store-fixture';

describeOnEachBackend('dashboard: removed listings', (backend) => {
  const store = storeForEachTest(marketHistory, backend);

  it('are the listings a later completed batch of their site no longer saw (not those of a site that failed since)', async () => {
    const { listings } = await removals(store(), 30);
    assert.deepEqual(
      listings.map((listing) => [listing.site, listing.externalId, listing.removedInBatchId, listing.daysListed]),
      [
        ['lamudi', 'c', 'b2', 31],
        ['lamudi', 'j', 'b2', 2],
      ],
    );
  });

  it('are grouped and split at N days listed', async () => {
    const group = (city: string, propertyType: string, operation: string) => ({ city, propertyType, operation });
    assert.deepEqual((await removals(store(), 30)).groups, [
      { ...group('CDMX', 'house', 'sale'), removed: 1, withinDays: 0, afterDays: 1, medianDaysListed: 31 },
      { ...group('Puebla', 'apartment', 'rent'), removed: 1, withinDays: 1, afterDays: 0, medianDaysListed: 2 },
    ]);
    assert.deepEqual(
      (await removals(store(), 1)).groups.map((g) => [g.withinDays, g.afterDays]),
      [
        [0, 1],
        [0, 1],
      ],
    );
    assert.deepEqual(
      (await removals(store(), 31)).groups.map((g) => [g.withinDays, g.afterDays]),
      [
        [1, 0],
        [1, 0],
      ],
    );
  });
});
