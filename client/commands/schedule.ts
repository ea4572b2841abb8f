/**
 * `orchestrator schedule create|list|describe|pause|unpause|trigger|backfill|delete`: batches on
 * a timetable with Temporal Schedules (lib/schedule/batch-schedule.ts). The server keeps the
 * schedule: no cron daemon, no process of ours has to stay up, and a worker that was down finds
 * the missed run waiting (within the catch-up window).
 */
import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  type Client,
  type ScheduleDescription,
  type ScheduleHandle,
  type ScheduleSummary,
} from '@temporalio/client';
import type { Command } from 'commander';
import { subcommand } from '../subcommand';
import type { AppConfig } from '../../lib/config/types';
import { UserInputError } from '../../lib/errors';
import {
  batchScheduleOptions,
  DEFAULT_CATCHUP_WINDOW,
  DEFAULT_SCHEDULE_ID,
  DEFAULT_TIMEZONE,
  parseOverlapPolicy,
  type BatchScheduleMemo,
} from '../../lib/schedule/batch-schedule';
import { withClient } from '../environment';
import { loadAppConfig, type GlobalOptions } from '../../lib/config/profile';
import { printJson, table } from '../output';
import { parsePositiveInt, parseSiteList } from './run';

interface CreateOptions {
  cron: string;
  timezone: string;
  sites?: string[];
  maxPages?: number;
  label?: string;
  id: string;
  overlap: string;
  catchupWindow: string;
  jitter?: string;
  paused?: boolean;
  note?: string;
}

interface ExistingSchedule {
  handle: ScheduleHandle;
  description: ScheduleDescription;
}

/** A handle whose schedule exists; an unknown id is the user's mistake, named with the known ones. */
async function existingSchedule(client: Client, id: string): Promise<ExistingSchedule> {
  const handle = client.schedule.getHandle(id);
  try {
    return { handle, description: await handle.describe() };
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
    const known: string[] = [];
    for await (const summary of client.schedule.list()) known.push(summary.scheduleId);
    throw new UserInputError(
      `unknown schedule "${id}"${known.length ? `: the schedules are ${known.join(', ')}` : ': there are no schedules (create one with `orchestrator schedule create`)'}`,
    );
  }
}

function memoOf(memo: Record<string, unknown> | undefined): Partial<BatchScheduleMemo> {
  return memo ?? {};
}

export interface ScheduleView {
  scheduleId: string;
  cron: string | null;
  timezone: string | null;
  input: unknown;
  paused: boolean;
  note: string | null;
  nextRuns: string[];
  recentRuns: Array<{ scheduledAt: string; workflowId: string }>;
}

/** What a schedule's list row and its description both show first: which schedule, and on what cron. */
function cronOf(schedule: Pick<ScheduleSummary, 'scheduleId' | 'memo' | 'spec'>) {
  const memo = memoOf(schedule.memo);
  return {
    scheduleId: schedule.scheduleId,
    cron: memo.cron ?? null,
    timezone: memo.timezone ?? schedule.spec?.timezone ?? null,
  };
}

/** What both show of its state: paused or not, and its next and latest runs. */
function runsOf(schedule: Pick<ScheduleSummary, 'state' | 'info'>) {
  return {
    paused: schedule.state.paused,
    note: schedule.state.note ?? null,
    nextRuns: schedule.info.nextActionTimes.map((time) => time.toISOString()),
    recentRuns: schedule.info.recentActions.map((action) => ({
      scheduledAt: action.scheduledAt.toISOString(),
      workflowId: action.action.workflow.workflowId,
    })),
  };
}

function summaryView(summary: ScheduleSummary): ScheduleView {
  return { ...cronOf(summary), input: memoOf(summary.memo).input ?? null, ...runsOf(summary) };
}

export function describeView(description: ScheduleDescription) {
  return {
    ...cronOf(description),
    input: memoOf(description.memo).input ?? (description.action.args?.[0] as unknown) ?? null,
    workflowType: description.action.workflowType,
    taskQueue: description.action.taskQueue,
    workflowIdPrefix: description.action.workflowId,
    overlap: description.policies.overlap,
    catchupWindowMs: description.policies.catchupWindow,
    ...runsOf(description),
    runningWorkflows: description.info.runningActions.map((action) => action.workflow.workflowId),
    actionsTaken: description.info.numActionsTaken,
    skippedForOverlap: description.info.numActionsSkippedOverlap,
    missedCatchupWindow: description.info.numActionsMissedCatchupWindow,
    createdAt: description.info.createdAt.toISOString(),
  };
}

