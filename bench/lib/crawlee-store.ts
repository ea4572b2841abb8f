/**
 * The project's store, written by the Crawlee process as our page activities write it, so that
 * "engine + store" compares like with like (`--crawlee-stores sqlite`).
 *
 * The same per page: a SQLite file opened with openDatabase (the same pragmas and migrations), the
 * batch row the records belong to, and one transaction per page holding the page row (recordPage)
 * and the records (upsertCards on a results page; mergeDetail on a detail page), as
 * activities/scraping.ts does.
 * Not the same, because it is the engine's own bookkeeping and Crawlee keeps its own in its
 * request queue: our attempt count read before each page (nextAttempt) and our detail queue
 * (enqueueDetails, getDetail, finishDetail). Crawlee's attempt number is its retry count + 1.
 */
import type { ListingRecord } from '../../lib/record/listing-record';
import { createBatch } from '../../lib/store/batches';
import { inTransaction, openDatabase, type Db } from '../../lib/store/database';
import { mergeDetail, upsertCards } from '../../lib/store/listings';
import { recordPage } from '../../lib/store/pages';

/** What the handler knows of a page it stores. */
export interface StoredPage {
  site: string;
  kind: 'listing' | 'detail';
  url: string;
  attempt: number;
  statusCode: number;
  latencyMs: number | null;
  bytes: number;
  records: ListingRecord[];
}

export class CrawleeStore {
  private constructor(
    private readonly db: Db,
    private readonly batchId: string,
  ) {}

  /** Opens (creating) the SQLite file and writes the batch row the pages and records belong to. */
  static async open(file: string, sites: string[], detailSites: string[]): Promise<CrawleeStore> {
    const db = await openDatabase(file);
    const batchId = 'crawlee-bench';
    await createBatch(db, {
      id: batchId,
      label: 'bench (Crawlee)',
      parentBatchId: null,
      sites,
      detailSites,
      options: {},
      workflowId: null,
    });
    return new CrawleeStore(db, batchId);
  }

  async store(page: StoredPage): Promise<void> {
    const { batchId } = this;
    await inTransaction(this.db, async (trx) => {
      await recordPage(trx, {
        batchId,
        site: page.site,
        kind: page.kind,
        url: page.url,
        attempt: page.attempt,
        statusCode: page.statusCode,
        latencyMs: page.latencyMs,
        bytes: page.bytes,
        listings: page.records.length,
        errorType: null,
        error: null,
      });
      if (page.kind === 'listing') await upsertCards(trx, batchId, page.records);
      else for (const record of page.records) await mergeDetail(trx, batchId, record);
    });
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
