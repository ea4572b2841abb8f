/**
 * Typed scraping errors → Temporal failures: the type is the error's class name (so retry
 * policies list them by name), and a site's Retry-After becomes the next retry's delay, capped at
 * the retry policy's maximum interval.
 */
import { ApplicationFailure } from '@temporalio/common';
import { retryAfterMsOf } from '../lib/fetch/fetcher';
import { ScrapeError } from '../lib/errors';
import type { RetryPolicySettings } from '../lib/contract/retry-policy';

/**
 * `retry`: the retry policy of the site's page activities. Temporal takes nextRetryDelay as it is
 * (the policy's maximum_interval does not bound it), and a site may ask for hours (`Retry-After:
 * 86400`, or a date next week): that page would park its window, its site and the batch's time
 * budget. The operator's maximum_interval is the longest wait between two attempts they accept,
 * so the site's wish is honoured up to there.
 */
export function toActivityFailure(error: unknown, retry?: Pick<RetryPolicySettings, 'maximumIntervalMs'>): unknown {
  if (!(error instanceof ScrapeError)) return error;
  return ApplicationFailure.create({
    message: error.url ? `${error.message} (${error.url})` : error.message,
    type: error.name,
    // The retry policy decides: its non_retryable_error_types holds every class whose `retryable` is
    // false (lib/errors.ts) plus what the site's config adds, so a failure is never marked here.
    nonRetryable: false,
    nextRetryDelay: cappedRetryDelay(retryAfterMsOf(error), retry?.maximumIntervalMs),
    cause: error,
  });
}

/** The site's Retry-After, at most `maximumIntervalMs`; undefined (the policy's own backoff) when the site said nothing. */
export function cappedRetryDelay(
  retryAfterMs: number | undefined,
  maximumIntervalMs: number | undefined,
): number | undefined {
  if (retryAfterMs === undefined) return undefined;
  return maximumIntervalMs === undefined ? retryAfterMs : Math.min(retryAfterMs, maximumIntervalMs);
}

export function errorFields(error: unknown): { errorType: string; error: string } {
  const e = error as Error;
  return { errorType: e?.name ?? 'Error', error: e?.message ?? String(error) };
}
