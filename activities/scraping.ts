/**
 * Scraping activities: fetch → parse → store, in that order, in one SQLite transaction per page
 * so a retried or replayed page writes nothing twice. Only counts and the next URL go back to the
 * workflow. The workflows call the window activities (scrapeListingPages, scrapeDetailPages),
 * each of which does many pages: per page, an activity costs history events, server work and SDK
 * overhead that cost more than the page itself (README, Performance).
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { HostPolicyError, NotFoundError, RobotsDisallowedError, ScrapeError } from '../lib/errors';
import {
  enqueueDetails,
  failPendingDetails,
  finishDetail,
  getDetail,
  outcomesOf,
  pendingDetails,
} from '../lib/store/detail-queue';
import { mergeDetail, upsertCards } from '../lib/store/listings';
import { nextAttempt, recordPage, type PageAttempt } from '../lib/store/pages';
import { inTransaction, type Db } from '../lib/store/database';
import type { FetchedPage } from '../lib/fetch/fetcher';
import type {
  DetailOutcome,
  DetailTotals,
  ListingCursor,
  ListingPageResult,
  ListingWalk,
  SiteTotals,
} from '../lib/contract/payloads';
import { measureActivity } from '../lib/metrics/activity-metrics';
import { inlinePageParser } from '../scrapers/page-parser';
import { siteConfig, type ActivityDeps } from './deps';
import { errorFields, toActivityFailure } from './failures';
import { withHeartbeats } from './heartbeat';

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

/**
 * A page that is not the site's to give: robots.txt disallows it, or the host policy refuses its
 * URL (a next link or detail URL pointing off the site's domain, at an IP address or at a host
 * that resolves to a private one). Nothing was sent, and asking again gives the same answer. It is
 * recorded with its reason in the pages table (fetchPage) and skipped: a results walk ends there,
 * since there is no next page it may follow, and the site completes with what it had. A hostile
 * link is the page author's doing, not a failure of the site, and failing the site would let one
 * planted link throw away every good page of a batch; the refusal stays visible in the pages table,
 * in the site's failed pages of `report`, and in the skipped count.
 *
 * A start URL (page 1 of a walk) is not skipped: nobody planted it, it is the configuration
 * (urls/*.csv) or the environment (where its host resolves, the site's robots.txt), and a site
 * that "completes" with no page would hide that. It fails the site with the reason.
 *
 * A page that itself tries to take the browser elsewhere (a challenge whose script navigates to a
 * private address, a redirect off the domain: `byPage`) is not skipped either: it is the site's own
 * answer, and it fails the page (non-retryable) with the same reason.
 */
function isRefusal(error: unknown): error is RobotsDisallowedError | HostPolicyError {
  return error instanceof RobotsDisallowedError || (error instanceof HostPolicyError && !error.byPage);
}

/** A page attempt before its outcome is known: which page, of which batch, which attempt. */
type AttemptOf = Omit<PageAttempt, 'statusCode' | 'latencyMs' | 'bytes' | 'listings' | 'errorType' | 'error'>;

