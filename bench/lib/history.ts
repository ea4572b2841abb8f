/** Temporal history cost of a batch: every run of each of its workflows, continued-as-new runs included. */
import type { Client } from '@temporalio/client';

export interface WorkflowHistoryCost {
  workflowId: string;
  runs: number;
  events: number;
  /** Events of the largest run (the bound that continue-as-new keeps). */
  maxRunEvents: number;
}

/** Every run of a workflow id, newest first, following continued-as-new links backwards (as test/integration/detail-scale.test.ts). */
export async function historyCost(client: Client, workflowId: string): Promise<WorkflowHistoryCost> {
  let runId: string | undefined;
  let runs = 0;
  let events = 0;
  let maxRunEvents = 0;
  for (;;) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const length = history.events?.length ?? 0;
    runs++;
    events += length;
    maxRunEvents = Math.max(maxRunEvents, length);
    const previous = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
    if (!previous) break;
    runId = previous;
  }
  return { workflowId, runs, events, maxRunEvents };
}

/** The batch workflow, one site workflow per site and one detail workflow per site with a detail scraper. */
export async function batchHistoryCost(
  client: Client,
  batchWorkflowId: string,
  sites: string[],
  detailSites: string[],
) {
  const ids = [
    batchWorkflowId,
    ...sites.map((s) => `${batchWorkflowId}/${s}`),
    ...detailSites.map((s) => `${batchWorkflowId}/${s}/detail`),
  ];
  const workflows: WorkflowHistoryCost[] = [];
  for (const id of ids) workflows.push(await historyCost(client, id));
  return {
    workflows,
    totalEvents: workflows.reduce((sum, w) => sum + w.events, 0),
    totalRuns: workflows.reduce((sum, w) => sum + w.runs, 0),
    maxRunEvents: Math.max(...workflows.map((w) => w.maxRunEvents)),
  };
}
