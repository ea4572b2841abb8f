/**
 * A small store history for report, export and retry tests, written through the store's own
 * functions (the way the activities write it): two batches of lamudi (one listing removed, one
 * repriced, one new) and a trovit site that fails in the second batch.
 */
import { emptyRecord, type ListingRecord } from '../../lib/record/listing-record';
import { createBatch, setBatchStatus, taskId, transitionTask } from '../../lib/store/batches';
import type { Db } from '../../lib/store/database';
import { STORE_BACKENDS, type StoreBackend } from './store-backends';
import { upsertCards } from '../../lib/store/listings';
import { recordPage } from '../../lib/store/pages';

export function card(
  site: string,
  id: string,
  price: number | null,
  extra: Partial<ListingRecord> = {},
): ListingRecord {
  return {
    ...emptyRecord(site, id, `https://www.${site}.com.mx/detalle/${id}`),
    title: `Casa ${id}`,
    price,
    currency: price === null ? null : 'MXN',
    ...extra,
  };
}

export async function addBatch(
  db: Db,
  id: string,
  sites: string[],
  createdAt: string,
  options: Record<string, unknown> = {},
  parentBatchId: string | null = null,
): Promise<void> {
  await createBatch(db, {
    id,
    label: (options.label as string | undefined) ?? null,
    parentBatchId,
    sites,
    detailSites: [],
    options,
    workflowId: `batch-${id}`,
  });
  // Batches made in the same millisecond would tie: the previous-batch baseline orders by creation.
  await db.updateTable('batches').set({ created_at: createdAt }).where('id', '=', id).execute();
}

export async function finishSite(
  db: Db,
  batchId: string,
  site: string,
  outcome: 'completed' | 'failed',
  error?: string,
): Promise<void> {
  await transitionTask(db, taskId(batchId, site, 'main'), 'running', 'test');
  await transitionTask(db, taskId(batchId, site, 'main'), outcome, 'test', error);
}

export async function page(
  db: Db,
  batchId: string,
  site: string,
  url: string,
  latencyMs: number | null,
  errorType: string | null = null,
): Promise<void> {
  await recordPage(db, {
    batchId,
    site,
    kind: 'listing',
    url,
    attempt: 1,
    statusCode: errorType ? 500 : 200,
    latencyMs,
    bytes: 1000,
    listings: 0,
    errorType,
    error: errorType ? 'boom' : null,
  });
}

/**
 * b1: lamudi a 100, b 200, c 300 and trovit t1, both completed.
 * b2: lamudi a 100 (unchanged), b 250 (repriced), d 400 (new), c gone; trovit failed.
 */
export async function twoBatchHistory(db: Db): Promise<void> {
  await addBatch(db, 'b1', ['lamudi', 'trovit'], '2025-11-27T06:00:00.000Z', { maxPages: 3 });
  await upsertCards(db, 'b1', [card('lamudi', 'a', 100), card('lamudi', 'b', 200), card('lamudi', 'c', 300)]);
  await upsertCards(db, 'b1', [card('trovit', 't1', 900)]);
  await page(db, 'b1', 'lamudi', 'https://www.lamudi.com.mx/p1', 120);
  await finishSite(db, 'b1', 'lamudi', 'completed');
  await finishSite(db, 'b1', 'trovit', 'completed');
  await setBatchStatus(db, 'b1', 'completed');

  await addBatch(db, 'b2', ['lamudi', 'trovit'], '2025-11-28T06:00:00.000Z', { maxPages: 3, label: 'nightly' });
  await upsertCards(db, 'b2', [card('lamudi', 'a', 100), card('lamudi', 'b', 250), card('lamudi', 'd', 400)]);
  await page(db, 'b2', 'lamudi', 'https://www.lamudi.com.mx/p1', 100);
  await page(db, 'b2', 'lamudi', 'https://www.lamudi.com.mx/p2', 300);
  await page(db, 'b2', 'trovit', 'https://casas.trovit.com.mx/p1', null, 'ServerError');
  await finishSite(db, 'b2', 'lamudi', 'completed');
  await finishSite(db, 'b2', 'trovit', 'failed', 'ServerError: 500 from casas.trovit.com.mx');
  await setBatchStatus(db, 'b2', 'completed_with_errors');
}

/**
 * A new store for each test of the enclosing describe block (SQLite in memory unless another
 * backend is given), filled by `fill` and closed after the test; the returned function gives the
 * current test's store.
 */
export function storeForEachTest(fill: (db: Db) => Promise<void>, backend: StoreBackend = STORE_BACKENDS[0]): () => Db {
  let db: Db | undefined;
  beforeEach(async () => {
    db = await backend.open();
    await fill(db);
  });
  afterEach(async () => {
    await db?.destroy();
    db = undefined;
  });
  return () => db!;
}
