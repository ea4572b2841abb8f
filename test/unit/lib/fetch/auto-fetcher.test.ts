/**
 * `fetcher: auto` against the mirror: Lamudi on plain HTTP until a page meets the challenge fault
 * (AWS WAF's JavaScript challenge, as Lamudi serves it, docs/portals.md §3.4), then that page again
 * through Chromium, whose run of the challenge's script (challenge.js from AWS WAF's token host,
 * which the mirror plays) earns the aws-waf-token cookie, and every later page through the
 * browser; a site that never meets a challenge never launches a browser. Skipped, saying why,
 * without Chromium.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoFetcher, type FetcherSwitch } from '../../../../lib/fetch/auto-fetcher';
import { BrowserFetcher } from '../../../../lib/fetch/browser-fetcher';
import type { FetchedPage } from '../../../../lib/fetch/fetcher';
import { BrowserPool } from '../../../../lib/fetch/browser-pool';
import { HttpFetcher } from '../../../../lib/fetch/http-fetcher';
import { RateLimiter } from '../../../../lib/fetch/rate-limiter';
import { HostPolicy } from '../../../../lib/security/host-policy';
import { startMirror, type MirrorServer } from '../../../../mirror/server';
import { adapterFor } from '../../../../scrapers/registry';
import { chainOptions, mirrorSuiteHooks, skipWithoutChromium } from './fetch-helpers';

const SITE = 'lamudi';

describe('AutoFetcher (fetcher: auto) against the mirror', function () {
  this.timeout(120_000);
  let mirror: MirrorServer;
  let pool: BrowserPool;
  const closers: Array<{ close(): Promise<void> }> = [];

  function autoFetcher(switches: FetcherSwitch[], browserPool = pool): AutoFetcher {
    const common = {
      mirrorUrl: mirror.url,
      timeoutMs: 10_000,
      maxResponseBytes: 20_000_000,
      ...chainOptions({ rateLimit: new RateLimiter({ sites: {} }) }),
      hostPolicy: new HostPolicy({ sites: [{ key: SITE, baseUrl: 'https://www.lamudi.com.mx' }] }),
    };
    const fetcher = new AutoFetcher(
      new HttpFetcher({ ...common, userAgents: { rotate: false, customAgents: [] } }),
      () => new BrowserFetcher({ ...common, pool: browserPool, challengeWaitMs: 5_000 }),
      (event) => switches.push(event),
    );
    closers.push(fetcher);
    return fetcher;
  }

  /** The page parses, with Lamudi's adapter, into exactly `records`' listings. */
  function assertListingsOf(page: FetchedPage, records: ReadonlyArray<{ externalId: string }>): void {
    const parsed = adapterFor({ key: SITE, adapter: 'builtin' }).parseListingPage(page.html, {
      url: page.url,
      site: SITE,
      maxFieldLength: 1000,
    });
    assert.deepEqual(
      parsed.listings.map((r) => r.externalId),
      records.map((r) => r.externalId),
    );
  }

  /** The URL of a results page of Lamudi's first search and the records on it. */
  function listPage(page: number) {
    const site = mirror.catalog.site(SITE);
    const input = mirror.catalog.page(SITE, mirror.catalog.searches(SITE)[0], page)!;
    return {
      url: site.listPageUrl(input.searchPath, page),
      records: input.items.map((facts) => site.cardRecord(facts, input)),
    };
  }

  const log = () => mirror.requestLog(SITE).map((entry) => `${entry.path} ${entry.status}`);
  /** Requests to AWS WAF's token host (the challenge's script), as "host path status". */
  const tokenHostLog = () =>
    mirror
      .requestLog()
      .filter((entry) => entry.host.endsWith('.token.awswaf.com'))
      .map((entry) => `${entry.path} ${entry.status}`);

  /** Detail pages of Lamudi's first search: URL and the record a correct parser reads off each. */
  function detailPages() {
    const site = mirror.catalog.site(SITE);
    const input = mirror.catalog.page(SITE, mirror.catalog.searches(SITE)[0], 1)!;
    return input.items.map((facts) => ({
      url: site.detailUrl!(facts),
      record: site.detailRecord!(facts, mirror.catalog.markupOf(SITE)),
    }));
  }

  before(async function () {
    skipWithoutChromium(this);
    mirror = await startMirror({ pagesPerSearch: 3 });
    pool = new BrowserPool({
      tempDir: mkdtempSync(join(tmpdir(), 'auto-fetcher-')),
      poolSize: 1,
      restartEveryPages: 1000,
      egress: { closed: true },
    });
  });
  mirrorSuiteHooks(() => ({ closers, pool, mirror }));

  it('stays on http while no challenge comes: the browser is never launched', async () => {
    const switches: FetcherSwitch[] = [];
    const auto = autoFetcher(switches);
    const { url, records } = listPage(1);
    const page = await auto.fetch(url, { site: SITE });
    assertListingsOf(page, records);
    assert.equal(auto.usingBrowser, false);
    assert.deepEqual(switches, []);
    assert.equal(pool.stats().running, false);
  });

  it('an AWS WAF challenge on a detail page moves that page, and the site, to the browser, which earns the token and gets the page', async () => {
    const switches: FetcherSwitch[] = [];
    const auto = autoFetcher(switches);
    // Results pages come whole over http (as docs/portals.md §3.4 saw that month) …
    assert.equal((await auto.fetch(listPage(1).url, { site: SITE })).status, 200);
    assert.equal(auto.usingBrowser, false);
    // … then detail pages meet AWS WAF's challenge.
    mirror.setFaults(SITE, { challenge: { clearanceCookie: true } });
    mirror.resetLog();
    const [first, second] = detailPages();
    const page = await auto.fetch(first.url, { site: SITE });
    assert.equal(page.status, 200);
    assert.equal(page.url, first.url);
    const parse = (html: string, url: string) =>
      adapterFor({ key: SITE, adapter: 'builtin' }).parseDetailPage!(html, {
        url,
        site: SITE,
        maxFieldLength: 100_000,
      });
    assert.deepEqual(parse(page.html, page.url), first.record);
    assert.equal(auto.usingBrowser, true);
    assert.deepEqual(switches, [
      { site: SITE, url: first.url, reason: 'www.lamudi.com.mx answered 202 with an anti-bot challenge page' },
    ]);
    const path = new URL(first.url).pathname;
    // http: the detail page (challenged, 202); then the browser: robots.txt, the home page
    // (challenged; its challenge.js, from the token host, sets aws-waf-token; reloaded), the page itself.
    assert.deepEqual(log(), [`${path} 202`, '/robots.txt 200', '/ 202', '/ 200', `${path} 200`]);
    assert.equal(tokenHostLog().length, 1, "challenge.js was loaded once, from AWS WAF's token host");
    assert.match(tokenHostLog()[0], /^\/[0-9a-f]+\/challenge\.js 200$/);

    // The next detail page goes to the browser at once, with its token: one request, no challenge.
    mirror.resetLog();
    const next = await auto.fetch(second.url, { site: SITE });
    assert.deepEqual(parse(next.html, next.url), second.record);
    assert.deepEqual(log(), [`${new URL(second.url).pathname} 200`]);
    assert.equal(switches.length, 1);
  });

  it('a challenge on a results page moves the page, and the site, to the browser', async () => {
    const switches: FetcherSwitch[] = [];
    // A browser of its own: the shared one's Lamudi session holds the token from the test above.
    const own = new BrowserPool({
      tempDir: mkdtempSync(join(tmpdir(), 'auto-fetcher-')),
      poolSize: 1,
      restartEveryPages: 1000,
      egress: { closed: true },
    });
    closers.push(own);
    const auto = autoFetcher(switches, own);
    mirror.setFaults(SITE, { challenge: { clearanceCookie: true } });
    const first = listPage(1);
    const page = await auto.fetch(first.url, { site: SITE });
    assert.equal(page.status, 200);
    assert.equal(page.url, first.url);
    assertListingsOf(page, first.records);
    assert.equal(auto.usingBrowser, true);
    assert.deepEqual(switches, [
      { site: SITE, url: first.url, reason: 'www.lamudi.com.mx answered 202 with an anti-bot challenge page' },
    ]);
    const path = new URL(first.url).pathname;
    // http: robots.txt, the page (challenged); then the browser: robots.txt, the home page
    // (challenged, its script run, reloaded), the page itself.
    assert.deepEqual(log(), ['/robots.txt 200', `${path} 202`, '/robots.txt 200', '/ 202', '/ 200', `${path} 200`]);
    assert.equal(tokenHostLog().length, 1);

    // The next page goes to the browser at once, with its clearance: one request, no challenge.
    mirror.resetLog();
    const second = listPage(2);
    assert.equal((await auto.fetch(second.url, { site: SITE })).status, 200);
    assert.deepEqual(log(), [`${new URL(second.url).pathname}${new URL(second.url).search} 200`]);
    assert.equal(switches.length, 1);
  });
});
