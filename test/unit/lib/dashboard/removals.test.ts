/** Removed listings and their days listed, on test/support/market-fixture.ts. */
import assert from 'node:assert/strict';
import { removals } from '../../../../lib/dashboard/removals';
import { marketHistory } from '../../../support/market-fixture';

import { storeForEachTest } from '../../../support/store-fixture';
describe('dashboard: removed listings', () => {
  const store = storeForEachTest(marketHistory);

  it('are the listings a later completed batch of their site no longer saw (not those of a site that failed since)', () => {
    const { listings } = removals(store(), 30);
    assert.deepEqual(
      listings.map((listing) => [listing.site, listing.externalId, listing.removedInBatchId, listing.daysListed]),
      [
        ['lamudi', 'c', 'b2', 31],
        ['lamudi', 'j', 'b2', 2],
      ],
    );
  });

  it('are grouped and split at N days listed', () => {
    const group = (city: string, propertyType: string, operation: string) => ({ city, propertyType, operation });
    assert.deepEqual(removals(store(), 30).groups, [
      { ...group('CDMX', 'house', 'sale'), removed: 1, withinDays: 0, afterDays: 1, medianDaysListed: 31 },
      { ...group('Puebla', 'apartment', 'rent'), removed: 1, withinDays: 1, afterDays: 0, medianDaysListed: 2 },
    ]);
    assert.deepEqual(
      removals(store(), 1).groups.map((g) => [g.withinDays, g.afterDays]),
      [
        [0, 1],
        [0, 1],
      ],
    );
    assert.deepEqual(
      removals(store(), 31).groups.map((g) => [g.withinDays, g.afterDays]),
      [
        [1, 0],
        [1, 0],
      ],
    );
  });
});
