/**
 * The metrics collector: per batch and site, computed from what the store recorded (pages, listings
 * and their per-batch classification), so a retried or replayed activity never counts twice.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../store/database';
import { previousBatchForSite } from '../store/batches';
import { itsListing, removedSince } from '../store/listings';

export interface SiteMetrics {
  site: string;
  pagesFetched: number;
  pagesFailed: number;
  listingsSeen: number;
  listingsNew: number;
  listingsUpdated: number;
  listingsUnchanged: number;
  /** Seen in the previous batch of this site, not in this one; null when there is no baseline or the site failed. */
  listingsRemoved: number | null;
  priceChanges: number;
  detailPagesDone: number;
  detailPagesFailed: number;
  /** Successful pages / pages attempted. */
  successRate: number | null;
  pagesPerMinute: number | null;
  latencyAvgMs: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  fillRates: FillRates;
  previousBatchId: string | null;
}

export interface FillRates {
  price: number | null;
  bedrooms: number | null;
  area: number | null;
  coordinates: number | null;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

const round = (value: number | null, digits = 2) => (value == null ? null : Number(value.toFixed(digits)));

export async function computeSiteMetrics(
  db: Db,
  batchId: string,
  site: string,
  mainCompleted: boolean,
): Promise<SiteMetrics> {
  const pageRows = await db
    .selectFrom('pages')
    .select(['url', 'kind', 'attempt', 'status_code', 'latency_ms', 'error_type', 'fetched_at'])
    .where('batch_id', '=', batchId)
    .where('site', '=', site)
    .orderBy('fetched_at')
    .execute();
  // Latency and pages/min count every fetch; pages fetched and failed count result pages (detail pages have their own counts).
  const ok = pageRows.filter((row) => row.error_type === null);
  const failedUrls = new Set(pageRows.filter((row) => row.error_type !== null).map((row) => `${row.kind} ${row.url}`));
  for (const row of ok) failedUrls.delete(`${row.kind} ${row.url}`);
  // Distinct pages: a page stored again after a lost completion (a crash) is still one page.
  const listingPagesOk = new Set(ok.filter((row) => row.kind === 'listing').map((row) => row.url)).size;
  const listingPagesFailed = [...failedUrls].filter((key) => key.startsWith('listing ')).length;
  const latencies = ok.map((row) => row.latency_ms ?? 0).sort((a, b) => a - b);
  const spanMinutes =
    ok.length > 1 ? (Date.parse(ok[ok.length - 1].fetched_at) - Date.parse(ok[0].fetched_at)) / 60_000 : 0;

  const changes = await countsBy(db, 'batch_listings', 'change', batchId, site);
  const seen = (changes.new ?? 0) + (changes.updated ?? 0) + (changes.unchanged ?? 0);
  const previousBatchId = await previousBatchForSite(db, batchId, site);
  const removed = mainCompleted && previousBatchId ? await removedCount(db, previousBatchId, batchId, site) : null;
  const priceChanges = (
    await db
      .selectFrom('price_history')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('batch_id', '=', batchId)
      .where('site', '=', site)
      .executeTakeFirstOrThrow()
  ).n;
  const detail = await countsBy(db, 'detail_queue', 'state', batchId, site);
  const fill = await fillCounts(db, batchId, site);
  const share = (count: number | null) => (fill.n > 0 ? round((count ?? 0) / fill.n, 4) : null);
  const okPages = new Set(ok.map((row) => `${row.kind} ${row.url}`)).size;
  const attempted = okPages + failedUrls.size;

  return {
    site,
    pagesFetched: listingPagesOk,
    pagesFailed: listingPagesFailed,
    listingsSeen: seen,
    listingsNew: changes.new ?? 0,
    listingsUpdated: changes.updated ?? 0,
    listingsUnchanged: changes.unchanged ?? 0,
    listingsRemoved: removed,
    priceChanges,
    detailPagesDone: detail.done ?? 0,
    detailPagesFailed: detail.failed ?? 0,
    successRate: attempted > 0 ? round(okPages / attempted, 4) : null,
    pagesPerMinute: spanMinutes > 0 ? round(ok.length / spanMinutes, 1) : null,
    latencyAvgMs: latencies.length ? round(latencies.reduce((a, b) => a + b, 0) / latencies.length, 1) : null,
    latencyP50Ms: round(percentile(latencies, 50), 1),
    latencyP95Ms: round(percentile(latencies, 95), 1),
    fillRates: {
      price: share(fill.price),
      bedrooms: share(fill.bedrooms),
      area: share(fill.area),
      coordinates: share(fill.coordinates),
    },
    previousBatchId,
  };
}

/** Rows of one batch and site in a table, counted by the values of one column. */
async function countsBy(
  db: Db,
  table: 'batch_listings' | 'detail_queue',
  column: 'change' | 'state',
  batchId: string,
  site: string,
): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom(table)
    .select((eb) => [eb.ref(column).as('value'), eb.fn.countAll<number>().as('n')])
    .where('batch_id', '=', batchId)
    .where('site', '=', site)
    .groupBy(column)
    .execute();
  return Object.fromEntries(rows.map((row) => [row.value as string, row.n]));
}

/** Listings the previous batch of the site saw that this one did not. */
async function removedCount(db: Db, previousBatchId: string, batchId: string, site: string): Promise<number> {
  const row = await removedSince(db, previousBatchId, batchId, site)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return row.n;
}

/** How many of the batch's listings of the site have each field group filled. */
async function fillCounts(db: Db, batchId: string, site: string) {
  const filled = (condition: RawBuilder<unknown>) => sql<number | null>`SUM(CASE WHEN ${condition} THEN 1 ELSE 0 END)`;
  return db
    .selectFrom('batch_listings as b')
    .innerJoin('listings as l', itsListing('b'))
    .select((eb) => [
      eb.fn.countAll<number>().as('n'),
      filled(sql`l.price IS NOT NULL`).as('price'),
      filled(sql`l.bedrooms IS NOT NULL`).as('bedrooms'),
      filled(sql`l.built_area_m2 IS NOT NULL OR l.land_area_m2 IS NOT NULL`).as('area'),
      filled(sql`l.lat IS NOT NULL AND l.lng IS NOT NULL`).as('coordinates'),
    ])
    .where('b.batch_id', '=', batchId)
    .where('b.site', '=', site)
    .executeTakeFirstOrThrow();
}

export async function storeSiteMetrics(db: Db, batchId: string, metrics: SiteMetrics): Promise<void> {
  await db
    .insertInto('site_metrics')
    .values({
      batch_id: batchId,
      site: metrics.site,
      metrics: JSON.stringify(metrics),
      computed_at: new Date().toISOString(),
    })
    .onConflict((oc) =>
      oc.columns(['batch_id', 'site']).doUpdateSet((eb) => ({
        metrics: eb.ref('excluded.metrics'),
        computed_at: eb.ref('excluded.computed_at'),
      })),
    )
    .execute();
}

export async function getSiteMetrics(db: Db, batchId: string): Promise<SiteMetrics[]> {
  const rows = await db
    .selectFrom('site_metrics')
    .select('metrics')
    .where('batch_id', '=', batchId)
    .orderBy('site')
    .execute();
  return rows.map((row) => JSON.parse(row.metrics) as SiteMetrics);
}
