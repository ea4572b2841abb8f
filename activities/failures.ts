/**
 * Typed scraping errors → Temporal failures: the type is the error's class name (so retry
 * policies list them by name), and a site's Retry-After becomes the next retry's delay.
 */
import { ApplicationFailure } from '@temporalio/common';
import { retryAfterMsOf } from '../lib/fetch/fetcher';
import { ScrapeError } from '../lib/errors';

export function toActivityFailure(error: unknown): unknown {
  if (!(error instanceof ScrapeError)) return error;
  return ApplicationFailure.create({
    message: error.url ? `${error.message} (${error.url})` : error.message,
    type: error.name,
    // Retryability is the retry policy's decision (non_retryable_error_types in config).
    nonRetryable: false,
    nextRetryDelay: retryAfterMsOf(error),
    cause: error,
  });
}

export function errorFields(error: unknown): { errorType: string; error: string } {
  const e = error as Error;
  return { errorType: e?.name ?? 'Error', error: e?.message ?? String(error) };
}
