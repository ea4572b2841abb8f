import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { RateLimiter } from '../../../../lib/fetch/rate-limiter';

/** Grant times (ms from the first call) of `count` concurrent acquires. */
async function grantTimes(limiter: RateLimiter, site: string, count: number): Promise<number[]> {
  const started = performance.now();
  const times: number[] = [];
  await Promise.all(
    Array.from({ length: count }, () => limiter.acquire(site).then(() => times.push(performance.now() - started))),
  );
  return times.sort((a, b) => a - b);
}

describe('RateLimiter', () => {
  it('lets a burst through, then one request per interval', async () => {
    const limiter = new RateLimiter({ sites: { s: { requestsPerMinute: 600, burst: 3, minSpacingMs: 0 } } });
    const times = await grantTimes(limiter, 's', 6);
    assert.ok(
      times.slice(0, 3).every((t) => t < 80),
      `burst immediate (well before the 100 ms interval): ${times}`,
    );
    // 600/min = one per 100 ms after the burst.
    for (let i = 3; i < 6; i++) assert.ok(times[i] >= (i - 2) * 100, `request ${i} at ${times[i]}`);
  });

  it('keeps the minimum spacing even when tokens are available', async () => {
    const limiter = new RateLimiter({ sites: { s: { requestsPerMinute: 0, burst: 10, minSpacingMs: 80 } } });
    const times = await grantTimes(limiter, 's', 4);
    // Grant i cannot come before i × 80 ms. (Gaps between two callbacks would be flaky on a loaded
    // machine: a late callback followed by a punctual one looks like a short gap.)
    for (let i = 1; i < 4; i++) assert.ok(times[i] >= i * 80 - 1, `grant ${i} at ${times[i]}`);
  });

  it('limits sites independently and leaves unlisted sites alone', async () => {
    const limiter = new RateLimiter({ sites: { slow: { requestsPerMinute: 60, burst: 1, minSpacingMs: 0 } } });
    await limiter.acquire('slow');
    const started = performance.now();
    await Promise.all([limiter.acquire('other'), limiter.acquire('other'), limiter.acquire('another')]);
    assert.ok(performance.now() - started < 500, 'not held to the 1 s interval of "slow"');
  });

  it('gives back an abandoned reservation and rejects with the abort reason', async () => {
    const limiter = new RateLimiter({ sites: { s: { requestsPerMinute: 0, burst: 1, minSpacingMs: 400 } } });
    await limiter.acquire('s');
    const controller = new AbortController();
    const waiting = limiter.acquire('s', controller.signal);
    controller.abort(new Error('cancelled'));
    await assert.rejects(waiting, /cancelled/);
    const started = performance.now();
    await limiter.acquire('s');
    // Given back: ~400 ms after the first grant. Had it stayed spent: ~800 ms.
    assert.ok(performance.now() - started < 600, `waited ${performance.now() - started}`);
  });

  it('rejects impossible limits', () => {
    assert.throws(
      () => new RateLimiter({ sites: { s: { requestsPerMinute: 10, burst: 0, minSpacingMs: 0 } } }),
      /burst/,
    );
  });
});
