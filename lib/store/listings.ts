/**
 * Listings: upserted by (site, externalId), classified per batch as new / updated / unchanged,
 * with a price-history row whenever price or currency changes.
 */
import { createHash } from 'node:crypto';
import type { ListingRecord } from '../record/listing-record';
import type { Db } from './database';

export interface UpsertCounts {
  new: number;
  updated: number;
  unchanged: number;
  priceChanges: number;
}

const COLUMNS: Array<[keyof ListingRecord, string]> = [
  ['url', 'url'],
  ['title', 'title'],
  ['operation', 'operation'],
  ['propertyType', 'property_type'],
  ['price', 'price'],
  ['currency', 'currency'],
  ['priceOnRequest', 'price_on_request'],
  ['bedrooms', 'bedrooms'],
  ['bathrooms', 'bathrooms'],
  ['parkingSpaces', 'parking_spaces'],
  ['builtAreaM2', 'built_area_m2'],
  ['landAreaM2', 'land_area_m2'],
  ['neighborhood', 'neighborhood'],
  ['city', 'city'],
  ['state', 'state'],
  ['address', 'address'],
  ['lat', 'lat'],
  ['lng', 'lng'],
  ['description', 'description'],
  ['images', 'images'],
  ['publisher', 'publisher'],
  ['publishedAt', 'published_at'],
  ['originUrl', 'origin_url'],
];

function columnValue(record: ListingRecord, field: keyof ListingRecord): unknown {
  const value = record[field];
  if (field === 'images') return JSON.stringify(value);
  if (field === 'priceOnRequest') return value ? 1 : 0;
  return value;
}

/** Price fields are set together, from whichever page last showed a price (see knownPrice). */
const PRICE_FIELDS: ReadonlySet<keyof ListingRecord> = new Set(['price', 'currency', 'priceOnRequest']);
const MERGED = COLUMNS.filter(([field]) => !PRICE_FIELDS.has(field));

/**
 * SET clause of a merge: a value the page lacks (null, no images) keeps the stored one, because
 * cards know less than detail pages (and some Lamudi pages carry JSON-LD only).
 */
const MERGE_SET = [
  ...MERGED.map(([field, column]) =>
    field === 'images'
      ? `${column} = CASE WHEN ? = '[]' THEN ${column} ELSE ? END`
      : `${column} = COALESCE(?, ${column})`,
  ),
  'price = ?',
  'currency = ?',
  'price_on_request = ?',
].join(', ');

interface PriceTriple {
  price: number | null;
  currency: string | null;
  priceOnRequest: boolean;
}

/** A page states the price when it shows one or says it is on request; otherwise the stored price stands. */
function knownPrice(record: ListingRecord, stored: PriceTriple): PriceTriple {
  return record.price !== null || record.priceOnRequest
    ? { price: record.price, currency: record.currency, priceOnRequest: record.priceOnRequest }
    : stored;
}

function mergeValues(record: ListingRecord, price: PriceTriple): unknown[] {
  return [
    ...MERGED.flatMap(([field]) =>
      field === 'images' ? [columnValue(record, field), columnValue(record, field)] : [columnValue(record, field)],
    ),
    price.price,
    price.currency,
    price.priceOnRequest ? 1 : 0,
  ];
}

export function recordHash(record: ListingRecord): string {
  return createHash('sha1').update(JSON.stringify(record)).digest('hex');
}

interface Existing {
  card_hash: string;
  price: number | null;
  currency: string | null;
  price_on_request: number;
}

function storedPrice(existing: Existing): PriceTriple {
  return { price: existing.price, currency: existing.currency, priceOnRequest: existing.price_on_request === 1 };
}

const SELECT_EXISTING =
  'SELECT card_hash, price, currency, price_on_request FROM listings WHERE site = ? AND external_id = ?';

