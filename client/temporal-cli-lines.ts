/**
 * The `temporal` CLI command lines the README shows (section "Using the Temporal CLI"): starting a
 * batch and creating the daily schedule without this project's CLI. One module builds them for
 * the README (with its example values) and for the test that runs them against a real server
 * (with its own task queue and ids), and a unit test keeps the README block identical to what
 * this module renders, so the documented lines are the tested ones.
 */
import type { BatchInput } from '../lib/contract/payloads';
import { batchWorkflowId, scheduledBatchWorkflowId } from '../lib/contract/names';

export interface CliLineValues {
  taskQueue: string;
  /** Batch id of the started batch; its workflow id is batch-<batchId>. */
  batchId: string;
  startInput: BatchInput;
  scheduleId: string;
  scheduleInput: BatchInput;
}

/** The values the README shows: the shipped task queue and readable ids. */
export const README_VALUES: CliLineValues = {
  taskQueue: 'scraping',
  batchId: '20251128-cli',
  startInput: { sites: ['mitula'], maxPages: 1 },
  scheduleId: 'daily-batch',
  scheduleInput: { maxPages: 5 },
};

export const DAILY_CRON = '0 6 * * *';
export const SCHEDULE_TIMEZONE = 'America/Mexico_City';

/** `temporal workflow start`: a batch, with the workflow id and BatchId search attribute the CLI would give it. */
export function workflowStartArgs(values: CliLineValues): string[] {
  return [
    'workflow',
    'start',
    '--type',
    'batchWorkflow',
    '--task-queue',
    values.taskQueue,
    '--workflow-id',
    batchWorkflowId(values.batchId),
    '--search-attribute',
    `BatchId="${values.batchId}"`,
    '--input',
    JSON.stringify(values.startInput),
  ];
}

/** `temporal workflow list` filtered to the batch and its site children. */
export function workflowListArgs(values: CliLineValues): string[] {
  return ['workflow', 'list', '--query', `BatchId="${values.batchId}"`];
}

/** `temporal schedule create`: a batch every day at 06:00 Mexico City time, skipped while the last one runs. */
export function scheduleCreateArgs(values: CliLineValues): string[] {
  return [
    'schedule',
    'create',
    '--schedule-id',
    values.scheduleId,
    '--cron',
    DAILY_CRON,
    '--time-zone',
    SCHEDULE_TIMEZONE,
    '--overlap-policy',
    'Skip',
    '--catchup-window',
    '1h',
    '--type',
    'batchWorkflow',
    '--task-queue',
    values.taskQueue,
    '--workflow-id',
    scheduledBatchWorkflowId(values.scheduleId),
    '--input',
    JSON.stringify(values.scheduleInput),
  ];
}

export function scheduleTriggerArgs(values: CliLineValues): string[] {
  return ['schedule', 'trigger', '--schedule-id', values.scheduleId];
}

export function scheduleDeleteArgs(values: CliLineValues): string[] {
  return ['schedule', 'delete', '--schedule-id', values.scheduleId];
}

/** An argument as a POSIX shell reads it back unchanged: bare when safe, else single-quoted. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_./:=@-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * A `temporal …` line for a shell: the subcommand, then each flag with its value, continued
 * with a backslash past `width` characters so the README stays readable.
 */
export function shellLine(args: string[], width = 100): string {
  const words = args.map(shellQuote);
  const subcommand = words.findIndex((word) => word.startsWith('--'));
  const head = `temporal ${words.slice(0, subcommand === -1 ? words.length : subcommand).join(' ')}`;
  const pairs: string[] = [];
  for (let i = subcommand === -1 ? words.length : subcommand; i < words.length; i++) {
    const next = words[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      pairs.push(`${words[i]} ${next}`);
      i++;
    } else {
      pairs.push(words[i]);
    }
  }
  const lines: string[] = [head];
  for (const pair of pairs) {
    const current = lines[lines.length - 1];
    if (`${current} ${pair} \\`.length > width) lines.push(`  ${pair}`);
    else lines[lines.length - 1] = `${current} ${pair}`;
  }
  return lines.join(' \\\n');
}

/** The README's code block: worker, batch start, list, schedule create, trigger, delete. */
export function readmeCliBlock(values: CliLineValues = README_VALUES): string {
  return [
    '# a worker must poll the task queue: `npx orchestrator worker` in another terminal',
    shellLine(workflowStartArgs(values)),
    shellLine(workflowListArgs(values)),
    '',
    "# every day at 06:00 in Mexico City; a batch still running makes that day's run skip",
    shellLine(scheduleCreateArgs(values)),
    shellLine(scheduleTriggerArgs(values)),
    shellLine(scheduleDeleteArgs(values)),
  ].join('\n');
}
