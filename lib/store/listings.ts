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
  ['url', 'url'], ['title', 'title'], ['operation', 'operation'], ['propertyType', 'property_type'],
  ['price', 'price'], ['currency', 'currency'], ['priceOnRequest', 'price_on_request'], ['bedrooms', 'bedrooms'],
  ['bathrooms', 'bathrooms'], ['parkingSpaces', 'parking_spaces'], ['builtAreaM2', 'built_area_m2'],
  ['landAreaM2', 'land_area_m2'], ['neighborhood', 'neighborhood'], ['city', 'city'], ['state', 'state'],
  ['address', 'address'], ['lat', 'lat'], ['lng', 'lng'], ['description', 'description'], ['images', 'images'],
  ['publisher', 'publisher'], ['publishedAt', 'published_at'], ['originUrl', 'origin_url'],
];

function columnValue(record: ListingRecord, field: keyof ListingRecord): unknown {
  const value = record[field];
  if (field === 'images') return JSON.stringify(value);
  if (field === 'priceOnRequest') return value ? 1 : 0;
  return value;
}

/** Fields a results card states with authority: a card without a price means the price is gone. */
const CARD_AUTHORITATIVE: ReadonlySet<keyof ListingRecord> = new Set(['price', 'currency', 'priceOnRequest']);

/**
 * SET clause of a merge: a value the page lacks (null, no images) keeps the stored one, because
 * cards know less than detail pages; fields in `authoritative` are always replaced.
 */
function mergeSet(authoritative: ReadonlySet<keyof ListingRecord>): string {
  return COLUMNS.map(([field, column]) =>
    authoritative.has(field) ? `${column} = ?` : field === 'images' ? `${column} = CASE WHEN ? = '[]' THEN ${column} ELSE ? END` : `${column} = COALESCE(?, ${column})`,
  ).join(', ');
}

function mergeValues(record: ListingRecord): unknown[] {
  return COLUMNS.flatMap(([field]) => (field === 'images' ? [columnValue(record, field), columnValue(record, field)] : [columnValue(record, field)]));
}

export function recordHash(record: ListingRecord): string {
  return createHash('sha1').update(JSON.stringify(record)).digest('hex');
}

interface Existing {
  card_hash: string;
  price: number | null;
  currency: string | null;
  last_batch_id: string;
}

/**
 * Store the cards of one results page. A listing seen again in the same batch (a retried or
 * replayed page, or a portal repeating a card on a later page) keeps its first classification.
 */
export function upsertCards(db: Db, batchId: string, records: ListingRecord[]): UpsertCounts {
  const counts: UpsertCounts = { new: 0, updated: 0, unchanged: 0, priceChanges: 0 };
  const at = new Date().toISOString();
  const select = db.prepare('SELECT card_hash, price, currency, last_batch_id FROM listings WHERE site = ? AND external_id = ?');
  const seen = db.prepare('SELECT change FROM batch_listings WHERE batch_id = ? AND site = ? AND external_id = ?');
  const markSeen = db.prepare('INSERT OR IGNORE INTO batch_listings (batch_id, site, external_id, change) VALUES (?, ?, ?, ?)');
  const insert = db.prepare(
    `INSERT INTO listings (site, external_id, ${COLUMNS.map(([, c]) => c).join(', ')}, card_hash, first_batch_id, last_batch_id, first_seen_at, last_seen_at)
     VALUES (?, ?, ${COLUMNS.map(() => '?').join(', ')}, ?, ?, ?, ?, ?)`,
  );
  const update = db.prepare(
    `UPDATE listings SET ${mergeSet(CARD_AUTHORITATIVE)}, card_hash = ?, last_batch_id = ?, last_seen_at = ? WHERE site = ? AND external_id = ?`,
  );
  const history = db.prepare(
    `INSERT OR IGNORE INTO price_history (site, external_id, batch_id, old_price, old_currency, price, currency, observed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );

  db.transaction(() => {
    for (const record of records) {
      const hash = recordHash(record);
      const existing = select.get(record.site, record.externalId) as Existing | undefined;
      const previouslyClassified = seen.get(batchId, record.site, record.externalId) as { change: string } | undefined;
      if (!existing) {
        insert.run(record.site, record.externalId, ...COLUMNS.map(([field]) => columnValue(record, field)), hash, batchId, batchId, at, at);
        markSeen.run(batchId, record.site, record.externalId, 'new');
        counts.new++;
        continue;
      }
      if (!previouslyClassified) {
        const change = existing.card_hash === hash ? 'unchanged' : 'updated';
        markSeen.run(batchId, record.site, record.externalId, change);
        counts[change]++;
        if (existing.price !== record.price || existing.currency !== record.currency) {
          if (history.run(record.site, record.externalId, batchId, existing.price, existing.currency, record.price, record.currency, at).changes > 0) {
            counts.priceChanges++;
          }
        }
      }
      update.run(...mergeValues(record), hash, batchId, at, record.site, record.externalId);
    }
  })();
  return counts;
}

/** Merge what a detail page shows into its listing: every value the page gives wins. */
export function mergeDetail(db: Db, batchId: string, record: ListingRecord): 'merged' | 'inserted' {
  const at = new Date().toISOString();
  const exists = db.prepare('SELECT 1 FROM listings WHERE site = ? AND external_id = ?').get(record.site, record.externalId);
  if (!exists) {
    // A detail page for a listing no card showed (its card disappeared mid-batch): keep it anyway.
    upsertCards(db, batchId, [record]);
    db.prepare('UPDATE listings SET detail_batch_id = ? WHERE site = ? AND external_id = ?').run(batchId, record.site, record.externalId);
    return 'inserted';
  }
  db.prepare(`UPDATE listings SET ${mergeSet(new Set())}, detail_batch_id = ?, last_seen_at = ? WHERE site = ? AND external_id = ?`).run(
    ...mergeValues(record),
    batchId,
    at,
    record.site,
    record.externalId,
  );
  return 'merged';
}

/** A stored listing as a record (exports, reports, tests). */
export function rowToRecord(row: Record<string, unknown>): ListingRecord {
  const record = { site: row.site, externalId: row.external_id } as Record<string, unknown>;
  for (const [field, column] of COLUMNS) {
    const value = row[column];
    record[field] = field === 'images' ? JSON.parse(String(value ?? '[]')) : field === 'priceOnRequest' ? value === 1 : value ?? null;
  }
  return record as unknown as ListingRecord;
}

export function getListings(db: Db, site?: string): ListingRecord[] {
  const rows = site
    ? db.prepare('SELECT * FROM listings WHERE site = ? ORDER BY external_id').all(site)
    : db.prepare('SELECT * FROM listings ORDER BY site, external_id').all();
  return (rows as Array<Record<string, unknown>>).map(rowToRecord);
}
