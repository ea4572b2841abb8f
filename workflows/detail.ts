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
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { CONTROL_ACTIVITY_OPTIONS } from './activity-options';
import { innermostMessage, progressDue, shouldContinueAsNew, toRetryPolicy } from './decisions';
import { siteProgressSignal, siteStateQuery } from './messages';
import type { DetailTotals, DetailWorkflowInput, SiteProgress } from './types';

const control = proxyActivities<Activities>(CONTROL_ACTIVITY_OPTIONS);

/** Queue entries read per activity: ids only, so a read costs three small events. */
const CLAIM_SIZE = 200;

/**
 * Detail pages per activity, and window activities at once: `input.window` pages stay in flight
 * (DETAIL_ACTIVITIES_IN_FLIGHT activities of window / DETAIL_ACTIVITIES_IN_FLIGHT pages each), but
 * a page costs a fiftieth of an activity's events and server work (README, Performance).
 */
export const DETAIL_PAGES_PER_ACTIVITY = 50;
export const DETAIL_ACTIVITIES_IN_FLIGHT = 4;

export async function detailWorkflow(input: DetailWorkflowInput): Promise<DetailTotals & { state: SiteProgress['state'] }> {
  const { batchId, site } = input;
  // A rate-limited site: one page per activity and `window` activities in flight (SitePlan.onePagePerActivity).
  const pagesPerActivity = input.onePagePerActivity ? 1 : DETAIL_PAGES_PER_ACTIVITY;
  const activitiesInFlight = input.onePagePerActivity ? input.window : DETAIL_ACTIVITIES_IN_FLIGHT;
  const lanesPerActivity = Math.max(1, Math.ceil(input.window / activitiesInFlight));
  const details = proxyActivities<Activities>({
    taskQueue: input.taskQueue,
    // A window's lanes fetch their pages one after another.
    startToCloseTimeout: input.pageTimeoutMs * Math.ceil(pagesPerActivity / lanesPerActivity),
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

  const scrape = async (seq: number) => {
    try {
      totals[await details.scrapeDetailPage({ batchId, site, seq })]++;
    } catch (error) {
      // On cancellation the main loop sees it too and ends the run; nothing to count here.
      if (isCancellation(error)) return;
      totals.failed++;
      await control.markDetailFailed({ seq, error: innermostMessage(error) });
    } finally {
      inflight--;
    }
  };

  const scrapeWindow = async (seqs: number[]) => {
    try {
      const outcomes = await details.scrapeDetailPages({ batchId, site, seqs, concurrency: lanesPerActivity });
      totals.done += outcomes.done;
      totals.failed += outcomes.failed;
      totals.skipped += outcomes.skipped;
    } catch (error) {
      if (isCancellation(error)) return;
      // The window's entries still pending after its retries fail; those done stay done.
      totals.failed += await control.markDetailsFailed({ seqs, error: innermostMessage(error) });
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
      // Histories recorded before the windows replay on the one-page path.
      if (patched('detail-page-windows')) {
        for (let i = 0; i < seqs.length; i += pagesPerActivity) {
          const window = seqs.slice(i, i + pagesPerActivity);
          await condition(() => inflight < activitiesInFlight);
          if (shouldContinueAsNew(workflowInfo().historyLength, input.maxHistoryEventsPerRun, margin)) {
            await condition(() => inflight === 0);
            await continueAsNew<typeof detailWorkflow>({ ...input, afterSeq, totals });
          }
          inflight++;
          afterSeq = window[window.length - 1];
          void scrapeWindow(window);
          await report();
        }
        continue;
      }
      for (const seq of seqs) {
        await condition(() => inflight < input.window);
        if (shouldContinueAsNew(workflowInfo().historyLength, input.maxHistoryEventsPerRun, margin)) {
          await condition(() => inflight === 0);
          await continueAsNew<typeof detailWorkflow>({ ...input, afterSeq, totals });
        }
        inflight++;
        afterSeq = seq;
        void scrape(seq);
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
