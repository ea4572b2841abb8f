/**
 * Price changes as price_history recorded them (one row per listing and batch in which its price
 * or currency changed): per batch, how many went up or down and the median change in percent (of
 * the changes within one currency; a currency switch has no percentage), and the latest changes
 * with their listings. Medians: ./median.ts.
 */
import type { Db } from '../store/database';
import { LATEST_BATCH_IDS, latestBatches } from './market';
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
export function priceChangeSummaries(db: Db, limit: number): PriceChangeSummary[] {
  const batches = latestBatches(db, limit);
  const rows = db
    .prepare(
      `SELECT batch_id AS batchId, old_price AS oldPrice, old_currency AS oldCurrency, price, currency
       FROM price_history WHERE batch_id IN (${LATEST_BATCH_IDS})`,
    )
    .all(limit) as Array<Pick<PriceChangeRow, 'batchId' | 'oldPrice' | 'oldCurrency' | 'price' | 'currency'>>;
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
export function latestPriceChanges(db: Db, limit: number): PriceChangeRow[] {
  return db
    .prepare(
      `SELECT ph.batch_id AS batchId, ph.site AS site, ph.external_id AS externalId, l.title AS title, l.url AS url,
              l.city AS city, ph.old_price AS oldPrice, ph.old_currency AS oldCurrency, ph.price AS price,
              ph.currency AS currency, ph.observed_at AS observedAt
       FROM price_history ph JOIN listings l ON l.site = ph.site AND l.external_id = ph.external_id
       ORDER BY ph.observed_at DESC, ph.site, ph.external_id LIMIT ?`,
    )
    .all(limit) as PriceChangeRow[];
}
