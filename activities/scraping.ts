/**
 * Scraping activities, one page each: fetch → parse → store, in that order, in one SQLite
 * transaction per page so a retried or replayed page writes nothing twice. Only counts and the
 * next URL go back to the workflow.
 */
import { Context } from '@temporalio/activity';
import { NotFoundError, RobotsDisallowedError, ScrapeError } from '../lib/errors';
import { taskId, transitionTask } from '../lib/store/batches';
import { enqueueDetails, finishDetail, getDetail, pendingDetails } from '../lib/store/detail-queue';
import { mergeDetail, upsertCards } from '../lib/store/listings';
import { recordPage, type PageAttempt } from '../lib/store/pages';
import type { DetailOutcome, ListingPageResult } from '../workflows/types';
import { siteConfig, type ActivityDeps } from './deps';
import { errorFields, toActivityFailure } from './failures';
import { withHeartbeats } from './heartbeat';

export function createScrapingActivities(deps: ActivityDeps) {
  const { db, config } = deps;
  const maxFieldLength = config.security.dataValidation.maxFieldLength;

  /** Fetch a page, recording a failed attempt before the error goes to Temporal's retry policy. */
  async function fetchPage(base: Omit<PageAttempt, 'statusCode' | 'latencyMs' | 'bytes' | 'listings' | 'errorType' | 'error'>) {
    const site = siteConfig(deps, base.site);
    try {
      return await deps.fetcherFor(site).fetch(base.url, { site: base.site, signal: Context.current().cancellationSignal });
    } catch (error) {
      recordPage(db, { ...base, statusCode: (error as { status?: number }).status ?? null, latencyMs: null, bytes: null, listings: 0, ...errorFields(error) });
      throw error;
    }
  }

  async function scrapeListingPage({ batchId, site, url, pageNumber }: { batchId: string; site: string; url: string; pageNumber: number }): Promise<ListingPageResult> {
    const { attempt } = Context.current().info;
    transitionTask(db, taskId(batchId, site, 'main'), attempt > 1 ? 'retrying' : 'running', attempt > 1 ? `page ${pageNumber} attempt ${attempt}` : `page ${pageNumber}`);
    const base = { batchId, site, kind: 'listing' as const, url, attempt };
    let page;
    try {
      page = await fetchPage(base);
    } catch (error) {
      if (error instanceof RobotsDisallowedError) {
        return { listings: 0, newListings: 0, detailUrls: 0, nextPageUrl: null, skipped: error.message };
      }
      throw toActivityFailure(error);
    }
    let parsed;
    try {
      parsed = deps.adapterFor(siteConfig(deps, site)).parseListingPage(page.html, { url: page.url, site, maxFieldLength });
    } catch (error) {
      recordPage(db, { ...base, statusCode: page.status, latencyMs: page.latencyMs, bytes: page.bytes, listings: 0, ...errorFields(error) });
      throw toActivityFailure(error);
    }
    const counts = db.transaction(() => {
      recordPage(db, { ...base, statusCode: page.status, latencyMs: page.latencyMs, bytes: page.bytes, listings: parsed.listings.length, errorType: null, error: null });
      enqueueDetails(db, batchId, site, parsed.detailUrls.map((detailUrl) => ({ url: detailUrl, externalId: null })));
      return upsertCards(db, batchId, parsed.listings);
    })();
    return { listings: parsed.listings.length, newListings: counts.new, detailUrls: parsed.detailUrls.length, nextPageUrl: parsed.nextPageUrl };
  }

  async function scrapeDetailPage({ batchId, site, seq }: { batchId: string; site: string; seq: number }): Promise<DetailOutcome> {
    const entry = getDetail(db, seq);
    if (!entry) throw new Error(`detail queue entry ${seq} does not exist`);
    // Already handled by an earlier attempt whose completion was lost: report the same outcome.
    if (entry.state !== 'pending') return entry.state as DetailOutcome;
    const { attempt } = Context.current().info;
    const base = { batchId, site, kind: 'detail' as const, url: entry.url, attempt };
    let page;
    try {
      page = await fetchPage(base);
    } catch (error) {
      if (error instanceof NotFoundError || error instanceof RobotsDisallowedError) {
        finishDetail(db, seq, 'skipped', error.message);
        return 'skipped';
      }
      throw toActivityFailure(error);
    }
    try {
      const adapter = deps.adapterFor(siteConfig(deps, site));
      if (!adapter.parseDetailPage) throw new Error(`site ${site} has no detail parser`);
      const record = adapter.parseDetailPage(page.html, { url: page.url, site, maxFieldLength });
      db.transaction(() => {
        recordPage(db, { ...base, statusCode: page.status, latencyMs: page.latencyMs, bytes: page.bytes, listings: 1, errorType: null, error: null });
        mergeDetail(db, batchId, record);
        finishDetail(db, seq, 'done');
      })();
      return 'done';
    } catch (error) {
      recordPage(db, { ...base, statusCode: page.status, latencyMs: page.latencyMs, bytes: page.bytes, listings: 0, ...errorFields(error) });
      // A listing gone offline, or a page the parser does not know: retrying gives the same page.
      if (error instanceof ScrapeError && !error.retryable) {
        finishDetail(db, seq, error instanceof NotFoundError ? 'skipped' : 'failed', error.message);
        return error instanceof NotFoundError ? 'skipped' : 'failed';
      }
      throw toActivityFailure(error);
    }
  }

  return {
    scrapeListingPage: (args: { batchId: string; site: string; url: string; pageNumber: number }) => withHeartbeats(() => scrapeListingPage(args)),
    scrapeDetailPage: (args: { batchId: string; site: string; seq: number }) => withHeartbeats(() => scrapeDetailPage(args)),

    async nextDetails({ batchId, site, afterSeq, limit }: { batchId: string; site: string; afterSeq: number; limit: number }): Promise<number[]> {
      return pendingDetails(db, batchId, site, afterSeq, limit).map((entry) => entry.seq);
    },

    async markDetailFailed({ seq, error }: { seq: number; error: string }): Promise<void> {
      finishDetail(db, seq, 'failed', error);
    },
  };
}
