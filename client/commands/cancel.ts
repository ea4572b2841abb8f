/**
 * `orchestrator cancel <batch>`: request cancellation of the batch workflow. The workflow passes
 * it to its site and detail children, whose running page activities learn of it on their next
 * heartbeat; the batch's open tasks are closed and its status becomes cancelled. By default the
 * command waits until the workflow has ended and says so.
 */
import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import { subcommand } from '../subcommand';
import { setTimeout as delay } from 'node:timers/promises';
import type { AppConfig } from '../../lib/config/types';
import { UserInputError } from '../../lib/errors';
import { resolveBatch } from '../batch-ref';
import { withClient } from '../environment';
import { loadAppConfig, type GlobalOptions } from '../../lib/config/profile';
import { parsePositiveInt } from './run';

interface CancelOptions {
  wait: boolean;
  timeout?: number;
}

/** Poll the workflow's state until it is no longer running; its final state name, or null at the deadline. */
async function waitUntilClosed(client: Client, workflowId: string, timeoutMs: number): Promise<string | null> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { status } = await client.workflow.getHandle(workflowId).describe();
    if (status.name !== 'RUNNING') return status.name;
    await delay(250);
  }
  return null;
}

export async function cancelBatch(
  config: AppConfig,
  text: string,
  options: CancelOptions,
  log: (line: string) => void = console.log,
): Promise<string | null> {
  return withClient(config, async (client) => {
    const ref = await resolveBatch(config, client, text);
    const state = ref.workflow?.status.name;
    if (state !== 'RUNNING') {
      throw new UserInputError(
        `batch ${ref.batchId} is not running (${state ? state.toLowerCase() : `status ${ref.row?.status ?? 'unknown'}`}): there is nothing to cancel`,
      );
    }
    await client.workflow.getHandle(ref.workflowId).cancel();
    log(`Cancellation requested for batch ${ref.batchId} (workflow ${ref.workflowId}).`);
    if (!options.wait) return null;
    const closed = await waitUntilClosed(client, ref.workflowId, (options.timeout ?? 60) * 1000);
    if (closed === null) {
      log(
        `The batch is still winding down after ${options.timeout ?? 60} s: running pages finish or notice the cancellation at their next heartbeat. \`orchestrator status ${ref.batchId}\` shows when it has ended.`,
      );
      return null;
    }
    log(`Batch ${ref.batchId} ${closed === 'CANCELLED' ? 'cancelled' : `ended as ${closed.toLowerCase()}`}.`);
    return closed;
  });
}

export function registerCancelCommand(program: Command, globals: () => GlobalOptions): void {
  subcommand(
    program,
    'cancel',
    'cancel a running batch: its site workflows and running page activities are cancelled too',
    ['orchestrator cancel 20251128-060000', 'orchestrator cancel batch-20251128-060000 --no-wait'],
  )
    .argument('<batch>', 'batch id or workflow id')
    .option('--no-wait', 'return once the cancellation is requested')
    .option('--timeout <seconds>', 'how long to wait for the batch to end (default 60)', parsePositiveInt)
    .action(async (batch: string, options: CancelOptions) => {
      await cancelBatch(loadAppConfig(globals()), batch, options);
    });
}
