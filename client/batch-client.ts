/**
 * Starting and following batches with the Temporal client: deterministic workflow ids (a batch
 * cannot start twice by accident), search attributes for the Web UI, and a live progress view.
 */
import {
  WorkflowIdReusePolicy,
  type Client,
  type WorkflowHandle,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import type { AppConfig } from '../lib/config/types';
import { UserInputError } from '../lib/errors';
import { progressQuery } from '../workflows/messages';
import { BatchIdKey, BatchStatusKey } from '../lib/contract/search-attributes';
import type { batchWorkflow } from '../workflows/batch';
import type { BatchInput, BatchProgress, BatchResult } from '../lib/contract/payloads';
import { bar, table } from './output';

/** batch-YYYYMMDD-HHMMSS (UTC), with the label when given: readable, sortable, unique per second. */
export async function startBatch(
  client: Client,
  config: AppConfig,
  input: BatchInput,
  workflowId: string,
): Promise<WorkflowHandleWithFirstExecutionRunId<typeof batchWorkflow>> {
  const batchId = workflowId.replace(/^batch-/, '');
  const siteCount = input.sites?.length ?? config.sites.filter((site) => site.enabled).length;
  try {
    return await client.workflow.start<typeof batchWorkflow>('batchWorkflow', {
      taskQueue: config.temporal.taskQueue,
      workflowId,
      args: [input],
      // An id names one batch forever: starting it again is refused even after it finished.
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: [
        { key: BatchIdKey, value: batchId },
        { key: BatchStatusKey, value: 'running' },
      ],
      staticSummary: `batch ${batchId} · ${siteCount} site${siteCount === 1 ? '' : 's'}${input.label ? ` · ${input.label}` : ''}`,
      staticDetails: `Input: \`${JSON.stringify(input)}\``,
    });
  } catch (error) {
    if ((error as Error).name === 'WorkflowExecutionAlreadyStartedError') {
      throw new UserInputError(
        `a batch with id ${workflowId} already exists: it cannot start twice (pass another --id)`,
      );
    }
    throw error;
  }
}

/**
 * The batch's live progress, or null when it cannot answer in time: a query needs a worker to
 * run it, and a batch whose workers are all stopped would otherwise hang the command.
 */
export async function queryProgress(
  handle: WorkflowHandle<typeof batchWorkflow>,
  timeoutMs = 5000,
): Promise<BatchProgress | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs)));
  try {
    return await Promise.race([handle.query(progressQuery).catch(() => null), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** One line per site: state, a bar of pages against max_pages, listings, errors, detail pages. */
export function renderProgress(progress: BatchProgress): string {
  const rows = progress.sites.map((site) => [
    site.site,
    site.state,
    `${bar(site.pages, Math.max(site.plannedPages ?? 0, site.pages), 16)} ${site.pages}/${site.plannedPages ?? '?'}`,
    site.listings,
    site.errors,
    site.detail
      ? `${site.detail.state} ${site.detail.done} done, ${site.detail.failed} failed, ${site.detail.skipped} gone`
      : '',
  ]);
  return `batch ${progress.batchId}: ${progress.status}\n${table(['site', 'state', 'pages', 'listings', 'errors', 'detail pages'], rows)}`;
}

/**
 * Follow a batch until it ends, redrawing its progress (in place on a terminal, on change
 * otherwise). Returns the workflow's result; throws its failure.
 */
export async function followBatch(
  handle: WorkflowHandle<typeof batchWorkflow>,
  write: (text: string) => void = (text) => process.stdout.write(text),
  intervalMs = 1000,
): Promise<BatchResult> {
  const tty = process.stdout.isTTY === true;
  let lastFrame = '';
  let lastLines = 0;
  const draw = async () => {
    let progress: BatchProgress;
    try {
      progress = await handle.query(progressQuery);
    } catch {
      return; // not planned yet, or between workflow tasks: the next tick shows it
    }
    const frame = renderProgress(progress);
    if (frame === lastFrame) return;
    if (tty && lastLines > 0) write(`\x1b[${lastLines}A\x1b[J`);
    write(`${frame}\n`);
    lastFrame = frame;
    lastLines = frame.split('\n').length;
  };
  const result = handle.result();
  let done = false;
  void result.finally(() => (done = true)).catch(() => undefined);
  while (!done) {
    await draw();
    await Promise.race([result.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, intervalMs))]);
  }
  await draw();
  return result;
}
