/**
 * Timeouts and retries of the activities the workflows call besides page activities (those take
 * the site's declared policy). A timeout is how long a batch waits for an attempt whose worker
 * died, so each is as short as the work allows.
 */
import type { ActivityOptions } from '@temporalio/workflow';

/**
 * Planning, task states and the detail queue: each one SQLite transaction, bounded by the
 * database's busy_timeout (5 s).
 */
export const CONTROL_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 10 },
};

/**
 * Statistics, metrics, backup, cleanup, status and notifications: a backup of a large database
 * takes minutes, so these heartbeat every second and a dead worker is noticed within 10 s.
 */
export const FINALIZATION_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '2s', maximumInterval: '1 minute', maximumAttempts: 5 },
};
