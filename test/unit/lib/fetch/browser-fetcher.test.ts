/**
 * The real-browser fetcher (Debian's Chromium through playwright-core) against the local mirror of
 * the six portals: the clearance-cookie challenge a plain HTTP client cannot pass, the bounded wait
 * for a challenge that does not clear, the same answers → typed errors as the http fetcher, robots
 * and rate limits shared with it, the mirror routing, cancellation, browser restarts and shutdown.
 * Also the aggregators' header check (Mitula, Trovit) through the http fetcher.
 *
 * Skipped, with the reason printed, when Chromium is not installed (scripts/install-chromium.sh).
 */
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  AccessDeniedError,
  ChallengePageError,
  HostPolicyError,
  NotFoundError,
  RateLimitedError,
  RedirectError,
  RobotsDisallowedError,
} from '../../../../lib/errors';
import { browserEgress, BrowserFetcher, type BrowserFetcherOptions } from '../../../../lib/fetch/browser-fetcher';
import { BrowserPool, type BrowserPoolEvent, type BrowserPoolOptions } from '../../../../lib/fetch/browser-pool';
import { HttpFetcher } from '../../../../lib/fetch/http-fetcher';
import { RateLimiter } from '../../../../lib/fetch/rate-limiter';
import { statusError } from '../../../../lib/fetch/responses';
import { HostPolicy } from '../../../../lib/security/host-policy';
import { startMirror, type MirrorServer } from '../../../../mirror/server';
import { adapterFor } from '../../../../scrapers/registry';
import { chainOptions, mirrorSuiteHooks, recognizeChallenge, skipWithoutChromium } from './fetch-helpers';

const HOSTS: Record<string, string> = {
  inmuebles24: 'www.inmuebles24.com',
  casasyterrenos: 'www.casasyterrenos.com',
  mitula: 'casas.mitula.mx',
  propiedades: 'propiedades.com',
  trovit: 'casas.trovit.com.mx',
};

/** Poll a real condition until it holds or the deadline passes (no fixed sleeps). */
async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The part of a page's RTCPeerConnection the WebRTC test uses. */
interface ProbePeerConnection {
  iceGatheringState: string;
  onicecandidate: ((event: { candidate: { candidate: string } | null }) => void) | null;
  onicegatheringstatechange: (() => void) | null;
  createDataChannel(label: string): unknown;
  createOffer(): Promise<unknown>;
  setLocalDescription(description: unknown): Promise<void>;
  close(): void;
}

/** Processes whose command line mentions `needle` (Chromium's are found by their user-data-dir). */
function processesMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

function httpFetcher(mirror: MirrorServer): HttpFetcher {
  return new HttpFetcher({
    mirrorUrl: mirror.url,
    timeoutMs: 10_000,
    maxResponseBytes: 20_000_000,
    userAgents: { rotate: false, customAgents: [] },
    ...chainOptions(),
    allowedHosts: HOSTS,
  });
}

/** Page 1 of a site's first search: its URL and the records a correct parser reads off it. */
function firstPage(mirror: MirrorServer, site: string, page = 1) {
  const mirrorSite = mirror.catalog.site(site);
  const input = mirror.catalog.page(site, mirror.catalog.searches(site)[0], page)!;
  return {
    url: mirrorSite.listPageUrl(input.searchPath, page),
    records: input.items.map((facts) => mirrorSite.cardRecord(facts, input)),
  };
}

function parse(site: string, html: string, url: string) {
  return adapterFor({ key: site, adapter: 'builtin' }).parseListingPage(html, { url, site, maxFieldLength: 1000 });
}

