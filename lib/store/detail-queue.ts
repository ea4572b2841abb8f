/**
 * The detail queue: detail-page URLs found on results pages wait here, so they never travel
 * through workflow history; the detail workflow reads it in windows by sequence number.
 */
import { chunks } from './chunks';
import { inTransaction, type Db } from './database';
import { prepareQuery } from './prepared-query';
import type { DetailState } from './schema';

export interface QueuedDetail {
  seq: number;
  url: string;
  externalId: string | null;
}

/** Queue detail URLs once each (a retried page enqueues nothing new); returns how many were added. */
export async function enqueueDetails(
  db: Db,
  batchId: string,
  site: string,
  items: Array<{ url: string; externalId: string | null }>,
): Promise<number> {
  if (items.length === 0) return 0;
  const at = new Date().toISOString();
  return inTransaction(db, async (trx) => {
    let added = 0;
    for (const chunk of chunks(items)) {
      const result = await trx
        .insertInto('detail_queue')
        .values(
          chunk.map((item) => ({
            batch_id: batchId,
            site,
            url: item.url,
            external_id: item.externalId,
            updated_at: at,
          })),
        )
        .onConflict((oc) => oc.columns(['batch_id', 'site', 'url']).doNothing())
        .executeTakeFirst();
      added += Number(result.numInsertedOrUpdatedRows ?? 0);
    }
    return added;
  });
}

/** Up to `limit` pending entries after sequence number `afterSeq`, in order. */
export async function pendingDetails(
  db: Db,
  batchId: string,
  site: string,
  afterSeq: number,
  limit: number,
): Promise<QueuedDetail[]> {
  return db
    .selectFrom('detail_queue')
    .select(['seq', 'url', 'external_id as externalId'])
    .where('batch_id', '=', batchId)
    .where('site', '=', site)
    .where('seq', '>', afterSeq)
    .where('state', '=', 'pending')
    .orderBy('seq')
    .limit(limit)
    .execute();
}

// A detail page reads its entry and finishes it: prepared, as they run once per page.
const readEntry = prepareQuery((db, key: { seq: number }) =>
  db
    .selectFrom('detail_queue')
    .select(['seq', 'url', 'external_id as externalId', 'batch_id as batchId', 'site', 'state'])
    .where('seq', '=', key.seq),
);

const writeOutcome = prepareQuery(
  (db, outcome: { seq: number; state: DetailState; error: string | null; at: string }) =>
    db
      .updateTable('detail_queue')
      .set({ state: outcome.state, error: outcome.error, updated_at: outcome.at })
      .where('seq', '=', outcome.seq),
);

export async function getDetail(
  db: Db,
  seq: number,
): Promise<(QueuedDetail & { batchId: string; site: string; state: DetailState }) | null> {
  const { rows } = await readEntry.execute(db, { seq });
  return rows[0] ?? null;
}

export async function finishDetail(
  db: Db,
  seq: number,
  state: 'done' | 'failed' | 'skipped',
  error: string | null = null,
): Promise<void> {
  await writeOutcome.execute(db, { seq, state, error, at: new Date().toISOString() });
}

/** Mark failed those of `seqs` still pending (entries done, skipped or failed stay so); returns how many. */
export async function failPendingDetails(db: Db, seqs: readonly number[], error: string): Promise<number> {
  let failed = 0;
  for (const chunk of chunks(seqs)) {
    const result = await db
      .updateTable('detail_queue')
      .set({ state: 'failed', error, updated_at: new Date().toISOString() })
      .where('state', '=', 'pending')
      .where('seq', 'in', chunk)
      .executeTakeFirst();
    failed += Number(result.numUpdatedRows);
  }
  return failed;
}

type Outcome = 'done' | 'failed' | 'skipped';

/** The entries `seqs` by state: done, skipped and failed (a pending one counts nowhere). */
export async function outcomesOf(db: Db, seqs: readonly number[]): Promise<Record<Outcome, number>> {
  const counts = { done: 0, failed: 0, skipped: 0 };
  for (const chunk of chunks(seqs)) {
    const rows = await db
      .selectFrom('detail_queue')
      .select((eb) => ['state', eb.fn.countAll<number>().as('n')])
      .where('seq', 'in', chunk)
      .where('state', '!=', 'pending')
      .groupBy('state')
      .execute();
    for (const row of rows) counts[row.state as Outcome] += row.n;
  }
  return counts;
}

export async function detailCounts(db: Db, batchId: string, site: string): Promise<Record<DetailState, number>> {
  const counts = { pending: 0, done: 0, failed: 0, skipped: 0 };
  const rows = await db
    .selectFrom('detail_queue')
    .select((eb) => ['state', eb.fn.countAll<number>().as('n')])
    .where('batch_id', '=', batchId)
    .where('site', '=', site)
    .groupBy('state')
    .execute();
  for (const row of rows) counts[row.state] = row.n;
  return counts;
}