export function createScrapingActivities(deps: ActivityDeps) {
  const { db, config } = deps;
  const maxFieldLength = config.security.dataValidation.maxFieldLength;
  const parser = deps.parser ?? inlinePageParser((site) => deps.adapterFor(site));
  /** Typed errors → Temporal failures under the site's retry policy (Retry-After capped at its maximum interval). */
  const failure = (error: unknown, site: string) => toActivityFailure(error, siteConfig(deps, site).retry);

  /** Fetch a page, recording a failed attempt before the error goes to Temporal's retry policy. */
  async function fetchPage(base: AttemptOf) {
    const site = siteConfig(deps, base.site);
    try {
      return await withPageSignal(Context.current().cancellationSignal, (signal) =>
        deps.fetcherFor(site).fetch(base.url, { site: base.site, signal }),
      );
    } catch (error) {
      await recordPage(db, {
        ...base,
        statusCode: (error as { status?: number }).status ?? null,
        latencyMs: null,
        bytes: null,
        listings: 0,
        ...errorFields(error),
      });
      throw error;
    }
  }

  /**
   * Record an attempt whose page arrived: its status, latency and size, with the number of
   * listings parsed from it, or the error its parsing failed with (no listings).
   */
  async function recordArrived(
    store: Db,
    base: AttemptOf,
    page: FetchedPage,
    parsed: { listings: number } | { failure: unknown },
  ): Promise<void> {
    await recordPage(store, {
      ...base,
      statusCode: page.status,
      latencyMs: page.latencyMs,
      bytes: page.bytes,
      ...('failure' in parsed
        ? { listings: 0, ...errorFields(parsed.failure) }
        : { listings: parsed.listings, errorType: null, error: null }),
    });
  }

  async function scrapeListingPage({
    batchId,
    site,
    url,
    pageNumber,
  }: {
    batchId: string;
    site: string;
    url: string;
    pageNumber: number;
  }): Promise<ListingPageResult> {
    // The attempt is reported in the pages table; the task's state is the site workflow's to write
    // (a failed latest attempt reads as retrying: lib/store/batches.ts, getTasks).
    const attempt = await nextAttempt(db, { batchId, site, kind: 'listing', url });
    const base = { batchId, site, kind: 'listing' as const, url, attempt };
    let page;
    try {
      page = await fetchPage(base);
    } catch (error) {
      if (isRefusal(error) && pageNumber > 1) {
        return { listings: 0, newListings: 0, detailUrls: 0, nextPageUrl: null, skipped: error.message };
      }
      if (
        error instanceof NotFoundError &&
        pageNumber > 1 &&
        deps.adapterFor(siteConfig(deps, site)).endsWithNotFound
      ) {
        // On a site whose adapter says so, a results page after the first that does not exist
        // ends the search instead of failing the site: Mitula answers 404 past its last page
        // (docs/portals.md §4.1), and a portal whose pages give only a total (Casas y Terrenos,
        // Propiedades) cannot tell a short last page from a full middle one, so its walk may ask
        // for one page past the end. Elsewhere a 404 on a page the site linked to is drift, and
        // fails as any page does. The attempt keeps its row, with the status, as a page that answered.
        await recordPage(db, {
          ...base,
          statusCode: error.status,
          latencyMs: null,
          bytes: null,
          listings: 0,
          errorType: null,
          error: null,
        });
        return { listings: 0, newListings: 0, detailUrls: 0, nextPageUrl: null };
      }
      throw failure(error, site);
    }
    let parsed;
    try {
      parsed = await parser.listingPage(siteConfig(deps, site), page.html, { url: page.url, site, maxFieldLength });
    } catch (error) {
      await recordArrived(db, base, page, { failure: error });
      throw failure(error, site);
    }
    const counts = await inTransaction(db, async (trx) => {
      await recordArrived(trx, base, page, { listings: parsed.listings.length });
      await enqueueDetails(
        trx,
        batchId,
        site,
        parsed.detailUrls.map((detailUrl) => ({ url: detailUrl, externalId: null })),
      );
      return upsertCards(trx, batchId, parsed.listings);
    });
    return {
      listings: parsed.listings.length,
      newListings: counts.new,
      detailUrls: parsed.detailUrls.length,
      nextPageUrl: parsed.nextPageUrl,
    };
  }

  async function scrapeDetailPage({
    batchId,
    site,
    seq,
  }: {
    batchId: string;
    site: string;
    seq: number;
  }): Promise<DetailOutcome> {
    const entry = await getDetail(db, seq);
    if (!entry) throw new Error(`detail queue entry ${seq} does not exist`);
    // Already handled by an earlier attempt whose completion was lost: report the same outcome.
    if (entry.state !== 'pending') return entry.state;
    const attempt = await nextAttempt(db, { batchId, site, kind: 'detail', url: entry.url });
    const base = { batchId, site, kind: 'detail' as const, url: entry.url, attempt };
    let page;
    try {
      page = await fetchPage(base);
    } catch (error) {
      if (error instanceof NotFoundError || isRefusal(error)) {
        await finishDetail(db, seq, 'skipped', error.message);
        return 'skipped';
      }
      // Asking again gives the same answer (a challenge that did not clear, access denied, a
      // redirect or navigation the host policy refuses …): the entry fails now, with its reason,
      // as a page the parser does not know does below. Only a retryable failure is thrown, so
      // only it decides whether the window is tried again, and this page is not fetched again.
      if (error instanceof ScrapeError && !error.retryable) {
        await finishDetail(db, seq, 'failed', error.message);
        return 'failed';
      }
      throw failure(error, site);
    }
    try {
      const record = await parser.detailPage(siteConfig(deps, site), page.html, {
        url: page.url,
        site,
        maxFieldLength,
      });
      await inTransaction(db, async (trx) => {
        await recordArrived(trx, base, page, { listings: 1 });
        await mergeDetail(trx, batchId, record);
        await finishDetail(trx, seq, 'done');
      });
      return 'done';
    } catch (error) {
      await recordArrived(db, base, page, { failure: error });
      // A listing gone offline, or a page the parser does not know: retrying gives the same page.
      if (error instanceof ScrapeError && !error.retryable) {
        await finishDetail(db, seq, error instanceof NotFoundError ? 'skipped' : 'failed', error.message);
        return error instanceof NotFoundError ? 'skipped' : 'failed';
      }
      throw failure(error, site);
    }
  }

  /** Metrics per page of a window, as the activity interceptor records them for a one-page activity. */
  const meter = () => Context.current().metricMeter;

  /**
   * Up to `limit` consecutive results pages of one start URL. Each heartbeat carries the cursor after
   * the last page done; a retried attempt resumes there (the pages before it are stored already).
   */
  async function scrapeListingPages(args: {
    batchId: string;
    site: string;
    url: string;
    pageNumber: number;
    maxPages: number;
    limit: number;
    totals: SiteTotals;
  }): Promise<ListingWalk> {
    const resumed = Context.current().info.heartbeatDetails as ListingCursor | undefined;
    let cursor: ListingCursor = resumed ?? { url: args.url, pageNumber: args.pageNumber, totals: { ...args.totals } };
    let pages = 0;
    return withHeartbeats(
      async () => {
        while (cursor.url !== null && cursor.pageNumber <= args.maxPages && pages < args.limit) {
          const page = { batchId: args.batchId, site: args.site, url: cursor.url, pageNumber: cursor.pageNumber };
          const result = await measureActivity(meter, 'scrapeListingPage', [page], () => scrapeListingPage(page));
          const totals = {
            ...cursor.totals,
            pages: cursor.totals.pages + 1,
            listings: cursor.totals.listings + result.listings,
            newListings: cursor.totals.newListings + result.newListings,
          };
          if (result.skipped) totals.skippedPages++;
          cursor = { url: result.nextPageUrl, pageNumber: cursor.pageNumber + 1, totals };
          pages++;
        }
        return { ...cursor, pages };
      },
      1000,
      () => cursor,
    );
  }

  /**
   * A window of detail-queue entries, `concurrency` pages at a time. Entries whose page is gone,
   * refused or fails for good are finished as such by scrapeDetailPage; a page whose failure is
   * worth retrying fails the window once the others are done, with the first such failure. The
   * retried attempt skips the entries already handled (their queue state says so), so the site's
   * retry policy applies per window, and only to the pages that may yet succeed.
   */
  async function scrapeDetailPages(args: {
    batchId: string;
    site: string;
    seqs: number[];
    concurrency: number;
  }): Promise<Record<DetailOutcome, number>> {
    const outcomes: Record<DetailOutcome, number> = { done: 0, failed: 0, skipped: 0 };
    const context = Context.current();
    let next = 0;
    let firstRetryableFailure: unknown = null;
    const lane = async () => {
      while (next < args.seqs.length) {
        const page = { batchId: args.batchId, site: args.site, seq: args.seqs[next++] };
        try {
          outcomes[await measureActivity(meter, 'scrapeDetailPage', [page], () => scrapeDetailPage(page))]++;
        } catch (error) {
          if (context.cancellationSignal.aborted) throw error;
          // Only a failure worth retrying reaches here (scrapeDetailPage finishes the others).
          firstRetryableFailure ??= error;
        }
      }
    };
    return withHeartbeats(
      async () => {
        await Promise.all(Array.from({ length: Math.max(1, Math.min(args.concurrency, args.seqs.length)) }, lane));
        // The attempt's outcomes go with its failure (same type and message): after the last attempt
        // the workflow counts the entries this attempt handled, and only the pending ones fail.
        if (firstRetryableFailure) throw ApplicationFailure.fromError(firstRetryableFailure, { details: [outcomes] });
        return outcomes;
      },
      1000,
      () => next,
    );
  }

  return {
    scrapeListingPages,
    scrapeDetailPages,

    /**
     * Closes a window whose activity failed after its retries: its entries still pending become
     * failed (those done, skipped or failed stay so); returns the window's entries by final state,
     * so the workflow counts every entry, those an attempt that timed out had finished included.
     */
    async closeDetailWindow({ seqs, error }: { seqs: number[]; error: string }): Promise<DetailTotals> {
      return inTransaction(db, async (trx) => {
        await failPendingDetails(trx, seqs, error);
        return outcomesOf(trx, seqs);
      });
    },

    async nextDetails({
      batchId,
      site,
      afterSeq,
      limit,
    }: {
      batchId: string;
      site: string;
      afterSeq: number;
      limit: number;
    }): Promise<number[]> {
      return (await pendingDetails(db, batchId, site, afterSeq, limit)).map((entry) => entry.seq);
    },
  };
}
