/**
 * siteWorkflow: walks each start URL's result pages (next page until none or max_pages), in
 * activities on the site's own task queue with the site's retry policy. Continues as new before
 * its history grows past the bound: the walk stops there and returns its cursor, and the run
 * continues from that cursor outside every error handler (continueAsNew ends a run by throwing).
 */
import {
  type ActivityInterfaceFor,
  ApplicationFailure,
  continueAsNew,
  isCancellation,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { CONTROL_ACTIVITY_OPTIONS, pacedPageMs, pageActivityOptions } from './activity-options';
import { ProgressReports, siteStateQuery } from './messages';
import { innermostMessage, shouldContinueAsNew } from './decisions';
import { markCancelled } from './tasks';
import type {
  ListingWalk,
  SiteCursor,
  SiteProgress,
  SitePlan,
  SiteTotals,
  SiteWorkflowInput,
} from '../lib/contract/payloads';

/**
 * Results pages per activity, at most: a window of consecutive pages of one start URL in one
 * activity (its heartbeat carries the resume point) costs about 6 history events, where a page per
 * activity cost about 6 each (README, Performance). Windows start at 2 pages and triple (2, 6, 18,
 * then 20: `listingWindow`), so the first pages of a search still report progress at once, and a
 * search of 25 pages takes 3 activities. A rate-limited site runs the same windows, each page
 * waiting for the site's slot in the store's pace row; only runs planned before that
 * (SitePlan.onePagePerActivity) go a page per activity. A run that began with other windows goes on
 * with these: each window's size is its activity's input, which replay does not compare.
 */
export const LISTING_PAGES_PER_ACTIVITY = 20;

/** The pages of the window that starts at `pageNumber`: twice that number, up to the cap (2, 6, 18, 20 …). */
export function listingWindow(pageNumber: number): number {
  return Math.min(LISTING_PAGES_PER_ACTIVITY, 2 * pageNumber);
}

// Each proxy offers only the activities this workflow calls: calling another fails to compile.
const control = proxyActivities<Pick<Activities, 'markTask'>>(CONTROL_ACTIVITY_OPTIONS);

type PageActivities = ActivityInterfaceFor<Pick<Activities, 'scrapeListingPages'>>;

function pageActivities(plan: SitePlan): PageActivities {
  return proxyActivities<Pick<Activities, 'scrapeListingPages'>>(
    pageActivityOptions(
      plan.taskQueue,
      plan.retry,
      // A window fetches its pages one after another, on a rate-limited site each after its slot.
      plan.onePagePerActivity
        ? plan.pageTimeoutMs
        : LISTING_PAGES_PER_ACTIVITY * pacedPageMs(plan.pageTimeoutMs, plan.paceMs),
    ),
  );
}

/** The site's live counts: the query's answer, the Web UI's details and throttled signals to the batch. */
class SiteStatus {
  state: SiteProgress['state'] = 'running';
  private readonly reports;

  constructor(
    private readonly input: SiteWorkflowInput,
    readonly totals: SiteTotals,
  ) {
    this.reports = new ProgressReports(input.batchWorkflowId);
  }

  progress = (): SiteProgress => ({ site: this.input.plan.site, state: this.state, ...this.totals });

  async report(force = false): Promise<void> {
    const { pages, listings, errors } = this.totals;
    await this.reports.send(
      `**${this.input.plan.site}** ${this.state}: ${pages} pages, ${listings} listings, ${errors} errors`,
      this.progress(),
      force,
    );
  }
}

export async function siteWorkflow(input: SiteWorkflowInput): Promise<SiteProgress> {
  const { batchId, plan } = input;
  const status = new SiteStatus(
    input,
    input.cursor?.totals ?? { pages: 0, listings: 0, newListings: 0, errors: 0, skippedPages: 0 },
  );
  setHandler(siteStateQuery, status.progress);

  if (!input.cursor) {
    await control.markTask({
      batchId,
      site: plan.site,
      kind: 'main',
      state: 'running',
      reason: 'site workflow started',
    });
    await status.report(true);
  }
  let resumeAt: SiteCursor | null;
  try {
    resumeAt = await walkStartUrls(input, pageActivities(plan), status);
  } catch (error) {
    throw await siteFailed(input, status, error);
  }
  // Outside the try: continueAsNew throws to end this run, and no handler may take that for a failure.
  if (resumeAt) return continueAsNew<typeof siteWorkflow>({ ...input, cursor: resumeAt });
  status.state = 'completed';
  await control.markTask({
    batchId,
    site: plan.site,
    kind: 'main',
    state: 'completed',
    reason: 'all start URLs walked',
  });
  await status.report(true);
  return status.progress();
}

/**
 * Walks the start URLs from the input's cursor. Returns where the next run must resume once this
 * run's history reaches the bound, or null when every start URL is walked.
 */
async function walkStartUrls(
  input: SiteWorkflowInput,
  pages: PageActivities,
  status: SiteStatus,
): Promise<SiteCursor | null> {
  const { plan, cursor } = input;
  const first = cursor?.startIndex ?? 0;
  for (let startIndex = first; startIndex < plan.startUrls.length; startIndex++) {
    const resume = cursor && startIndex === first ? cursor : undefined;
    let url: string | null = resume?.url ?? plan.startUrls[startIndex].url;
    let pageNumber = resume?.pageNumber ?? 1;
    while (url !== null && pageNumber <= plan.startUrls[startIndex].maxPages) {
      if (shouldContinueAsNew(workflowInfo().historyLength, input.maxHistoryEventsPerRun)) {
        return { startIndex, url, pageNumber, totals: { ...status.totals } };
      }
      ({ url, pageNumber } = await scrapeFrom(input, pages, startIndex, { url, pageNumber, totals: status.totals }));
      await status.report();
    }
  }
  return null;
}

/** One window of pages from `at` in one activity; adds its pages to at.totals and returns the next page. */
async function scrapeFrom(
  input: SiteWorkflowInput,
  pages: PageActivities,
  startIndex: number,
  at: { url: string; pageNumber: number; totals: SiteTotals },
) {
  const { batchId, plan } = input;
  const { url, pageNumber, totals } = at;
  const maxPages = plan.startUrls[startIndex].maxPages;
  const limit = plan.onePagePerActivity ? 1 : listingWindow(pageNumber);
  const walked: ListingWalk = await pages.scrapeListingPages({
    batchId,
    site: plan.site,
    url,
    pageNumber,
    maxPages,
    limit,
    totals,
  });
  Object.assign(totals, walked.totals);
  return { url: walked.url, pageNumber: walked.pageNumber };
}

/** Records why the walk ended early; returns the error that fails the run (a cancellation stays one). */
async function siteFailed(input: SiteWorkflowInput, status: SiteStatus, error: unknown): Promise<unknown> {
  const { batchId, plan } = input;
  if (isCancellation(error)) {
    await markCancelled({ batchId, site: plan.site, kind: 'main' });
    return error;
  }
  status.state = 'failed';
  status.totals.errors++;
  const message = innermostMessage(error);
  await control.markTask({
    batchId,
    site: plan.site,
    kind: 'main',
    state: 'failed',
    reason: 'page failed after its retries',
    error: message,
  });
  await status.report(true);
  return ApplicationFailure.nonRetryable(`${plan.site}: ${message}`, 'SiteFailed');
}