/** A price-history row when the known price or currency changes; at most one per listing and batch. */
function notePriceChange(
  db: Db,
  batchId: string,
  record: ListingRecord,
  before: PriceTriple,
  after: PriceTriple,
): boolean {
  if (before.price === after.price && before.currency === after.currency) return false;
  // No price was known (the card showed none): the first one a page reveals is not a change.
  if (before.price === null && before.currency === null && !before.priceOnRequest) return false;
  return (
    db
      .prepare(
        `INSERT OR IGNORE INTO price_history (site, external_id, batch_id, old_price, old_currency, price, currency, observed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        record.site,
        record.externalId,
        batchId,
        before.price,
        before.currency,
        after.price,
        after.currency,
        new Date().toISOString(),
      ).changes > 0
  );
}

/**
 * Store the cards of one results page. A listing seen again in the same batch (a retried or
 * replayed page, or a portal repeating a card on a later page) keeps its first classification.
 */
export function upsertCards(db: Db, batchId: string, records: ListingRecord[]): UpsertCounts {
  const counts: UpsertCounts = { new: 0, updated: 0, unchanged: 0, priceChanges: 0 };
  const at = new Date().toISOString();
  const select = db.prepare(SELECT_EXISTING);
  const seen = db.prepare('SELECT change FROM batch_listings WHERE batch_id = ? AND site = ? AND external_id = ?');
  const markSeen = db.prepare(
    'INSERT OR IGNORE INTO batch_listings (batch_id, site, external_id, change) VALUES (?, ?, ?, ?)',
  );
  const insert = db.prepare(
    `INSERT INTO listings (site, external_id, ${COLUMNS.map(([, c]) => c).join(', ')}, card_hash, first_batch_id, last_batch_id, first_seen_at, last_seen_at)
     VALUES (?, ?, ${COLUMNS.map(() => '?').join(', ')}, ?, ?, ?, ?, ?)`,
  );
  const update = db.prepare(
    `UPDATE listings SET ${MERGE_SET}, card_hash = ?, last_batch_id = ?, last_seen_at = ? WHERE site = ? AND external_id = ?`,
  );

  db.transaction(() => {
    for (const record of records) {
      const hash = recordHash(record);
      const existing = select.get(record.site, record.externalId) as Existing | undefined;
      const previouslyClassified = seen.get(batchId, record.site, record.externalId) as { change: string } | undefined;
      if (!existing) {
        insert.run(
          record.site,
          record.externalId,
          ...COLUMNS.map(([field]) => columnValue(record, field)),
          hash,
          batchId,
          batchId,
          at,
          at,
        );
        markSeen.run(batchId, record.site, record.externalId, 'new');
        counts.new++;
        continue;
      }
      if (!previouslyClassified) {
        const change = existing.card_hash === hash ? 'unchanged' : 'updated';
        markSeen.run(batchId, record.site, record.externalId, change);
        counts[change]++;
      }
      const price = knownPrice(record, storedPrice(existing));
      if (notePriceChange(db, batchId, record, storedPrice(existing), price)) counts.priceChanges++;
      update.run(...mergeValues(record, price), hash, batchId, at, record.site, record.externalId);
    }
  })();
  return counts;
}

/** Merge what a detail page shows into its listing: every value the page gives wins. */
export function mergeDetail(db: Db, batchId: string, record: ListingRecord): 'merged' | 'inserted' {
  const existing = db.prepare(SELECT_EXISTING).get(record.site, record.externalId) as Existing | undefined;
  if (!existing) {
    // A detail page for a listing no card showed (its card disappeared mid-batch): keep it anyway.
    upsertCards(db, batchId, [record]);
    db.prepare('UPDATE listings SET detail_batch_id = ? WHERE site = ? AND external_id = ?').run(
      batchId,
      record.site,
      record.externalId,
    );
    return 'inserted';
  }
  const price = knownPrice(record, storedPrice(existing));
  // The card may not have shown the price (JSON-LD-only pages): the detail page can reveal a change.
  notePriceChange(db, batchId, record, storedPrice(existing), price);
  db.prepare(
    `UPDATE listings SET ${MERGE_SET}, detail_batch_id = ?, last_seen_at = ? WHERE site = ? AND external_id = ?`,
  ).run(...mergeValues(record, price), batchId, new Date().toISOString(), record.site, record.externalId);
  return 'merged';
}

/** A stored listing as a record (exports, reports, tests). */
export function rowToRecord(row: Record<string, unknown>): ListingRecord {
  const record = { site: row.site, externalId: row.external_id } as Record<string, unknown>;
  for (const [field, column] of COLUMNS) {
    const value = row[column];
    record[field] =
      field === 'images'
        ? JSON.parse(typeof value === 'string' ? value : '[]')
        : field === 'priceOnRequest'
          ? value === 1
          : (value ?? null);
  }
  return record as unknown as ListingRecord;
}

export function getListings(db: Db, site?: string): ListingRecord[] {
  const rows = site
    ? db.prepare('SELECT * FROM listings WHERE site = ? ORDER BY external_id').all(site)
    : db.prepare('SELECT * FROM listings ORDER BY site, external_id').all();
  return (rows as Array<Record<string, unknown>>).map(rowToRecord);
}
