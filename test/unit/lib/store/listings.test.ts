import { strict as assert } from 'node:assert';
import { emptyRecord, type ListingRecord } from '../../../../lib/record/listing-record';
import { createBatch } from '../../../../lib/store/batches';
import { openDatabase, type Db } from '../../../../lib/store/database';
import { getListings, mergeDetail, upsertCards } from '../../../../lib/store/listings';

function card(id: string, price: number | null, extra: Partial<ListingRecord> = {}): ListingRecord {
  return {
    ...emptyRecord('lamudi', id, `https://www.lamudi.com.mx/detalle/${id}`),
    title: `Casa ${id}`,
    price,
    currency: price == null ? null : 'MXN',
    ...extra,
  };
}

function batch(db: Db, id: string): void {
  createBatch(db, {
    id,
    label: null,
    parentBatchId: null,
    sites: ['lamudi'],
    detailSites: [],
    options: {},
    workflowId: `batch-${id}`,
  });
}

describe('listings store', () => {
  let db: Db;
  beforeEach(() => {
    db = openDatabase(':memory:');
    batch(db, 'b1');
    batch(db, 'b2');
  });
  afterEach(() => db.close());

  it('classifies new, unchanged and updated listings across batches and records price changes', () => {
    assert.deepEqual(upsertCards(db, 'b1', [card('a', 100), card('b', 200), card('c', 300)]), {
      new: 3,
      updated: 0,
      unchanged: 0,
      priceChanges: 0,
    });
    const second = upsertCards(db, 'b2', [card('a', 100), card('b', 250), card('d', 400)]);
    assert.deepEqual(second, { new: 1, updated: 1, unchanged: 1, priceChanges: 1 });
    const history = db.prepare('SELECT external_id, old_price, price, batch_id FROM price_history').all();
    assert.deepEqual(history, [{ external_id: 'b', old_price: 200, price: 250, batch_id: 'b2' }]);
    assert.equal(getListings(db, 'lamudi').find((l) => l.externalId === 'b')!.price, 250);
  });

  it('writes nothing twice when the same page is stored again in the same batch (a retried activity)', () => {
    upsertCards(db, 'b1', [card('a', 100)]);
    upsertCards(db, 'b2', [card('a', 120)]);
    const replay = upsertCards(db, 'b2', [card('a', 120)]);
    assert.deepEqual(replay, { new: 0, updated: 0, unchanged: 0, priceChanges: 0 });
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM price_history').get() as { n: number }).n, 1);
    assert.equal(
      (db.prepare("SELECT change FROM batch_listings WHERE batch_id = 'b2'").get() as { change: string }).change,
      'updated',
    );
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM listings').get() as { n: number }).n, 1);
  });

  it('keeps what a detail page gave when a later card lacks it, but takes the card price as it is', () => {
    upsertCards(db, 'b1', [card('a', 100)]);
    mergeDetail(
      db,
      'b1',
      card('a', 100, { lat: 20.5, lng: -103.2, description: 'Amplia casa', images: ['https://img/1.jpg'] }),
    );
    upsertCards(db, 'b2', [card('a', null, { priceOnRequest: true })]);
    const stored = getListings(db)[0];
    assert.equal(stored.lat, 20.5);
    assert.equal(stored.description, 'Amplia casa');
    assert.deepEqual(stored.images, ['https://img/1.jpg']);
    assert.equal(stored.price, null);
    assert.equal(stored.priceOnRequest, true);
  });

  it('keeps the known price when a card shows none, and records a change a detail page reveals', () => {
    upsertCards(db, 'b1', [card('a', 100)]);
    const jsonLdOnly = upsertCards(db, 'b2', [card('a', null)]);
    assert.equal(jsonLdOnly.priceChanges, 0);
    assert.equal(getListings(db)[0].price, 100);
    mergeDetail(db, 'b2', card('a', 130));
    mergeDetail(db, 'b2', card('a', 130)); // a retried detail activity
    const history = db.prepare('SELECT old_price, price, batch_id FROM price_history').all();
    assert.deepEqual(history, [{ old_price: 100, price: 130, batch_id: 'b2' }]);
    assert.equal(getListings(db)[0].price, 130);
  });

  it('records no price change when the first page showed no price and a detail page reveals one', () => {
    upsertCards(db, 'b1', [card('a', null)]);
    mergeDetail(db, 'b1', card('a', 250));
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM price_history').get() as { n: number }).n, 0);
    assert.equal(getListings(db)[0].price, 250);
  });
});
