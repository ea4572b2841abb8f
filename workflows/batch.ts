/**
 * batchWorkflow: plan → one siteWorkflow child per site (priority order, a parallel limit, each
 * followed by its detailWorkflow where the site has one) → finalization activities.
 * It only orchestrates: every read and write happens in activities.
 */
import {
  ApplicationFailure,
  CancellationScope,
  condition,
  executeChild,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { CONTROL_ACTIVITY_OPTIONS, FINALIZATION_ACTIVITY_OPTIONS } from './activity-options';
import { detailWorkflow } from './detail';
import { progressQuery, siteProgressSignal } from './messages';
import { batchStatusOf, finalizationStatus, innermostMessage, progressMarkdown, startOrder } from './decisions';
import { BatchIdKey, BatchStatusKey, SiteKey } from '../lib/contract/search-attributes';
import { siteWorkflow } from './site';
import type { BatchInput, BatchPlan, BatchResult, SitePlan, SiteProgress } from '../lib/contract/payloads';
import { detailWorkflowId, siteWorkflowId } from '../lib/contract/names';
import type { BatchPhase } from '../lib/contract/statuses';

const control = proxyActivities<Activities>(CONTROL_ACTIVITY_OPTIONS);
const finalization = proxyActivities<Activities>(FINALIZATION_ACTIVITY_OPTIONS);

function emptyProgress(site: SitePlan): SiteProgress {
  const plannedPages = site.startUrls.reduce((sum, start) => sum + start.maxPages, 0);
  return {
    site: site.site,
    state: 'pending',
    plannedPages,
    pages: 0,
    listings: 0,
    newListings: 0,
    errors: 0,
    skippedPages: 0,
  };
}

export async function batchWorkflow(input: BatchInput = {}): Promise<BatchResult> {
  const { workflowId } = workflowInfo();
  let plan: BatchPlan;
  try {
    plan = await control.planBatch({ input, workflowId });
  } catch (error) {
    // A plan that cannot be made (bad config, bad CSV, unknown site) fails the batch with the reason.
    throw ApplicationFailure.nonRetryable(
      `the batch could not be planned: ${innermostMessage(error)}`,
      'BatchPlanError',
    );
  }
  const { batchId } = plan;
  const progress = new Map(plan.sites.map((site) => [site.site, emptyProgress(site)]));
  let status: BatchPhase = 'running';
  const publish = () => setCurrentDetails(progressMarkdown(batchId, status, [...progress.values()]));

  setHandler(progressQuery, () => ({ batchId, status, sites: [...progress.values()] }));
  setHandler(siteProgressSignal, (update) => {
    const current = progress.get(update.site);
    // A child's late signal must not undo a final state the batch already recorded.
    if (current && !(current.state === 'failed' && update.state !== 'failed'))
      progress.set(update.site, { ...current, ...update });
    publish();
  });
  upsertSearchAttributes([
    { key: BatchIdKey, value: batchId },
    { key: BatchStatusKey, value: 'running' },
  ]);
  publish();

  // max_execution_time bounds the whole batch: each child may run for the time left (a limit that
  // holds across its continue-as-new runs), and a site whose turn comes after it fails unstarted.
  // (Plans made before the limit existed have none.)
  const deadline = plan.maxExecutionTimeMs ? workflowInfo().startTime.getTime() + plan.maxExecutionTimeMs : null;
  const timeLeft = (): number | undefined => {
    if (deadline === null) return undefined;
    const left = deadline - Date.now();
    if (left < 1000)
      throw ApplicationFailure.nonRetryable(
        `max_execution_time reached (${plan.maxExecutionTimeMs / 1000} s)`,
        'MaxExecutionTimeReached',
      );
    return left;
  };

  let running = 0;
  const runSite = async (site: SitePlan): Promise<void> => {
    await condition(() => running < plan.maxParallelSites);
    running++;
    const searchAttributes = [
      { key: BatchIdKey, value: batchId },
      { key: SiteKey, value: site.site },
    ];
    try {
      const main = await executeChild(siteWorkflow, {
        typedSearchAttributes: searchAttributes,
        workflowExecutionTimeout: timeLeft(),
        workflowId: siteWorkflowId(workflowId, site.site),
        staticSummary: `${site.site} · batch ${batchId}`,
        // Retries live on the page activities (the site's declared policy); retrying the whole
        // child as well would multiply the attempts the config declares.
        retry: { maximumAttempts: 1 },
        args: [
          { batchId, batchWorkflowId: workflowId, plan: site, maxHistoryEventsPerRun: plan.maxHistoryEventsPerRun },
        ],
      });
      progress.set(site.site, { ...progress.get(site.site)!, ...main });
      if (site.hasDetailScraper) {
        const detail = await executeChild(detailWorkflow, {
          typedSearchAttributes: searchAttributes,
          workflowExecutionTimeout: timeLeft(),
          workflowId: detailWorkflowId(workflowId, site.site),
          staticSummary: `${site.site} detail pages · batch ${batchId}`,
          retry: { maximumAttempts: 1 },
          args: [
            {
              batchId,
              batchWorkflowId: workflowId,
              site: site.site,
              taskQueue: site.taskQueue,
              retry: site.retry,
              pageTimeoutMs: site.pageTimeoutMs,
              window: plan.detailWindow,
              onePagePerActivity: site.onePagePerActivity,
              maxHistoryEventsPerRun: plan.maxHistoryEventsPerRun,
            },
          ],
        });
        progress.set(site.site, { ...progress.get(site.site)!, detail });
      }
    } catch (error) {
      if (isCancellation(error)) throw error;
      // A site that failed after its retries fails its own task; the other sites go on.
      const failed = progress.get(site.site)!;
      const mainFailed = failed.state !== 'completed';
      progress.set(
        site.site,
        mainFailed
          ? { ...failed, state: 'failed', error: innermostMessage(error) }
          : {
              ...failed,
              detail: { done: 0, failed: 0, skipped: 0, ...failed.detail, state: 'failed' },
              error: innermostMessage(error),
            },
      );
      // A child that timed out or was terminated, or never started, could not record its own end.
      await control.markTask({
        batchId,
        site: site.site,
        kind: mainFailed ? 'main' : 'detail',
        state: 'failed',
        reason: innermostMessage(error),
      });
      if (mainFailed && site.hasDetailScraper) {
        await control.markTask({
          batchId,
          site: site.site,
          kind: 'detail',
          state: 'skipped',
          reason: 'main scraping failed',
        });
      }
    } finally {
      running--;
      publish();
    }
  };

  // allSettled: on cancellation every child is cancelled; the batch closes only when all of them
  // have, so none is terminated mid-page by the parent close policy.
  const settled = await Promise.allSettled(startOrder(plan.sites).map(runSite));
  const rejection = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (rejection) {
    if (isCancellation(rejection.reason)) {
      await CancellationScope.nonCancellable(async () => {
        status = 'cancelled';
        await control.cancelBatch({ batchId });
        upsertSearchAttributes([{ key: BatchStatusKey, value: 'cancelled' }]);
        publish();
      });
    }
    throw rejection.reason;
  }

  const sites = [...progress.values()];
  status = 'finalizing';
  publish();
  // The listings are stored already: a finalization step that fails after its retries is
  // reported with the batch (completed_with_errors), not allowed to lose the batch's result.
  const finalizationErrors: string[] = [];
  const step = async <T>(name: string, run: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      if (isCancellation(error)) throw error;
      finalizationErrors.push(`${name}: ${innermostMessage(error)}`);
      return fallback;
    }
  };
  await step('statistics', () => finalization.updateStatistics({ batchId }), []);
  const { alerts } = await step('metrics', () => finalization.computeMetrics({ batchId }), { alerts: [] });
  await step('backup', () => finalization.backupDatabase({ batchId }), null);
  await step('cleanup', () => finalization.cleanupTemporaryFiles({ batchId }), null);
  const outcome = finalizationStatus(batchStatusOf(sites), finalizationErrors);
  await finalization.finishBatch({ batchId, status: outcome, sites, finalizationErrors });
  status = outcome;
  upsertSearchAttributes([{ key: BatchStatusKey, value: outcome }]);
  publish();
  await step('notifications', () => finalization.sendNotifications({ batchId }), []);
  return { batchId, status: outcome, sites, alerts: alerts.length, finalizationErrors };
}
