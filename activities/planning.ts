/**
 * Planning and task-state activities: the batch and its tasks are written to SQLite before any
 * page is fetched. markTask is the one way a task's state changes, and only the workflows call it
 * (the page activities report their attempts in the pages table), through the task state machine.
 */
import { ApplicationFailure } from '@temporalio/common';
import { UserInputError } from '../lib/errors';
import { createBatch, setBatchStatus, taskId, transitionTask } from '../lib/store/batches';
import type { TaskKind, TaskState } from '../lib/contract/statuses';
import { checkBatchStart } from '../lib/schedule/batch-input';
import { loadStartUrls } from '../lib/urls/start-urls';
import type { BatchInput, BatchPlan, SitePlan } from '../lib/contract/payloads';
import { batchIdOf, siteTaskQueue } from '../lib/contract/names';
import { sitePaceMs, type ActivityDeps } from './deps';

export function createPlanningActivities(deps: ActivityDeps) {
  const { config, db } = deps;

  async function plan({ input, workflowId }: { input: BatchInput; workflowId: string }): Promise<BatchPlan> {
    // The same check as `run` and `schedule` make before starting: unknown or disabled sites, and
    // mistakes in their start-URL CSVs, named with the file (a Schedule's input is checked here again).
    checkBatchStart(config, input.sites);
    const chosen = input.sites?.length
      ? config.sites.filter((site) => input.sites!.includes(site.key))
      : config.sites.filter((site) => site.enabled);
    if (input.maxPages !== undefined && !(Number.isInteger(input.maxPages) && input.maxPages > 0)) {
      throw new UserInputError(`maxPages must be a positive whole number, got ${JSON.stringify(input.maxPages)}`);
    }
    const startUrls = loadStartUrls(
      config,
      chosen.map((site) => site.key),
    );
    const batchId = batchIdOf(workflowId);
    const sites: SitePlan[] = chosen.map((site) => ({
      site: site.key,
      priority: site.priority,
      hasDetailScraper: site.hasDetailScraper,
      taskQueue: siteTaskQueue(config.temporal.taskQueue, site.key),
      retry: site.retry,
      // A page may wait for its rate-limit slot and follow redirects: room for both.
      pageTimeoutMs:
        site.fetch.timeoutMs * (site.fetch.maxRedirects + 1) + Math.max(60_000, site.rateLimitSeconds * 10_000),
      // Rate-limited sites run windows too, each page waiting for the site's slot in the pace row.
      paceMs: sitePaceMs(site, deps.liftRateLimits),
      startUrls: (startUrls.get(site.key) ?? []).map((start) => ({
        url: start.url,
        maxPages: input.maxPages ? Math.min(input.maxPages, start.maxPages) : start.maxPages,
      })),
    }));
    await createBatch(db, {
      id: batchId,
      label: input.label ?? null,
      parentBatchId: input.parentBatchId ?? null,
      sites: sites.map((site) => site.site),
      detailSites: sites.filter((site) => site.hasDetailScraper).map((site) => site.site),
      options: { ...input },
      workflowId,
    });
    await setBatchStatus(db, batchId, 'running');
    return {
      batchId,
      sites,
      maxParallelSites: config.batch.maxParallelSites,
      detailWindow: config.batch.detailWindow,
      maxHistoryEventsPerRun: config.batch.maxHistoryEventsPerRun,
      maxExecutionTimeMs: config.security.systemLimits.maxExecutionTimeMs,
    };
  }

  return {
    async planBatch(args: { input: BatchInput; workflowId: string }): Promise<BatchPlan> {
      try {
        return await plan(args);
      } catch (error) {
        // A mistake in the config or a start-URL CSV gives the same answer on every attempt.
        if (error instanceof UserInputError) throw ApplicationFailure.nonRetryable(error.message, 'UserInputError');
        throw error;
      }
    },

    async markTask(args: {
      batchId: string;
      site: string;
      kind: TaskKind;
      state: TaskState;
      reason: string;
      error?: string;
    }): Promise<string> {
      return transitionTask(db, taskId(args.batchId, args.site, args.kind), args.state, args.reason, args.error);
    },
  };
}
