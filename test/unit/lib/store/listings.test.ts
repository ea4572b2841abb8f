import { strict as assert } from 'node:assert';
import { emptyRecord, type ListingRecord } from '../../../../lib/record/listing-record';
import { createBatch } from '../../../../lib/store/batches';
import type { Db } from '../../../../lib/store/database';
import { getListings, mergeDetail, upsertCards } from '../../../../lib/store/listings';
import type { StoreSchema } from '../../../../lib/store/schema';
import { describeOnEachBackend } from '../../../support/store-backends';
import { storeForEachTest } from '../../../support/store-fixture';

function card(id: string, price: number | null, extra: Partial<ListingRecord> = {}): ListingRecord {
  return {
    ...emptyRecord('lamudi', id, `https://www.lamudi.com.mx/detalle/${id}`),
    title: `Casa ${id}`,
    price,
    currency: price == null ? null : 'MXN',
    ...extra,
  };
}

async function batch(db: Db, id: string): Promise<void> {
  await createBatch(db, {
    id,
    label: null,
    parentBatchId: null,
    sites: ['lamudi'],
    detailSites: [],
    options: {},
    workflowId: `batch-${id}`,
  });
}

async function count(db: Db, table: keyof StoreSchema): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return row.n;
}

describeOnEachBackend('listings store', (backend) => {
  const store = storeForEachTest(async (db) => {
    await batch(db, 'b1');
    await batch(db, 'b2');
  }, backend);

  it('classifies new, unchanged and updated listings across batches and records price changes', async () => {
    const db = store();
    assert.deepEqual(await upsertCards(db, 'b1', [card('a', 100), card('b', 200), card('c', 300)]), {
      new: 3,
      updated: 0,
      unchanged: 0,
      priceChanges: 0,
    });
    const second = await upsertCards(db, 'b2', [card('a', 100), card('b', 250), card('d', 400)]);
    assert.deepEqual(second, { new: 1, updated: 1, unchanged: 1, priceChanges: 1 });
    const history = await db
      .selectFrom('price_history')
      .select(['external_id', 'old_price', 'price', 'batch_id'])
      .execute();
    assert.deepEqual(history, [{ external_id: 'b', old_price: 200, price: 250, batch_id: 'b2' }]);
    assert.equal((await getListings(db, 'lamudi')).find((l) => l.externalId === 'b')!.price, 250);
  });

  it('writes nothing twice when the same page is stored again in the same batch (a retried activity)', async () => {
    const db = store();
    await upsertCards(db, 'b1', [card('a', 100)]);
    await upsertCards(db, 'b2', [card('a', 120)]);
    const replay = await upsertCards(db, 'b2', [card('a', 120)]);
    assert.deepEqual(replay, { new: 0, updated: 0, unchanged: 0, priceChanges: 0 });
    assert.equal(await count(db, 'price_history'), 1);
    assert.deepEqual(await db.selectFrom('batch_listings').select('change').where('batch_id', '=', 'b2').execute(), [
      { change: 'updated' },
    ]);
    assert.equal(await count(db, 'listings'), 1);
  });

  it('counts a card the page repeats once, as new, and merges the repeat into the row the first inserted', async () => {
    const db = store();
    const counts = await upsertCards(db, 'b1', [
      card('a', 100),
      card('a', null, { title: 'Casa a, otra vez', bedrooms: 3 }),
    ]);
    assert.deepEqual(counts, { new: 1, updated: 0, unchanged: 0, priceChanges: 0 });
    assert.deepEqual(await db.selectFrom('batch_listings').select(['external_id', 'change']).execute(), [
      { external_id: 'a', change: 'new' },
    ]);
    const [stored] = await getListings(db, 'lamudi');
    assert.equal(stored.title, 'Casa a, otra vez');
    assert.equal(stored.bedrooms, 3);
    assert.equal(stored.price, 100, "the repeat shows no price: the first card's stands");
    assert.equal(await count(db, 'price_history'), 0);
  });

  it('keeps what a detail page gave when a later card lacks it, but takes the card price as it is', async () => {
    const db = store();
    await upsertCards(db, 'b1', [card('a', 100)]);
    await mergeDetail(
      db,
      'b1',
      card('a', 100, { lat: 20.5, lng: -103.2, description: 'Amplia casa', images: ['https://img/1.jpg'] }),
    );
    await upsertCards(db, 'b2', [card('a', null, { priceOnRequest: true })]);
    const stored = (await getListings(db))[0];
    assert.equal(stored.lat, 20.5);
    assert.equal(stored.description, 'Amplia casa');
    assert.deepEqual(stored.images, ['https://img/1.jpg']);
    assert.equal(stored.price, null);
    assert.equal(stored.priceOnRequest, true);
  });

  it('keeps the known price when a card shows none, and records a change a detail page reveals', async () => {
    const db = store();
    await upsertCards(db, 'b1', [card('a', 100)]);
    const jsonLdOnly = await upsertCards(db, 'b2', [card('a', null)]);
    assert.equal(jsonLdOnly.priceChanges, 0);
    assert.equal((await getListings(db))[0].price, 100);
    await mergeDetail(db, 'b2', card('a', 130));
    await mergeDetail(db, 'b2', card('a', 130)); // a retried detail activity
    const history = await db.selectFrom('price_history').select(['old_price', 'price', 'batch_id']).execute();
    assert.deepEqual(history, [{ old_price: 100, price: 130, batch_id: 'b2' }]);
    assert.equal((await getListings(db))[0].price, 130);
  });

  it('records no price change when the first page showed no price and a detail page reveals one', async () => {
    const db = store();
    await upsertCards(db, 'b1', [card('a', null)]);
    await mergeDetail(db, 'b1', card('a', 250));
    assert.equal(await count(db, 'price_history'), 0);
    assert.equal((await getListings(db))[0].price, 250);
  });
});
