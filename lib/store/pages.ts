/**
 * One row per fetch attempt of a page: what the metrics (pages/min, latency percentiles, success
 * rate) are computed from. A replayed attempt overwrites its own row instead of adding one.
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

export function recordPage(db: Db, page: PageAttempt): void {
  db.prepare(
    `INSERT INTO pages (batch_id, site, kind, url, attempt, status_code, latency_ms, bytes, listings, error_type, error, fetched_at)
     VALUES (@batchId, @site, @kind, @url, @attempt, @statusCode, @latencyMs, @bytes, @listings, @errorType, @error, @fetchedAt)
     ON CONFLICT (batch_id, site, kind, url, attempt) DO UPDATE SET
       status_code = excluded.status_code, latency_ms = excluded.latency_ms, bytes = excluded.bytes,
       listings = excluded.listings, error_type = excluded.error_type, error = excluded.error, fetched_at = excluded.fetched_at`,
  ).run({ ...page, fetchedAt: new Date().toISOString() });
}
