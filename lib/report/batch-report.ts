/**
 * The report of one batch, from what SQLite recorded: per site its task states, metrics (pages,
 * listings seen / new / updated / removed, price changes, latency, fill rates), the listings behind
 * those counts, and the alerts. "Removed" follows computeSiteMetrics: in the site's previous
 * completed batch, not in this one; unknown (null) when there is no baseline or the site failed.
 */
import { UserInputError } from '../errors';
import { getAlerts, type Alert } from '../metrics/alerts';
import { computeSiteMetrics, getSiteMetrics, type SiteMetrics } from '../metrics/site-metrics';
import { getBatch, getTasks, type BatchRow } from '../store/batches';
import type { Db } from '../store/database';
import type { TaskState } from '../contract/statuses';

export interface ListingChange {
  site: string;
  externalId: string;
  title: string | null;
  url: string;
  price: number | null;
  currency: string | null;
  /** Changed listings whose price changed in this batch: the price before. */
  previousPrice?: number | null;
  previousCurrency?: string | null;
}

export interface SiteReport {
  site: string;
  mainState: TaskState | null;
  detailState: TaskState | null;
  error: string | null;
  metrics: SiteMetrics;
  /** 'stored' by the batch's finalization; 'computed' now for a batch that did not finalize (running, cancelled). */
  metricsSource: 'stored' | 'computed';
  /** At most `listingLimit` of each; the counts are in metrics. */
  newListings: ListingChange[];
  changedListings: ListingChange[];
  removedListings: ListingChange[];
}

export interface BatchReport {
  batch: BatchRow;
  sites: SiteReport[];
  totals: {
    pagesFetched: number;
    pagesFailed: number;
    listingsSeen: number;
    listingsNew: number;
    listingsUpdated: number;
    /** Null when no site of the batch has a baseline to compare with. */
    listingsRemoved: number | null;
    priceChanges: number;
  };
  alerts: Alert[];
  listingLimit: number;
}

export interface ReportOptions {
  /** Listings listed per site and kind of change (0: counts only). */
  listingLimit?: number;
}

const LISTING_COLUMNS =
  'l.site AS site, l.external_id AS externalId, l.title AS title, l.url AS url, l.price AS price, l.currency AS currency';

function listingsWithChange(
  db: Db,
  batchId: string,
  site: string,
  change: 'new' | 'updated',
  limit: number,
): ListingChange[] {
  if (limit === 0) return [];
  const rows = db
    .prepare(
      `SELECT ${LISTING_COLUMNS}, p.old_price AS previousPrice, p.old_currency AS previousCurrency, p.batch_id AS priceBatch
       FROM batch_listings b
       JOIN listings l ON l.site = b.site AND l.external_id = b.external_id
       LEFT JOIN price_history p ON p.site = b.site AND p.external_id = b.external_id AND p.batch_id = b.batch_id
       WHERE b.batch_id = ? AND b.site = ? AND b.change = ?
       ORDER BY l.external_id LIMIT ?`,
    )
    .all(batchId, site, change, limit) as Array<ListingChange & { priceBatch: string | null }>;
  // A new listing's "price change" is only its detail page revealing the price: no previous price to show.
  return rows.map(({ priceBatch, previousPrice, previousCurrency, ...listing }) =>
    priceBatch === null || change === 'new' ? listing : { ...listing, previousPrice, previousCurrency },
  );
}

function removedListings(
  db: Db,
  batchId: string,
  previousBatchId: string,
  site: string,
  limit: number,
): ListingChange[] {
  if (limit === 0) return [];
  return db
    .prepare(
      `SELECT ${LISTING_COLUMNS}
       FROM batch_listings p JOIN listings l ON l.site = p.site AND l.external_id = p.external_id
       WHERE p.batch_id = ? AND p.site = ?
         AND NOT EXISTS (SELECT 1 FROM batch_listings c WHERE c.batch_id = ? AND c.site = p.site AND c.external_id = p.external_id)
       ORDER BY l.external_id LIMIT ?`,
    )
    .all(previousBatchId, site, batchId, limit) as ListingChange[];
}

export function buildBatchReport(db: Db, batchId: string, options: ReportOptions = {}): BatchReport {
  const listingLimit = options.listingLimit ?? 10;
  if (!Number.isInteger(listingLimit) || listingLimit < 0)
    throw new UserInputError(`the listing limit must be a whole number ≥ 0, got ${listingLimit}`);
  const batch = getBatch(db, batchId);
  if (!batch)
    throw new UserInputError(`unknown batch "${batchId}": no such batch in the database (see \`orchestrator list\`)`);
  const tasks = getTasks(db, batchId);
  const stored = new Map(getSiteMetrics(db, batchId).map((metrics) => [metrics.site, metrics]));

  const sites = batch.sites.map((site): SiteReport => {
    const main = tasks.find((task) => task.site === site && task.kind === 'main');
    const detail = tasks.find((task) => task.site === site && task.kind === 'detail');
    const storedMetrics = stored.get(site);
    const metrics = storedMetrics ?? computeSiteMetrics(db, batchId, site, main?.state === 'completed');
    return {
      site,
      mainState: main?.state ?? null,
      detailState: detail?.state ?? null,
      error: main?.lastError ?? detail?.lastError ?? null,
      metrics,
      metricsSource: storedMetrics ? 'stored' : 'computed',
      newListings: listingsWithChange(db, batchId, site, 'new', listingLimit),
      changedListings: listingsWithChange(db, batchId, site, 'updated', listingLimit),
      removedListings:
        metrics.listingsRemoved !== null && metrics.previousBatchId
          ? removedListings(db, batchId, metrics.previousBatchId, site, listingLimit)
          : [],
    };
  });

  const sum = (pick: (metrics: SiteMetrics) => number) => sites.reduce((total, site) => total + pick(site.metrics), 0);
  const withBaseline = sites.filter((site) => site.metrics.listingsRemoved !== null);
  return {
    batch,
    sites,
    totals: {
      pagesFetched: sum((m) => m.pagesFetched),
      pagesFailed: sum((m) => m.pagesFailed),
      listingsSeen: sum((m) => m.listingsSeen),
      listingsNew: sum((m) => m.listingsNew),
      listingsUpdated: sum((m) => m.listingsUpdated),
      listingsRemoved:
        withBaseline.length > 0
          ? withBaseline.reduce((total, site) => total + (site.metrics.listingsRemoved ?? 0), 0)
          : null,
      priceChanges: sum((m) => m.priceChanges),
    },
    alerts: getAlerts(db, batchId),
    listingLimit,
  };
}
