/**
 * Market figures per batch: median price and median price per m² by city × property type ×
 * operation × currency (prices in different currencies are never mixed), with the counts behind
 * them. A listing counts in every batch that saw it (batch_listings), at the price it had then:
 * the price before its first change in a later batch (price_history), else its current price.
 * Listings without a price (on request, or not shown) are left out; the area is the built area,
 * else the land area (as the "area" fill rate reads it), as stored now. Medians: ./median.ts.
 */
import { listBatches } from '../store/batches';
import type { Db } from '../store/database';
import { itsListing } from '../store/listings';
import { median } from './median';

export interface MarketKey {
  city: string | null;
  propertyType: string | null;
  operation: string | null;
  currency: string | null;
}

export interface MarketCell extends MarketKey {
  batchId: string;
  batchCreatedAt: string;
  /** Listings with a price in the group. */
  listings: number;
  medianPrice: number | null;
  /** Of those, listings with an area (> 0). */
  withArea: number;
  medianPricePerM2: number | null;
}

export interface BatchRef {
  id: string;
  createdAt: string;
}

/**
 * The ids of the latest `limit` batches (those listBatches gives for that limit) as a subquery, so
 * a query covers them without a list of ids in its text.
 */
export function latestBatchIds(db: Db, limit: number) {
  return db.selectFrom('batches').select('id').orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit);
}

/** The latest `limit` batches, oldest first. */
export async function latestBatches(db: Db, limit: number): Promise<BatchRef[]> {
  return (await listBatches(db, { limit })).reverse().map((batch) => ({ id: batch.id, createdAt: batch.createdAt }));
}

interface SeenRow {
  site: string;
  externalId: string;
  city: string | null;
  propertyType: string | null;
  operation: string | null;
  price: number | null;
  currency: string | null;
  builtArea: number | null;
  landArea: number | null;
}

interface PriceChange {
  at: string;
  oldPrice: number | null;
  oldCurrency: string | null;
}

/** The area a price per m² divides by: built, else land; null when neither is positive. */
export function areaOf(builtArea: number | null, landArea: number | null): number | null {
  if (builtArea !== null && builtArea > 0) return builtArea;
  if (landArea !== null && landArea > 0) return landArea;
  return null;
}

const listingKey = (site: string, externalId: string) => `${site}\n${externalId}`;

/** The price changes of the listings the latest `limit` batches saw, per listing, oldest first. */
async function priceChangesByListing(db: Db, limit: number): Promise<Map<string, PriceChange[]>> {
  const rows = await db
    .selectFrom('price_history as ph')
    .innerJoin('batches as pb', 'pb.id', 'ph.batch_id')
    .select([
      'ph.site as site',
      'ph.external_id as externalId',
      'ph.old_price as oldPrice',
      'ph.old_currency as oldCurrency',
      'pb.created_at as at',
    ])
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('batch_listings as b')
          .select('b.batch_id')
          .whereRef('b.site', '=', 'ph.site')
          .whereRef('b.external_id', '=', 'ph.external_id')
          .where('b.batch_id', 'in', latestBatchIds(db, limit)),
      ),
    )
    .orderBy('pb.created_at')
    .orderBy('pb.id')
    .execute();
  const byListing = new Map<string, PriceChange[]>();
  for (const { site, externalId, ...change } of rows) {
    const key = listingKey(site, externalId);
    byListing.set(key, [...(byListing.get(key) ?? []), change]);
  }
  return byListing;
}

/** Rows of a batch's listings read per query: memory stays bounded, queries few. */
const SEEN_PAGE = 5000;

/**
 * What a batch saw, with each listing as stored now, a page of rows at a time (keyset pagination
 * on batch_listings' key, the same on both backends). Read batch by batch, by id, so that a batch
 * created while the pages are read does not shift which batches they cover.
 */
async function* seenListings(db: Db, batchId: string): AsyncGenerator<SeenRow> {
  const query = db
    .selectFrom('batch_listings as b')
    .innerJoin('listings as l', itsListing('b'))
    .select([
      'l.site as site',
      'l.external_id as externalId',
      'l.city as city',
      'l.property_type as propertyType',
      'l.operation as operation',
      'l.price as price',
      'l.currency as currency',
      'l.built_area_m2 as builtArea',
      'l.land_area_m2 as landArea',
    ])
    .where('b.batch_id', '=', batchId)
    .orderBy('b.site')
    .orderBy('b.external_id')
    .limit(SEEN_PAGE);
  let rows = await query.execute();
  for (;;) {
    yield* rows;
    if (rows.length < SEEN_PAGE) return;
    const last = rows[rows.length - 1];
    rows = await query
      .where((eb) => eb(eb.refTuple('b.site', 'b.external_id'), '>', eb.tuple(last.site, last.externalId)))
      .execute();
  }
}

/** The price a listing had in a batch made at `at`: the old price of its first later change, else the current one. */
function priceAt(
  current: { price: number | null; currency: string | null },
  changes: readonly PriceChange[] | undefined,
  at: string,
): { price: number | null; currency: string | null } {
  const later = changes?.find((change) => change.at > at);
  return later ? { price: later.oldPrice, currency: later.oldCurrency } : current;
}

/** Median prices of every group in each of the latest `limit` batches, oldest batch first, then the biggest groups first. */
export async function marketMedians(db: Db, limit: number): Promise<MarketCell[]> {
  const batches = await latestBatches(db, limit);
  const ids = batches.map((batch) => batch.id);
  const createdAt = new Map(batches.map((batch) => [batch.id, batch.createdAt]));
  const changes = await priceChangesByListing(db, limit);
  const groups = new Map<string, { cell: MarketKey & { batchId: string }; prices: number[]; perM2: number[] }>();
  for (const batch of batches) {
    for await (const row of seenListings(db, batch.id)) {
      const { price, currency } = priceAt(row, changes.get(listingKey(row.site, row.externalId)), batch.createdAt);
      if (price === null) continue;
      const cell = {
        batchId: batch.id,
        city: row.city,
        propertyType: row.propertyType,
        operation: row.operation,
        currency,
      };
      const key = JSON.stringify(cell);
      const group = groups.get(key) ?? { cell, prices: [], perM2: [] };
      groups.set(key, group);
      group.prices.push(price);
      const area = areaOf(row.builtArea, row.landArea);
      if (area !== null) group.perM2.push(price / area);
    }
  }
  const order = new Map(ids.map((id, index) => [id, index]));
  return [...groups.values()]
    .map(({ cell, prices, perM2 }): MarketCell => ({
      ...cell,
      batchCreatedAt: createdAt.get(cell.batchId)!,
      listings: prices.length,
      medianPrice: median(prices),
      withArea: perM2.length,
      medianPricePerM2: median(perM2),
    }))
    .sort(
      (a, b) =>
        order.get(a.batchId)! - order.get(b.batchId)! ||
        b.listings - a.listings ||
        JSON.stringify([a.city, a.propertyType, a.operation, a.currency]).localeCompare(
          JSON.stringify([b.city, b.propertyType, b.operation, b.currency]),
        ),
    );
}
