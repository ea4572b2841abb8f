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
 * The ids of the latest batches (bind the count): the batches listBatches gives for that limit,
 * as a subquery, so a query covers them without a list of ids in its text.
 */
export const LATEST_BATCH_IDS = 'SELECT id FROM batches ORDER BY created_at DESC, id DESC LIMIT ?';

/** The latest `limit` batches, oldest first. */
export function latestBatches(db: Db, limit: number): BatchRef[] {
  return listBatches(db, { limit })
    .reverse()
    .map((batch) => ({ id: batch.id, createdAt: batch.createdAt }));
}

interface SeenRow {
  batchId: string;
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
function priceChangesByListing(db: Db, limit: number): Map<string, PriceChange[]> {
  const rows = db
    .prepare(
      `SELECT ph.site AS site, ph.external_id AS externalId, ph.old_price AS oldPrice, ph.old_currency AS oldCurrency,
              pb.created_at AS at
       FROM price_history ph JOIN batches pb ON pb.id = ph.batch_id
       WHERE EXISTS (SELECT 1 FROM batch_listings b
                     WHERE b.site = ph.site AND b.external_id = ph.external_id AND b.batch_id IN (${LATEST_BATCH_IDS}))
       ORDER BY pb.created_at, pb.id`,
    )
    .all(limit) as Array<PriceChange & { site: string; externalId: string }>;
  const byListing = new Map<string, PriceChange[]>();
  for (const { site, externalId, ...change } of rows) {
    const key = listingKey(site, externalId);
    byListing.set(key, [...(byListing.get(key) ?? []), change]);
  }
  return byListing;
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
export function marketMedians(db: Db, limit: number): MarketCell[] {
  const batches = latestBatches(db, limit);
  const ids = batches.map((batch) => batch.id);
  const createdAt = new Map(batches.map((batch) => [batch.id, batch.createdAt]));
  const changes = priceChangesByListing(db, limit);
  const groups = new Map<string, { cell: MarketKey & { batchId: string }; prices: number[]; perM2: number[] }>();
  const seen = db
    .prepare(
      `SELECT b.batch_id AS batchId, l.site AS site, l.external_id AS externalId, l.city AS city,
              l.property_type AS propertyType, l.operation AS operation, l.price AS price, l.currency AS currency,
              l.built_area_m2 AS builtArea, l.land_area_m2 AS landArea
       FROM batch_listings b JOIN listings l ON l.site = b.site AND l.external_id = b.external_id
       WHERE b.batch_id IN (${LATEST_BATCH_IDS})`,
    )
    .iterate(limit) as IterableIterator<SeenRow>;
  for (const row of seen) {
    const { price, currency } = priceAt(
      row,
      changes.get(listingKey(row.site, row.externalId)),
      createdAt.get(row.batchId)!,
    );
    if (price === null) continue;
    const cell = {
      batchId: row.batchId,
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
