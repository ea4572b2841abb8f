/**
 * Listings: upserted by (site, externalId), classified per batch as new / updated / unchanged,
 * with a price-history row whenever price or currency changes.
 */
import { createHash } from 'node:crypto';
import type { ListingRecord } from '../record/listing-record';
import { sql, type Insertable, type JoinBuilder, type RawBuilder, type ReferenceExpression } from 'kysely';
import { backendOfDb, inTransaction, type Db } from './database';
import { chunks } from './chunks';
import { prepareQuery } from './prepared-query';
import type { BatchListingsTable, ListingsTable } from './schema';

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

interface ListingKey {
  site: string;
  external_id: string;
}

/** A merge's values, by column: the record's merged columns, its key, and the price as knownPrice decided. */
type MergeValues = Record<string, unknown> &
  ListingKey & { price: number | null; currency: string | null; price_on_request: number };

function mergeValues(record: ListingRecord, price: PriceTriple): MergeValues {
  const values: Record<string, unknown> = { site: record.site, external_id: record.externalId };
  for (const [field, column] of MERGED) values[column] = columnValue(record, field);
  return { ...values, ...priceColumns(price) } as MergeValues;
}

function priceColumns(price: PriceTriple): Pick<MergeValues, 'price' | 'currency' | 'price_on_request'> {
  return { price: price.price, currency: price.currency, price_on_request: price.priceOnRequest ? 1 : 0 };
}

/**
 * The SET clause of a merge: a value the page lacks (null, no images) keeps the stored one, because
 * cards know less than detail pages (and some Lamudi pages carry JSON-LD only). The price fields are
 * set together, from knownPrice.
 */
function mergeSet(values: MergeValues): Record<string, RawBuilder<unknown>> {
  const set: Record<string, RawBuilder<unknown>> = {};
  for (const [field, column] of MERGED) {
    const value = values[column];
    set[column] =
      field === 'images'
        ? sql`CASE WHEN ${value} = '[]' THEN ${sql.ref(column)} ELSE ${value} END`
        : sql`COALESCE(${value}, ${sql.ref(column)})`;
  }
  set.price = sql`${values.price}`;
  set.currency = sql`${values.currency}`;
  set.price_on_request = sql`${values.price_on_request}`;
  return set;
}

// A card and a detail page merge into their listing once per listing each: prepared queries.
const mergeCard = prepareQuery(
  (db, values: MergeValues & { card_hash: string; last_batch_id: string; last_seen_at: string }) =>
    db
      .updateTable('listings')
      .set({
        ...mergeSet(values),
        card_hash: values.card_hash,
        last_batch_id: values.last_batch_id,
        last_seen_at: values.last_seen_at,
      })
      .where('site', '=', values.site)
      .where('external_id', '=', values.external_id),
);

const mergeDetailPage = prepareQuery((db, values: MergeValues & { detail_batch_id: string; last_seen_at: string }) =>
  db
    .updateTable('listings')
    .set({ ...mergeSet(values), detail_batch_id: values.detail_batch_id, last_seen_at: values.last_seen_at })
    .where('site', '=', values.site)
    .where('external_id', '=', values.external_id),
);

const readStoredListing = prepareQuery((db, key: ListingKey) =>
  db
    .selectFrom('listings')
    .select(['card_hash', 'price', 'currency', 'price_on_request'])
    .where('site', '=', key.site)
    .where('external_id', '=', key.external_id),
);

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

/** The stored listings of one site among these ids, by id. */
async function storedListings(db: Db, site: string, ids: string[]): Promise<Map<string, Existing>> {
  const found = new Map<string, Existing>();
  for (const chunk of chunks(ids)) {
    const rows = await db
      .selectFrom('listings')
      .select(['external_id', 'card_hash', 'price', 'currency', 'price_on_request'])
      .where('site', '=', site)
      .where('external_id', 'in', chunk)
      .execute();
    for (const { external_id: id, ...existing } of rows) found.set(id, existing);
  }
  return found;
}

