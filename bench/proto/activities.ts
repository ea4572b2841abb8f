/**
 * PROTOTYPE (benchmark only, not used by the project): activity granularity. The project's
 * activities do one page each; these do a window of pages in one activity, with heartbeats that
 * carry the resume point, so a page costs a fraction of an activity's history events, server
 * work and SDK overhead. The page logic is a copy of activities/scraping.ts (fetch → parse →
 * store in one SQLite transaction per page), unchanged.
 *
 *   scrapeListingPages  up to `limit` consecutive results pages of one start URL; heartbeat
 *                       details {url, pageNumber, totals} after each page; a retried attempt
 *                       resumes from them.
 *   scrapeDetailPages   a window of detail-queue entries, `concurrency` at a time; a page whose
 *                       failure is retryable fails the window after the others finished, and the
 *                       retried attempt skips entries already done (their queue state says so).
 */
import { Context } from '@temporalio/activity';
import { createActivities, type ActivityDeps } from '../../activities';
import { siteConfig } from '../../activities/deps';
import { errorFields, toActivityFailure } from '../../activities/failures';
import { NotFoundError, RobotsDisallowedError, ScrapeError } from '../../lib/errors';
import { taskId, transitionTask } from '../../lib/store/batches';
import { enqueueDetails, finishDetail, getDetail } from '../../lib/store/detail-queue';
import { mergeDetail, upsertCards } from '../../lib/store/listings';
import { recordPage, type PageAttempt } from '../../lib/store/pages';
import type { DetailOutcome, ListingPageResult, SiteTotals } from '../../workflows/types';

export interface ProtoSettings {
  listingPagesPerActivity: number;
  detailPagesPerActivity: number;
  detailActivitiesInFlight: number;
  detailConcurrencyPerActivity: number;
}

export function protoSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): ProtoSettings {
  const n = (name: string, fallback: number) => Math.max(1, Number(env[name] ?? fallback) || fallback);
  return {
    listingPagesPerActivity: n('PROTO_LISTING_PAGES_PER_ACTIVITY', 10),
    detailPagesPerActivity: n('PROTO_DETAIL_PAGES_PER_ACTIVITY', 50),
    detailActivitiesInFlight: n('PROTO_DETAIL_ACTIVITIES_IN_FLIGHT', 4),
    detailConcurrencyPerActivity: n('PROTO_DETAIL_CONCURRENCY_PER_ACTIVITY', 5),
  };
}

export interface ListingCursor {
  url: string | null;
  pageNumber: number;
  totals: SiteTotals;
}

/**
 * A signal of its own for one page, aborted with the activity's: the HTTP client leaves a listener
 * on the signal it is given for every request, which on a window activity's signal would pile up
 * (one per page, each holding its request) until the window ends.
 */
async function withPageSignal<T>(activitySignal: AbortSignal, fetch: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const page = new AbortController();
  const abort = () => page.abort(activitySignal.reason);
  if (activitySignal.aborted) abort();
  else activitySignal.addEventListener('abort', abort, { once: true });
  try {
    return await fetch(page.signal);
  } finally {
    activitySignal.removeEventListener('abort', abort);
  }
}

