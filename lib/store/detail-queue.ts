/**
 * The detail queue: detail-page URLs found on results pages wait here, so they never travel
 * through workflow history; the detail workflow reads it in windows by sequence number.
 */
import type { Db } from './database';

export interface QueuedDetail {
  seq: number;
  url: string;
  externalId: string | null;
}

export function enqueueDetails(
  db: Db,
  batchId: string,
  site: string,
  items: Array<{ url: string; externalId: string | null }>,
): number {
  const insert = db.prepare(
    `INSERT OR IGNORE INTO detail_queue (batch_id, site, url, external_id, updated_at) VALUES (?, ?, ?, ?, ?)`,
  );
  const at = new Date().toISOString();
  let added = 0;
  db.transaction(() => {
    for (const item of items) added += insert.run(batchId, site, item.url, item.externalId, at).changes;
  })();
  return added;
}

/** Up to `limit` pending entries after sequence number `afterSeq`, in order. */
export function pendingDetails(db: Db, batchId: string, site: string, afterSeq: number, limit: number): QueuedDetail[] {
  return db
    .prepare(
      `SELECT seq, url, external_id AS externalId FROM detail_queue
       WHERE batch_id = ? AND site = ? AND seq > ? AND state = 'pending' ORDER BY seq LIMIT ?`,
    )
    .all(batchId, site, afterSeq, limit) as QueuedDetail[];
}

export function getDetail(
  db: Db,
  seq: number,
): (QueuedDetail & { batchId: string; site: string; state: string }) | null {
  return (
    (db
      .prepare(
        'SELECT seq, url, external_id AS externalId, batch_id AS batchId, site, state FROM detail_queue WHERE seq = ?',
      )
      .get(seq) as (QueuedDetail & { batchId: string; site: string; state: string }) | undefined) ?? null
  );
}

export function finishDetail(
  db: Db,
  seq: number,
  state: 'done' | 'failed' | 'skipped',
  error: string | null = null,
): void {
  db.prepare('UPDATE detail_queue SET state = ?, error = ?, updated_at = ? WHERE seq = ?').run(
    state,
    error,
    new Date().toISOString(),
    seq,
  );
}

/** Mark failed those of `seqs` still pending (entries done, skipped or failed stay so); returns how many. */
export function failPendingDetails(db: Db, seqs: readonly number[], error: string): number {
  if (seqs.length === 0) return 0;
  return db
    .prepare(
      `UPDATE detail_queue SET state = 'failed', error = ?, updated_at = ? WHERE state = 'pending' AND seq IN (SELECT value FROM json_each(?))`,
    )
    .run(error, new Date().toISOString(), JSON.stringify(seqs)).changes;
}

/** The entries `seqs` by state: done, skipped and failed (a pending one counts nowhere). */
export function outcomesOf(db: Db, seqs: readonly number[]): Record<'done' | 'failed' | 'skipped', number> {
  const counts = { done: 0, failed: 0, skipped: 0 };
  if (seqs.length === 0) return counts;
  const rows = db
    .prepare(
      `SELECT state, COUNT(*) AS n FROM detail_queue WHERE seq IN (SELECT value FROM json_each(?)) AND state != 'pending' GROUP BY state`,
    )
    .all(JSON.stringify(seqs)) as Array<{ state: keyof typeof counts; n: number }>;
  for (const row of rows) counts[row.state] = row.n;
  return counts;
}

export function detailCounts(
  db: Db,
  batchId: string,
  site: string,
): Record<'pending' | 'done' | 'failed' | 'skipped', number> {
  const counts = { pending: 0, done: 0, failed: 0, skipped: 0 };
  const rows = db
    .prepare('SELECT state, COUNT(*) AS n FROM detail_queue WHERE batch_id = ? AND site = ? GROUP BY state')
    .all(batchId, site) as Array<{
    state: keyof typeof counts;
    n: number;
  }>;
  for (const row of rows) counts[row.state] = row.n;
  return counts;
}