describe("aggregators' header check (Mitula, Trovit) through the http fetcher", () => {
  // The same check on a fake portal with the switch set by hand: test/unit/lib/fetch/http-fetcher.test.ts
  // ("requireBrowserHeaders: got-scraping headers pass, a bare request gets 401" and "401 without a
  // challenge page → AccessDeniedError saying why"). Here: the six-portal mirror's own defaults.
  let mirror: MirrorServer;
  let fetcher: HttpFetcher;
  before(async () => {
    mirror = await startMirror({ pagesPerSearch: 2 });
    fetcher = httpFetcher(mirror);
  });
  after(async () => {
    await fetcher?.close();
    await mirror?.close();
  });

  for (const site of ['mitula', 'trovit']) {
    it(`${site}: generated browser headers pass and the page parses; a bare request gets 401 → AccessDeniedError`, async () => {
      assert.equal(mirror.faults(site).requireBrowserHeaders, true, 'on by default, as on the real site');
      const { url, records } = firstPage(mirror, site);
      const page = await fetcher.fetch(url, { site });
      assert.equal(page.status, 200);
      assert.deepEqual(parse(site, page.html, page.url).listings, records);

      const path = new URL(url).pathname + new URL(url).search;
      const bare = await new Promise<{ status: number; headers: Record<string, string>; body: Buffer }>(
        (resolve, reject) => {
          http
            .get(
              `${mirror.url}${path}`,
              { headers: { host: HOSTS[site], 'user-agent': 'curl/8.5.0' }, agent: false },
              (res) => {
                const chunks: Buffer[] = [];
                res.on('data', (chunk: Buffer) => chunks.push(chunk));
                res.on('end', () =>
                  resolve({
                    status: res.statusCode ?? 0,
                    headers: res.headers as Record<string, string>,
                    body: Buffer.concat(chunks),
                  }),
                );
              },
            )
            .on('error', reject);
        },
      );
      assert.equal(bare.status, 401);
      const error = statusError({ url: new URL(url), ...bare }, (html) => recognizeChallenge(html, site));
      assert.ok(error instanceof AccessDeniedError);
      assert.equal(error.status, 401);
      assert.equal(
        error.message,
        `${HOSTS[site]} answered 401 Access Denied: the site requires browser navigation headers`,
      );
      assert.deepEqual(
        mirror
          .requestLog(site)
          .filter((e) => e.path === path)
          .map((e) => e.status),
        [200, 401],
      );
    });
  }
});

