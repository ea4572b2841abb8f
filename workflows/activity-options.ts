/**
 * Timeouts and retries of the activities the workflows call: page activities take the site's
 * declared policy; for the others a timeout is how long a batch waits for an attempt whose worker
 * died, so each is as short as the work allows.
 */
import { ActivityCancellationType, type ActivityOptions } from '@temporalio/workflow';
import { toTemporalRetryPolicy, type RetryPolicySettings } from '../lib/contract/retry-policy';

/**
 * A site's page activities (the site and detail workflows'): on the site's task queue, under its
 * retry policy, each attempt given `startToCloseTimeout` ms for the pages it fetches.
 */
export function pageActivityOptions(
  taskQueue: string,
  retry: RetryPolicySettings,
  startToCloseTimeout: number,
): ActivityOptions {
  return {
    taskQueue,
    startToCloseTimeout,
    // Page activities heartbeat every second; a cancelled batch reaches them within one throttle (8 s).
    heartbeatTimeout: '10 seconds',
    // A cancelled child closes only once its running page activity has stopped.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry: toTemporalRetryPolicy(retry),
  };
}

/**
 * Detail activities of a rate-limited site in flight at once, each fetching its pages one after
 * another. The site's pace row allows one request per spacing: one caller already keeps that pace
 * while a page takes less than a spacing, two while it takes less than two (a slow page, a browser
 * page). More would not fetch faster; they would only reserve slots further ahead, so each waits
 * longer, which lengthens every activity (its timeout, a cancellation's reach) and, on a browser
 * site, holds a page of the shared browser pool while it waits.
 */
export const PACED_DETAIL_ACTIVITIES_IN_FLIGHT = 2;

/**
 * The time one page of a window may take on a site paced by the store (SitePlan.paceMs): its fetch,
 * and its wait for the site's next slot behind the other callers of the same row. In one batch the
 * site's results walk (one activity) ends before its detail workflow (PACED_DETAIL_ACTIVITIES_IN_FLIGHT)
 * starts; the bound counts them all the same, which leaves room for another batch of the site
 * running at once, and pageTimeoutMs's own allowance (activities/planning.ts) for a few more.
 */
export function pacedPageMs(pageTimeoutMs: number, paceMs = 0): number {
  return pageTimeoutMs + paceMs * (1 + PACED_DETAIL_ACTIVITIES_IN_FLIGHT);
}

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
