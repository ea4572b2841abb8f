/**
 * siteWorkflow: walks each start URL's result pages (next page until none or max_pages), one
 * activity per page on the site's own task queue with the site's retry policy. Continues as new
 * before its history grows past the bound.
 */
import {
  ActivityCancellationType,
  ApplicationFailure,
  CancellationScope,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { CONTROL_ACTIVITY_OPTIONS } from './activity-options';
import { siteProgressSignal, siteStateQuery } from './messages';
import { innermostMessage, progressDue, shouldContinueAsNew, toRetryPolicy } from './decisions';
import type { ListingPageResult, ListingWalk, SiteProgress, SiteTotals, SiteWorkflowInput } from './types';

/**
 * Results pages per activity: a window of consecutive pages of one start URL in one activity (its
 * heartbeat carries the resume point) costs about 6 history events, where a page per activity cost
 * about 6 each (README, Performance). Windows grow 1, 2, 4, 8, then 10 pages (never more
 * than the page number), so the first pages of a search still report progress at once.
 */
export const LISTING_PAGES_PER_ACTIVITY = 10;

const control = proxyActivities<Activities>(CONTROL_ACTIVITY_OPTIONS);


export async function siteWorkflow(input: SiteWorkflowInput): Promise<SiteProgress> {
  const { batchId, plan } = input;
  const pages = proxyActivities<Activities>({
    taskQueue: plan.taskQueue,
    // A window fetches its pages one after another.
    startToCloseTimeout: plan.pageTimeoutMs * (plan.onePagePerActivity ? 1 : LISTING_PAGES_PER_ACTIVITY),
    // Page activities heartbeat every second; a cancelled batch reaches them within one throttle (8 s).
    heartbeatTimeout: '10 seconds',
    // A cancelled child closes only once its running page activity has stopped.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry: toRetryPolicy(plan.retry),
  });
  const totals: SiteTotals = input.cursor?.totals ?? { pages: 0, listings: 0, newListings: 0, errors: 0, skippedPages: 0 };
  const progress = (): SiteProgress => ({ site: plan.site, state, ...totals });
  let state: SiteProgress['state'] = 'running';
  let lastReport = 0;
  const startedAt = Date.now();
  const parent = getExternalWorkflowHandle(input.batchWorkflowId);
  const report = async (force = false) => {
    setCurrentDetails(`**${plan.site}** ${state}: ${totals.pages} pages, ${totals.listings} listings, ${totals.errors} errors`);
    if (force || progressDue(Date.now(), startedAt, lastReport)) {
      lastReport = Date.now();
      await parent.signal(siteProgressSignal, progress());
    }
  };
  setHandler(siteStateQuery, progress);

  if (!input.cursor) {
    await control.markTask({ batchId, site: plan.site, kind: 'main', state: 'running', reason: 'site workflow started' });
    await report(true);
  }
  try {
    const start = input.cursor?.startIndex ?? 0;
    for (let index = start; index < plan.startUrls.length; index++) {
      const resume = input.cursor && index === start ? input.cursor : undefined;
      let url: string | null = resume?.url ?? plan.startUrls[index].url;
      let pageNumber = resume?.pageNumber ?? 1;
      while (url !== null && pageNumber <= plan.startUrls[index].maxPages) {
        if (shouldContinueAsNew(workflowInfo().historyLength, input.maxHistoryEventsPerRun)) {
          await continueAsNew<typeof siteWorkflow>({ ...input, cursor: { startIndex: index, url, pageNumber, totals } });
        }
        // Histories recorded before the windows replay on the one-page path.
        if (patched('listing-page-windows')) {
          const walked: ListingWalk = await pages.scrapeListingPages({
            batchId, site: plan.site, url, pageNumber, maxPages: plan.startUrls[index].maxPages, limit: plan.onePagePerActivity ? 1 : Math.min(LISTING_PAGES_PER_ACTIVITY, pageNumber), totals,
          });
          Object.assign(totals, walked.totals);
          url = walked.url;
          pageNumber = walked.pageNumber;
        } else {
          const result: ListingPageResult = await pages.scrapeListingPage({ batchId, site: plan.site, url, pageNumber });
          totals.pages++;
          totals.listings += result.listings;
          totals.newListings += result.newListings;
          if (result.skipped) totals.skippedPages++;
          url = result.nextPageUrl;
          pageNumber++;
        }
        await report();
      }
    }
  } catch (error) {
    if (isCancellation(error)) {
      await CancellationScope.nonCancellable(() =>
        control.markTask({ batchId, site: plan.site, kind: 'main', state: 'failed', reason: 'batch cancelled' }),
      );
      throw error;
    }
    state = 'failed';
    totals.errors++;
    const message = innermostMessage(error);
    await control.markTask({ batchId, site: plan.site, kind: 'main', state: 'failed', reason: 'page failed after its retries', error: message });
    await report(true);
    throw ApplicationFailure.nonRetryable(`${plan.site}: ${message}`, 'SiteFailed');
  }
  state = 'completed';
  await control.markTask({ batchId, site: plan.site, kind: 'main', state: 'completed', reason: 'all start URLs walked' });
  await report(true);
  return progress();
}
