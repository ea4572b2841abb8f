/**
 * The Temporal Schedule that starts batches on a timetable (https://docs.temporal.io/schedule; README.md, Scheduling):
 * a Schedule, not the legacy cronSchedule, so it can be paused, triggered, backfilled and
 * described. A batch that is still running when the next one is due makes that one skip (overlap
 * SKIP), and a server that was down catches up at most an hour of missed runs.
 */
import type { ScheduleOptions, ScheduleOverlapPolicy } from '@temporalio/client';
import type { AppConfig } from '../config/types';
import { UserInputError } from '../errors';
import { scheduledBatchWorkflowId } from '../contract/names';
import { BatchStatusKey } from '../contract/search-attributes';
import type { BatchInput } from '../contract/payloads';
import { checkBatchStart } from './batch-input';
import { checkCron } from './cron';

export const DEFAULT_SCHEDULE_ID = 'daily-batch';
export const DEFAULT_TIMEZONE = 'America/Mexico_City';
export const DEFAULT_CATCHUP_WINDOW = '1h';

export const OVERLAP_POLICIES = [
  'SKIP',
  'BUFFER_ONE',
  'BUFFER_ALL',
  'CANCEL_OTHER',
  'TERMINATE_OTHER',
  'ALLOW_ALL',
] as const;

export interface BatchScheduleRequest {
  scheduleId: string;
  cron: string;
  timezone: string;
  input: BatchInput;
  overlap: ScheduleOverlapPolicy;
  /** How late a missed run may still start (the server was down): '1h', '30m'. */
  catchupWindow: string;
  /** Random delay up to this, to spread load: '5m'. */
  jitter?: string;
  paused?: boolean;
  note?: string;
}

/** What `schedule describe` shows that the server does not keep in a readable form (it turns cron into calendars). */
export interface BatchScheduleMemo {
  cron: string;
  timezone: string;
  input: BatchInput;
}

/** Schedule ids become workflow id prefixes and appear in commands: letters, digits, . _ - only. */
export function checkScheduleId(id: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(id)) {
    throw new UserInputError(
      `bad schedule id "${id}": use up to 100 letters, digits, dots, underscores and hyphens, starting with a letter or digit`,
    );
  }
  return id;
}

/** An IANA time zone name the server's tz database knows (America/Mexico_City, UTC), exactly as spelt there. */
export function checkTimezone(zone: string): string {
  let resolved: string | undefined;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    resolved = undefined;
  }
  // Intl forgives case ("utc"); the server's Go tz database does not.
  if (resolved !== zone && !Intl.supportedValuesOf('timeZone').includes(zone)) {
    throw new UserInputError(
      `bad time zone "${zone}": use an IANA name such as America/Mexico_City, America/Tijuana or UTC`,
    );
  }
  return zone;
}

/** skip, buffer-one, BUFFER_ONE, … → the SDK's policy; a UserInputError listing the choices otherwise. */
export function parseOverlapPolicy(text: string): ScheduleOverlapPolicy {
  const normalized = text.trim().toUpperCase().replace(/-/g, '_');
  const found = OVERLAP_POLICIES.find((policy) => policy === normalized);
  if (!found)
    throw new UserInputError(
      `bad overlap policy "${text}": choose one of ${OVERLAP_POLICIES.map((p) => p.toLowerCase().replace(/_/g, '-')).join(', ')}`,
    );
  return found;
}

/** A duration as Schedules take it: a whole number and a unit, e.g. 90s, 30m, 1h, 2d. */
export function checkDuration(text: string, what: string): string {
  if (!/^\d+(ms|s|m|h|d)$/.test(text.trim()))
    throw new UserInputError(`bad ${what} "${text}": write a number and a unit, e.g. 30m, 1h or 2d`);
  return text.trim();
}

export function batchScheduleOptions(config: AppConfig, request: BatchScheduleRequest): ScheduleOptions {
  const scheduleId = checkScheduleId(request.scheduleId);
  const cron = checkCron(request.cron);
  const timezone = checkTimezone(request.timezone);
  checkBatchStart(config, request.input.sites);
  const siteCount = request.input.sites?.length ?? config.sites.filter((site) => site.enabled).length;
  const memo: BatchScheduleMemo = { cron, timezone, input: request.input };
  return {
    scheduleId,
    spec: {
      cronExpressions: [cron],
      timezone,
      ...(request.jitter ? { jitter: checkDuration(request.jitter, 'jitter') } : {}),
    },
    action: {
      type: 'startWorkflow',
      workflowType: 'batchWorkflow',
      taskQueue: config.temporal.taskQueue,
      // The server appends the scheduled time (batch-daily-batch-2025-11-28T12:00:00Z): each run's batch id is unique and readable.
      workflowId: scheduledBatchWorkflowId(scheduleId),
      args: [request.input],
      // The batch id is known only when the server names the run; the workflow upserts BatchId
      // itself as soon as it has planned, so only the status can be set here.
      typedSearchAttributes: [{ key: BatchStatusKey, value: 'running' }],
      staticSummary: `scheduled batch · ${scheduleId} · ${siteCount} site${siteCount === 1 ? '' : 's'}${request.input.label ? ` · ${request.input.label}` : ''}`,
      staticDetails: `Schedule \`${scheduleId}\` (\`${cron}\`, ${timezone}). Input: \`${JSON.stringify(request.input)}\``,
    },
    policies: {
      overlap: request.overlap,
      catchupWindow: checkDuration(request.catchupWindow, 'catch-up window'),
      pauseOnFailure: false,
    },
    memo: memo as unknown as Record<string, unknown>,
    state: { paused: request.paused ?? false, note: request.note ?? `created by orchestrator schedule create` },
  };
}
