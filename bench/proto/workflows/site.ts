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
  proxyActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { ProtoActivities as Activities } from '../activities';
import { siteProgressSignal, siteStateQuery } from '../../../workflows/messages';
import { innermostMessage, progressDue, shouldContinueAsNew, toRetryPolicy } from '../../../workflows/decisions';
import type { ListingCursor } from '../activities';
import type { SiteProgress, SiteTotals, SiteWorkflowInput } from '../../../workflows/types';

const control = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 10 },
});


/** PROTOTYPE: a copy of workflows/site.ts whose activity walks up to `listingPagesPerActivity` pages. */
export async function siteWorkflow(input: SiteWorkflowInput & { listingPagesPerActivity: number }): Promise<SiteProgress> {
  const { batchId, plan } = input;
  const pages = proxyActivities<Activities>({
    taskQueue: plan.taskQueue,
    startToCloseTimeout: plan.pageTimeoutMs,
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
        const walked: ListingCursor & { pages: number } = await pages.scrapeListingPages({
          batchId, site: plan.site, url, pageNumber, maxPages: plan.startUrls[index].maxPages, limit: input.listingPagesPerActivity, totals,
        });
        Object.assign(totals, walked.totals);
        url = walked.url;
        pageNumber = walked.pageNumber;
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
