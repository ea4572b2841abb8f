/**
 * One row per fetch attempt of a page: what the metrics (pages/min, latency percentiles, success
 * rate) are computed from. A replayed attempt overwrites its own row instead of adding one.
 * Attempts are counted per page (nextAttempt), not per activity: a window activity's second
 * attempt fetches most of its pages for the first time.
 *
 * A page refused before any request (the host policy or robots.txt) has its row too, with the
 * refusal's class as error_type and its reason as error, and no status, latency or bytes. So does
 * a page that was fetched and then tried to go where the host policy refuses (a redirect hop off
 * the domain, a navigation its script started): error_type HostPolicyError, and the refused URL,
 * which was never requested, in the reason.
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
    .prepare(
      'SELECT COUNT(*) AS n FROM pages WHERE batch_id = @batchId AND site = @site AND kind = @kind AND url = @url',
    )
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

/**
 * Error types of the pages a policy refused: the host policy (HostPolicyError) and robots.txt
 * (RobotsDisallowedError). Such a row's URL was never requested, except a HostPolicyError row of a
 * page that was fetched and then led elsewhere (see above): there the refused URL is in the reason.
 */
export const POLICY_REFUSAL_ERROR_TYPES = ['HostPolicyError', 'RobotsDisallowedError'] as const;

export interface PolicyRefusal {
  site: string;
  kind: 'listing' | 'detail';
  url: string;
  errorType: (typeof POLICY_REFUSAL_ERROR_TYPES)[number];
  reason: string;
}

/** The page rows of a batch whose error is a refusal of the host policy or robots.txt, with their reasons, in the order they were met. */
export function policyRefusals(db: Db, batchId: string): PolicyRefusal[] {
  return db
    .prepare(
      `SELECT site, kind, url, error_type AS errorType, error AS reason FROM pages
       WHERE batch_id = ? AND error_type IN (${POLICY_REFUSAL_ERROR_TYPES.map(() => '?').join(', ')})
       ORDER BY fetched_at, rowid`,
    )
    .all(batchId, ...POLICY_REFUSAL_ERROR_TYPES) as PolicyRefusal[];
}
