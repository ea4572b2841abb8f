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
import type { ExpressionBuilder } from 'kysely';
import type { Db } from '../store/database';
import { itsListing, removedSince } from '../store/listings';
import type { ListingsTable, StoreSchema } from '../store/schema';
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

/** The listing columns a report row shows. */
function listingColumns(eb: ExpressionBuilder<StoreSchema & { l: ListingsTable }, 'l'>) {
  return [
    eb.ref('l.site').as('site'),
    eb.ref('l.external_id').as('externalId'),
    eb.ref('l.title').as('title'),
    eb.ref('l.url').as('url'),
    eb.ref('l.price').as('price'),
    eb.ref('l.currency').as('currency'),
  ];
}

async function listingsWithChange(
  db: Db,
  batchId: string,
  site: string,
  change: 'new' | 'updated',
  limit: number,
): Promise<ListingChange[]> {
  if (limit === 0) return [];
  const rows = await db
    .selectFrom('batch_listings as b')
    .innerJoin('listings as l', itsListing('b'))
    .leftJoin('price_history as p', (join) =>
      join
        .onRef('p.site', '=', 'b.site')
        .onRef('p.external_id', '=', 'b.external_id')
        .onRef('p.batch_id', '=', 'b.batch_id'),
    )
    .select((eb) => [
      ...listingColumns(eb),
      'p.old_price as previousPrice',
      'p.old_currency as previousCurrency',
      'p.batch_id as priceBatch',
    ])
    .where('b.batch_id', '=', batchId)
    .where('b.site', '=', site)
    .where('b.change', '=', change)
    .orderBy('l.external_id')
    .limit(limit)
    .execute();
  // A new listing's "price change" is only its detail page revealing the price: no previous price to show.
  return rows.map(({ priceBatch, previousPrice, previousCurrency, ...listing }) =>
    priceBatch === null || change === 'new' ? listing : { ...listing, previousPrice, previousCurrency },
  );
}

async function removedListings(
  db: Db,
  batchId: string,
  previousBatchId: string,
  site: string,
  limit: number,
): Promise<ListingChange[]> {
  if (limit === 0) return [];
  return removedSince(db, previousBatchId, batchId, site)
    .innerJoin('listings as l', itsListing('p'))
    .select(listingColumns)
    .orderBy('l.external_id')
    .limit(limit)
    .execute();
}

export async function buildBatchReport(db: Db, batchId: string, options: ReportOptions = {}): Promise<BatchReport> {
  const listingLimit = options.listingLimit ?? 10;
  if (!Number.isInteger(listingLimit) || listingLimit < 0)
    throw new UserInputError(`the listing limit must be a whole number ≥ 0, got ${listingLimit}`);
  const batch = await getBatch(db, batchId);
  if (!batch)
    throw new UserInputError(`unknown batch "${batchId}": no such batch in the database (see \`orchestrator list\`)`);
  const tasks = await getTasks(db, batchId);
  const stored = new Map((await getSiteMetrics(db, batchId)).map((metrics) => [metrics.site, metrics]));

  const sites: SiteReport[] = [];
  for (const site of batch.sites) {
    const main = tasks.find((task) => task.site === site && task.kind === 'main');
    const detail = tasks.find((task) => task.site === site && task.kind === 'detail');
    const storedMetrics = stored.get(site);
    const metrics = storedMetrics ?? (await computeSiteMetrics(db, batchId, site, main?.state === 'completed'));
    sites.push({
      site,
      mainState: main?.state ?? null,
      detailState: detail?.state ?? null,
      error: main?.lastError ?? detail?.lastError ?? null,
      metrics,
      metricsSource: storedMetrics ? 'stored' : 'computed',
      newListings: await listingsWithChange(db, batchId, site, 'new', listingLimit),
      changedListings: await listingsWithChange(db, batchId, site, 'updated', listingLimit),
      removedListings:
        metrics.listingsRemoved !== null && metrics.previousBatchId
          ? await removedListings(db, batchId, metrics.previousBatchId, site, listingLimit)
          : [],
    });
  }

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
    alerts: await getAlerts(db, batchId),
    listingLimit,
  };
}
