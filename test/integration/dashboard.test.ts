/**
 * `orchestrator dashboard` as an operator uses it, in headless Chromium (Debian's, through
 * playwright-core): two mirror batches with the mirror's price changes and removals between them,
 * then each view shows the numbers SQL reads off the store (Runs: listings, new, removed, failed
 * pages and the Web UI link; Market: the latest batch's medians and its price changes, removals;
 * Data health: the stored fill rates, the latest batch's as SQL counts them; Listings: a filter, its
 * total, its first page and its CSV download), and `report --html` renders. Screenshots go to
 * test-artifacts/dashboard/ (gitignored); DASHBOARD_SCREENSHOT=<file> also writes the Market view
 * there (`npm run docs:screenshot` remakes docs/dashboard.png). Skipped, saying why, without Chromium.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sql, type NotNull } from 'kysely';
import type { Page } from 'playwright-core';
import { formatCount, formatPrice, formatShare } from '../../client/dashboard/format';
import { writeHtmlReport } from '../../client/dashboard/report-page';
import { startDashboard, type DashboardServer } from '../../client/dashboard/server';
import { workflowUiUrl } from '../../client/environment';
import type { SiteMetrics } from '../../lib/metrics/site-metrics';
import { buildBatchReport } from '../../lib/report/batch-report';
import { openDatabase, type Db } from '../../lib/store/database';
import { startBatchHarness, type BatchHarness } from '../support/batch-harness';
import { chromiumMissing, launchTestBrowser, type TestBrowser } from '../support/test-browser';

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts', 'dashboard');
const SITES = ['mitula', 'trovit'];

/** The middle value, or the mean of the two middle ones: written again here, apart from lib/dashboard/median.ts. */
function middle(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const half = sorted.length >> 1;
  return sorted.length % 2 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
}

/** The cells' text of a table's body rows. */
function tableRows(page: Page, id: string): Promise<string[][]> {
  return page.$$eval(`#${id} tbody tr`, (rows) =>
    rows.map((row) =>
      Array.from((row as unknown as { cells: ArrayLike<{ innerText: string }> }).cells).map((cell) =>
        cell.innerText.trim(),
      ),
    ),
  );
}

