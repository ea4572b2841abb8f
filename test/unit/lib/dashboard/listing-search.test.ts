/** The Listings view's selection (the export's filter), its pages and the values its filters offer. */
import assert from 'node:assert/strict';
import { filterChoices, searchListings } from '../../../../lib/dashboard/listing-search';
import { countListings, exportChunks, type ExportFilter } from '../../../../lib/export/listing-export';
import { upsertCards } from '../../../../lib/store/listings';
import { marketHistory } from '../../../support/market-fixture';
import { describeOnEachBackend } from '../../../support/store-backends';
import { addBatch, card, storeForEachTest } from '../../../support/store-fixture';

describeOnEachBackend('dashboard: listing search', (backend) => {
  const store = storeForEachTest(async (db) => {
    await marketHistory(db);
    await addBatch(db, 'b3', ['lamudi'], '2025-11-03T06:00:00.000Z');
    await upsertCards(db, 'b3', [
      card('lamudi', 'p1', 10, { title: '100% Jardín_grande', description: 'CASA con ALBERCA, junto a la ESTACIÓN' }),
      card('lamudi', 'p2', 20, { title: '100 Jardines grandes' }),
    ]);
  }, backend);

  const ids = async (filter: ExportFilter) =>
    (await searchListings(store(), filter, 1, 100)).listings.map((l) => l.externalId);

  it('filters by site, city, operation, property type and price range', async () => {
    assert.deepEqual(await ids({ site: 'trovit' }), ['t']);
    assert.deepEqual(await ids({ city: 'Puebla' }), ['h', 'i', 'j']);
    assert.deepEqual(await ids({ operation: 'rent', propertyType: 'apartment', maxPrice: 100 }), ['i', 'j']);
    assert.deepEqual(await ids({ site: 'lamudi', minPrice: 150, maxPrice: 300 }), ['a', 'b', 'f', 'h']);
    assert.deepEqual(await ids({ city: 'Nowhere' }), []);
  });

  it('finds text case-insensitively in title or description, its % and _ taken literally', async () => {
    assert.deepEqual(await ids({ text: 'alberca' }), ['p1']);
    assert.deepEqual(await ids({ text: '100%' }), ['p1']);
    assert.deepEqual(await ids({ text: 'jardín_' }), ['p1']);
    assert.deepEqual(await ids({ text: 'jard' }), ['p1', 'p2']);
    // Written as the page writes it, a capital accented letter is found (both sides fold alike).
    assert.deepEqual(await ids({ text: 'ESTACIÓN' }), ['p1']);
    assert.deepEqual(await ids({ text: 'la EstaciÓn' }), ['p1']);
  });

  it('pages in (site, id) order, clamps the page to the last one and counts the whole selection', async () => {
    const first = await searchListings(store(), {}, 1, 4);
    assert.deepEqual([first.total, first.pageCount, first.page], [13, 4, 1]);
    assert.deepEqual(
      first.listings.map((l) => l.externalId),
      ['a', 'b', 'c', 'e'],
    );
    const last = await searchListings(store(), {}, 99, 4);
    assert.equal(last.page, 4);
    assert.deepEqual(
      last.listings.map((l) => `${l.site}/${l.externalId}`),
      ['trovit/t'],
    );
    assert.equal(await countListings(store(), { city: 'CDMX' }), 8);
    const none = await searchListings(store(), { city: 'Nowhere' }, 1, 4);
    assert.deepEqual([none.pageCount, none.page], [1, 1]);
  });

  it("the CSV of a filter holds the filter's rows, header first", async () => {
    let text = '';
    for await (const chunk of exportChunks(store(), 'csv', { city: 'Puebla' })) text += chunk;
    const csv = text.trimEnd().split('\r\n');
    assert.equal(csv.length, 4);
    assert.match(csv[0], /^site,externalId,url,title,/);
    assert.deepEqual(
      csv.slice(1).map((line) => line.split(',')[1]),
      ['h', 'i', 'j'],
    );
  });

  it('offers the stored values of each filter, sorted', async () => {
    assert.deepEqual(await filterChoices(store()), {
      sites: ['lamudi', 'trovit'],
      cities: ['CDMX', 'Puebla'],
      operations: ['rent', 'sale'],
      propertyTypes: ['apartment', 'house'],
    });
  });
});