/** The ids among these that the batch has classified already. */
async function classifiedIds(db: Db, batchId: string, site: string, ids: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const chunk of chunks(ids)) {
    const rows = await db
      .selectFrom('batch_listings')
      .select('external_id')
      .where('batch_id', '=', batchId)
      .where('site', '=', site)
      .where('external_id', 'in', chunk)
      .execute();
    for (const row of rows) found.add(row.external_id);
  }
  return found;
}

/**
 * Listing writes of one site wait for each other on PostgreSQL, where hosts write concurrently: a
 * listing is read, classified and written as one step (SQLite has one writer at a time anyway).
 */
async function lockSiteListings(db: Db, site: string): Promise<void> {
  if (backendOfDb(db) === 'postgres')
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`listings:${site}`}))`.execute(db);
}

/** A price-history row when the known price or currency changes; at most one per listing and batch. */
async function notePriceChange(
  db: Db,
  batchId: string,
  record: ListingRecord,
  before: PriceTriple,
  after: PriceTriple,
): Promise<boolean> {
  if (before.price === after.price && before.currency === after.currency) return false;
  // No price was known (the card showed none): the first one a page reveals is not a change.
  if (before.price === null && before.currency === null && !before.priceOnRequest) return false;
  const result = await db
    .insertInto('price_history')
    .values({
      site: record.site,
      external_id: record.externalId,
      batch_id: batchId,
      old_price: before.price,
      old_currency: before.currency,
      price: after.price,
      currency: after.currency,
      observed_at: new Date().toISOString(),
    })
    .onConflict((oc) => oc.columns(['site', 'external_id', 'batch_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

function insertRow(record: ListingRecord, hash: string, batchId: string, at: string) {
  const row: Record<string, unknown> = { site: record.site, external_id: record.externalId };
  for (const [field, column] of COLUMNS) row[column] = columnValue(record, field);
  return {
    ...row,
    card_hash: hash,
    first_batch_id: batchId,
    last_batch_id: batchId,
    first_seen_at: at,
    last_seen_at: at,
  } as Insertable<ListingsTable>;
}

/**
 * Store the cards of one results page. A listing seen again in the same batch (a retried or
 * replayed page, or a portal repeating a card on a later page) keeps its first classification.
 */
export async function upsertCards(db: Db, batchId: string, records: ListingRecord[]): Promise<UpsertCounts> {
  return inTransaction(db, async (trx) => {
    const counts: UpsertCounts = { new: 0, updated: 0, unchanged: 0, priceChanges: 0 };
    const at = new Date().toISOString();
    for (const site of new Set(records.map((record) => record.site))) {
      const ofSite = records.filter((record) => record.site === site);
      const ids = [...new Set(ofSite.map((record) => record.externalId))];
      await lockSiteListings(trx, site);
      const stored = await storedListings(trx, site, ids);
      const classified = await classifiedIds(trx, batchId, site, ids);
      // New listings are inserted together; a card the page repeats is merged after them.
      const inserts: Array<Insertable<ListingsTable>> = [];
      const merges: Array<{ record: ListingRecord; hash: string }> = [];
      const verdicts: Array<Insertable<BatchListingsTable>> = [];
      for (const record of ofSite) {
        const hash = recordHash(record);
        const existing = stored.get(record.externalId);
        if (!existing) {
          inserts.push(insertRow(record, hash, batchId, at));
          verdicts.push({ batch_id: batchId, site, external_id: record.externalId, change: 'new' });
          counts.new++;
          // A card the page repeats then merges into the row this one inserts, classified already.
          stored.set(record.externalId, { card_hash: hash, ...priceColumns(record) });
          classified.add(record.externalId);
          continue;
        }
        if (existing && !classified.has(record.externalId)) {
          const change = existing.card_hash === hash ? 'unchanged' : 'updated';
          verdicts.push({ batch_id: batchId, site, external_id: record.externalId, change });
          classified.add(record.externalId);
          counts[change]++;
        }
        merges.push({ record, hash });
      }
      // Chunks of 500: a page's new listings as one insert stay under both backends' parameter limits.
      for (const chunk of chunks(inserts)) await trx.insertInto('listings').values(chunk).execute();
      for (const chunk of chunks(verdicts))
        await trx
          .insertInto('batch_listings')
          .values(chunk)
          .onConflict((oc) => oc.columns(['batch_id', 'site', 'external_id']).doNothing())
          .execute();
      for (const { record, hash } of merges) {
        const before = stored.get(record.externalId)!;
        const price = knownPrice(record, storedPrice(before));
        if (await notePriceChange(trx, batchId, record, storedPrice(before), price)) counts.priceChanges++;
        await mergeCard.execute(trx, {
          ...mergeValues(record, price),
          card_hash: hash,
          last_batch_id: batchId,
          last_seen_at: at,
        });
        stored.set(record.externalId, { card_hash: hash, ...priceColumns(price) });
      }
    }
    return counts;
  });
}

/** Merge what a detail page shows into its listing: every value the page gives wins. */
export async function mergeDetail(db: Db, batchId: string, record: ListingRecord): Promise<'merged' | 'inserted'> {
  return inTransaction(db, async (trx) => {
    await lockSiteListings(trx, record.site);
    const { rows } = await readStoredListing.execute(trx, { site: record.site, external_id: record.externalId });
    const existing = rows[0];
    if (!existing) {
      // A detail page for a listing no card showed (its card disappeared mid-batch): keep it anyway.
      await upsertCards(trx, batchId, [record]);
      await trx
        .updateTable('listings')
        .set({ detail_batch_id: batchId })
        .where('site', '=', record.site)
        .where('external_id', '=', record.externalId)
        .execute();
      return 'inserted';
    }
    const price = knownPrice(record, storedPrice(existing));
    // The card may not have shown the price (JSON-LD-only pages): the detail page can reveal a change.
    await notePriceChange(trx, batchId, record, storedPrice(existing), price);
    await mergeDetailPage.execute(trx, {
      ...mergeValues(record, price),
      detail_batch_id: batchId,
      last_seen_at: new Date().toISOString(),
    });
    return 'merged';
  });
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

export async function getListings(db: Db, site?: string): Promise<ListingRecord[]> {
  let query = db.selectFrom('listings').selectAll();
  query = site ? query.where('site', '=', site).orderBy('external_id') : query.orderBy('site').orderBy('external_id');
  const rows = await query.execute();
  return rows.map((row) => rowToRecord(row));
}

/**
 * The join condition of `listings as l` to the rows of `alias`, a table that names a listing by its
 * site and external id (batch_listings, price_history): `.innerJoin('listings as l', itsListing('b'))`.
 */
export function itsListing(alias: string) {
  return <DB, TB extends keyof DB>(join: JoinBuilder<DB, TB>) => {
    // The column names are built from the alias: the builder cannot check them at compile time.
    const column = (ref: string) => ref as ReferenceExpression<DB, TB>;
    return join
      .onRef(column('l.site'), '=', column(`${alias}.site`))
      .onRef(column('l.external_id'), '=', column(`${alias}.external_id`));
  };
}

/**
 * The listings batch `previousBatchId` saw of a site that batch `batchId` did not: those removed
 * since, as a query on `batch_listings as p` to finish (count them, or join the listings).
 */
export function removedSince(db: Db, previousBatchId: string, batchId: string, site: string) {
  return db
    .selectFrom('batch_listings as p')
    .where('p.batch_id', '=', previousBatchId)
    .where('p.site', '=', site)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('batch_listings as c')
            .select('c.external_id')
            .where('c.batch_id', '=', batchId)
            .whereRef('c.site', '=', 'p.site')
            .whereRef('c.external_id', '=', 'p.external_id'),
        ),
      ),
    );
}
