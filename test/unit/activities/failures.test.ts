import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { ApplicationFailure } from '@temporalio/common';
import { cappedRetryDelay, toActivityFailure } from '../../../activities/failures';
import { NotFoundError, RateLimitedError, ServerError } from '../../../lib/errors';
import { retryAfterMsOf, sleep, waitForRetryAfter } from '../../../lib/fetch/fetcher';
import { parseRetryAfter } from '../../../lib/fetch/http-fetcher';

describe('Retry-After', () => {
  it('parses delta-seconds and HTTP dates', () => {
    assert.equal(parseRetryAfter('3'), 3000);
    assert.equal(parseRetryAfter(' 0.5 '), 500);
    const now = Date.parse('Wed, 21 Oct 2026 07:28:00 GMT');
    assert.equal(parseRetryAfter('Wed, 21 Oct 2026 07:28:07 GMT', now), 7000);
    assert.equal(parseRetryAfter('Wed, 21 Oct 2026 07:27:00 GMT', now), 0, 'a past date means now');
    assert.equal(parseRetryAfter(undefined), undefined);
    assert.equal(parseRetryAfter('soon'), undefined);
  });

  it('reads retryAfterMs off retryable errors only', () => {
    assert.equal(retryAfterMsOf(new RateLimitedError('429', 'u', 1500)), 1500);
    assert.equal(retryAfterMsOf(new ServerError('503', 'u', 503, 200)), 200);
    assert.equal(retryAfterMsOf(new ServerError('500', 'u', 500)), undefined);
    assert.equal(retryAfterMsOf(new NotFoundError('404', 'u', 404)), undefined);
    assert.equal(retryAfterMsOf(new Error('x')), undefined);
  });

  it('waitForRetryAfter waits at least retryAfterMs', async () => {
    const started = performance.now();
    const waited = await waitForRetryAfter(new RateLimitedError('429', 'u', 120));
    assert.equal(waited, 120);
    assert.ok(performance.now() - started >= 120, `elapsed ${performance.now() - started}`);
  });

  it('waitForRetryAfter caps the wait and does not wait without a value', async () => {
    const started = performance.now();
    assert.equal(await waitForRetryAfter(new RateLimitedError('429', 'u', 60_000), { maxMs: 30 }), 30);
    assert.equal(await waitForRetryAfter(new RateLimitedError('429', 'u')), 0);
    assert.ok(performance.now() - started < 1000);
  });

  it("goes to Temporal as the next retry delay, capped at the retry policy's maximum interval", () => {
    const retry = { maximumIntervalMs: 60_000 };
    const delayOf = (error: Error) => (toActivityFailure(error, retry) as ApplicationFailure).nextRetryDelay;
    assert.equal(delayOf(new RateLimitedError('429', 'u', 7_000)), 7_000, 'a short wait as the site asked');
    assert.equal(
      delayOf(new ServerError('503', 'u', 503, 6 * 3_600_000)),
      60_000,
      'six hours: parked no longer than maximum_interval',
    );
    const nextWeek = parseRetryAfter(new Date(Date.now() + 7 * 86_400_000).toUTCString());
    assert.equal(delayOf(new RateLimitedError('429', 'u', nextWeek)), 60_000, 'an HTTP date a week ahead too');
    assert.equal(delayOf(new ServerError('500', 'u', 500)), undefined, "no Retry-After: the policy's own backoff");
    assert.equal(cappedRetryDelay(90_000, undefined), 90_000);
  });

  it('sleep rejects with the abort reason', async () => {
    const controller = new AbortController();
    const reason = new Error('cancelled');
    const pending = sleep(10_000, controller.signal);
    controller.abort(reason);
    await assert.rejects(pending, (error) => error === reason);
  });
});
