/** `orchestrator list [--status S] [--limit N]`: the latest batches in SQLite, newest first. */
import type { Command } from 'commander';
import { subcommand } from '../subcommand';
import { UserInputError } from '../../lib/errors';
import { BATCH_STATUSES, type BatchStatus } from '../../lib/contract/statuses';
import { listBatches, type BatchRow } from '../../lib/store/batches';
import { openBatchDatabase } from '../batch-ref';
import { withStore } from '../environment';
import { loadAppConfig, type GlobalOptions } from '../../lib/config/profile';
import { printJson, table } from '../output';
import { parsePositiveInt } from './run';

export interface ListOptions {
  status?: string;
  limit?: number;
  json?: boolean;
}

export function parseBatchStatus(text: string): BatchStatus {
  const status = BATCH_STATUSES.find((candidate) => candidate === text);
  if (!status) throw new UserInputError(`unknown batch status "${text}": choose one of ${BATCH_STATUSES.join(', ')}`);
  return status;
}

export function renderBatchList(batches: BatchRow[]): string {
  if (batches.length === 0) return 'No batches yet: start one with `orchestrator run`.';
  return table(
    ['batch', 'status', 'sites', 'created', 'finished', 'label', 'retry of'],
    batches.map((batch) => [
      batch.id,
      batch.status,
      batch.sites.join(','),
      batch.createdAt,
      batch.finishedAt,
      batch.label,
      batch.parentBatchId,
    ]),
  );
}

export function registerListCommand(program: Command, globals: () => GlobalOptions): void {
  subcommand(program, 'list', 'the latest batches, newest first', [
    'orchestrator list',
    'orchestrator list --status failed --limit 5',
    'orchestrator list --json',
  ])
    .option('--status <status>', `only batches with this status: ${BATCH_STATUSES.join(', ')}`)
    .option('--limit <n>', 'how many (default 20)', parsePositiveInt)
    .option('--json', 'print JSON')
    .action(async (options: ListOptions) => {
      const config = loadAppConfig(globals());
      const status = options.status === undefined ? undefined : parseBatchStatus(options.status);
      const batches = await withStore(openBatchDatabase(config), async (db) =>
        db ? listBatches(db, { status, limit: options.limit ?? 20 }) : [],
      );
      if (options.json) printJson(batches);
      else console.log(renderBatchList(batches));
    });
}
