/**
 * One row per fetch attempt of a page: what the metrics (pages/min, latency percentiles, success
 * rate) are computed from. A replayed attempt overwrites its own row instead of adding one.
 * Attempts are counted per page (nextAttempt), not per activity: a window activity's second
 * attempt fetches most of its pages for the first time.
 *
 * A page refused before any request (the host policy or robots.txt) has its row too, with the
 * refusal's class as error_type and its reason as error, and no status, latency or bytes.
 */
import type { Db } from './database';

export interface PageAttempt {
  batchId: string;
  site: string;
  kind: 'listing' | 'detail';
  url: string;
  attempt: number;
  statusCode: number | null;
  latencyMs: number | null;
  bytes: number | null;
  listings: number;
  errorType: string | null;
  error: string | null;
}

/** The attempt number of the next fetch of a page in a batch: 1 + the attempts recorded so far. */
export function nextAttempt(db: Db, page: Pick<PageAttempt, 'batchId' | 'site' | 'kind' | 'url'>): number {
  const row = db
    .prepare('SELECT COUNT(*) AS n FROM pages WHERE batch_id = @batchId AND site = @site AND kind = @kind AND url = @url')
    .get(page) as { n: number };
  return row.n + 1;
}

export function recordPage(db: Db, page: PageAttempt): void {
  db.prepare(
    `INSERT INTO pages (batch_id, site, kind, url, attempt, status_code, latency_ms, bytes, listings, error_type, error, fetched_at)
     VALUES (@batchId, @site, @kind, @url, @attempt, @statusCode, @latencyMs, @bytes, @listings, @errorType, @error, @fetchedAt)
     ON CONFLICT (batch_id, site, kind, url, attempt) DO UPDATE SET
       status_code = excluded.status_code, latency_ms = excluded.latency_ms, bytes = excluded.bytes,
       listings = excluded.listings, error_type = excluded.error_type, error = excluded.error, fetched_at = excluded.fetched_at`,
  ).run({ ...page, fetchedAt: new Date().toISOString() });
}

/** Error types of pages that were never requested because they were not the site's to give. */
export const REFUSAL_ERROR_TYPES = ['HostPolicyError', 'RobotsDisallowedError'] as const;

export interface PageRefusal {
  site: string;
  kind: 'listing' | 'detail';
  url: string;
  errorType: (typeof REFUSAL_ERROR_TYPES)[number];
  reason: string;
}

/** The pages of a batch refused before any request, with their reasons, in the order they were met. */
export function pageRefusals(db: Db, batchId: string): PageRefusal[] {
  return db
    .prepare(
      `SELECT site, kind, url, error_type AS errorType, error AS reason FROM pages
       WHERE batch_id = ? AND error_type IN (${REFUSAL_ERROR_TYPES.map(() => '?').join(', ')})
       ORDER BY fetched_at, rowid`,
    )
    .all(batchId, ...REFUSAL_ERROR_TYPES) as PageRefusal[];
}
