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
import { DETAIL_PAGES_PER_ACTIVITY, detailWorkflow } from './detail';
import { progressQuery, siteProgressSignal } from './messages';
import { batchStatusOf, finalizationStatus, innermostMessage, progressMarkdown, startOrder } from './decisions';
import { BatchIdKey, BatchStatusKey, SiteKey } from '../lib/contract/search-attributes';
import { siteWorkflow } from './site';
import type {
  BatchInput,
  BatchPlan,
  BatchProgress,
  BatchResult,
  DetailTotals,
  SitePlan,
  SiteProgress,
} from '../lib/contract/payloads';
import { detailWorkflowId, siteWorkflowId } from '../lib/contract/names';
import {
  TERMINAL_TASK_STATES,
  type BatchPhase,
  type FinalBatchStatus,
  type SiteState,
  type TaskKind,
  type TaskState,
} from '../lib/contract/statuses';

// Each proxy offers only the activities this workflow calls: calling another fails to compile.
type ControlActivities = Pick<Activities, 'planBatch' | 'markTask'>;
type FinalizationActivities = Pick<
  Activities,
  | 'storeSiteStatistics'
  | 'detectBatchAlerts'
  | 'backupDatabase'
  | 'cleanupTemporaryFiles'
  | 'finishBatch'
  | 'sendNotifications'
>;
const control = proxyActivities<ControlActivities>(CONTROL_ACTIVITY_OPTIONS);
const finalization = proxyActivities<FinalizationActivities>(FINALIZATION_ACTIVITY_OPTIONS);

export async function batchWorkflow(input: BatchInput = {}): Promise<BatchResult> {
  const { workflowId } = workflowInfo();
  const plan = await planBatch(input, workflowId);
  const batch = new BatchState(workflowId, plan);
  batch.announce();
  const rejection = await runSites(batch);
  if (rejection) {
    if (isCancellation(rejection.reason)) await closeCancelled(batch);
    throw rejection.reason;
  }
  return finalize(batch);
}

/** A plan that cannot be made (bad config, bad CSV, unknown site) fails the batch with the reason. */
async function planBatch(input: BatchInput, workflowId: string): Promise<BatchPlan> {
  try {
    return await control.planBatch({ input, workflowId });
  } catch (error) {
    throw ApplicationFailure.nonRetryable(
      `the batch could not be planned: ${innermostMessage(error)}`,
      'BatchPlanError',
    );
  }
}

/** One batch run: its plan, its phase and each site's progress, as the progress query and the Web UI show them. */
class BatchState {
  readonly batchId: string;
  phase: BatchPhase = 'running';
  /** Sites whose children are running now (at most plan.maxParallelSites). */
  running = 0;
  /**
   * max_execution_time bounds the whole batch: each child may run for the time left (a limit that
   * holds across its continue-as-new runs), and a site whose turn comes after it fails unstarted.
   * (Plans made before the limit existed have none.)
   */
  private readonly deadline: number | null;
  private readonly progress: Map<string, SiteProgress>;

  constructor(
    readonly workflowId: string,
    readonly plan: BatchPlan,
  ) {
    this.batchId = plan.batchId;
    this.progress = new Map(plan.sites.map((site) => [site.site, emptyProgress(site)]));
    this.deadline = plan.maxExecutionTimeMs ? workflowInfo().startTime.getTime() + plan.maxExecutionTimeMs : null;
  }

  sites = (): SiteProgress[] => [...this.progress.values()];
  site = (site: string): SiteProgress => this.progress.get(site)!;
  answer = (): BatchProgress => ({ batchId: this.batchId, status: this.phase, sites: this.sites() });

  update(site: string, change: Partial<SiteProgress>): void {
    this.progress.set(site, { ...this.site(site), ...change });
  }

  publish(): void {
    setCurrentDetails(progressMarkdown(this.batchId, this.phase, this.sites()));
  }

  /** Answers the progress query, takes the children's signals, and tags the batch with its search attributes. */
  announce(): void {
    setHandler(progressQuery, this.answer);
    setHandler(siteProgressSignal, (update) => {
      const current = this.progress.get(update.site);
      // A child's late signal must not undo a final state the batch already recorded.
      if (current && !(current.state === 'failed' && update.state !== 'failed')) this.update(update.site, update);
      this.publish();
    });
    upsertSearchAttributes([
      { key: BatchIdKey, value: this.batchId },
      { key: BatchStatusKey, value: 'running' },
    ]);
    this.publish();
  }

  /** How long the next child may run; throws once max_execution_time is (nearly) reached. */
  timeLeft(): number | undefined {
    if (this.deadline === null) return undefined;
    const left = this.deadline - Date.now();
    if (left < 1000)
      throw ApplicationFailure.nonRetryable(
        `max_execution_time reached (${this.plan.maxExecutionTimeMs / 1000} s)`,
        'MaxExecutionTimeReached',
      );
    return left;
  }
}

/** Whether the batch has seen this task end (a child's result or signal, or the batch's own record). */
function ended(state: SiteState | undefined): boolean {
  return state !== undefined && TERMINAL_TASK_STATES.has(state as TaskState);
}

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

/**
 * Every site in priority order, at most plan.maxParallelSites at once; the first rejection, if any.
 * allSettled: on cancellation every child is cancelled; the batch closes only when all of them
 * have, so none is terminated mid-page by the parent close policy.
 */
async function runSites(batch: BatchState): Promise<PromiseRejectedResult | undefined> {
  const settled = await Promise.allSettled(startOrder(batch.plan.sites).map((site) => runSite(batch, site)));
  return settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
}

