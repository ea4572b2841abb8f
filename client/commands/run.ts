/**
 * `orchestrator run`: start a batch and follow it live. With --mirror it is the main job on the
 * embedded defaults: the bundled local mirror of the six portals, the dev server and a worker,
 * each started when needed.
 */
import { CancelledFailure, WorkflowFailedError } from '@temporalio/client';
import { InvalidArgumentError, type Command } from 'commander';
import { subcommand } from '../subcommand';
import { UserInputError } from '../../lib/errors';
import { innermostMessage } from '../../workflows/decisions';
import type { AppConfig } from '../../lib/config/types';
import { getSiteMetrics } from '../../lib/metrics/site-metrics';
import { getAlerts } from '../../lib/metrics/alerts';
import { openStore } from '../../lib/store/database';
import { startDemoMirror } from '../demo';
import { checkBatchStart } from '../../lib/schedule/batch-input';
import { createWorkers, type OrchestratorWorkers } from '../../workers/worker';
import type { BatchInput, BatchResult } from '../../lib/contract/payloads';
import { batchWorkflowId, newBatchId } from '../../lib/contract/names';
import { followBatch, startBatch } from '../batch-client';
import { connectClient, ensureServer, withStore } from '../environment';
import { loadAppConfig, type GlobalOptions } from '../../lib/config/profile';
import { printJson, table } from '../output';

export interface RunOptions {
  sites?: string[];
  maxPages?: number;
  label?: string;
  id?: string;
  detach?: boolean;
  json?: boolean;
  /** Mirror runs: listing pages per search the mirror serves. */
  mirrorPages?: number;
  /** The whole input, instead of sites/maxPages/label (`orchestrator retry`). */
  input?: BatchInput;
}

export function parsePositiveInt(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new InvalidArgumentError(`expected a positive whole number, got "${value}"`);
  return number;
}

export function parseSiteList(value: string): string[] {
  return value
    .split(',')
    .map((site) => site.trim())
    .filter(Boolean);
}

async function workerIsPolling(config: AppConfig): Promise<boolean> {
  const client = await connectClient(config);
  try {
    const response = await client.workflowService.describeTaskQueue({
      namespace: config.temporal.namespace,
      taskQueue: { name: config.temporal.taskQueue },
    });
    return (response.pollers?.length ?? 0) > 0;
  } finally {
    await client.connection.close();
  }
}

export async function runCommand(
  globals: GlobalOptions,
  options: RunOptions,
  log: (line: string) => void = (l) => console.error(l),
): Promise<BatchResult | null> {
  let config = loadAppConfig(globals);
  const input: BatchInput = options.input ?? { sites: options.sites, maxPages: options.maxPages, label: options.label };
  // A site name typo or a mistake in a start-URL CSV is refused here, in one line, rather than as a failed batch.
  checkBatchStart(config, input.sites);
  await ensureServer(config, log);

  const cleanups: Array<() => Promise<void>> = [];
  let workers: OrchestratorWorkers | null = null;
  try {
    if (globals.mirror) {
      const mirror = await startDemoMirror(config, options.mirrorPages);
      cleanups.push(() => mirror.close());
      config = { ...config, mirror: { url: mirror.url } };
      log(`Local mirror of the six portals at ${mirror.url}; data in ${config.storage.database}`);
    }
    if (globals.mirror || !(await workerIsPolling(config))) {
      if (options.detach) log('No worker is polling: start one with `orchestrator worker`, or the batch waits.');
      else {
        workers = await createWorkers(config, { liftRateLimits: globals.mirror });
        log(`Worker running in this process on task queue ${config.temporal.taskQueue}.`);
      }
    }
    const client = await connectClient(config);
    cleanups.push(() => client.connection.close());
    const workflowId = options.id ?? batchWorkflowId(newBatchId(new Date(), options.label));
    const handle = await startBatch(client, config, input, workflowId);
    log(
      `Batch ${workflowId} started. Web UI: http://127.0.0.1:${config.temporal.uiPort}/namespaces/${config.temporal.namespace}/workflows/${encodeURIComponent(workflowId)}`,
    );
    if (options.detach) {
      if (options.json) printJson({ workflowId, runId: handle.firstExecutionRunId });
      return null;
    }
    const follow = followBatch(handle, options.json ? () => undefined : undefined);
    let result: BatchResult;
    try {
      result = workers ? await workers.runUntil(follow) : await follow;
    } catch (error) {
      // The workflow itself ended badly (cancelled from elsewhere, a plan that could not be made):
      // the batch's outcome, not a bug, so one line and exit 1.
      if (!(error instanceof WorkflowFailedError)) throw error;
      throw new UserInputError(
        `batch ${workflowId} ${error.cause instanceof CancelledFailure ? 'was cancelled' : `failed: ${innermostMessage(error)}`}`,
      );
    } finally {
      workers = null;
    }
    await printSummary(config, result, options.json ?? false);
    if (result.status === 'failed') process.exitCode = 1;
    return result;
  } finally {
    workers?.shutdown();
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

export async function printSummary(config: AppConfig, result: BatchResult, json: boolean): Promise<void> {
  await withStore(openStore(config.storage), async (db) => {
    const metrics = await getSiteMetrics(db, result.batchId);
    const alerts = await getAlerts(db, result.batchId);
    if (json) return printJson({ ...result, metrics, alerts });
    const state = new Map(result.sites.map((site) => [site.site, site]));
    console.log(`\nBatch ${result.batchId}: ${result.status}`);
    console.log(
      table(
        [
          'site',
          'state',
          'pages',
          'failed',
          'listings',
          'new',
          'updated',
          'removed',
          'price Δ',
          'detail',
          'p95 ms',
          'pages/min',
        ],
        metrics.map((m) => [
          m.site,
          state.get(m.site)?.state,
          m.pagesFetched,
          m.pagesFailed,
          m.listingsSeen,
          m.listingsNew,
          m.listingsUpdated,
          m.listingsRemoved,
          m.priceChanges,
          state.get(m.site)?.detail ? m.detailPagesDone : null,
          m.latencyP95Ms,
          m.pagesPerMinute,
        ]),
      ),
    );
    for (const alert of alerts) console.log(`ALERT ${alert.message}`);
    for (const site of result.sites) if (site.error) console.log(`${site.site}: ${site.error}`);
  });
}

export function registerRunCommand(program: Command, globals: () => GlobalOptions): void {
  subcommand(program, 'run', 'start a batch and follow its progress per site, then print a summary', [
    'orchestrator --mirror run                 # the six portals, from the bundled local mirror',
    'orchestrator run --sites lamudi,trovit --max-pages 2',
    'orchestrator run --detach --label nightly',
  ])
    .option('--sites <list>', 'comma-separated site keys (default: every enabled site)', parseSiteList)
    .option('--max-pages <n>', 'cap max_pages of every start URL', parsePositiveInt)
    .option('--label <text>', 'a label for the batch (part of its id)')
    .option('--id <workflowId>', 'workflow id (default batch-YYYYMMDD-HHMMSS)')
    .option('--detach', 'start the batch and return')
    .option('--mirror-pages <n>', 'with --mirror: result pages per search the mirror serves', parsePositiveInt)
    .option('--json', 'print the result as JSON')
    .action(async (options: RunOptions) => {
      await runCommand(globals(), options);
    });
}
