/**
 * Inmuebles24 on the browser fetcher (as config/config.yaml ships it), end to end on the real
 * Temporal dev server: a batch against the mirror with its Cloudflare-like clearance-cookie
 * challenge on completes, stores exactly the listings the mirror served (cards merged with detail
 * pages), and the worker's shutdown closes Chromium and removes its user-data-dir.
 *
 * Skipped, with the reason printed, when Chromium is not installed (scripts/install-chromium.sh).
 */
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { findChromium } from '../../lib/fetch/browser-pool';
import { getBatch, getTasks } from '../../lib/store/batches';
import { openDatabase } from '../../lib/store/database';
import { getListings } from '../../lib/store/listings';
import { startBatchHarness, type BatchHarness } from '../support/batch-harness';

/** Live processes whose command line mentions `needle`. */
function processesMentioning(needle: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('a batch with Inmuebles24 on the browser fetcher (real dev server, local mirror)', function () {
  this.timeout(300_000);
  let harness: BatchHarness | undefined;
  let closed = false;

  before(async function () {
    if (!findChromium()) {
      console.log(
        `      (skipped: Chromium not found at ${process.env.CHROMIUM_PATH || '/usr/bin/chromium'}; run scripts/install-chromium.sh)`,
      );
      this.skip();
    }
    harness = await startBatchHarness({
      taskQueue: `test-browser-batch-${Date.now()}`,
      sites: ['inmuebles24'],
      pagesPerSearch: 1,
    });
  });
  after(async () => {
    if (!closed) await harness?.close();
  });

  it('passes the challenge, stores what the mirror served, and closes Chromium on shutdown', async () => {
    const h = harness!;
    assert.equal(
      h.config.sites.find((site) => site.key === 'inmuebles24')!.fetcher,
      'browser',
      'as shipped in config/config.yaml',
    );
    h.mirror.setFaults('inmuebles24', { challenge: { clearanceCookie: true } });

    const result = await h.runBatch('batch-it-browser');
    assert.equal(result.status, 'completed', JSON.stringify(result.sites));
    const db = await openDatabase(h.config.storage.database);
    try {
      const expected = h.expectedRecords('inmuebles24');
      assert.ok(expected.length >= 40, `the mirror served ${expected.length} listings`);
      assert.deepEqual(await getListings(db, 'inmuebles24'), expected, "stored listings differ from the mirror's");
      assert.equal((await getBatch(db, 'it-browser'))!.status, 'completed');
      for (const task of await getTasks(db, 'it-browser'))
        assert.equal(task.state, 'completed', `${task.id} is ${task.state}`);
    } finally {
      await db.destroy();
    }

    // The browser met the challenge once, on its warm-up visit, and every page after it carried the clearance.
    const log = h.mirror.requestLog('inmuebles24');
    assert.deepEqual(
      log.filter((entry) => entry.status === 403).map((entry) => entry.path),
      ['/'],
    );
    assert.ok(
      log.some((entry) => entry.path.startsWith('/cdn-cgi/challenge-platform/') && entry.status === 200),
      'the challenge script ran',
    );
    assert.ok(
      log
        .filter((entry) => entry.path !== '/robots.txt' && entry.path !== '/')
        .every((entry) => entry.status === 200 || entry.path.startsWith('/cdn-cgi/')),
    );

    // Worker shutdown closes the browser: no Chromium left with a profile in the worker's temp dir.
    const tempDir = h.config.storage.tempDir;
    assert.ok(processesMentioning(tempDir).length > 0, 'Chromium runs with its user-data-dir under storage.temp_dir');
    closed = true;
    await h.close();
    assert.deepEqual(processesMentioning(tempDir), []);
    assert.deepEqual(existsSync(tempDir) ? readdirSync(tempDir) : [], []);
  });
});
