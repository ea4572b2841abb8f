/**
 * A retry policy as the config declares it per site (sites.<key>.retry, durations in ms) and as the
 * batch plan carries it to the site's page activities.
 */
import type { RetryPolicy } from '@temporalio/common';

export interface RetryPolicySettings {
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumIntervalMs: number;
  maximumAttempts: number;
  /** Error class names never retried (lib/errors.ts: every class whose `retryable` is false, by default). */
  nonRetryableErrorTypes: string[];
}

/** The same policy in Temporal's words. */
export function toTemporalRetryPolicy(settings: RetryPolicySettings): RetryPolicy {
  return {
    initialInterval: settings.initialIntervalMs,
    backoffCoefficient: settings.backoffCoefficient,
    maximumInterval: settings.maximumIntervalMs,
    maximumAttempts: settings.maximumAttempts,
    nonRetryableErrorTypes: settings.nonRetryableErrorTypes,
  };
}
