import assert from 'node:assert/strict';
import type { GotScraping } from 'got-scraping' with { 'resolution-mode': 'import' };
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AccessDeniedError,
  ChallengePageError,
  ContentTypeError,
  FetchTimeoutError,
  HostPolicyError,
  NetworkError,
  NotFoundError,
  RateLimitedError,
  RedirectError,
  ResponseTooLargeError,
  RobotsDisallowedError,
  ServerError,
  TruncatedPageError,
} from '../../../../lib/errors';
import { HttpFetcher, withoutOptionsCheck, type HttpFetcherOptions } from '../../../../lib/fetch/http-fetcher';
import { startMirror, type MirrorServer } from '../../../../mirror/server';
import { loadPage } from '../../../../scrapers/page';
import { cardIds, examplePortal } from '../../../support/example-portal';
import { chainOptions, mirrorFetcherOptions } from './fetch-helpers';

const SITE = 'example';
const ORIGIN = 'https://www.example-portal.mx';
const PAGE = `${ORIGIN}/casas-venta.html`;

describe('HttpFetcher against the mirror', () => {
  let mirror: MirrorServer;
  const fetchers: HttpFetcher[] = [];
  const portal = examplePortal();
  const second = examplePortal({ site: 'second', host: 'www.second-portal.mx' });
  const lamudiLike = examplePortal({ site: 'lamudi-like', host: 'www.lamudi.com.mx' });

  function fetcher(overrides: Partial<HttpFetcherOptions> = {}): HttpFetcher {
    const created = new HttpFetcher(
      mirrorFetcherOptions(mirror.url, {
        allowedHosts: {
          example: 'www.example-portal.mx',
          second: 'www.second-portal.mx',
          'lamudi-like': 'www.lamudi.com.mx',
        },
        ...overrides,
      }),
    );
    fetchers.push(created);
    return created;
  }

  /** Page requests the mirror saw for a site (robots.txt left out). */
  const pageLog = (site = SITE) => mirror.requestLog(site).filter((entry) => entry.path !== '/robots.txt');

  before(async () => {
    mirror = await startMirror({ sites: [portal, second, lamudiLike], seed: 5, pagesPerSearch: 3 });
  });
  after(async () => {
    await Promise.all(fetchers.map((f) => f.close()));
    await mirror.close();
  });
  beforeEach(() => {
    mirror.clearFaults();
    mirror.resetLog();
  });

  it('fetches a page through the mirror, keeping the real URL', async () => {
    const page = await fetcher().fetch(PAGE, { site: SITE });
    const expected = portal.renderListPage(mirror.catalog.page(SITE, '/casas-venta.html', 1)!);
    assert.equal(page.url, PAGE);
    assert.equal(page.status, 200);
    assert.equal(page.html, expected);
    assert.equal(page.bytes, Buffer.byteLength(expected));
    assert.ok(page.latencyMs > 0);
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
    assert.deepEqual(
      pageLog().map((e) => [e.path, e.status]),
      [['/casas-venta.html', 200]],
    );
  });

  it('asks for gzip and decompresses it', async () => {
    const page = await fetcher().fetch(PAGE, { site: SITE });
    assert.equal(page.headers['content-encoding'], 'gzip');
    assert.match(page.html, /<\/html>$/);
    assert.equal(cardIds(page.html).length, 4);
  });

  it('decodes a latin1-declared page, and UTF-8 when no charset is declared', async () => {
    mirror.setFaults(SITE, { charset: 'iso-8859-1' });
    const latin1 = await fetcher().fetch(PAGE, { site: SITE });
    assert.equal(latin1.headers['content-type'], 'text/html; charset=iso-8859-1');
    assert.match(latin1.html, /página 1/);
    assert.match(latin1.html, /propiedades en México/);

    const lamudi = await fetcher().fetch('https://www.lamudi.com.mx/casas-venta.html', { site: 'lamudi-like' });
    assert.equal(lamudi.headers['content-type'], 'text/html');
    assert.match(lamudi.html, /página 1/);
  });

  describe('fault switches → typed errors', () => {
    it('status429 → RateLimitedError with retryAfterMs from Retry-After', async () => {
      mirror.setFaults(SITE, { status429: { count: 1, retryAfterSeconds: 2 } });
      const f = fetcher();
      await assert.rejects(f.fetch(PAGE, { site: SITE }), (error: unknown) => {
        assert.ok(error instanceof RateLimitedError);
        assert.equal(error.retryAfterMs, 2000);
        assert.equal(error.url, PAGE);
        return true;
      });
      assert.equal(
        (await f.fetch(PAGE, { site: SITE })).status,
        200,
        'no retry inside the fetcher: the next call succeeds',
      );
      assert.deepEqual(
        pageLog().map((e) => e.status),
        [429, 200],
      );
    });

    it('status503 burst → ServerError with status and retryAfterMs, then recovery', async () => {
      mirror.setFaults(SITE, { status503: { burst: 1, retryAfterSeconds: 1 } });
      const f = fetcher();
      await assert.rejects(
        f.fetch(PAGE, { site: SITE }),
        (error: unknown) =>
          error instanceof ServerError && error.status === 503 && error.retryAfterMs === 1000 && error.retryable,
      );
      assert.equal((await f.fetch(PAGE, { site: SITE })).status, 200);
    });

    it('status500Always → ServerError 500 without retryAfterMs', async () => {
      mirror.setFaults(SITE, { status500Always: true });
      await assert.rejects(
        fetcher().fetch(PAGE, { site: SITE }),
        (error: unknown) => error instanceof ServerError && error.status === 500 && error.retryAfterMs === undefined,
      );
    });

    it('slowMs past the timeout → FetchTimeoutError', async () => {
      mirror.setFaults(SITE, { slowMs: 2000 });
      await assert.rejects(fetcher({ timeoutMs: 150 }).fetch(PAGE, { site: SITE }), FetchTimeoutError);
    });

    it('resetConnection → NetworkError', async () => {
      mirror.setFaults(SITE, { resetConnection: { count: 1 } });
      await assert.rejects(fetcher().fetch(PAGE, { site: SITE }), NetworkError);
    });

    it('truncateHtml → the page arrives cut and loadPage refuses it as TruncatedPageError, retryable', async () => {
      mirror.setFaults(SITE, { truncateHtml: { count: 1 } });
      const page = await fetcher().fetch(PAGE, { site: SITE });
      assert.throws(
        () => loadPage(page.html, SITE, 'listing', page.url),
        (error: unknown) => error instanceof TruncatedPageError && error.retryable,
      );
    });

    it('challenge → ChallengePageError', async () => {
      mirror.setFaults(SITE, { challenge: true });
      await assert.rejects(fetcher().fetch(PAGE, { site: SITE }), ChallengePageError);
    });

    it('challenge with clearance cookie still stops a client that runs no script', async () => {
      mirror.setFaults(SITE, { challenge: { clearanceCookie: true } });
      await assert.rejects(fetcher().fetch(PAGE, { site: SITE }), ChallengePageError);
    });

    it('changedMarkup → a 200 page whose cards parsers no longer find', async () => {
      mirror.setFaults(SITE, { changedMarkup: true });
      const page = await fetcher().fetch(PAGE, { site: SITE });
      assert.equal(page.status, 200);
      assert.deepEqual(cardIds(page.html), []);
    });

    it('robotsDisallow → RobotsDisallowedError before any page request', async () => {
      mirror.setFaults(SITE, { robotsDisallow: ['/casas-venta'] });
      await assert.rejects(fetcher().fetch(PAGE, { site: SITE }), RobotsDisallowedError);
      assert.deepEqual(
        mirror.requestLog(SITE).map((e) => e.path),
        ['/robots.txt'],
      );
    });

    it('requireBrowserHeaders: got-scraping headers pass, a bare request gets 401', async () => {
      mirror.setFaults(SITE, { requireBrowserHeaders: true });
      assert.equal((await fetcher().fetch(PAGE, { site: SITE })).status, 200);
      const bare = await new Promise<number>((resolve, reject) => {
        http
          .get(
            `${mirror.url}/casas-venta.html`,
            { headers: { host: 'www.example-portal.mx' }, agent: false },
            (res) => {
              res.resume();
              resolve(res.statusCode ?? 0);
            },
          )
          .on('error', reject);
      });
      assert.equal(bare, 401);
    });

    it('oversizeBytes → ResponseTooLargeError, counted after decompression', async () => {
      mirror.setFaults(SITE, { oversizeBytes: 200_000 });
      await assert.rejects(fetcher({ maxResponseBytes: 100_000 }).fetch(PAGE, { site: SITE }), ResponseTooLargeError);
    });

    it('redirectOffDomain → HostPolicyError (off-domain, by the page) without following it', async () => {
      mirror.setFaults(SITE, { redirectOffDomain: true });
      await assert.rejects(
        fetcher().fetch(PAGE, { site: SITE }),
        (error: unknown) =>
          error instanceof HostPolicyError &&
          error.reason === 'off-domain' &&
          error.byPage &&
          /off its domain/.test(error.message),
      );
      assert.equal(pageLog().length, 1);
    });

    it('redirectLoop → RedirectError naming the loop', async () => {
      mirror.setFaults(SITE, { redirectLoop: true });
      await assert.rejects(
        fetcher().fetch(PAGE, { site: SITE }),
        (error: unknown) => error instanceof RedirectError && /loop/.test(error.message),
      );
      assert.equal(pageLog().length, 2);
    });

    it('wrongContentType → ContentTypeError', async () => {
      mirror.setFaults(SITE, { wrongContentType: true });
      await assert.rejects(fetcher().fetch(PAGE, { site: SITE }), ContentTypeError);
    });

    it('a page past the last → NotFoundError', async () => {
      await assert.rejects(
        fetcher().fetch(`${ORIGIN}/casas-venta-pagina-4.html`, { site: SITE }),
        (error: unknown) => error instanceof NotFoundError && error.status === 404,
      );
    });
  });

  describe('redirects within the site', () => {
    it('follows the bare domain to www (the same site) and reports the final URL', async () => {
      const page = await fetcher().fetch('https://example-portal.mx/casas-venta.html', { site: SITE });
      assert.equal(page.url, PAGE);
      assert.equal(page.status, 200);
    });

    it('stops past maxRedirects', async () => {
      await assert.rejects(
        fetcher({ maxRedirects: 0 }).fetch('https://example-portal.mx/casas-venta.html', { site: SITE }),
        (error: unknown) => error instanceof RedirectError && /more than 0 redirects/.test(error.message),
      );
    });
  });

  describe('robots.txt', () => {
    it('is fetched once per site however many pages are fetched', async () => {
      const f = fetcher();
      await Promise.all(
        [1, 2, 3].map((p) => f.fetch(`${ORIGIN}/casas-venta${p === 1 ? '' : `-pagina-${p}`}.html`, { site: SITE })),
      );
      await f.fetch(`${ORIGIN}/departamentos-renta.html`, { site: SITE });
      await f.fetch('https://www.second-portal.mx/casas-venta.html', { site: 'second' });
      await f.fetch('https://www.second-portal.mx/casas-venta-pagina-2.html', { site: 'second' });
      const robots = mirror
        .requestLog()
        .filter((e) => e.path === '/robots.txt')
        .map((e) => e.site);
      assert.deepEqual(robots, ['example', 'second']);
    });

    it('is never fetched when robots.respect is off', async () => {
      mirror.setFaults(SITE, { robotsDisallow: ['/'] });
      await fetcher({ robots: { respect: false, cacheDurationMs: 0 } }).fetch(PAGE, { site: SITE });
      assert.deepEqual(
        mirror.requestLog(SITE).map((e) => e.path),
        ['/casas-venta.html'],
      );
    });
  });

  describe('rate limit', () => {
    /** Most requests seen in any window [t, t + 1000 ms) starting at a request. */
    function maxPerSecond(times: number[]): number {
      return Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));
    }

    /** Fire `count` fetches of one page at once under a rate limit (robots.txt not asked) and return when the mirror saw each, in order. */
    async function arrivals(rateLimit: HttpFetcherOptions['rateLimit'], count: number): Promise<number[]> {
      const f = fetcher({ rateLimit, robots: { respect: false, cacheDurationMs: 0 } });
      await Promise.all(Array.from({ length: count }, () => f.fetch(PAGE, { site: SITE })));
      return pageLog()
        .map((e) => e.time)
        .sort((a, b) => a - b);
    }

    it('holds a burst then the per-minute rate, counted in the mirror log', async () => {
      // 240/min = one request per 250 ms after a burst of 3: in any second, at most 3 + 4.
      const times = await arrivals({ example: { requestsPerMinute: 240, burst: 3, minSpacingMs: 0 } }, 10);
      assert.equal(times.length, 10);
      assert.ok(times[2] - times[0] < 200, 'the burst goes at once, not 250 ms apart');
      assert.ok(maxPerSecond(times) <= 7, `max per second ${maxPerSecond(times)}`);
      // After the burst, 7 more requests need 7 intervals: the 10th starts ≥ 1750 ms after the first.
      // Spans and windows, not gaps between two arrivals: on a loaded machine one request can reach
      // the mirror late and the next on time, which says nothing about when the limiter let them go
      // (the limiter's own timing is tested with a fake clock in rate-limiter.test.ts).
      assert.ok(times[9] - times[0] >= 1700, `span ${times[9] - times[0]}`);
    });

    it('keeps the minimum spacing between requests to a site', async () => {
      const times = await arrivals({ example: { requestsPerMinute: 0, burst: 1, minSpacingMs: 200 } }, 4);
      assert.ok(times[3] - times[0] >= 580, `span ${times[3] - times[0]}`);
      assert.ok(maxPerSecond(times) <= 5);
    });

    it('an abort while waiting for a token sends nothing and rethrows the reason', async () => {
      const f = fetcher({
        rateLimit: { example: { requestsPerMinute: 0, burst: 1, minSpacingMs: 10_000 } },
        robots: { respect: false, cacheDurationMs: 0 },
      });
      await f.fetch(PAGE, { site: SITE });
      const controller = new AbortController();
      const pending = f.fetch(PAGE, { site: SITE, signal: controller.signal });
      const reason = new Error('activity cancelled');
      controller.abort(reason);
      await assert.rejects(pending, (error) => error === reason);
      assert.equal(pageLog().length, 1);
    });
  });
});

