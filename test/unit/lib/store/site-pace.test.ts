/**
 * A rate-limited site's slots come from one row in the store, so callers on separate connections
 * (worker processes, hosts) are spaced by the one statement, and the store never sleeps.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { openDatabase, type Db } from '../../../../lib/store/database';
import { takeSlot } from '../../../../lib/store/site-pace';
import { describeOnEachBackend } from '../../../support/store-backends';

// Long enough that a slot the store slept for would show in the elapsed time.
const SPACING_MS = 60_000;
// A test on a loaded machine: between two statements the database's clock moves on by this much at most.
const CLOCK_SLACK_MS = 2_000;

describeOnEachBackend('site pace', (backend) => {
  let dir: string;
  const opened: Db[] = [];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'site-pace-'));
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((db) => db.destroy()));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Two connections to one new store: two worker processes (SQLite, one file) or two hosts (PostgreSQL). */
  async function twoWorkers(): Promise<[Db, Db]> {
    const database = await backend.newDatabase(dir);
    const first = await openDatabase(database);
    opened.push(first);
    const second = await openDatabase(database);
    opened.push(second);
    return [first, second];
  }

  it('gives two callers at once slots a spacing apart, and returns the waits without sleeping them', async () => {
    const [a, b] = await twoWorkers();
    const started = performance.now();
    const waits = (await Promise.all([takeSlot(a, 'lamudi', SPACING_MS), takeSlot(b, 'lamudi', SPACING_MS)])).sort(
      (x, y) => x - y,
    );
    const elapsed = performance.now() - started;
    assert.ok(elapsed < CLOCK_SLACK_MS, `took ${elapsed.toFixed(0)} ms: the store waited for a slot`);
    assert.equal(waits[0], 0, 'the first caller on an idle site goes now');
    assert.ok(
      waits[1] > SPACING_MS - CLOCK_SLACK_MS && waits[1] <= SPACING_MS,
      `the second caller waits one spacing, got ${waits[1]} ms`,
    );
    // A third, on either connection, queues behind both.
    const third = await takeSlot(a, 'lamudi', SPACING_MS);
    assert.ok(third > 2 * SPACING_MS - CLOCK_SLACK_MS && third <= 2 * SPACING_MS, `third waits ${third} ms`);
  });

  it('keeps each site to its own row', async () => {
    const [a] = await twoWorkers();
    assert.equal(await takeSlot(a, 'lamudi', SPACING_MS), 0);
    assert.equal(await takeSlot(a, 'trovit', SPACING_MS), 0, 'another site is not behind lamudi');
    assert.ok((await takeSlot(a, 'lamudi', SPACING_MS)) > SPACING_MS - CLOCK_SLACK_MS);
  });

  it('grants now to a site idle for longer than its spacing', async () => {
    const [a, b] = await twoWorkers();
    await takeSlot(a, 'trovit', SPACING_MS);
    // The last slot went a minute ago: the next may go now, and the one after a spacing later.
    await sql`UPDATE site_pace SET next_at = next_at - ${2 * SPACING_MS} WHERE site = 'trovit'`.execute(a);
    assert.equal(await takeSlot(b, 'trovit', SPACING_MS), 0);
    const next = await takeSlot(a, 'trovit', SPACING_MS);
    assert.ok(next > SPACING_MS - CLOCK_SLACK_MS && next <= SPACING_MS, `then one spacing: ${next} ms`);
  });

  it('spaces many callers on both connections one spacing apart each', async () => {
    const [a, b] = await twoWorkers();
    const waits = await Promise.all(
      Array.from({ length: 10 }, (_, i) => takeSlot(i % 2 === 0 ? a : b, 'mitula', SPACING_MS)),
    );
    // Each caller's wait is its slot's index times the spacing, less the time between the statements.
    const slots = waits.map((wait) => Math.round(wait / SPACING_MS)).sort((x, y) => x - y);
    assert.deepEqual(
      slots,
      Array.from({ length: 10 }, (_, i) => i),
    );
  });

  it('refuses a spacing that is not a number of ms ≥ 0, naming it', async () => {
    const [a] = await twoWorkers();
    await assert.rejects(takeSlot(a, 'lamudi', -1), /spacingMs must be a number of milliseconds ≥ 0, got -1/);
    await assert.rejects(takeSlot(a, 'lamudi', Number.NaN), /spacingMs .* got NaN/);
    await assert.rejects(takeSlot(a, '', 1000), /site must be a site key, got ""/);
  });
});
