/**
 * detailWorkflow: reads its site's detail queue (SQLite) in a sliding window of concurrent
 * activities and continues as new to keep every run's history bounded, so one batch can carry
 * tens of thousands of detail URLs.
 */
import {
  ActivityCancellationType,
  CancellationScope,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { ProtoActivities as Activities } from '../activities';
import { innermostMessage, progressDue, shouldContinueAsNew, toRetryPolicy } from '../../../workflows/decisions';
import { siteProgressSignal, siteStateQuery } from '../../../workflows/messages';
import type { DetailTotals, DetailWorkflowInput, SiteProgress } from '../../../workflows/types';

const control = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 10 },
});

/** Queue entries read per activity: ids only, so a read costs three small events. */
const CLAIM_SIZE = 200;

export interface DetailWindows {
  /** Queue entries per activity. */
  pagesPerActivity: number;
  /** Window activities running at once. */
  activitiesInFlight: number;
  /** Pages fetched at once inside one activity (activitiesInFlight × this = the detail window). */
  concurrencyPerActivity: number;
}

/**
 * PROTOTYPE: a copy of workflows/detail.ts where one activity scrapes a window of queue entries
 * (`pagesPerActivity`, `concurrencyPerActivity` at a time) and `activitiesInFlight` windows run at
 * once, instead of one activity per page.
 */
export async function detailWorkflow(input: DetailWorkflowInput & { windows: DetailWindows }): Promise<DetailTotals & { state: SiteProgress['state'] }> {
  const { batchId, site } = input;
  const { pagesPerActivity, activitiesInFlight, concurrencyPerActivity } = input.windows;
  const details = proxyActivities<Activities>({
    taskQueue: input.taskQueue,
    // A window runs ceil(pages / concurrency) pages one after another in each lane.
    startToCloseTimeout: input.pageTimeoutMs * Math.ceil(pagesPerActivity / concurrencyPerActivity),
    // Page activities heartbeat every second; a cancelled batch reaches them within one throttle (8 s).
    heartbeatTimeout: '10 seconds',
    // A cancelled child closes only once its running page activity has stopped.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry: toRetryPolicy(input.retry),
  });
  const totals: DetailTotals = input.totals ?? { done: 0, failed: 0, skipped: 0 };
  let state: SiteProgress['state'] = 'running';
  let afterSeq = input.afterSeq ?? 0;
  let inflight = 0;
  let lastReport = 0;
  const startedAt = Date.now();
  const parent = getExternalWorkflowHandle(input.batchWorkflowId);
  const report = async (force = false) => {
    setCurrentDetails(`**${site} detail pages** ${state}: ${totals.done} done, ${totals.failed} failed, ${totals.skipped} gone`);
    if (force || progressDue(Date.now(), startedAt, lastReport)) {
      lastReport = Date.now();
      await parent.signal(siteProgressSignal, { site, detail: { ...totals, state } } as SiteProgress);
    }
  };
  setHandler(siteStateQuery, () => ({ site, state, pages: totals.done + totals.failed + totals.skipped, listings: totals.done, newListings: 0, errors: totals.failed, skippedPages: totals.skipped }));
  // Room for the completions of a full window, and their workflow tasks, after the check.
  const margin = Math.max(100, input.window * 6 + 50);

  const scrape = async (seqs: number[]) => {
    try {
      const outcomes = await details.scrapeDetailPages({ batchId, site, seqs, concurrency: concurrencyPerActivity });
      totals.done += outcomes.done;
      totals.failed += outcomes.failed;
      totals.skipped += outcomes.skipped;
    } catch (error) {
      // On cancellation the main loop sees it too and ends the run; nothing to count here.
      if (isCancellation(error)) return;
      // The window's entries still pending after its retries fail; those done stay done.
      totals.failed += await control.failPendingDetails({ seqs, error: innermostMessage(error) });
    } finally {
      inflight--;
    }
  };

  if (input.afterSeq === undefined) {
    await control.markTask({ batchId, site, kind: 'detail', state: 'running', reason: 'detail workflow started' });
    await report(true);
  }
  try {
    for (;;) {
      const seqs = await control.nextDetails({ batchId, site, afterSeq, limit: CLAIM_SIZE });
      if (seqs.length === 0) break;
      for (let i = 0; i < seqs.length; i += pagesPerActivity) {
        const window = seqs.slice(i, i + pagesPerActivity);
        await condition(() => inflight < activitiesInFlight);
        if (shouldContinueAsNew(workflowInfo().historyLength, input.maxHistoryEventsPerRun, margin)) {
          await condition(() => inflight === 0);
          await continueAsNew<typeof detailWorkflow>({ ...input, afterSeq, totals });
        }
        inflight++;
        afterSeq = window[window.length - 1];
        void scrape(window);
        await report();
      }
    }
    await condition(() => inflight === 0);
  } catch (error) {
    if (isCancellation(error)) {
      await CancellationScope.nonCancellable(() => control.markTask({ batchId, site, kind: 'detail', state: 'failed', reason: 'batch cancelled' }));
    }
    throw error;
  }
  // Some gone or broken detail pages are normal; the task fails only when none could be read.
  state = totals.done === 0 && totals.failed > 0 ? 'failed' : 'completed';
  await control.markTask({
    batchId, site, kind: 'detail', state,
    reason: `${totals.done} done, ${totals.failed} failed, ${totals.skipped} gone`,
    error: state === 'failed' ? 'no detail page could be read' : undefined,
  });
  await report(true);
  return { ...totals, state };
}
