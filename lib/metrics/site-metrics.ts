/**
 * The metrics collector: per batch and site, computed from what SQLite recorded (pages, listings
 * and their per-batch classification), so a retried or replayed activity never counts twice.
 */
import type { Db } from '../store/database';
import { previousBatchForSite } from '../store/batches';

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

export function computeSiteMetrics(db: Db, batchId: string, site: string, mainCompleted: boolean): SiteMetrics {
  const pageRows = db
    .prepare(
      `SELECT url, kind, attempt, status_code, latency_ms, error_type, fetched_at FROM pages WHERE batch_id = ? AND site = ? ORDER BY fetched_at`,
    )
    .all(batchId, site) as Array<{
    url: string;
    kind: string;
    attempt: number;
    status_code: number | null;
    latency_ms: number | null;
    error_type: string | null;
    fetched_at: string;
  }>;
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

  const changes = Object.fromEntries(
    (
      db
        .prepare('SELECT change, COUNT(*) AS n FROM batch_listings WHERE batch_id = ? AND site = ? GROUP BY change')
        .all(batchId, site) as Array<{ change: string; n: number }>
    ).map((row) => [row.change, row.n]),
  );
  const seen = (changes.new ?? 0) + (changes.updated ?? 0) + (changes.unchanged ?? 0);
  const previousBatchId = previousBatchForSite(db, batchId, site);
  const removed =
    mainCompleted && previousBatchId
      ? (
          db
            .prepare(
              `SELECT COUNT(*) AS n FROM batch_listings p WHERE p.batch_id = ? AND p.site = ?
             AND NOT EXISTS (SELECT 1 FROM batch_listings c WHERE c.batch_id = ? AND c.site = p.site AND c.external_id = p.external_id)`,
            )
            .get(previousBatchId, site, batchId) as { n: number }
        ).n
      : null;
  const priceChanges = (
    db.prepare('SELECT COUNT(*) AS n FROM price_history WHERE batch_id = ? AND site = ?').get(batchId, site) as {
      n: number;
    }
  ).n;
  const detail = Object.fromEntries(
    (
      db
        .prepare('SELECT state, COUNT(*) AS n FROM detail_queue WHERE batch_id = ? AND site = ? GROUP BY state')
        .all(batchId, site) as Array<{ state: string; n: number }>
    ).map((row) => [row.state, row.n]),
  );
  const fill = db
    .prepare(
      `SELECT COUNT(*) AS n,
              SUM(l.price IS NOT NULL) AS price,
              SUM(l.bedrooms IS NOT NULL) AS bedrooms,
              SUM(l.built_area_m2 IS NOT NULL OR l.land_area_m2 IS NOT NULL) AS area,
              SUM(l.lat IS NOT NULL AND l.lng IS NOT NULL) AS coordinates
       FROM batch_listings b JOIN listings l ON l.site = b.site AND l.external_id = b.external_id
       WHERE b.batch_id = ? AND b.site = ?`,
    )
    .get(batchId, site) as {
    n: number;
    price: number | null;
    bedrooms: number | null;
    area: number | null;
    coordinates: number | null;
  };
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

export function storeSiteMetrics(db: Db, batchId: string, metrics: SiteMetrics): void {
  db.prepare(
    `INSERT INTO site_metrics (batch_id, site, metrics, computed_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (batch_id, site) DO UPDATE SET metrics = excluded.metrics, computed_at = excluded.computed_at`,
  ).run(batchId, metrics.site, JSON.stringify(metrics), new Date().toISOString());
}

export function getSiteMetrics(db: Db, batchId: string): SiteMetrics[] {
  return (
    db.prepare('SELECT metrics FROM site_metrics WHERE batch_id = ? ORDER BY site').all(batchId) as Array<{
      metrics: string;
    }>
  ).map((row) => JSON.parse(row.metrics) as SiteMetrics);
}
