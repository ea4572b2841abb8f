/**
 * `orchestrator watch <batch>`: follow a running batch live (the workflow's `progress` query,
 * redrawn in place), then print its summary. Ctrl-C stops watching only: the batch is a durable
 * workflow and keeps running; `orchestrator cancel` is how to stop it.
 */
import { WorkflowFailedError } from '@temporalio/client';
import type { Command } from 'commander';
import { subcommand } from '../subcommand';
import type { batchWorkflow } from '../../workflows/batch';
import type { BatchResult } from '../../lib/contract/payloads';
import { followBatch } from '../batch-client';
import { resolveBatch } from '../batch-ref';
import { withClient } from '../environment';
import { loadAppConfig, type GlobalOptions } from '../../lib/config/profile';
import { printSummary } from './run';
import { batchStatus, renderStatus } from './status';

interface WatchOptions {
  json?: boolean;
}

/** Resolves when the user presses Ctrl-C (SIGINT), instead of the process dying. */
function interrupted(): { promise: Promise<'interrupted'>; dispose(): void } {
  let onSignal: () => void = () => undefined;
  const promise = new Promise<'interrupted'>((resolve) => {
    onSignal = () => resolve('interrupted');
    process.once('SIGINT', onSignal);
  });
  return { promise, dispose: () => process.removeListener('SIGINT', onSignal) };
}

export function registerWatchCommand(program: Command, globals: () => GlobalOptions): void {
  subcommand(
    program,
    'watch',
    'follow a running batch live, per site; Ctrl-C stops watching and leaves the batch running',
    ['orchestrator watch 20251128-060000', 'orchestrator run --detach && orchestrator watch batch-20251128-060000'],
  )
    .argument('<batch>', 'batch id or workflow id')
    .option('--json', 'at the end, print the result as JSON')
    .action(async (batch: string, options: WatchOptions) => {
      const config = loadAppConfig(globals());
      await withClient(config, async (client) => {
        const ref = await resolveBatch(config, client, batch);
        if (ref.workflow?.status.name !== 'RUNNING') {
          // A finished batch has nothing to follow: show where it ended.
          const view = await batchStatus(config, ref.workflowId);
          console.log(options.json ? JSON.stringify(view, null, 2) : renderStatus(view));
          if (view.status === 'failed') process.exitCode = 1;
          return;
        }
        const handle = client.workflow.getHandle<typeof batchWorkflow>(ref.workflowId);
        const stop = interrupted();
        let outcome: BatchResult | 'interrupted';
        try {
          outcome = await Promise.race([followBatch(handle, options.json ? () => undefined : undefined), stop.promise]);
        } catch (error) {
          if (!(error instanceof WorkflowFailedError)) throw error;
          const view = await batchStatus(config, ref.workflowId);
          console.log(`\nBatch ${ref.batchId} ended: ${view.status}`);
          process.exitCode = 1;
          return;
        } finally {
          stop.dispose();
        }
        if (outcome === 'interrupted') {
          console.error(
            `\nStopped watching. Batch ${ref.batchId} keeps running: \`orchestrator watch ${ref.batchId}\` to follow it again, \`orchestrator cancel ${ref.batchId}\` to stop it.`,
          );
          return;
        }
        await printSummary(config, outcome, options.json ?? false);
        if (outcome.status === 'failed') process.exitCode = 1;
      });
    });
}
