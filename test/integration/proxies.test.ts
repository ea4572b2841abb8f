/**
 * The fetchers through real local proxy servers (proxy-chain) in front of the local mirror:
 * requests counted per proxy, a dead proxy, a proxy with a password, rotation after a block, and
 * the browser through a proxy.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server as ProxyServer } from 'proxy-chain' with { 'resolution-mode': 'import' };
import { HostPolicyError, NetworkError, RateLimitedError } from '../../lib/errors';
import { browserEgress, BrowserFetcher } from '../../lib/fetch/browser-fetcher';
import { BrowserPool } from '../../lib/fetch/browser-pool';
import { HttpFetcher } from '../../lib/fetch/http-fetcher';
import { ProxyPool } from '../../lib/fetch/proxy-pool';
import { startMirror, type MirrorServer } from '../../mirror/server';
import { examplePortal } from '../support/example-portal';
import { HostPolicy } from '../../lib/security/host-policy';
import { chainOptions, mirrorFetcherOptions, skipWithoutChromium } from '../unit/lib/fetch/fetch-helpers';

const SITE = 'example';
const ORIGIN = 'https://www.example-portal.mx';
const page = (n: number) => `${ORIGIN}/casas-venta.html${n > 1 ? `?page=${n}` : ''}`;

/** A proxy-chain server on loopback that counts the page requests it passes on (robots.txt left out). */
interface CountingProxy {
  url: string;
  pages: number;
  /** Every request it was asked to pass on, robots.txt included. */
  requests: number;
  server: ProxyServer;
}

/**
 * The portal's name resolves to loopback for the proxies too (they resolve the target themselves):
 * the mirror plays the real host.
 */
const portalOnLoopback = ((hostname: string, options: unknown, callback?: unknown) => {
  const done = (typeof options === 'function' ? options : callback) as (...args: unknown[]) => void;
  const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all;
  if (hostname !== 'www.example-portal.mx' && hostname !== '127.0.0.1') {
    return done(Object.assign(new Error(`${hostname} is not resolved in this test`), { code: 'ENOTFOUND' }));
  }
  return all ? done(null, [{ address: '127.0.0.1', family: 4 }]) : done(null, '127.0.0.1', 4);
}) as unknown as typeof import('node:dns').lookup;

async function startProxy(auth?: { user: string; password: string }): Promise<CountingProxy> {
  const proxy = { url: '', pages: 0, requests: 0 } as CountingProxy;
  // proxy-chain is ESM-only: loaded with a real import(), as got-scraping is (lib/fetch/http-fetcher.ts).
  const { Server } = await import('proxy-chain');
  proxy.server = new Server({
    port: 0,
    host: '127.0.0.1',
    prepareRequestFunction: ({ request, username, password }) => {
      proxy.requests++;
      if (auth && (username !== auth.user || password !== auth.password)) {
        return { requestAuthentication: true, failMsg: 'wrong proxy credentials' };
      }
      if (!request.url?.includes('/robots.txt')) proxy.pages++;
      return { dnsLookup: portalOnLoopback };
    },
  });
  await proxy.server.listen();
  const credentials = auth ? `${auth.user}:${auth.password}@` : '';
  proxy.url = `http://${credentials}127.0.0.1:${proxy.server.port}`;
  return proxy;
}