/** One site when its turn comes: its site child, then its detail child. A failure fails this site alone. */
async function runSite(batch: BatchState, site: SitePlan): Promise<void> {
  await condition(() => batch.running < batch.plan.maxParallelSites);
  batch.running++;
  try {
    batch.update(site.site, await runSiteChild(batch, site));
    if (site.hasDetailScraper) batch.update(site.site, { detail: await runDetailChild(batch, site) });
  } catch (error) {
    if (isCancellation(error)) throw error;
    await siteFailed(batch, site, error);
  } finally {
    batch.running--;
    batch.publish();
  }
}

/** Both children of a site carry the batch and the site as search attributes. */
function childSearchAttributes(batch: BatchState, site: SitePlan) {
  return [
    { key: BatchIdKey, value: batch.batchId },
    { key: SiteKey, value: site.site },
  ];
}

async function runSiteChild(batch: BatchState, site: SitePlan): Promise<SiteProgress> {
  const { batchId, workflowId, plan } = batch;
  return executeChild(siteWorkflow, {
    typedSearchAttributes: childSearchAttributes(batch, site),
    workflowExecutionTimeout: batch.timeLeft(),
    workflowId: siteWorkflowId(workflowId, site.site),
    staticSummary: `${site.site} · batch ${batchId}`,
    // Retries live on the page activities (the site's declared policy); retrying the whole
    // child as well would multiply the attempts the config declares.
    retry: { maximumAttempts: 1 },
    args: [{ batchId, batchWorkflowId: workflowId, plan: site, maxHistoryEventsPerRun: plan.maxHistoryEventsPerRun }],
  });
}

async function runDetailChild(batch: BatchState, site: SitePlan): Promise<SiteProgress['detail']> {
  const { batchId, workflowId, plan } = batch;
  return executeChild(detailWorkflow, {
    typedSearchAttributes: childSearchAttributes(batch, site),
    workflowExecutionTimeout: batch.timeLeft(),
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
        pagesPerActivity: DETAIL_PAGES_PER_ACTIVITY,
        onePagePerActivity: site.onePagePerActivity,
        paceMs: site.paceMs,
        maxHistoryEventsPerRun: plan.maxHistoryEventsPerRun,
      },
    ],
  });
}

/**
 * A site that failed after its retries fails its own task; the other sites go on. A child that
 * timed out or was terminated, or never started, could not record its own end, so the batch does.
 */
async function siteFailed(batch: BatchState, site: SitePlan, error: unknown): Promise<void> {
  const { batchId } = batch;
  const reason = innermostMessage(error);
  const current = batch.site(site.site);
  const mainFailed = current.state !== 'completed';
  if (mainFailed) batch.update(site.site, { state: 'failed', error: reason });
  else {
    const detail: DetailTotals & { state: 'failed' } = {
      done: 0,
      failed: 0,
      skipped: 0,
      ...current.detail,
      state: 'failed',
    };
    batch.update(site.site, { detail, error: reason });
  }
  // Not cancellable: the progress above already says the site ended, so a batch cancelled now would
  // not close these tasks itself (closeCancelled skips what has ended).
  await CancellationScope.nonCancellable(async () => {
    await control.markTask({ batchId, site: site.site, kind: mainFailed ? 'main' : 'detail', state: 'failed', reason });
    if (mainFailed && site.hasDetailScraper) {
      await control.markTask({
        batchId,
        site: site.site,
        kind: 'detail',
        state: 'skipped',
        reason: 'main scraping failed',
      });
    }
  });
}

/**
 * A cancelled batch fails every task whose end it has not seen: a child marks its own task when
 * cancelled, but one that never started, or was cancelled before it could, cannot. Then it records
 * its status. Runs to its end even as the batch's own cancellation goes on.
 */
async function closeCancelled(batch: BatchState): Promise<void> {
  const { batchId } = batch;
  await CancellationScope.nonCancellable(async () => {
    batch.phase = 'cancelled';
    const open = batch.plan.sites.flatMap((site) => {
      const { state, detail } = batch.site(site.site);
      const kinds: TaskKind[] = ended(state) ? [] : ['main'];
      if (site.hasDetailScraper && !ended(detail?.state)) kinds.push('detail');
      return kinds.map((kind) => ({ site: site.site, kind }));
    });
    await Promise.all(
      open.map((task) => control.markTask({ batchId, ...task, state: 'failed', reason: 'batch cancelled' })),
    );
    await finalization.finishBatch({ batchId, status: 'cancelled', sites: batch.sites(), finalizationErrors: [] });
    upsertSearchAttributes([{ key: BatchStatusKey, value: 'cancelled' }]);
    batch.publish();
  });
}

/**
 * Statistics, alerts, backup and cleanup, then the batch's final status, then notifications. The
 * listings are stored already: a finalization step that fails after its retries is reported with
 * the batch (completed_with_errors), not allowed to lose the batch's result.
 */
async function finalize(batch: BatchState): Promise<BatchResult> {
  const { batchId } = batch;
  const sites = batch.sites();
  batch.phase = 'finalizing';
  batch.publish();
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
  await step('statistics', () => finalization.storeSiteStatistics({ batchId }), []);
  const { alerts } = await step('metrics', () => finalization.detectBatchAlerts({ batchId }), { alerts: [] });
  await step('backup', () => finalization.backupDatabase({ batchId }), null);
  await step('cleanup', () => finalization.cleanupTemporaryFiles({ batchId }), null);
  const outcome: FinalBatchStatus = finalizationStatus(batchStatusOf(sites), finalizationErrors);
  await finalization.finishBatch({ batchId, status: outcome, sites, finalizationErrors });
  batch.phase = outcome;
  upsertSearchAttributes([{ key: BatchStatusKey, value: outcome }]);
  batch.publish();
  await step('notifications', () => finalization.sendNotifications({ batchId }), []);
  return { batchId, status: outcome, sites, alerts: alerts.length, finalizationErrors };
}
