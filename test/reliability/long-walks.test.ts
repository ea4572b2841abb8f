/**
 * Long walks at production size on a rate-limited site (every real portal is), which runs windows
 * of pages, each page paced by the store's pace row, under the default history bound
 * (batch.max_history_events_per_run, 2,000), on real servers with real activities against the mirror:
 * - 1,050 results pages of one Trovit search in windows of up to 20, and the site completes with
 *   every page stored (about 55 activities: one run holds them);
 * - 20,025 Lamudi detail pages in windows of 150 (2 in flight), and the detail workflow completes
 *   within the bound (about 135 windows: one run holds them since windows are of 150 pages; with
 *   50 it continued as new on the way).
 * Continuing as new at the bound is tested with a small bound in test/unit/workflows.
 * Until the pace row, a rate-limited site ran one page per activity and both walks continued as
 * new after a few hundred pages; the counts of activities below said so and now say windows.
 * The rate limit is 1 ms: small enough not to wait, and > 0 so every page takes a slot of the row.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { NativeConnection } from '@temporalio/worker';
import { startBatch } from '../../client/batch-client';
import type { AppConfig } from '../../lib/config/types';
import { openDatabase } from '../../lib/store/database';
import { detailCounts } from '../../lib/store/detail-queue';
import { startMirror, type MirrorServer } from '../../mirror/server';
import { installRuntime } from '../../workers/runtime';
import { createWorkers } from '../../workers/worker';
import type { BatchResult } from '../../lib/contract/payloads';
import { testServer, TEST_TEMPORAL_ADDRESS } from '../support/temporal-server';
import { testConfig } from '../support/test-config';
import { runChain } from '../unit/workflows/continue-as-new-support';
import { DETAIL_PAGES_PER_ACTIVITY } from '../../workflows/detail';
import { LISTING_PAGES_PER_ACTIVITY, listingWindow } from '../../workflows/site';

const RATE_LIMIT_SECONDS = 0.001;
const PRODUCTION_BOUND = 2000;

interface LongWalk {
  config: AppConfig;
  mirror: MirrorServer;
  client: Client;
  /** Runs a batch of the site to its end; how long it took. */
  runBatch(workflowId: string): Promise<{ result: BatchResult; seconds: number }>;
  close(): Promise<void>;
}

/**
 * The shipped config for one site with one start URL, the mirror serving `pages` pages of that
 * search, and workers that keep the site's rate limit (batch-harness lifts them, which would leave
 * the pace row out).
 */
async function startLongWalk(name: string, site: string, startUrl: string, pages: number): Promise<LongWalk> {
  await testServer();
  const base = testConfig({ taskQueue: `test-long-walk-${name}-${Date.now()}`, sites: [site] });
  const urlsDir = join(dirname(base.storage.database), 'urls');
  mkdirSync(urlsDir, { recursive: true });
  writeFileSync(join(urlsDir, `${site}.csv`), `url,max_pages\n${startUrl},${pages}\n`);
  const mirror = await startMirror({ pagesPerSearch: pages, searches: { [site]: [new URL(startUrl).pathname] } });
  const config: AppConfig = {
    ...base,
    mirror: { url: mirror.url },
    storage: { ...base.storage, urlsDir },
    // The site's own spacing only, no requests-per-minute cap on top.
    security: { ...base.security, rateLimiting: { ...base.security.rateLimiting, enable: false } },
    sites: base.sites.map((entry) => ({ ...entry, rateLimitSeconds: RATE_LIMIT_SECONDS })),
  };
  installRuntime(config);
  const native = await NativeConnection.connect({ address: TEST_TEMPORAL_ADDRESS });
  const workers = await createWorkers(config, { connection: native });
  const running = workers.run();
  const connection = await Connection.connect({ address: TEST_TEMPORAL_ADDRESS });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  return {
    config,
    mirror,
    client,
    async runBatch(workflowId) {
      const started = Date.now();
      const handle = await startBatch(client, config, { sites: [site] }, workflowId);
      const result = await handle.result();
      return { result, seconds: (Date.now() - started) / 1000 };
    },
    async close() {
      workers.shutdown();
      await running;
      await native.close();
      await connection.close();
      await mirror.close();
    },
  };
}

/** The external ids of every listing the mirror serves for the site's one search. */
function servedListings(mirror: MirrorServer, site: string, startUrl: string): Set<string> {
  const searchPath = new URL(startUrl).pathname;
  const ids = new Set<string>();
  for (let page = 1; page <= mirror.catalog.totalPages(site, searchPath); page++) {
    const input = mirror.catalog.page(site, searchPath, page)!;
    for (const facts of input.items) ids.add(mirror.catalog.site(site).cardRecord(facts, input).externalId);
  }
  return ids;
}

/** Activities of `type` scheduled over all runs (a retry is not scheduled again). */
function scheduled(runs: temporal.api.history.v1.IHistory[], type: string): number {
  return runs.reduce(
    (sum, run) =>
      sum +
      run.events!.filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === type).length,
    0,
  );
}