function renderDescription(view: ReturnType<typeof describeView>): string {
  return [
    `Schedule ${view.scheduleId}${view.paused ? ' (PAUSED)' : ''}`,
    `  cron ${view.cron ?? '–'} in ${view.timezone ?? 'UTC'} · overlap ${view.overlap} · catch-up window ${Math.round(view.catchupWindowMs / 60_000)} min`,
    `  starts ${view.workflowType} on task queue ${view.taskQueue} with ${JSON.stringify(view.input)}`,
    view.note ? `  note: ${view.note}` : null,
    `  next runs: ${view.nextRuns.slice(0, 5).join(', ') || '–'}`,
    `  runs so far: ${view.actionsTaken} (${view.skippedForOverlap} skipped because a batch was still running, ${view.missedCatchupWindow} missed the catch-up window)`,
    view.runningWorkflows.length ? `  running now: ${view.runningWorkflows.join(', ')}` : null,
    ...view.recentRuns.map((run) => `  recent: ${run.scheduledAt} → ${run.workflowId}`),
  ]
    .filter((line) => line !== null)
    .join('\n');
}

function parseDate(text: string, what: string): Date {
  const value = /^\d{4}-\d{2}-\d{2}$/.test(text)
    ? Date.parse(`${text}T00:00:00Z`)
    : /^\d{4}-\d{2}-\d{2}T/.test(text)
      ? Date.parse(text)
      : NaN;
  if (Number.isNaN(value))
    throw new UserInputError(
      `${what} "${text}" is not a date: write YYYY-MM-DD or an ISO 8601 time such as 2025-11-28T06:00:00Z`,
    );
  return new Date(value);
}

export async function createSchedule(config: AppConfig, options: CreateOptions): Promise<string> {
  const scheduleOptions = batchScheduleOptions(config, {
    scheduleId: options.id,
    cron: options.cron,
    timezone: options.timezone,
    input: {
      ...(options.sites ? { sites: options.sites } : {}),
      ...(options.maxPages ? { maxPages: options.maxPages } : {}),
      ...(options.label ? { label: options.label } : {}),
    },
    overlap: parseOverlapPolicy(options.overlap),
    catchupWindow: options.catchupWindow,
    jitter: options.jitter,
    paused: options.paused,
    note: options.note,
  });
  return withClient(config, async (client) => {
    try {
      await client.schedule.create(scheduleOptions);
    } catch (error) {
      if (error instanceof ScheduleAlreadyRunning) {
        throw new UserInputError(
          `a schedule with id "${options.id}" already exists: pick another --id, or \`orchestrator schedule delete ${options.id}\` first`,
        );
      }
      throw error;
    }
    return scheduleOptions.scheduleId;
  });
}

