/**
 * How batches, their workflows and their task queues are named. One batch id names the batch in
 * SQLite and, with a prefix, its workflow in Temporal; its children are named after it, so a
 * batch and everything it started are found from either id.
 */

const BATCH_WORKFLOW_PREFIX = 'batch-';

/** A new batch's id: its start time in UTC (20251128-060000), and the label in slug form if one is given. */
export function newBatchId(now: Date, label?: string): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const slug = label
    ?.toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return slug ? `${stamp}-${slug}` : stamp;
}

/** batch-20251128-060000 for batch 20251128-060000. */
export function batchWorkflowId(batchId: string): string {
  return `${BATCH_WORKFLOW_PREFIX}${batchId}`;
}

/** The batch id of a batch workflow id: the id without its `batch-` prefix (an id without it is taken as is). */
export function batchIdOf(workflowId: string): string {
  return workflowId.startsWith(BATCH_WORKFLOW_PREFIX) ? workflowId.slice(BATCH_WORKFLOW_PREFIX.length) : workflowId;
}

/** Whether text looks like a batch workflow id rather than a batch id. */
export function isBatchWorkflowId(text: string): boolean {
  return text.startsWith(BATCH_WORKFLOW_PREFIX);
}

/** A site's child of a batch: batch-20251128-060000/lamudi. */
export function siteWorkflowId(batchWorkflowId: string, site: string): string {
  return `${batchWorkflowId}/${site}`;
}

/** A site's detail child: batch-20251128-060000/lamudi/detail. */
export function detailWorkflowId(batchWorkflowId: string, site: string): string {
  return `${siteWorkflowId(batchWorkflowId, site)}/detail`;
}

/** The n-th retry of a batch's failed sites: batch-20251128-060000-retry1. */
export function retryBatchWorkflowId(parentBatchId: string, n: number): string {
  return batchWorkflowId(`${parentBatchId}-retry${n}`);
}

/** The workflow id a schedule gives its batches (the server appends the scheduled time). */
export function scheduledBatchWorkflowId(scheduleId: string): string {
  return batchWorkflowId(scheduleId);
}

/** The task queue of a site's page activities, whose rate limit the server holds across workers. */
export function siteTaskQueue(mainTaskQueue: string, site: string): string {
  return `${mainTaskQueue}-site-${site}`;
}
