/**
 * `orchestrator status <batch>`: where one batch stands, from SQLite (its status and every
 * task's state and last error) and from Temporal (the workflow's state and, while it runs, the
 * live progress per site). Without a reachable server it says what SQLite knows.
 */
import type { Command } from 'commander';
import { subcommand } from '../subcommand';
import type { AppConfig } from '../../lib/config/types';
import { getTasks, type TaskRow } from '../../lib/store/batches';
import type { BatchProgress } from '../../lib/contract/payloads';
import type { batchWorkflow } from '../../workflows/batch';
import { queryProgress, renderProgress } from '../batch-client';
import { openBatchDatabase, resolveBatch, type BatchRef } from '../batch-ref';
import { tryConnectClient, withStore, workflowUiUrl } from '../environment';
import { loadAppConfig, type GlobalOptions } from '../../lib/config/profile';
import { printJson, table } from '../output';

export interface BatchStatusView {
  batchId: string;
  workflowId: string;
  /** The batch's status in SQLite, or the workflow's when it never planned. */
  status: string;
  batch: BatchRef['row'];
  tasks: TaskRow[];
  workflow: {
    status: string;
    runId: string;
    startTime: string;
    closeTime: string | null;
    historyLength: number;
  } | null;
  /** Live per-site progress while the workflow runs. */
  progress: BatchProgress | null;
  /** False when no Temporal server answered: the view is the store's alone. */
  temporalReachable: boolean;
  webUi: string;
}

export async function batchStatus(config: AppConfig, text: string): Promise<BatchStatusView> {
  const client = await tryConnectClient(config);
  try {
    const ref = await resolveBatch(config, client, text);
    const tasks = await withStore(openBatchDatabase(config), async (db) => (db ? getTasks(db, ref.batchId) : []));
    const running = ref.workflow?.status.name === 'RUNNING';
    const progress =
      client && running ? await queryProgress(client.workflow.getHandle<typeof batchWorkflow>(ref.workflowId)) : null;
    return {
      batchId: ref.batchId,
      workflowId: ref.workflowId,
      status: ref.row?.status ?? ref.workflow?.status.name.toLowerCase() ?? 'unknown',
      batch: ref.row,
      tasks,
      workflow: ref.workflow && {
        status: ref.workflow.status.name,
        runId: ref.workflow.runId,
        startTime: ref.workflow.startTime.toISOString(),
        closeTime: ref.workflow.closeTime?.toISOString() ?? null,
        historyLength: ref.workflow.historyLength,
      },
      progress,
      temporalReachable: client !== null,
      webUi: workflowUiUrl(config, ref.workflowId),
    };
  } finally {
    await client?.connection.close().catch(() => undefined);
  }
}

export function renderStatus(view: BatchStatusView): string {
  const lines = [`Batch ${view.batchId} (workflow ${view.workflowId}): ${view.status}`];
  if (view.batch) {
    const facts = [`created ${view.batch.createdAt}`, `finished ${view.batch.finishedAt ?? '–'}`];
    if (view.batch.label) facts.push(`label ${view.batch.label}`);
    if (view.batch.parentBatchId) facts.push(`retry of ${view.batch.parentBatchId}`);
    lines.push(`  ${facts.join(' · ')}`);
  } else {
    lines.push('  not planned in the database yet (or its planning failed)');
  }
  lines.push(
    view.workflow
      ? `  Temporal: ${view.workflow.status} · started ${view.workflow.startTime}${view.workflow.closeTime ? ` · closed ${view.workflow.closeTime}` : ''} · ${view.webUi}`
      : view.temporalReachable
        ? '  Temporal: no such workflow (past retention?)'
        : '  Temporal: no server answers; showing what the database knows',
  );
  if (view.tasks.length > 0) {
    lines.push(
      '',
      table(
        ['site', 'task', 'state', 'updated', 'last error'],
        view.tasks.map((t) => [t.site, t.kind, t.state, t.updatedAt, t.lastError]),
      ),
    );
  }
  if (view.progress) lines.push('', renderProgress(view.progress));
  return lines.join('\n');
}

export function registerStatusCommand(program: Command, globals: () => GlobalOptions): void {
  subcommand(
    program,
    'status',
    "one batch: its status, each site's task state and last error, and live progress while it runs",
    [
      'orchestrator status 20251128-060000',
      'orchestrator status batch-20251128-060000 --json',
      'orchestrator --mirror status 20251128-060000',
    ],
  )
    .argument('<batch>', 'batch id (20251128-060000) or workflow id (batch-20251128-060000)')
    .option('--json', 'print JSON')
    .action(async (batch: string, options: { json?: boolean }) => {
      const view = await batchStatus(loadAppConfig(globals()), batch);
      if (options.json) printJson(view);
      else console.log(renderStatus(view));
    });
}
