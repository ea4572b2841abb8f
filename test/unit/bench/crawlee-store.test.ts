/**
 * The Crawlee side's store (bench/lib/crawlee-store.ts) writes what our page activities write for
 * the same pages: a results page's row and its cards, a detail page's row and its merged record,
 * in the project's SQLite store, read back through the store.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CrawleeStore } from '../../../bench/lib/crawlee-store';
import type { ListingRecord } from '../../../lib/record/listing-record';
import { openDatabase } from '../../../lib/store/database';
import { getListings } from '../../../lib/store/listings';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'pages', 'lamudi');
const expected = (name: string) =>
  (
    JSON.parse(readFileSync(join(FIXTURES, `${name}.expected.json`), 'utf8')) as {
      expect: { listings: ListingRecord[] };
    }
  ).expect.listings;

describe('bench: the Crawlee side stores as our activities do', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'crawlee-store-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a page row per page, the cards of a results page and the record of a detail page', async () => {
    const file = join(dir, 'store.db');
    const cards = expected('results-2026-07');
    const [detail] = expected('detail-2026-07');
    assert.ok(cards.length > 1 && detail);
    const store = await CrawleeStore.open(file, ['lamudi'], ['lamudi']);
    const page = { site: 'lamudi', attempt: 1, statusCode: 200, latencyMs: 12, bytes: 1000 };
    await store.store({ ...page, kind: 'listing', url: 'https://www.lamudi.com.mx/jalisco/', records: cards });
    await store.store({ ...page, kind: 'detail', url: detail.url, records: [detail] });
    await store.close();

    const db = await openDatabase(file, { readonly: true });
    try {
      const pages = await db.selectFrom('pages').select(['kind', 'listings', 'status_code']).orderBy('id').execute();
      assert.deepEqual(pages, [
        { kind: 'listing', listings: cards.length, status_code: 200 },
        { kind: 'detail', listings: 1, status_code: 200 },
      ]);
      const listings = await getListings(db, 'lamudi');
      assert.equal(listings.length, new Set([...cards, detail].map((r) => r.externalId)).size);
    } finally {
      await db.destroy();
    }
  });
});
