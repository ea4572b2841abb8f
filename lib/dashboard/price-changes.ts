/**
 * Price changes as price_history recorded them (one row per listing and batch in which its price
 * or currency changed): per batch, how many went up or down and the median change in percent (of
 * the changes within one currency; a currency switch has no percentage), and the latest changes
 * with their listings. Medians: ./median.ts.
 */
import type { Db } from '../store/database';
import { itsListing } from '../store/listings';
import { latestBatchIds, latestBatches } from './market';
import { median } from './median';

export interface PriceChangeSummary {
  batchId: string;
  batchCreatedAt: string;
  changes: number;
  up: number;
  down: number;
  /** Median of (new − old) / old × 100 over the changes with both prices in one currency. */
  medianChangePercent: number | null;
}

export interface PriceChangeRow {
  batchId: string;
  site: string;
  externalId: string;
  title: string | null;
  url: string;
  city: string | null;
  oldPrice: number | null;
  oldCurrency: string | null;
  price: number | null;
  currency: string | null;
  observedAt: string;
}

/** The change in percent, when both prices are known, positive and in one currency. */
export function changePercent(row: Pick<PriceChangeRow, 'oldPrice' | 'oldCurrency' | 'price' | 'currency'>) {
  if (row.oldPrice === null || row.price === null || row.oldPrice <= 0 || row.oldCurrency !== row.currency) return null;
  return ((row.price - row.oldPrice) / row.oldPrice) * 100;
}

/** One summary per batch of the latest `limit`, oldest first. */
export async function priceChangeSummaries(db: Db, limit: number): Promise<PriceChangeSummary[]> {
  const batches = await latestBatches(db, limit);
  const rows = await db
    .selectFrom('price_history')
    .select(['batch_id as batchId', 'old_price as oldPrice', 'old_currency as oldCurrency', 'price', 'currency'])
    .where('batch_id', 'in', latestBatchIds(db, limit))
    .execute();
  return batches.map((batch) => {
    const mine = rows.filter((row) => row.batchId === batch.id);
    const percents = mine.map(changePercent).filter((percent): percent is number => percent !== null);
    return {
      batchId: batch.id,
      batchCreatedAt: batch.createdAt,
      changes: mine.length,
      up: percents.filter((percent) => percent > 0).length,
      down: percents.filter((percent) => percent < 0).length,
      medianChangePercent: median(percents),
    };
  });
}

/** The latest `limit` price changes, newest first, with their listings. */
export async function latestPriceChanges(db: Db, limit: number): Promise<PriceChangeRow[]> {
  return db
    .selectFrom('price_history as ph')
    .innerJoin('listings as l', itsListing('ph'))
    .select([
      'ph.batch_id as batchId',
      'ph.site as site',
      'ph.external_id as externalId',
      'l.title as title',
      'l.url as url',
      'l.city as city',
      'ph.old_price as oldPrice',
      'ph.old_currency as oldCurrency',
      'ph.price as price',
      'ph.currency as currency',
      'ph.observed_at as observedAt',
    ])
    .orderBy('ph.observed_at', 'desc')
    .orderBy('ph.site')
    .orderBy('ph.external_id')
    .limit(limit)
    .execute();
}
