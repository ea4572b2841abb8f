/**
 * `fetcher: auto` against the mirror: Lamudi on plain HTTP until a page meets the challenge fault,
 * then that page again through Chromium (whose run of the challenge's script earns the clearance
 * cookie), and every later page through the browser; a site that never meets a challenge never
 * launches a browser. Skipped, saying why, without Chromium.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoFetcher, type FetcherSwitch } from '../../../lib/fetch/auto-fetcher';
import { BrowserFetcher } from '../../../lib/fetch/browser-fetcher';
import { BrowserPool, findChromium } from '../../../lib/fetch/browser-pool';
import { HttpFetcher } from '../../../lib/fetch/http-fetcher';
import { RateLimiter } from '../../../lib/fetch/rate-limiter';
import { HostPolicy } from '../../../lib/security/host-policy';
import { startMirror, type MirrorServer } from '../../../mirror/server';
import { adapterFor } from '../../../scrapers/registry';

const SITE = 'lamudi';
const CHROMIUM = findChromium();

describe('AutoFetcher (fetcher: auto) against the mirror', function () {
  this.timeout(120_000);
  let mirror: MirrorServer;
  let pool: BrowserPool;
  const closers: Array<{ close(): Promise<void> }> = [];

  function autoFetcher(switches: FetcherSwitch[]): AutoFetcher {
    const common = {
      mirrorUrl: mirror.url,
      timeoutMs: 10_000,
      maxResponseBytes: 20_000_000,
      maxRedirects: 5,
      robots: { respect: true, cacheDurationMs: 60_000 },
      rateLimit: new RateLimiter({ sites: {} }),
      hostPolicy: new HostPolicy({ sites: [{ key: SITE, baseUrl: 'https://www.lamudi.com.mx' }] }),
    };
    const fetcher = new AutoFetcher(
      new HttpFetcher({ ...common, userAgents: { rotate: false, customAgents: [] } }),
      () => new BrowserFetcher({ ...common, pool, challengeWaitMs: 5_000 }),
      (event) => switches.push(event),
    );
    closers.push(fetcher);
    return fetcher;
  }

  /** The URL of a results page of Lamudi's first search and the records on it. */
  function listPage(page: number) {
    const site = mirror.catalog.site(SITE);
    const input = mirror.catalog.page(SITE, mirror.catalog.searches(SITE)[0], page)!;
    return { url: site.listPageUrl(input.searchPath, page), records: input.items.map((facts) => site.cardRecord(facts, input)) };
  }

  const log = () => mirror.requestLog(SITE).map((entry) => `${entry.path} ${entry.status}`);

  before(async function () {
    if (!CHROMIUM) {
      console.log(`      (skipped: Chromium not found at ${process.env.CHROMIUM_PATH || '/usr/bin/chromium'}; run scripts/install-chromium.sh)`);
      this.skip();
    }
    mirror = await startMirror({ pagesPerSearch: 3 });
    pool = new BrowserPool({ tempDir: mkdtempSync(join(tmpdir(), 'auto-fetcher-')), poolSize: 1, restartEveryPages: 1000, egress: { closed: true } });
  });
  after(async () => {
    for (const closer of closers) await closer.close();
    await pool?.close();
    await mirror?.close();
  });
  beforeEach(() => {
    mirror?.clearFaults();
    mirror?.resetLog();
  });

  it('stays on http while no challenge comes: the browser is never launched', async () => {
    const switches: FetcherSwitch[] = [];
    const auto = autoFetcher(switches);
    const { url, records } = listPage(1);
    const page = await auto.fetch(url, { site: SITE });
    const parsed = adapterFor({ key: SITE, adapter: 'builtin' }).parseListingPage(page.html, { url: page.url, site: SITE, maxFieldLength: 1000 });
    assert.deepEqual(parsed.listings.map((r) => r.externalId), records.map((r) => r.externalId));
    assert.equal(auto.usingBrowser, false);
    assert.deepEqual(switches, []);
    assert.equal(pool.stats().running, false);
  });

  it('a challenge moves the page, and the site, to the browser', async () => {
    const switches: FetcherSwitch[] = [];
    const auto = autoFetcher(switches);
    mirror.setFaults(SITE, { challenge: { clearanceCookie: true } });
    const first = listPage(1);
    const page = await auto.fetch(first.url, { site: SITE });
    assert.equal(page.status, 200);
    assert.equal(page.url, first.url);
    const parsed = adapterFor({ key: SITE, adapter: 'builtin' }).parseListingPage(page.html, { url: page.url, site: SITE, maxFieldLength: 1000 });
    assert.deepEqual(parsed.listings.map((r) => r.externalId), first.records.map((r) => r.externalId));
    assert.equal(auto.usingBrowser, true);
    assert.deepEqual(switches, [{ site: SITE, url: first.url, reason: 'www.lamudi.com.mx answered 403 with an anti-bot challenge page' }]);
    const path = new URL(first.url).pathname;
    // http: robots.txt, the page (challenged); then the browser: robots.txt, the home page
    // (challenged, its script solved, reloaded), the page itself.
    assert.deepEqual(log(), [
      '/robots.txt 200',
      `${path} 403`,
      '/robots.txt 200',
      '/ 403',
      '/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1?ray=mirror 200',
      '/ 200',
      `${path} 200`,
    ]);

    // The next page goes to the browser at once, with its clearance: one request, no challenge.
    mirror.resetLog();
    const second = listPage(2);
    assert.equal((await auto.fetch(second.url, { site: SITE })).status, 200);
    assert.deepEqual(log(), [`${new URL(second.url).pathname}${new URL(second.url).search} 200`]);
    assert.equal(switches.length, 1);
  });
});