export function registerScheduleCommands(program: Command, globals: () => GlobalOptions): void {
  const schedule = subcommand(
    program,
    'schedule',
    'batches on a timetable, with Temporal Schedules (pause, trigger, backfill; a running batch makes the next one skip)',
    [
      'orchestrator schedule create --cron "0 6 * * *"',
      'orchestrator schedule list',
      'orchestrator schedule trigger daily-batch',
    ],
  );
  const config = () => loadAppConfig(globals());
  /** A command on one existing schedule, named by its id. */
  const scheduleCommand = (name: string, description: string, examples: readonly string[]) =>
    subcommand(schedule, name, description, examples).argument('<scheduleId>');
  /** `use` the schedule `id` names; an unknown id is the user's mistake (existingSchedule). */
  const withSchedule = <T>(id: string, use: (found: ExistingSchedule) => Promise<T>) =>
    withClient(config(), async (client) => use(await existingSchedule(client, id)));

  subcommand(schedule, 'create', 'create a schedule that starts a batch at the times the cron expression gives', [
    'orchestrator schedule create --cron "0 6 * * *"                       # every day 06:00 Mexico City time',
    'orchestrator schedule create --cron "30 5 * * 1-5" --timezone UTC --sites lamudi,trovit --max-pages 5 --id weekdays',
    'orchestrator schedule create --cron @hourly --overlap buffer-one --id hourly',
  ])
    .requiredOption(
      '--cron <expression>',
      'five-field cron (minute hour day-of-month month day-of-week) or @daily, @hourly, …',
    )
    .option('--timezone <zone>', 'IANA time zone the cron is read in', DEFAULT_TIMEZONE)
    .option('--sites <list>', 'comma-separated site keys (default: every enabled site)', parseSiteList)
    .option('--max-pages <n>', 'cap max_pages of every start URL', parsePositiveInt)
    .option('--label <text>', 'label of every batch it starts')
    .option('--id <scheduleId>', 'schedule id', DEFAULT_SCHEDULE_ID)
    .option(
      '--overlap <policy>',
      'when the previous batch still runs: skip, buffer-one, buffer-all, cancel-other, terminate-other, allow-all',
      'skip',
    )
    .option(
      '--catchup-window <duration>',
      'how late a missed run may still start after the server was down',
      DEFAULT_CATCHUP_WINDOW,
    )
    .option('--jitter <duration>', 'start up to this much later, at random (e.g. 5m)')
    .option('--paused', 'create it paused')
    .option('--note <text>', 'a note shown by describe')
    .action(async (options: CreateOptions) => {
      const id = await createSchedule(config(), options);
      console.log(
        `Schedule ${id} created: cron "${options.cron}" in ${options.timezone}. \`orchestrator schedule describe ${id}\` shows its next runs.`,
      );
    });

  subcommand(schedule, 'list', 'every schedule, with its cron and next run', [
    'orchestrator schedule list',
    'orchestrator schedule list --json',
  ])
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const views = await withClient(config(), async (client) => {
        const found: ScheduleView[] = [];
        for await (const summary of client.schedule.list()) found.push(summaryView(summary));
        return found.sort((a, b) => a.scheduleId.localeCompare(b.scheduleId));
      });
      if (options.json) return printJson(views);
      if (views.length === 0)
        return console.log('No schedules: create one with `orchestrator schedule create --cron "0 6 * * *"`.');
      console.log(
        table(
          ['schedule', 'cron', 'time zone', 'paused', 'next run', 'last run'],
          views.map((v) => [
            v.scheduleId,
            v.cron,
            v.timezone,
            v.paused ? 'yes' : 'no',
            v.nextRuns[0],
            v.recentRuns.at(-1)?.workflowId,
          ]),
        ),
      );
    });

  scheduleCommand('describe', 'one schedule: spec, policies, next runs, recent batches', [
    'orchestrator schedule describe daily-batch',
    'orchestrator schedule describe daily-batch --json',
  ])
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      const view = await withSchedule(id, async ({ description }) => describeView(description));
      if (options.json) printJson(view);
      else console.log(renderDescription(view));
    });

  // Pause and unpause differ only in their words and the handle's method.
  const switches = [
    {
      name: 'pause',
      description: 'stop starting batches until unpaused (a running batch goes on)',
      example: 'orchestrator schedule pause daily-batch --note "portal maintenance"',
      apply: (handle: ScheduleHandle, note: string) => handle.pause(note),
    },
    {
      name: 'unpause',
      description: 'start batches again at the scheduled times',
      example: 'orchestrator schedule unpause daily-batch',
      apply: (handle: ScheduleHandle, note: string) => handle.unpause(note),
    },
  ];
  for (const { name, description, example, apply } of switches) {
    scheduleCommand(name, description, [example])
      .option('--note <text>', 'why (shown by describe)')
      .action(async (id: string, options: { note?: string }) => {
        await withSchedule(id, ({ handle }) =>
          apply(handle, options.note ?? `${name}d with orchestrator schedule ${name}`),
        );
        console.log(`Schedule ${id} ${name}d.`);
      });
  }

  scheduleCommand('trigger', 'start a batch now, as the schedule would (the overlap policy applies)', [
    'orchestrator schedule trigger daily-batch',
    'orchestrator schedule trigger daily-batch --overlap allow-all',
  ])
    .option('--overlap <policy>', 'override the overlap policy for this run')
    .action(async (id: string, options: { overlap?: string }) => {
      const overlap = options.overlap === undefined ? undefined : parseOverlapPolicy(options.overlap);
      await withSchedule(id, ({ handle }) => handle.trigger(overlap));
      console.log(`Schedule ${id} triggered: \`orchestrator schedule describe ${id}\` names the batch it started.`);
    });

  scheduleCommand(
    'backfill',
    'run the batches the schedule would have started between two times (e.g. while it was paused)',
    ['orchestrator schedule backfill daily-batch --start 2025-11-20 --end 2025-11-23'],
  )
    .requiredOption('--start <time>', 'from (YYYY-MM-DD or ISO 8601)')
    .requiredOption('--end <time>', 'to (YYYY-MM-DD or ISO 8601)')
    .option('--overlap <policy>', 'overlap policy for the backfilled runs', 'buffer-all')
    .action(async (id: string, options: { start: string; end: string; overlap: string }) => {
      const start = parseDate(options.start, '--start');
      const end = parseDate(options.end, '--end');
      if (end <= start) throw new UserInputError(`--end ${options.end} must be after --start ${options.start}`);
      const overlap = parseOverlapPolicy(options.overlap);
      await withSchedule(id, ({ handle }) => handle.backfill({ start, end, overlap }));
      console.log(`Schedule ${id}: backfill from ${start.toISOString()} to ${end.toISOString()} requested.`);
    });

  scheduleCommand('delete', 'delete a schedule (batches it started are not affected)', [
    'orchestrator schedule delete daily-batch',
  ]).action(async (id: string) => {
    await withSchedule(id, ({ handle }) => handle.delete());
    console.log(`Schedule ${id} deleted.`);
  });
}