export function createProtoActivities(deps: ActivityDeps, settings: ProtoSettings) {
  const base = createActivities(deps);
  const { db, config } = deps;
  const maxFieldLength = config.security.dataValidation.maxFieldLength;

  async function fetchPage(base: Omit<PageAttempt, 'statusCode' | 'latencyMs' | 'bytes' | 'listings' | 'errorType' | 'error'>) {
    const site = siteConfig(deps, base.site);
    try {
      return await withPageSignal(Context.current().cancellationSignal, (signal) => deps.fetcherFor(site).fetch(base.url, { site: base.site, signal }));
    } catch (error) {
      recordPage(db, { ...base, statusCode: (error as { status?: number }).status ?? null, latencyMs: null, bytes: null, listings: 0, ...errorFields(error) });
      throw error;
    }
  }

  /** activities/scraping.ts scrapeListingPage, unchanged. */
  async function listingPage({ batchId, site, url, pageNumber }: { batchId: string; site: string; url: string; pageNumber: number }): Promise<ListingPageResult> {
    const { attempt } = Context.current().info;
    transitionTask(db, taskId(batchId, site, 'main'), attempt > 1 ? 'retrying' : 'running', attempt > 1 ? `page ${pageNumber} attempt ${attempt}` : `page ${pageNumber}`);
    const base = { batchId, site, kind: 'listing' as const, url, attempt };
    let page;
    try {
      page = await fetchPage(base);
    } catch (error) {
      if (error instanceof RobotsDisallowedError) return { listings: 0, newListings: 0, detailUrls: 0, nextPageUrl: null, skipped: error.message };
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

  /** activities/scraping.ts scrapeDetailPage, unchanged. */
  async function detailPage({ batchId, site, seq }: { batchId: string; site: string; seq: number }): Promise<DetailOutcome> {
    const entry = getDetail(db, seq);
    if (!entry) throw new Error(`detail queue entry ${seq} does not exist`);
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
      if (error instanceof ScrapeError && !error.retryable) {
        finishDetail(db, seq, error instanceof NotFoundError ? 'skipped' : 'failed', error.message);
        return error instanceof NotFoundError ? 'skipped' : 'failed';
      }
      throw toActivityFailure(error);
    }
  }

  return {
    ...base,

    /** Entries of a window still pending after its retries become failed; returns how many. */
    async failPendingDetails({ seqs, error }: { seqs: number[]; error: string }): Promise<number> {
      const update = db.prepare(`UPDATE detail_queue SET state = 'failed', error = ?, updated_at = ? WHERE seq = ? AND state = 'pending'`);
      const at = new Date().toISOString();
      return db.transaction(() => seqs.reduce((sum, seq) => sum + update.run(error, at, seq).changes, 0))();
    },

    async protoSettings(): Promise<ProtoSettings> {
      return settings;
    },

    async scrapeListingPages(args: { batchId: string; site: string; url: string; pageNumber: number; maxPages: number; limit: number; totals: SiteTotals }): Promise<ListingCursor & { pages: number }> {
      const context = Context.current();
      const resumed = context.info.heartbeatDetails as ListingCursor | undefined;
      let cursor: ListingCursor = resumed ?? { url: args.url, pageNumber: args.pageNumber, totals: { ...args.totals } };
      const timer = setInterval(() => context.heartbeat(cursor), 1000);
      context.heartbeat(cursor);
      let pages = 0;
      try {
        while (cursor.url !== null && cursor.pageNumber <= args.maxPages && pages < args.limit) {
          const result = await listingPage({ batchId: args.batchId, site: args.site, url: cursor.url, pageNumber: cursor.pageNumber });
          const totals = { ...cursor.totals };
          totals.pages++;
          totals.listings += result.listings;
          totals.newListings += result.newListings;
          if (result.skipped) totals.skippedPages++;
          cursor = { url: result.nextPageUrl, pageNumber: cursor.pageNumber + 1, totals };
          pages++;
          context.heartbeat(cursor);
        }
        return { ...cursor, pages };
      } finally {
        clearInterval(timer);
      }
    },

    async scrapeDetailPages(args: { batchId: string; site: string; seqs: number[]; concurrency: number }): Promise<Record<DetailOutcome, number>> {
      const context = Context.current();
      const outcomes: Record<DetailOutcome, number> = { done: 0, failed: 0, skipped: 0 };
      let next = 0;
      let firstRetryable: unknown = null;
      const timer = setInterval(() => context.heartbeat(next), 1000);
      context.heartbeat(next);
      const lane = async () => {
        while (next < args.seqs.length) {
          const seq = args.seqs[next++];
          try {
            outcomes[await detailPage({ batchId: args.batchId, site: args.site, seq })]++;
          } catch (error) {
            if (context.cancellationSignal.aborted) throw error;
            firstRetryable ??= error;
          }
        }
      };
      try {
        await Promise.all(Array.from({ length: Math.min(args.concurrency, args.seqs.length) }, lane));
      } finally {
        clearInterval(timer);
      }
      if (firstRetryable) throw firstRetryable;
      return outcomes;
    },
  };
}

export type ProtoActivities = ReturnType<typeof createProtoActivities>;