describe('HttpFetcher headers and access denial', () => {
  let server: http.Server;
  let base: string;
  const seen: http.IncomingHttpHeaders[] = [];
  let answer: { status: number; body: string; location?: string } = {
    status: 200,
    body: '<html><body>ok</body></html>',
  };
  const fetchers: HttpFetcher[] = [];

  function fetcher(userAgents: HttpFetcherOptions['userAgents'], requestsPerSession?: number): HttpFetcher {
    const created = new HttpFetcher({
      mirrorUrl: base,
      timeoutMs: 5000,
      maxResponseBytes: 100_000,
      userAgents,
      requestsPerSession,
      ...chainOptions({ maxRedirects: 3, robots: { respect: false, cacheDurationMs: 0 } }),
      allowedHosts: { mitula: 'casas.mitula.mx' },
    });
    fetchers.push(created);
    return created;
  }

  before(async () => {
    server = http.createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(answer.status, {
        'content-type': 'text/html; charset=utf-8',
        ...(answer.location ? { location: answer.location } : {}),
      });
      res.end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await Promise.all(fetchers.map((f) => f.close()));
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    seen.length = 0;
    answer = { status: 200, body: '<html><body>ok</body></html>' };
  });

  it('sends generated browser navigation headers, stable within a session, with the real Host', async () => {
    const f = fetcher({ rotate: false, customAgents: [] });
    await f.fetch('https://casas.mitula.mx/casas/zapopan', { site: 'mitula' });
    await f.fetch('https://casas.mitula.mx/casas/zapopan?page=2', { site: 'mitula' });
    assert.equal(seen[0].host, 'casas.mitula.mx');
    assert.equal(seen[0]['sec-fetch-mode'], 'navigate');
    assert.equal(seen[0]['sec-fetch-dest'], 'document');
    assert.match(String(seen[0]['user-agent']), /^Mozilla\/5\.0/);
    assert.match(String(seen[0]['accept-language']), /^es/);
    assert.equal(seen[1]['user-agent'], seen[0]['user-agent']);
    assert.equal(seen[0].connection, 'keep-alive');
  });

  it('rotates custom user agents per session and drops contradicting client hints', async () => {
    const f = fetcher({ rotate: true, customAgents: ['AgentA/1.0', 'AgentB/2.0'] }, 2);
    for (let i = 0; i < 5; i++) await f.fetch(`https://casas.mitula.mx/p${i}`, { site: 'mitula' });
    assert.deepEqual(
      seen.map((h) => h['user-agent']),
      ['AgentA/1.0', 'AgentA/1.0', 'AgentB/2.0', 'AgentB/2.0', 'AgentA/1.0'],
    );
    assert.ok(seen.every((h) => h['sec-ch-ua'] === undefined));
  });

  it('401 without a challenge page → AccessDeniedError saying why', async () => {
    answer = { status: 401, body: '<html><head><title>Access Denied</title></head><body>Access Denied</body></html>' };
    await assert.rejects(
      fetcher({ rotate: false, customAgents: [] }).fetch('https://casas.mitula.mx/casas', { site: 'mitula' }),
      (error: unknown) => {
        assert.ok(error instanceof AccessDeniedError);
        assert.equal(error.status, 401);
        assert.equal(
          error.message,
          'casas.mitula.mx answered 401 Access Denied: the site requires browser navigation headers',
        );
        return true;
      },
    );
  });

  it("holds a redirect to the site's domain", async () => {
    answer = { status: 301, body: '', location: 'https://www.lamudi.com.mx/x' };
    await assert.rejects(
      fetcher({ rotate: false, customAgents: [] }).fetch('https://casas.mitula.mx/casas', { site: 'mitula' }),
      (error: unknown) => {
        // Refused by the host policy: recorded as the policy's refusal (error_type HostPolicyError), the page's own doing.
        assert.ok(error instanceof HostPolicyError, String(error));
        assert.equal(error.reason, 'off-domain');
        assert.equal(error.byPage, true);
        assert.equal(
          error.message,
          'casas.mitula.mx redirected off its domain to https://www.lamudi.com.mx/x, refused by the host policy: host www.lamudi.com.mx is not on the domain of site mitula (mitula.mx, from base_url https://casas.mitula.mx)',
        );
        return true;
      },
    );
    assert.equal(seen.length, 1, 'the hop is never requested');
  });
});

describe("withoutOptionsCheck (got-scraping's per-request check of its options)", () => {
  let server: http.Server;
  let url: string;

  before(async () => {
    server = http.createServer((_req, res) => res.end('<html><body>ok</body></html>'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  /** got-scraping's check rejects a session token that is not an object, before any request. */
  function rejection(client: GotScraping): Promise<string> {
    return client(url, { sessionToken: 'not an object' as unknown as object }).then(
      () => 'answered',
      (error: Error) => error.message,
    );
  }

  it('takes the check out of the client it is given, and only out of that one', async () => {
    const { gotScraping, hooks } = await import('got-scraping');
    const checked = gotScraping.extend({ mutableDefaults: true });
    const unchecked = withoutOptionsCheck(
      hooks.optionsValidationHandler,
      gotScraping.extend({ mutableDefaults: true }),
    );
    assert.match(await rejection(checked), /Expected property `sessionToken` to be of type `object`/);
    assert.doesNotMatch(await rejection(unchecked), /Expected property/);
    assert.match(
      await rejection(gotScraping),
      /Expected property `sessionToken`/,
      'got-scraping itself keeps its check',
    );
  });
});
