/**
 * `orchestrator retry <batch>`: a new batch that re-runs the sites that failed in `batch`, with
 * its options, linked to it (parentBatchId: `list` and `status` show "retry of"). It starts and is
 * followed exactly like `orchestrator run`.
 */
import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import { subcommand } from '../subcommand';
import { retryBatchWorkflowId } from '../../lib/contract/names';
import { retryInput } from '../../lib/schedule/batch-input';
import { countRetries, getTasks } from '../../lib/store/batches';
import { describeWorkflow, withBatchRow } from '../batch-ref';
import { withClient } from '../environment';
import { loadAppConfig, type GlobalOptions } from '../../lib/config/profile';
import { runCommand } from './run';

interface RetryOptions {
  id?: string;
  detach?: boolean;
  json?: boolean;
}

/** The first retryN id that Temporal does not know yet (a retry that never planned still holds its id). */
async function freeRetryWorkflowId(client: Client, parentBatchId: string, from: number): Promise<string> {
  for (let n = from; ; n++) {
    const candidate = retryBatchWorkflowId(parentBatchId, n + 1);
    if ((await describeWorkflow(client, candidate)) === null) return candidate;
  }
}

export function registerRetryCommand(program: Command, globals: () => GlobalOptions): void {
  subcommand(program, 'retry', "re-run a finished batch's failed sites as a new batch linked to it", [
    'orchestrator retry 20251128-060000',
    'orchestrator retry batch-20251128-060000 --detach',
  ])
    .argument('<batch>', 'batch id or workflow id of the batch to retry')
    .option('--id <workflowId>', 'workflow id of the new batch (default batch-<batch>-retry<n>)')
    .option('--detach', 'start the new batch and return')
    .option('--json', 'print the result as JSON')
    .action(async (batch: string, options: RetryOptions) => {
      const config = loadAppConfig(globals());
      const plan = await withBatchRow(config, batch, async (db, found) => ({
        parentBatchId: found.batchId,
        input: retryInput(found.row, await getTasks(db, found.batchId)),
        earlier: await countRetries(db, found.batchId),
      }));
      const id =
        options.id ??
        (await withClient(config, (client) => freeRetryWorkflowId(client, plan.parentBatchId, plan.earlier)));
      console.error(`Retrying ${plan.input.sites!.join(', ')} of batch ${plan.parentBatchId} as ${id}.`);
      await runCommand(globals(), { id, detach: options.detach, json: options.json, input: plan.input });
    });
}