describe('BrowserFetcher (Chromium) against the mirror', function () {
  this.timeout(120_000);
  let mirror: MirrorServer;
  let pool: BrowserPool;
  const events: BrowserPoolEvent[] = [];
  const closers: Array<{ close(): Promise<void> }> = [];

  function fetcher(overrides: Partial<BrowserFetcherOptions> = {}): BrowserFetcher {
    const created = new BrowserFetcher({
      pool,
      mirrorUrl: mirror.url,
      timeoutMs: 10_000,
      maxResponseBytes: 20_000_000,
      challengeWaitMs: 5_000,
      ...chainOptions(),
      allowedHosts: HOSTS,
      ...overrides,
    });
    closers.push(created);
    return created;
  }

  function poolOptions(overrides: Partial<BrowserPoolOptions> = {}): BrowserPoolOptions {
    return {
      tempDir: mkdtempSync(join(tmpdir(), 'browser-fetcher-')),
      poolSize: 2,
      restartEveryPages: 1000,
      ...overrides,
    };
  }

  /** The mirror log of a site as "path status" lines. */
  const log = (site: string) => mirror.requestLog(site).map((e) => `${e.path} ${e.status}`);

  before(async function () {
    skipWithoutChromium(this);
    mirror = await startMirror({ pagesPerSearch: 3 });
    pool = new BrowserPool(poolOptions({ onEvent: (event) => events.push(event) }));
  });
  mirrorSuiteHooks(() => ({ closers, pool, mirror }));

  for (const site of ['inmuebles24', 'propiedades']) {
    it(`${site}: the clearance-cookie challenge stops the http fetcher; the browser passes it and the page parses into the mirror's records`, async () => {
      mirror.setFaults(site, { challenge: { clearanceCookie: true } });
      const { url, records } = firstPage(mirror, site);

      const plain = httpFetcher(mirror);
      await assert.rejects(plain.fetch(url, { site }), (error: unknown) => {
        assert.ok(error instanceof ChallengePageError, String(error));
        assert.match(error.message, /answered 403 with an anti-bot challenge page/);
        return true;
      });
      await plain.close();
      mirror.resetLog();

      const browser = fetcher();
      const page = await browser.fetch(url, { site });
      assert.equal(page.status, 200);
      assert.equal(page.url, url, 'the real URL, never the mirror address');
      assert.equal(page.headers['content-encoding'], 'gzip', 'headers as the mirror sent them');
      assert.equal(page.bytes, Buffer.byteLength(page.html));
      assert.deepEqual(parse(site, page.html, page.url).listings, records);
      // robots.txt, then the warm-up visit meets the challenge; its script loads the platform,
      // sets the cookie and reloads; the page itself is served at once.
      assert.deepEqual(log(site), [
        '/robots.txt 200',
        '/ 403',
        '/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1?ray=mirror 200',
        '/ 200',
        `${new URL(url).pathname}${new URL(url).search} 200`,
      ]);

      // The session keeps the clearance: the next page is no challenge.
      mirror.resetLog();
      const second = firstPage(mirror, site, 2);
      assert.deepEqual(
        parse(site, (await browser.fetch(second.url, { site })).html, second.url).listings,
        second.records,
      );
      assert.deepEqual(log(site), [`${new URL(second.url).pathname}${new URL(second.url).search} 200`]);
    });
  }

  it('waits for a slow challenge to clear, and fails with ChallengePageError when it does not clear in time', async () => {
    const site = 'inmuebles24';
    const { url, records } = firstPage(mirror, site);
    mirror.setFaults(site, { challenge: { clearanceCookie: true, solveMs: 800 } });
    const patient = fetcher({ pool: poolOptions(), challengeWaitMs: 6_000, warmUp: false });
    const page = await patient.fetch(url, { site });
    assert.deepEqual(parse(site, page.html, page.url).listings, records);
    assert.ok(page.latencyMs >= 800, `latency ${page.latencyMs} ms includes the challenge`);

    mirror.clearFaults(site);
    const hasty = fetcher({ pool: poolOptions(), challengeWaitMs: 1_000, warmUp: false });
    await hasty.fetch(url, { site }); // browser launched, robots.txt read, no clearance: what follows times the challenge alone
    mirror.setFaults(site, { challenge: { clearanceCookie: true, solveMs: 5_000 } });
    const started = performance.now();
    await assert.rejects(hasty.fetch(url, { site }), (error: unknown) => {
      assert.ok(error instanceof ChallengePageError, String(error));
      assert.equal(error.retryable, false);
      assert.equal(
        error.message,
        'www.inmuebles24.com kept answering with an anti-bot challenge page for 1 s: the challenge did not clear',
      );
      return true;
    });
    const waited = performance.now() - started;
    // The bound, plus one navigation (generous: tests share two cores with other suites).
    assert.ok(waited >= 1_000 && waited < 1_000 + 5_000, `waited ${Math.round(waited)} ms for a 1 s bound`);

    mirror.setFaults(site, { challenge: true }); // no script ever clears it
    await assert.rejects(hasty.fetch(url, { site }), ChallengePageError);
  });

  it("loads only documents: the page's scripts, styles and images never reach the site", async () => {
    const site = 'casasyterrenos'; // its page references /_next/static/… scripts on the site's host
    const { url, records } = firstPage(mirror, site);
    const page = await fetcher().fetch(url, { site });
    assert.deepEqual(parse(site, page.html, page.url).listings, records);
    assert.match(page.html, /<script src="\/_next\/static\/chunks\//);
    assert.deepEqual(log(site), ['/robots.txt 200', '/ 200', `${new URL(url).pathname} 200`]);
  });

  it("sends what Chromium sends: Mitula's header check passes through the browser", async () => {
    const { url, records } = firstPage(mirror, 'mitula');
    const page = await fetcher().fetch(url, { site: 'mitula' });
    assert.deepEqual(parse('mitula', page.html, page.url).listings, records);
    assert.ok(
      log('mitula').every((line) => line.endsWith(' 200')),
      log('mitula').join(', '),
    );
  });

  it('maps answers to the same typed errors as the http fetcher', async () => {
    const site = 'propiedades';
    const { url } = firstPage(mirror, site);
    const browser = fetcher();
    const past = mirror.catalog.site(site).listPageUrl(mirror.catalog.searches(site)[0], 99);
    await assert.rejects(browser.fetch(past, { site }), NotFoundError);

    mirror.setFaults(site, { status429: { count: 1, retryAfterSeconds: 7 } });
    await assert.rejects(browser.fetch(url, { site }), (error: unknown) => {
      assert.ok(error instanceof RateLimitedError, String(error));
      assert.equal(error.retryAfterMs, 7000);
      return true;
    });
    assert.equal((await browser.fetch(url, { site })).status, 200, 'the page is still usable after an error answer');
  });

  it('follows a redirect within the site and refuses one off its domain or in a loop', async () => {
    const site = 'inmuebles24';
    const browser = fetcher();
    const { url } = firstPage(mirror, site);
    const bare = url.replace('://www.', '://');
    const page = await browser.fetch(bare, { site });
    assert.equal(page.url, url, 'inmuebles24.com → www.inmuebles24.com, the final URL reported');

    mirror.setFaults(site, { redirectOffDomain: true });
    await assert.rejects(browser.fetch(url, { site }), (error: unknown) => {
      // A hop the host policy refuses is a refusal of the policy, recorded as such; the page went there itself.
      assert.ok(error instanceof HostPolicyError, String(error));
      assert.equal(error.reason, 'off-domain');
      assert.equal(error.byPage, true);
      assert.match(
        error.message,
        /redirected off its domain to https:\/\/login\.portal-sso\.example\/.*, refused by the host policy: host login\.portal-sso\.example is not on the domain of site inmuebles24/,
      );
      return true;
    });
    mirror.setFaults(site, { redirectLoop: true });
    await assert.rejects(
      browser.fetch(url, { site }),
      (error: unknown) => error instanceof RedirectError && /redirect loop/.test(error.message),
    );
  });

  it('a challenge page whose script navigates elsewhere: aborted at once with the reason, nothing asked of another host', async () => {
    const site = 'inmuebles24';
    const { url } = firstPage(mirror, site);
    const hostPolicy = new HostPolicy({
      sites: Object.entries(HOSTS).map(([key, host]) => ({ key, baseUrl: `https://${host}` })),
      resolve: (host) => (host === 'interno.inmuebles24.com' ? ['10.0.0.1'] : undefined),
    });
    const browser = fetcher({ hostPolicy, warmUp: false });
    await browser.fetch(url, { site }); // the browser launched and robots.txt read: what follows times the navigation alone
    const targets: Array<[string, RegExp]> = [
      ['http://127.0.0.1:9/', /host 127\.0\.0\.1 is a loopback address/],
      ['http://169.254.169.254/latest/meta-data/', /host 169\.254\.169\.254 is a link-local address/],
      [
        'https://www.inmuebles24.com.evil.mx/login',
        /host www\.inmuebles24\.com\.evil\.mx is not on the domain of site inmuebles24/,
      ],
      [
        'https://interno.inmuebles24.com/admin',
        /interno\.inmuebles24\.com resolves to 10\.0\.0\.1, which is a private network address/,
      ],
    ];
    for (const [target, reason] of targets) {
      mirror.setFaults(site, { challenge: { navigateTo: target } });
      const started = performance.now();
      await assert.rejects(browser.fetch(url, { site }), (error: unknown) => {
        assert.ok(error instanceof HostPolicyError, `${target}: ${String(error)}`);
        assert.equal(error.byPage, true, 'the page itself went there');
        assert.ok(error.message.startsWith(`the page ${url} navigated to ${target} refused: `), error.message);
        assert.match(error.message, reason);
        return true;
      });
      assert.ok(performance.now() - started < 4_000, 'at once, not after the challenge wait');
    }
    assert.deepEqual(
      mirror
        .requestLog()
        .filter((entry) => entry.site !== site)
        .map((entry) => entry.host),
      [],
      'no other host was asked',
    );
  });

  it('obeys robots.txt before any page request, read through the browser', async () => {
    const site = 'propiedades';
    const { url } = firstPage(mirror, site);
    mirror.setFaults(site, { robotsDisallow: [new URL(url).pathname] });
    await assert.rejects(fetcher().fetch(url, { site }), RobotsDisallowedError);
    assert.deepEqual(log(site), ['/robots.txt 200']);
  });

  it("keeps the site's rate limit, shared with other fetchers through one RateLimiter", async () => {
    const site = 'trovit';
    const limiter = new RateLimiter({ sites: { [site]: { requestsPerMinute: 0, burst: 1, minSpacingMs: 1000 } } });
    const browser = fetcher({ rateLimit: limiter });
    for (let n = 1; n <= 3; n++) await browser.fetch(firstPage(mirror, site, n).url, { site });
    const times = mirror.requestLog(site).map((e) => e.time);
    assert.equal(times.length, 5, log(site).join(', ')); // robots.txt, home, three pages
    // Navigations start 1 s apart; their arrival at the mirror jitters with the machine's load (20% allowed).
    for (let i = 1; i < times.length; i++)
      assert.ok(times[i] - times[i - 1] >= 800, `gap ${i}: ${Math.round(times[i] - times[i - 1])} ms`);
    assert.ok(times[4] - times[0] >= 4 * 1000 - 200, `total ${Math.round(times[4] - times[0])} ms`);
  });

  it('stops at once when the activity is cancelled: the page closes, the pool stays usable', async () => {
    const site = 'casasyterrenos';
    const browser = fetcher();
    const { url } = firstPage(mirror, site);
    await browser.fetch(url, { site }); // robots.txt and warm-up done
    mirror.setFaults(site, { slowMs: 30_000 });
    const controller = new AbortController();
    const pending = browser.fetch(firstPage(mirror, site, 2).url, { site, signal: controller.signal });
    const second = new URL(firstPage(mirror, site, 2).url);
    await until('the page request reaching the mirror', () =>
      mirror.requestLog(site).some((e) => e.path === second.pathname + second.search),
    );
    const reason = new Error('activity cancelled');
    const started = performance.now();
    controller.abort(reason);
    await assert.rejects(pending, (error: unknown) => error === reason);
    assert.ok(performance.now() - started < 2_000);
    await until('the page given back', () => pool.stats().busyPages === 0);
    mirror.clearFaults(site);
    assert.equal((await browser.fetch(url, { site })).status, 200);
  });

  it('restarts Chromium every N pages with a fresh user-data-dir, keeping the sessions; close() ends it', async function () {
    const site = 'inmuebles24';
    mirror.setFaults(site, { challenge: { clearanceCookie: true } });
    const seen: BrowserPoolEvent[] = [];
    const options = poolOptions({ restartEveryPages: 3, onEvent: (event) => seen.push(event) });
    const own = new BrowserPool(options);
    const browser = fetcher({ pool: own });
    const dirs: string[] = [];
    for (let n = 1; n <= 7; n++) {
      const { url, records } = firstPage(mirror, site, 1 + ((n - 1) % 3));
      assert.deepEqual(parse(site, (await browser.fetch(url, { site })).html, url).listings, records);
      if (!dirs.includes(own.userDataDir!)) dirs.push(own.userDataDir!);
    }
    assert.deepEqual(
      seen.map((e) => e.type),
      ['launch', 'restart', 'launch', 'restart', 'launch'],
    );
    assert.deepEqual(own.stats().restarts, 2);
    assert.equal(new Set(dirs).size, 3, 'each launch has its own user-data-dir');
    assert.deepEqual(readdirSync(options.tempDir), [dirs[2].split('/').pop()], 'the old ones are removed');
    // One challenge in all: the clearance cookie is carried across restarts.
    assert.equal(mirror.requestLog(site).filter((e) => e.status === 403).length, 1, log(site).join(', '));

    const running = processesMentioning(dirs[2]);
    assert.ok(running.length > 0, 'Chromium runs with the user-data-dir');
    await own.close();
    await until('Chromium gone', () => processesMentioning(dirs[2]).length === 0);
    assert.deepEqual(readdirSync(options.tempDir), []);
    assert.deepEqual(seen.at(-1), { type: 'close', generation: 3 });
    await assert.rejects(browser.fetch(firstPage(mirror, site).url, { site }), /pool (is )?closed/);
  });

  it('shares one small pool between sites: never more than poolSize pages open', async () => {
    const sites = ['inmuebles24', 'propiedades', 'trovit'];
    for (const site of sites) mirror.setFaults(site, { slowMs: 100 });
    const browser = fetcher();
    const pages = await Promise.all(
      sites.flatMap((site) => [1, 2].map((n) => browser.fetch(firstPage(mirror, site, n).url, { site }))),
    );
    assert.ok(pages.every((page) => page.status === 200));
    const stats = pool.stats();
    assert.equal(stats.peakOpenPages, 2);
    assert.equal(stats.busyPages, 0);
    assert.equal(stats.waiting, 0);
  });

  it("a page's WebRTC cannot send UDP past the egress proxy: no STUN request reaches a server on this machine", async () => {
    // A STUN server stand-in on loopback counts the datagrams it gets; the page gathers ICE candidates with it.
    const udp = dgram.createSocket('udp4');
    let datagrams = 0;
    udp.on('message', () => datagrams++);
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', () => resolve()));
    const lease = await pool.acquire('webrtc-probe', { countsAsPage: false });
    try {
      const candidates = await lease.page.evaluate(async (port) => {
        // The page's own RTCPeerConnection (the project compiles without DOM types: the little used here).
        const Peer = (globalThis as unknown as { RTCPeerConnection: new (config: object) => ProbePeerConnection })
          .RTCPeerConnection;
        const connection = new Peer({ iceServers: [{ urls: `stun:127.0.0.1:${port}` }] });
        const found: string[] = [];
        connection.onicecandidate = (event) => void (event.candidate && found.push(event.candidate.candidate));
        connection.createDataChannel('probe');
        await connection.setLocalDescription(await connection.createOffer());
        // Gathering ends on its own (the state says so): with UDP allowed it sends its STUN requests first.
        await new Promise<void>((resolve) => {
          if (connection.iceGatheringState === 'complete') resolve();
          connection.onicegatheringstatechange = () => connection.iceGatheringState === 'complete' && resolve();
        });
        connection.close();
        return found;
      }, udp.address().port);
      assert.deepEqual(
        candidates.filter((candidate) => / udp /i.test(candidate)),
        [],
        'no UDP candidate gathered',
      );
      assert.equal(datagrams, 0, 'the STUN server got nothing');
    } finally {
      await lease.release({ broken: true });
      udp.close();
    }
  });

  describe("the mirror as the portals' real hosts: Chromium's own network stack, behind the egress proxy", () => {
    // No mirror mode: www.lamudi.com.mx and www.inmuebles24.com resolve (resolver override) to the
    // mirror's address, trusted on the mirror's port only, and Chromium follows redirects itself.
    let own: BrowserPool;
    let policy: HostPolicy;
    let origin: (host: string) => string;

    before(() => {
      origin = (host) => `http://${host}:${mirror.port}`;
      policy = new HostPolicy({
        sites: [
          { key: 'lamudi', baseUrl: 'https://www.lamudi.com.mx' },
          { key: 'inmuebles24', baseUrl: 'https://www.inmuebles24.com' },
        ],
        resolve: (host) => (host === 'www.lamudi.com.mx' || host === 'www.inmuebles24.com' ? ['127.0.0.1'] : undefined),
        trustedAddresses: [`127.0.0.1:${mirror.port}`],
      });
      own = new BrowserPool(poolOptions({ egress: browserEgress(policy) }));
    });
    after(() => own?.close());

    const onRealHost = (site: string, page = 1) => {
      const url = new URL(firstPage(mirror, site, page).url);
      return `${origin(url.hostname)}${url.pathname}${url.search}`;
    };

    it('a Lamudi page that redirects to Inmuebles24 (a site of the same browser): the hop is refused on its way out, never requested', async () => {
      const browser = fetcher({ pool: own, mirrorUrl: null, hostPolicy: policy, warmUp: false });
      // Both portals answer through this browser, each from its own context.
      assert.equal((await browser.fetch(onRealHost('lamudi'), { site: 'lamudi' })).status, 200);
      assert.equal((await browser.fetch(onRealHost('inmuebles24'), { site: 'inmuebles24' })).status, 200);
      mirror.resetLog();

      const elsewhere = onRealHost('inmuebles24', 2);
      mirror.setFaults('lamudi', { redirectOffDomain: { location: elsewhere } });
      const page = onRealHost('lamudi', 2);
      await assert.rejects(browser.fetch(page, { site: 'lamudi' }), (error: unknown) => {
        assert.ok(error instanceof HostPolicyError, String(error));
        assert.equal(error.reason, 'off-domain');
        assert.equal(error.byPage, true, 'the page itself went there');
        assert.equal(error.url, page);
        assert.match(
          error.message,
          new RegExp(
            `redirected off its domain to ${elsewhere.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}, refused by the host policy: host www\\.inmuebles24\\.com is not on the domain of site lamudi`,
          ),
        );
        return true;
      });
      assert.deepEqual(mirror.requestLog('inmuebles24'), [], 'the hop was never requested');
      assert.deepEqual(log('lamudi'), [`${new URL(page).pathname}${new URL(page).search} 302`]);
      const refusal = (await own.egress())!.refusalFor('lamudi', 'www.inmuebles24.com')!;
      assert.equal(refusal.reason, 'off-domain', "refused by the egress proxy, with the site's own rule");
    });
  });

  describe("without a mirror: Chromium's own network stack, behind the egress proxy", () => {
    // The portal is a server on 127.0.0.1, reached as www.example-portal.mx through the resolver
    // override (127.0.0.1 trusted for it); the canary on 127.0.0.2 stands for everything the host
    // policy must keep the browser from: it counts every connection it gets.
    let server: http.Server;
    let canary: http.Server;
    let origin: string;
    let canaryPort: number;
    let canaryConnections = 0;
    let own: BrowserPool;
    let policy: HostPolicy;
    let flips = 0;
    const seen: http.IncomingHttpHeaders[] = [];
    let answer: { status: number; body: string; location?: string; headers?: Record<string, string> } = {
      status: 200,
      body: '',
    };

    before(async () => {
      server = http.createServer((req, res) => {
        seen.push({ ...req.headers, ':path': req.url });
        if (req.url === '/robots.txt') return void res.writeHead(404).end();
        res.writeHead(answer.status, {
          'content-type': 'text/html; charset=utf-8',
          ...(answer.location ? { location: answer.location } : {}),
          ...answer.headers,
        });
        res.end(answer.body);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      origin = `http://www.example-portal.mx:${(server.address() as AddressInfo).port}`;
      canary = http.createServer((_req, res) => res.end('canary'));
      canary.on('connection', () => canaryConnections++);
      await new Promise<void>((resolve) => canary.listen(0, '127.0.0.2', resolve));
      canaryPort = (canary.address() as AddressInfo).port;
      const names: Record<string, () => string[]> = {
        'www.example-portal.mx': () => ['127.0.0.1'],
        'canary.example-portal.mx': () => ['127.0.0.2'],
        // DNS rebinding: the first answer is the trusted address, every later one the canary's.
        'flip.example-portal.mx': () => (flips++ === 0 ? ['127.0.0.1'] : ['127.0.0.2']),
      };
      policy = new HostPolicy({
        sites: [{ key: 'local', baseUrl: origin }],
        resolve: (host) => names[host]?.(),
        trustedAddresses: ['127.0.0.1'],
      });
      own = new BrowserPool(
        poolOptions({
          egress: browserEgress(policy),
          // The portals are https, a secure context where Chromium sends Sec-Fetch-*; so is this stand-in.
          extraArgs: [`--unsafely-treat-insecure-origin-as-secure=${origin}`],
        }),
      );
    });
    after(async () => {
      await own?.close();
      for (const each of [server, canary]) {
        each?.closeAllConnections();
        await new Promise((resolve) => each?.close(resolve));
      }
    });
    beforeEach(() => {
      seen.length = 0;
      canaryConnections = 0;
    });

    const local = (overrides: Partial<BrowserFetcherOptions> = {}) =>
      fetcher({ pool: own, mirrorUrl: null, hostPolicy: policy, warmUp: false, ...overrides });

    it('fetches as a browser: navigation headers, no HeadlessChrome, navigator.webdriver false; guards redirects', async () => {
      const browser = local({ warmUp: true });
      // An inline script reports navigator.webdriver through a cookie the next request carries.
      answer = {
        status: 200,
        body: '<!DOCTYPE html><html><head><title>ok</title><script>document.cookie = "wd=" + navigator.webdriver + "; path=/";</script></head><body>hola</body></html>',
      };
      const page = await browser.fetch(`${origin}/uno.html`, { site: 'local' });
      assert.equal(page.html, answer.body);
      await browser.fetch(`${origin}/dos.html`, { site: 'local' });
      const pages = seen.filter((h) => String(h[':path']).endsWith('.html'));
      assert.equal(pages.length, 2);
      assert.equal(pages[0]['sec-fetch-mode'], 'navigate');
      assert.equal(pages[0]['sec-fetch-dest'], 'document');
      assert.match(String(pages[0]['user-agent']), /Chrome\/\d+/);
      assert.doesNotMatch(String(pages[0]['user-agent']), /Headless/);
      assert.match(String(pages[0]['accept-language']), /^es-MX/);
      assert.match(String(pages[1].cookie), /(^|; )wd=false(;|$)/);

      // Chromium follows a redirect by itself; the egress proxy refuses the hop's host, so it is never asked.
      answer = { status: 302, body: '', location: 'http://elsewhere.invalid/login' };
      await assert.rejects(browser.fetch(`${origin}/tres.html`, { site: 'local' }), (error: unknown) => {
        assert.ok(error instanceof HostPolicyError, String(error));
        assert.equal(error.reason, 'off-domain');
        assert.match(error.message, /off its domain to http:\/\/elsewhere\.invalid\/login, refused by the host policy/);
        return true;
      });
      const refusal = (await own.egress())!.refusalFor('local', 'elsewhere.invalid')!;
      assert.equal(refusal.reason, 'off-domain');
      assert.match(refusal.message, /^host elsewhere\.invalid is not on the domain of site local/);
    });

    it('a challenge page whose script navigates elsewhere: the navigation is aborted, the reason reported, nothing reaches the canary', async () => {
      const browser = local();
      answer = { status: 200, body: '<!DOCTYPE html><html><head><title>ok</title></head><body>hola</body></html>' };
      await browser.fetch(`${origin}/hola.html`, { site: 'local' }); // robots.txt read: what follows times the navigation alone
      const targets: Array<[string, RegExp]> = [
        [`http://127.0.0.2:${canaryPort}/`, /host 127\.0\.0\.2 is a loopback address \(this machine\)/],
        ['http://169.254.169.254/latest/meta-data/', /host 169\.254\.169\.254 is a link-local address/],
        [
          `http://canary.example-portal.mx:${canaryPort}/`,
          /canary\.example-portal\.mx resolves to 127\.0\.0\.2, which is a loopback address/,
        ],
        [
          `https://www.example-portal.mx.evil.mx/`,
          /host www\.example-portal\.mx\.evil\.mx is not on the domain of site local/,
        ],
      ];
      for (const [target, reason] of targets) {
        answer = {
          status: 403,
          headers: { 'cf-mitigated': 'challenge' },
          body: `<!DOCTYPE html><html><head><title>Just a moment...</title></head><body><script>window.location = ${JSON.stringify(target)};</script></body></html>`,
        };
        const started = performance.now();
        await assert.rejects(browser.fetch(`${origin}/reto.html`, { site: 'local' }), (error: unknown) => {
          assert.ok(error instanceof HostPolicyError, `${target}: ${String(error)}`);
          assert.equal(error.byPage, true);
          assert.ok(
            error.message.startsWith(`the page ${origin}/reto.html navigated to ${target} refused: `),
            error.message,
          );
          assert.match(error.message, reason);
          return true;
        });
        assert.ok(performance.now() - started < 4_000, 'reported at once, not after the challenge wait');
      }
      assert.equal(canaryConnections, 0, 'the canary saw nothing');
    });

    it('checks the address on the connection itself: a name whose DNS answer changes after the check never reaches the canary', async () => {
      const browser = local({ robots: { respect: false, cacheDurationMs: 0 } });
      const url = `http://flip.example-portal.mx:${canaryPort}/pagina.html`;
      await assert.rejects(browser.fetch(url, { site: 'local' }), (error: unknown) => {
        assert.ok(error instanceof HostPolicyError, String(error));
        assert.equal(
          error.message,
          `${url} refused on its connection: flip.example-portal.mx resolves to 127.0.0.2, which is a loopback address (this machine): only public addresses may be fetched`,
        );
        assert.equal(error.byPage, false, 'the URL asked for itself');
        return true;
      });
      // The route handler's check passed (the first answer); the proxy's lookup on the socket (and
      // on Chromium's retry of the closed connection, if it makes one) got the canary's address.
      assert.ok(flips >= 2, `resolved ${flips} times`);
      assert.equal(canaryConnections, 0);
      // A URL the rules refuse outright is never even navigated to.
      await assert.rejects(browser.fetch(`http://127.0.0.2:${canaryPort}/`, { site: 'local' }), HostPolicyError);
      assert.equal(canaryConnections, 0);
    });
  });
});