describe('orchestrator dashboard (headless Chromium)', function () {
  this.timeout(300_000);
  let harness: BatchHarness;
  let dashboard: DashboardServer;
  let browser: TestBrowser;
  let db: Db;
  const stamp = Date.now();
  const first = `${stamp}-dash1`;
  const second = `${stamp}-dash2`;

  const open = async (path: string, screenshot: string) => {
    const page = await browser.context.newPage();
    const response = await page.goto(`${dashboard.url}${path}`, { waitUntil: 'load' });
    assert.equal(response?.status(), 200, `${path} answered ${response?.status()}`);
    await page.screenshot({ path: join(ARTIFACTS, `${screenshot}.png`), fullPage: true });
    return page;
  };
  /** How many rows a query that selects `COUNT(*) AS n` counts. */
  const count = async (query: { executeTakeFirstOrThrow(): Promise<{ n: number }> }) =>
    (await query.executeTakeFirstOrThrow()).n;
  /** The count of what a batch saw of a site, to narrow further. */
  const seenIn = (batchId: string, site: string) =>
    db
      .selectFrom('batch_listings')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('batch_id', '=', batchId)
      .where('site', '=', site);
  /** The external ids of what a batch saw of a site: the removals are those of one batch not in the next. */
  const idsSeenIn = async (batchId: string, site: string) =>
    new Set(
      (
        await db
          .selectFrom('batch_listings')
          .select('external_id')
          .where('batch_id', '=', batchId)
          .where('site', '=', site)
          .execute()
      ).map((row) => row.external_id),
    );

  before(async function () {
    if (chromiumMissing()) this.skip();
    harness = await startBatchHarness({ taskQueue: `test-dashboard-${stamp}`, sites: SITES, pagesPerSearch: 1 });
    assert.equal((await harness.runBatch(`batch-${first}`, { maxPages: 1 })).status, 'completed');
    harness.mirror.setEpoch(1); // prices change, listings disappear
    assert.equal((await harness.runBatch(`batch-${second}`, { maxPages: 1 })).status, 'completed');
    db = await openDatabase(harness.config.storage.database, { readonly: true });
    dashboard = await startDashboard(harness.config, 0);
    browser = await launchTestBrowser('dashboard', { viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await dashboard?.close();
    await db?.destroy();
    await harness?.close();
  });

  it('Runs: each batch and site with its listings, new, removed and failed pages as stored, linked to the Web UI', async () => {
    const page = await open('/runs', 'runs');
    const rows = await tableRows(page, 'runs');
    let batch = '';
    const seen = new Map<string, string[]>();
    for (const row of rows) {
      batch = row[0] || batch;
      seen.set(`${batch}/${row[4]}`, row);
    }
    for (const id of [first, second]) {
      for (const site of SITES) {
        const row = seen.get(`${id}/${site}`);
        assert.ok(row, `a row for ${id}/${site}`);
        const listings = await count(seenIn(id, site));
        const added = await count(seenIn(id, site).where('change', '=', 'new'));
        assert.ok(listings > 0, `${id}/${site} saw listings`);
        assert.equal(row[6], formatCount(listings), `${id}/${site} listings`);
        assert.equal(row[7], formatCount(added), `${id}/${site} new`);
        assert.equal(row[9], '0', `${id}/${site} failed pages`);
      }
    }
    for (const site of SITES) {
      const kept = await idsSeenIn(second, site);
      const removed = [...(await idsSeenIn(first, site))].filter((id) => !kept.has(id)).length;
      assert.ok(removed > 0, `the mirror removed some ${site} listings`);
      assert.equal(seen.get(`${second}/${site}`)![8], formatCount(removed), `${site} removed`);
      assert.equal(seen.get(`${first}/${site}`)![8], '–', `${site}: no baseline in the first batch`);
    }
    const href = await page.locator(`a[data-batch="${second}"]`).getAttribute('href');
    assert.equal(href, workflowUiUrl(harness.config, `batch-${second}`));
  });

  it("Market: the latest batch's medians and counts per group, its price changes and the removals", async () => {
    const page = await open('/market', 'market');
    if (process.env.DASHBOARD_SCREENSHOT) {
      const docs = await browser.context.newPage();
      await docs.setViewportSize({ width: 1100, height: 760 });
      await docs.goto(`${dashboard.url}/market`, { waitUntil: 'load' });
      // The charts: the top of the view is a long table.
      await docs.evaluate('document.querySelector("main > h2:nth-of-type(2)").scrollIntoView()');
      await docs.screenshot({ path: resolve(process.env.DASHBOARD_SCREENSHOT) });
    }
    const priced = await db
      .selectFrom('batch_listings as b')
      .innerJoin('listings as l', (join) =>
        join.onRef('l.site', '=', 'b.site').onRef('l.external_id', '=', 'b.external_id'),
      )
      .select([
        'l.city as city',
        'l.property_type as type',
        'l.operation as operation',
        'l.currency as currency',
        'l.price as price',
      ])
      .where('b.batch_id', '=', second)
      .where('l.price', 'is not', null)
      .$narrowType<{ price: NotNull }>()
      .execute();
    const groups = new Map<string, number[]>();
    for (const row of priced) {
      const key = [row.city, row.type, row.operation, row.currency].map((v) => v ?? '–').join('|');
      groups.set(key, [...(groups.get(key) ?? []), row.price]);
    }
    const rows = await tableRows(page, 'market-latest');
    assert.equal(rows.length, groups.size, 'one row per group');
    for (const row of rows) {
      const prices = groups.get(row.slice(0, 4).join('|'));
      assert.ok(prices, `group ${row.slice(0, 4).join(' · ')} is in the store`);
      assert.equal(row[4], formatCount(prices.length), `${row.slice(0, 4)} listings`);
      assert.equal(row[5], formatPrice(middle(prices)), `${row.slice(0, 4)} median`);
    }
    const changes = await tableRows(page, 'price-changes');
    const latest = changes.find((row) => row[0] === second)!;
    const recorded = await count(
      db
        .selectFrom('price_history')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('batch_id', '=', second),
    );
    assert.ok(recorded > 0, 'the mirror changed prices');
    assert.equal(latest[2], formatCount(recorded), 'price changes of the latest batch');
    const removals = await tableRows(page, 'removals');
    const removedShown = removals.reduce((total, row) => total + Number(row[3].replace(/,/g, '')), 0);
    assert.equal(
      removedShown,
      await count(
        db
          .selectFrom('listings')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('last_batch_id', '=', first),
      ),
    );
    // N days: the removed listings were seen in one batch only, minutes apart: all went within 1 day.
    const withinOne = await open('/market?days=1', 'market-days');
    const split = await tableRows(withinOne, 'removals');
    assert.ok(
      split.every((row) => row[4] === row[3] && row[5] === '0'),
      JSON.stringify(split),
    );
  });

  it('Data health: the fill rates each batch stored; the latest as SQL counts them', async () => {
    const page = await open('/health', 'health');
    const rows = await tableRows(page, 'fill-rates');
    for (const id of [first, second]) {
      for (const site of SITES) {
        const { metrics } = await db
          .selectFrom('site_metrics')
          .select('metrics')
          .where('batch_id', '=', id)
          .where('site', '=', site)
          .executeTakeFirstOrThrow();
        const stored = JSON.parse(metrics) as SiteMetrics;
        const row = rows.find((r) => r[0] === id && r[2] === site)!;
        const fill = stored.fillRates;
        assert.deepEqual(row.slice(3, 8), [
          formatShare(fill.price),
          formatShare(fill.bedrooms),
          formatShare(fill.area),
          formatShare(fill.coordinates),
          'stored',
        ]);
      }
    }
    for (const site of SITES) {
      const filled = (column: 'l.price' | 'l.bedrooms') =>
        sql<number>`SUM(CASE WHEN ${sql.ref(column)} IS NOT NULL THEN 1 ELSE 0 END)`;
      const counted = await db
        .selectFrom('batch_listings as b')
        .innerJoin('listings as l', (join) =>
          join.onRef('l.site', '=', 'b.site').onRef('l.external_id', '=', 'b.external_id'),
        )
        .select((eb) => [
          eb.fn.countAll<number>().as('n'),
          filled('l.price').as('price'),
          filled('l.bedrooms').as('bedrooms'),
        ])
        .where('b.batch_id', '=', second)
        .where('b.site', '=', site)
        .executeTakeFirstOrThrow();
      const row = rows.find((r) => r[0] === second && r[2] === site)!;
      assert.equal(row[3], formatShare(counted.price / counted.n), `${site} price fill rate`);
      assert.equal(row[4], formatShare(counted.bedrooms / counted.n), `${site} bedrooms fill rate`);
    }
  });

  it("Listings: a filter's total and first page; its CSV download holds exactly its rows", async () => {
    const page = await open('/listings', 'listings');
    const all = await count(db.selectFrom('listings').select((eb) => eb.fn.countAll<number>().as('n')));
    assert.equal(await page.locator('#listing-total').innerText(), formatCount(all));
    const { city } = await db
      .selectFrom('listings')
      .select('city')
      .where('site', '=', 'mitula')
      .where('city', 'is not', null)
      .$narrowType<{ city: NotNull }>()
      .groupBy('city')
      .orderBy((eb) => eb.fn.countAll(), 'desc')
      .orderBy('city')
      .limit(1)
      .executeTakeFirstOrThrow();
    await page.selectOption('select[name="site"]', 'mitula');
    await page.selectOption('select[name="city"]', city);
    await Promise.all([page.waitForURL(/\/listings\?/), page.click('form.filters button[type="submit"]')]);
    await page.screenshot({ path: join(ARTIFACTS, 'listings-filtered.png'), fullPage: true });
    const expected = (
      await db
        .selectFrom('listings')
        .select('external_id as id')
        .where('site', '=', 'mitula')
        .where('city', '=', city)
        .orderBy('site')
        .orderBy('external_id')
        .execute()
    ).map((row) => row.id);
    assert.ok(expected.length > 0 && expected.length < all, `the filter selects some: ${expected.length} of ${all}`);
    assert.equal(await page.locator('#listing-total').innerText(), formatCount(expected.length));
    const shown = await tableRows(page, 'listings');
    assert.deepEqual(
      shown.map((row) => row[1]),
      expected.slice(0, 50),
    );
    assert.ok(shown.every((row) => row[0] === 'mitula' && row[3] === city));
    const link = await page.locator('#listings tbody tr a').first().getAttribute('href');
    const { url } = await db
      .selectFrom('listings')
      .select('url')
      .where('site', '=', 'mitula')
      .where('external_id', '=', expected[0])
      .executeTakeFirstOrThrow();
    assert.equal(link, url, 'a row links to its portal page');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv-download')]);
    const csv = readFileSync(await download.path(), 'utf8')
      .trimEnd()
      .split('\r\n');
    assert.match(csv[0], /^site,externalId,url,/);
    assert.deepEqual(
      csv.slice(1).map((line) => line.split(',')[1]),
      expected,
      "the CSV holds the filter's rows",
    );
  });

  it("report --html: one self-contained page with the batch's figures and charts", async () => {
    const report = await buildBatchReport(db, second, { listingLimit: 5 });
    const file = await writeHtmlReport(harness.config, report, true);
    const text = readFileSync(file, 'utf8');
    assert.ok(!/<script|<link|src="http/i.test(text), 'nothing loaded from elsewhere');
    const page = await browser.context.newPage();
    await page.goto(`file://${file}`, { waitUntil: 'load' });
    await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
    assert.equal((await page.locator('svg').count()) >= 2, true, 'its charts');
    const rows = await tableRows(page, 'sites');
    for (const site of report.sites) {
      const row = rows.find((r) => r[0] === site.site)!;
      assert.equal(row[5], formatCount(site.metrics.listingsSeen));
      assert.equal(row[8], formatCount(site.metrics.listingsRemoved));
    }
  });
});
