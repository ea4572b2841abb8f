/**
 * A small SQLite history for report, export and retry tests, written through the store's own
 * functions (the way the activities write it): two batches of lamudi (one listing removed, one
 * repriced, one new) and a trovit site that fails in the second batch.
 */
import { emptyRecord, type ListingRecord } from '../../lib/record/listing-record';
import { createBatch, setBatchStatus, taskId, transitionTask } from '../../lib/store/batches';
import { openDatabase, type Db } from '../../lib/store/database';
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

export function addBatch(
  db: Db,
  id: string,
  sites: string[],
  createdAt: string,
  options: Record<string, unknown> = {},
  parentBatchId: string | null = null,
): void {
  createBatch(db, {
    id,
    label: (options.label as string | undefined) ?? null,
    parentBatchId,
    sites,
    detailSites: [],
    options,
    workflowId: `batch-${id}`,
  });
  // Batches made in the same millisecond would tie: the previous-batch baseline orders by creation.
  db.prepare('UPDATE batches SET created_at = ? WHERE id = ?').run(createdAt, id);
}

export function finishSite(
  db: Db,
  batchId: string,
  site: string,
  outcome: 'completed' | 'failed',
  error?: string,
): void {
  transitionTask(db, taskId(batchId, site, 'main'), 'running', 'test');
  transitionTask(db, taskId(batchId, site, 'main'), outcome, 'test', error);
}

export function page(
  db: Db,
  batchId: string,
  site: string,
  url: string,
  latencyMs: number | null,
  errorType: string | null = null,
): void {
  recordPage(db, {
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
export function twoBatchHistory(db: Db): void {
  addBatch(db, 'b1', ['lamudi', 'trovit'], '2025-11-27T06:00:00.000Z', { maxPages: 3 });
  upsertCards(db, 'b1', [card('lamudi', 'a', 100), card('lamudi', 'b', 200), card('lamudi', 'c', 300)]);
  upsertCards(db, 'b1', [card('trovit', 't1', 900)]);
  page(db, 'b1', 'lamudi', 'https://www.lamudi.com.mx/p1', 120);
  finishSite(db, 'b1', 'lamudi', 'completed');
  finishSite(db, 'b1', 'trovit', 'completed');
  setBatchStatus(db, 'b1', 'completed');

  addBatch(db, 'b2', ['lamudi', 'trovit'], '2025-11-28T06:00:00.000Z', { maxPages: 3, label: 'nightly' });
  upsertCards(db, 'b2', [card('lamudi', 'a', 100), card('lamudi', 'b', 250), card('lamudi', 'd', 400)]);
  page(db, 'b2', 'lamudi', 'https://www.lamudi.com.mx/p1', 100);
  page(db, 'b2', 'lamudi', 'https://www.lamudi.com.mx/p2', 300);
  page(db, 'b2', 'trovit', 'https://casas.trovit.com.mx/p1', null, 'ServerError');
  finishSite(db, 'b2', 'lamudi', 'completed');
  finishSite(db, 'b2', 'trovit', 'failed', 'ServerError: 500 from casas.trovit.com.mx');
  setBatchStatus(db, 'b2', 'completed_with_errors');
}

/**
 * A new in-memory store for each test of the enclosing describe block, filled by `fill` and closed
 * after the test; the returned function gives the current test's store.
 */
export function storeForEachTest(fill: (db: Db) => void): () => Db {
  let db: Db | undefined;
  beforeEach(() => {
    db = openDatabase(':memory:');
    fill(db);
  });
  afterEach(() => db?.close());
  return () => db!;
}