/** Results windows of a walk of `pages` pages: 2, 6, 18, then 20 pages (`listingWindow`, workflows/site.ts). */
function listingWindows(pages: number): number {
  let windows = 0;
  for (let page = 1; page <= pages; windows++) page += listingWindow(page);
  return windows;
}

function assertRunsWithinBound(workflowId: string, runs: temporal.api.history.v1.IHistory[]): void {
  for (const [i, run] of runs.entries()) {
    assert.ok(
      run.events!.length <= PRODUCTION_BOUND,
      `${workflowId} run ${i + 1}: ${run.events!.length} events, over ${PRODUCTION_BOUND}`,
    );
  }
}

describe('long walks of a rate-limited site in windows, default history bound (real dev server, local mirror)', function () {
  this.timeout(1_800_000);
  let walk: LongWalk | undefined;
  afterEach(async () => {
    await walk?.close();
    walk = undefined;
  });

  it('a rate-limited site walks 1,050 results pages and completes, every page stored', async () => {
    const startUrl = 'https://casas.trovit.com.mx/venta-casas-zapopan';
    const PAGES = 1050;
    walk = await startLongWalk('trovit', 'trovit', startUrl, PAGES);
    assert.equal(walk.config.batch.maxHistoryEventsPerRun, PRODUCTION_BOUND, 'the shipped bound');
    const workflowId = `batch-lw-trovit-${Date.now()}`;
    const { result, seconds } = await walk.runBatch(workflowId);
    assert.equal(result.status, 'completed', JSON.stringify(result.sites));

    const expected = servedListings(walk.mirror, 'trovit', startUrl);
    assert.equal(result.sites[0].pages, PAGES);
    const db = await openDatabase(walk.config.storage.database);
    const batchId = workflowId.replace(/^batch-/, '');
    const stored = await db
      .selectFrom('pages')
      .select((eb) => eb.fn.count<number>('url').distinct().as('n'))
      .where('batch_id', '=', batchId)
      .where('site', '=', 'trovit')
      .where('kind', '=', 'listing')
      .where('status_code', '=', 200)
      .where('error', 'is', null)
      .executeTakeFirstOrThrow();
    const listings = await db.selectFrom('listings').select('external_id').where('site', '=', 'trovit').execute();
    await db.destroy();
    assert.equal(stored.n, PAGES, 'results pages stored');
    assert.deepEqual(new Set(listings.map((row) => row.external_id)), expected);

    const runs = await runChain(walk.client, `${workflowId}/trovit`);
    assertRunsWithinBound(`${workflowId}/trovit`, runs);
    assert.equal(
      scheduled(runs, 'scrapeListingPages'),
      listingWindows(PAGES),
      `windows of up to ${LISTING_PAGES_PER_ACTIVITY} pages`,
    );
    console.log(
      `      ${PAGES} pages in ${scheduled(runs, 'scrapeListingPages')} windows, ${expected.size} listings, site workflow ${runs.length} runs (events ${runs.map((run) => run.events!.length).join(', ')}), ${seconds.toFixed(1)} s`,
    );
  });

  it('the detail workflow of a rate-limited site reads 20,025 detail pages in windows of 150 and completes', async () => {
    const startUrl = 'https://www.lamudi.com.mx/jalisco/zapopan/casa/for-sale/';
    const PAGES = 668; // 667 full pages of 30 and a last one of 15
    walk = await startLongWalk('lamudi', 'lamudi', startUrl, PAGES);
    const workflowId = `batch-lw-lamudi-${Date.now()}`;
    const { result, seconds } = await walk.runBatch(workflowId);
    assert.equal(result.status, 'completed', JSON.stringify(result.sites));

    const expected = servedListings(walk.mirror, 'lamudi', startUrl);
    assert.ok(expected.size >= 20_000, `only ${expected.size} listings`);
    assert.deepEqual(result.sites[0].detail, { done: expected.size, failed: 0, skipped: 0, state: 'completed' });
    const db = await openDatabase(walk.config.storage.database);
    try {
      assert.deepEqual(await detailCounts(db, workflowId.replace(/^batch-/, ''), 'lamudi'), {
        pending: 0,
        done: expected.size,
        failed: 0,
        skipped: 0,
      });
    } finally {
      await db.destroy();
    }

    const siteRuns = await runChain(walk.client, `${workflowId}/lamudi`);
    const detailRuns = await runChain(walk.client, `${workflowId}/lamudi/detail`);
    assertRunsWithinBound(`${workflowId}/lamudi/detail`, detailRuns);
    // Full windows from each claim (a claim covers the windows in flight); a run that stops at the
    // bound may leave one short window.
    const windows = scheduled(detailRuns, 'scrapeDetailPages');
    const fewest = Math.ceil(expected.size / DETAIL_PAGES_PER_ACTIVITY);
    assert.ok(
      windows >= fewest && windows <= fewest + detailRuns.length,
      `${windows} detail windows for ${expected.size} pages`,
    );
    console.log(
      `      ${PAGES} results pages (site workflow ${siteRuns.length} runs), ${expected.size} detail pages in ${windows} windows (detail workflow ${detailRuns.length} runs, at most ${Math.max(...detailRuns.map((run) => run.events!.length))} events in one), ${seconds.toFixed(1)} s`,
    );
  });
});