/** A loopback port nothing listens on: a proxy that is down. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('proxies (proxy-chain servers in front of the mirror)', function () {
  this.timeout(30_000);
  let mirror: MirrorServer;
  const proxies: CountingProxy[] = [];
  const fetchers: HttpFetcher[] = [];

  function fetcherThrough(pool: ProxyPool): HttpFetcher {
    const fetcher = new HttpFetcher(
      mirrorFetcherOptions(mirror.url, {
        allowedHosts: { [SITE]: 'www.example-portal.mx' },
        proxies: { [SITE]: pool },
      }),
    );
    fetchers.push(fetcher);
    return fetcher;
  }

  async function proxy(auth?: { user: string; password: string }): Promise<CountingProxy> {
    const started = await startProxy(auth);
    proxies.push(started);
    return started;
  }

  before(async () => {
    mirror = await startMirror({ sites: [examplePortal()], seed: 5, pagesPerSearch: 3 });
  });
  after(async () => {
    await Promise.all(fetchers.map((fetcher) => fetcher.close()));
    await Promise.all(proxies.map((started) => started.server.close(true)));
    await mirror.close();
  });
  beforeEach(() => {
    mirror.clearFaults();
    mirror.resetLog();
  });

  it('counts requests per proxy: a session sticks to one proxy, another session takes the other', async () => {
    const [a, b] = [await proxy(), await proxy()];
    const pool = new ProxyPool({ tiers: [[a.url, b.url]], restMs: 60_000 });
    const first = fetcherThrough(pool);
    for (let n = 1; n <= 3; n++) assert.equal((await first.fetch(page(n), { site: SITE })).status, 200);
    assert.deepEqual([a.pages, b.pages], [3, 0], 'the session stays on its proxy');
    // Another fetcher of the process (another worker's): a session of its own, on the proxy no session uses.
    const second = fetcherThrough(pool);
    for (let n = 1; n <= 2; n++) await second.fetch(page(n), { site: SITE });
    assert.deepEqual([a.pages, b.pages], [3, 2]);
    await first.fetch(page(1), { site: SITE });
    assert.deepEqual([a.pages, b.pages], [4, 2], 'the first session is still on its proxy');
    assert.equal(
      mirror.requestLog(SITE).filter((entry) => entry.path !== '/robots.txt').length,
      6,
      'every page reached the mirror',
    );
  });

  it('goes through the other proxy when one is down, and rests the dead one', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}`;
    const live = await proxy();
    const pool = new ProxyPool({ tiers: [[dead, live.url]], restMs: 60_000 });
    const fetched = await fetcherThrough(pool).fetch(page(1), { site: SITE });
    assert.equal(fetched.status, 200);
    assert.equal(live.pages, 1);
    assert.equal(pool.resting(dead), true);
    assert.equal(pool.resting(live.url), false);
  });

  it('passes through a proxy that asks for a password, and says clearly when the password is wrong (redacted)', async () => {
    const guarded = await proxy({ user: 'scraper', password: 's3cret-pass' });
    const ok = new ProxyPool({ tiers: [[guarded.url]], restMs: 60_000 });
    assert.equal((await fetcherThrough(ok).fetch(page(1), { site: SITE })).status, 200);
    assert.equal(guarded.pages, 1);

    const wrongUrl = guarded.url.replace('s3cret-pass', 'wrong-pass');
    const wrong = new ProxyPool({ tiers: [[wrongUrl]], restMs: 60_000 });
    await assert.rejects(fetcherThrough(wrong).fetch(page(2), { site: SITE }), (error: Error) => {
      assert.ok(error instanceof NetworkError, String(error));
      assert.match(error.message, /407 Proxy Authentication Required/);
      assert.match(error.message, new RegExp(`http://scraper:\\*\\*\\*@127\\.0\\.0\\.1:${guarded.server.port}`));
      assert.doesNotMatch(error.message, /wrong-pass|s3cret-pass/);
      return true;
    });
    assert.equal(guarded.pages, 1, 'nothing went through with the wrong password');
    assert.equal(wrong.resting(wrongUrl), true);
  });

  it('rotates to another proxy after the mirror blocks a request', async () => {
    const [a, b] = [await proxy(), await proxy()];
    const pool = new ProxyPool({ tiers: [[a.url, b.url]], restMs: 60_000 });
    const fetcher = fetcherThrough(pool);
    await fetcher.fetch(page(1), { site: SITE });
    assert.deepEqual([a.pages, b.pages], [1, 0]);
    mirror.setFaults(SITE, { status429: { count: 1 } });
    await assert.rejects(fetcher.fetch(page(2), { site: SITE }), RateLimitedError);
    assert.deepEqual([a.pages, b.pages], [2, 0], 'the blocked request went through the first proxy');
    assert.equal(pool.resting(a.url), true);
    assert.equal((await fetcher.fetch(page(2), { site: SITE })).status, 200);
    assert.equal((await fetcher.fetch(page(3), { site: SITE })).status, 200);
    assert.deepEqual([a.pages, b.pages], [2, 2], 'the next requests go through the other proxy, and stay there');
  });

  it("still holds the host policy's address check: the target's addresses are checked before the proxy is asked", async () => {
    const through = await proxy();
    const pool = new ProxyPool({ tiers: [[through.url]], restMs: 60_000 });
    // No mirror mode: the portal's name resolves (resolver override) to the mirror on loopback,
    // trusted on its port only, or to a private address.
    const direct = (resolved: string) =>
      new HttpFetcher({
        mirrorUrl: null,
        timeoutMs: 5000,
        maxResponseBytes: 1_000_000,
        userAgents: { rotate: false, customAgents: [] },
        ...chainOptions({ robots: { respect: false, cacheDurationMs: 0 } }),
        hostPolicy: new HostPolicy({
          sites: [{ key: SITE, baseUrl: ORIGIN }],
          resolve: (host) => (host === 'www.example-portal.mx' ? [resolved] : undefined),
          trustedAddresses: [`127.0.0.1:${mirror.port}`],
        }),
        proxies: { [SITE]: pool },
      });
    const onRealHost = page(1).replace(ORIGIN, `http://www.example-portal.mx:${mirror.port}`);
    const trusted = direct('127.0.0.1');
    fetchers.push(trusted);
    assert.equal((await trusted.fetch(onRealHost, { site: SITE })).status, 200);
    assert.equal(through.requests, 1);

    const hostile = direct('10.0.0.1');
    fetchers.push(hostile);
    await assert.rejects(hostile.fetch(onRealHost, { site: SITE }), (error: unknown) => {
      assert.ok(error instanceof HostPolicyError, String(error));
      assert.equal(error.reason, 'non-public-address');
      assert.match(error.message, /resolves to 10\.0\.0\.1/);
      return true;
    });
    assert.equal(through.requests, 1, 'the proxy was never asked');
    assert.equal(pool.resting(through.url), false, "a refusal of ours is not the proxy's fault");
  });

  describe('the browser fetcher through a proxy (Chromium, the mirror as the real host)', () => {
    // No mirror mode: the portal's name resolves (resolver override) to the mirror's address, trusted
    // on its port only; Chromium goes out through the egress proxy, which forwards to the proxies.
    let browserPool: BrowserPool;
    let policy: HostPolicy;
    const browsers: BrowserFetcher[] = [];

    before(function () {
      skipWithoutChromium(this);
      policy = new HostPolicy({
        sites: [{ key: SITE, baseUrl: ORIGIN }],
        resolve: (host) => (host === 'www.example-portal.mx' ? ['127.0.0.1'] : undefined),
        trustedAddresses: [`127.0.0.1:${mirror.port}`],
      });
      browserPool = new BrowserPool({
        tempDir: mkdtempSync(join(tmpdir(), 'proxies-browser-')),
        poolSize: 2,
        restartEveryPages: 1000,
        egress: browserEgress(policy),
      });
    });
    after(async () => {
      for (const browser of browsers) await browser.close();
      await browserPool?.close();
    });

    const onRealHost = (n: number) => page(n).replace(ORIGIN, `http://www.example-portal.mx:${mirror.port}`);

    function browserThrough(pool: ProxyPool): BrowserFetcher {
      const browser = new BrowserFetcher({
        pool: browserPool,
        mirrorUrl: null,
        hostPolicy: policy,
        timeoutMs: 10_000,
        maxResponseBytes: 20_000_000,
        challengeWaitMs: 2_000,
        warmUp: false,
        ...chainOptions(),
        proxies: { [SITE]: pool },
      });
      browsers.push(browser);
      return browser;
    }

    it('fetches through its proxy, one context per proxy, and moves to the other proxy after a block', async () => {
      const [a, b] = [await proxy({ user: 'browser', password: 'chromium-s3cret' }), await proxy()];
      const pool = new ProxyPool({ tiers: [[a.url, b.url]], restMs: 60_000 });
      const browser = browserThrough(pool);
      const fetched = await browser.fetch(onRealHost(1), { site: SITE });
      assert.equal(fetched.status, 200);
      assert.match(fetched.html, /<html/i);
      assert.deepEqual([a.pages, b.pages], [1, 0], 'the page went through the first proxy, with its password');

      mirror.setFaults(SITE, { status429: { count: 1 } });
      await assert.rejects(browser.fetch(onRealHost(2), { site: SITE }), RateLimitedError);
      assert.deepEqual([a.pages, b.pages], [2, 0]);
      assert.equal(pool.resting(a.url), true);
      assert.equal((await browser.fetch(onRealHost(2), { site: SITE })).status, 200);
      assert.deepEqual([a.pages, b.pages], [2, 1], 'the next page went through the other proxy');
      assert.ok(
        mirror.requestLog(SITE).every((entry) => entry.host.startsWith('www.example-portal.mx')),
        'every request reached the mirror as the portal',
      );
    });
  });
});
