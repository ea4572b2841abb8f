/**
 * The worker's rate limiter with a site's pace from the store: two limiters (two worker processes)
 * on one SQLite file are granted turns one spacing apart, sites without a pace are not held, and a
 * turn waited for is abandoned at once when the signal aborts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PacedRateLimiter } from '../../../../lib/fetch/site-pacer';
import { openDatabase, type Db } from '../../../../lib/store/database';
import { takeSlot } from '../../../../lib/store/site-pace';

const SPACING_MS = 120;

describe('PacedRateLimiter (a real SQLite store)', () => {
  let dir: string;
  const opened: Db[] = [];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'site-pacer-'));
  });
  after(async () => {
    await Promise.all(opened.map((db) => db.destroy()));
    rmSync(dir, { recursive: true, force: true });
  });

  /** A worker process's limiter: its own connection to the shared store. */
  async function workerLimiter(): Promise<PacedRateLimiter> {
    const db = await openDatabase(join(dir, 'store.db'));
    opened.push(db);
    return new PacedRateLimiter(
      {},
      { spacingMs: { lamudi: SPACING_MS }, takeSlot: (site, ms) => takeSlot(db, site, ms) },
    );
  }

  it('grants turns of two processes one spacing apart, and leaves a site without a pace alone', async () => {
    const [a, b] = [await workerLimiter(), await workerLimiter()];
    const started = performance.now();
    const granted: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        (i % 2 === 0 ? a : b).acquire('lamudi').then(() => granted.push(performance.now() - started)),
      ),
    );
    granted.sort((x, y) => x - y);
    // Turn i comes no earlier than i spacings after the first (timers never fire early).
    for (let i = 1; i < granted.length; i++)
      assert.ok(granted[i] - granted[0] >= i * SPACING_MS - 2, `turn ${i} at ${granted[i].toFixed(1)} ms: ${granted}`);
    const unpaced = performance.now();
    await Promise.all([a.acquire('trovit'), b.acquire('trovit'), a.acquire('trovit')]);
    assert.ok(performance.now() - unpaced < SPACING_MS, 'trovit has no pace: not held');
  });

  it('stops waiting for a slot when the signal aborts, with its reason', async () => {
    const limiter = await workerLimiter();
    // Take slots far ahead, so the next turn waits a long time.
    const db = opened[opened.length - 1];
    for (let i = 0; i < 50; i++) await takeSlot(db, 'lamudi', SPACING_MS);
    const controller = new AbortController();
    const started = performance.now();
    const waiting = limiter.acquire('lamudi', controller.signal);
    setTimeout(() => controller.abort(new Error('activity cancelled')), 50);
    await assert.rejects(waiting, /activity cancelled/);
    assert.ok(performance.now() - started < (50 * SPACING_MS) / 2, 'gave up long before its slot');
  });

  it('refuses a pace that is not a number of ms ≥ 0, naming the site and the value', () => {
    assert.throws(
      () => new PacedRateLimiter({}, { spacingMs: { lamudi: -5 }, takeSlot: async () => 0 }),
      /pace of lamudi: spacingMs must be a number of milliseconds ≥ 0, got -5/,
    );
  });
});
