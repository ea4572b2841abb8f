/**
 * The http fetcher under the host policy, against real local servers: page-derived URLs that point
 * at this machine, a private address, a look-alike domain or a name that resolves to 10.0.0.1 are
 * refused before anything is sent — through the mirror, where the mirror's request log shows
 * nothing, and on the real network path, where the address is checked on the socket and a canary
 * server on the refused address counts the connections it gets (none).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HostPolicyError } from '../../../../lib/errors';
import { HttpFetcher, type HttpFetcherOptions } from '../../../../lib/fetch/http-fetcher';
import { HostPolicy } from '../../../../lib/security/host-policy';
import { startMirror, type MirrorServer } from '../../../../mirror/server';
import { chainOptions } from './fetch-helpers';

const SITE = 'lamudi';
const HOST = 'www.lamudi.com.mx';

function options(overrides: Partial<HttpFetcherOptions>): HttpFetcherOptions {
  return {
    timeoutMs: 5000,
    maxResponseBytes: 5_000_000,
    userAgents: { rotate: false, customAgents: [] },
    ...chainOptions(),
    ...overrides,
  };
}

/** A server that counts the connections it accepts and the requests it answers. */
async function canaryOn(address: string): Promise<{ server: http.Server; port: number; connections: () => number }> {
  let connections = 0;
  const server = http.createServer((_req, res) => res.end('canary'));
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  return { server, port: (server.address() as AddressInfo).port, connections: () => connections };
}

async function stop(server: http.Server | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

describe('HttpFetcher and the host policy, through the mirror', () => {
  let mirror: MirrorServer;
  let fetcher: HttpFetcher;
  let canary: Awaited<ReturnType<typeof canaryOn>>;

  before(async () => {
    mirror = await startMirror({ pagesPerSearch: 2 });
    canary = await canaryOn('127.0.0.1');
    // The resolver override: one name on the site's domain maps to a private address; every other
    // name is left to the mirror, which stands in for DNS (there is no outside network here).
    const hostPolicy = new HostPolicy({
      sites: [{ key: SITE, baseUrl: `https://${HOST}` }],
      resolve: (host) => (host === 'interno.lamudi.com.mx' ? ['10.0.0.1'] : undefined),
    });
    fetcher = new HttpFetcher(options({ mirrorUrl: mirror.url, hostPolicy }));
  });
  after(async () => {
    await fetcher?.close();
    await mirror?.close();
    await stop(canary?.server);
  });
  beforeEach(() => {
    mirror.clearFaults();
    mirror.resetLog();
  });

  it("the site's own pages come through the mirror without DNS", async () => {
    const search = mirror.catalog.searches(SITE)[0];
    const url = mirror.catalog.site(SITE).listPageUrl(search, 1);
    assert.equal((await fetcher.fetch(url, { site: SITE })).status, 200);
  });

  it('refuses hostile next-page URLs with the reason, sending nothing', async () => {
    const cases: Array<[string, HostPolicyError['reason'], RegExp]> = [
      [
        `http://127.0.0.1:${canary.port}/jalisco/?page=2`,
        'ip-literal',
        /host 127\.0\.0\.1 is a loopback address \(this machine\)/,
      ],
      ['http://10.0.0.1/jalisco/?page=2', 'ip-literal', /host 10\.0\.0\.1 is a private network address/],
      [
        'https://www.lamudi.com.mx.evil.mx/jalisco/?page=2',
        'off-domain',
        /host www\.lamudi\.com\.mx\.evil\.mx is not on the domain of site lamudi/,
      ],
      ['https://lamudi-mx.com/jalisco/?page=2', 'off-domain', /host lamudi-mx\.com is not on the domain/],
      [
        'https://interno.lamudi.com.mx/jalisco/?page=2',
        'non-public-address',
        /interno\.lamudi\.com\.mx resolves to 10\.0\.0\.1, which is a private network address/,
      ],
      ['ftp://www.lamudi.com.mx/jalisco/', 'scheme', /only http and https URLs are allowed, not "ftp:"/],
    ];
    for (const [url, reason, message] of cases) {
      await assert.rejects(fetcher.fetch(url, { site: SITE }), (error: unknown) => {
        assert.ok(error instanceof HostPolicyError, `${url}: ${String(error)}`);
        assert.equal(error.reason, reason, url);
        assert.equal(error.retryable, false);
        assert.match(error.message, message);
        return true;
      });
    }
    assert.deepEqual(mirror.requestLog(), [], 'not even robots.txt was asked for');
    assert.equal(canary.connections(), 0);
  });

  it('refuses a redirect hop the policy refuses, and never asks for it', async () => {
    const search = mirror.catalog.searches(SITE)[0];
    const url = mirror.catalog.site(SITE).listPageUrl(search, 1);
    mirror.setFaults(SITE, { redirectOffDomain: true });
    await assert.rejects(
      fetcher.fetch(url, { site: SITE }),
      (error: unknown) =>
        error instanceof HostPolicyError &&
        error.reason === 'off-domain' &&
        /redirected off its domain to https:\/\/login\.portal-sso\.example/.test(error.message),
    );
    assert.deepEqual(
      mirror.requestLog().filter((entry) => entry.site === null),
      [],
    );
  });
});

describe('HttpFetcher and the host policy, on the network path (no mirror)', () => {
  let portal: http.Server;
  let portalPort: number;
  let canary: Awaited<ReturnType<typeof canaryOn>>;
  let answer: { status: number; location?: string } = { status: 200 };
  const fetchers: HttpFetcher[] = [];

  /** www.lamudi.com.mx is the portal server on 127.0.0.1 (trusted for the test, on its port only); other names as listed. */
  function fetcher(names: Record<string, () => string[]>): HttpFetcher {
    const hostPolicy = new HostPolicy({
      sites: [{ key: SITE, baseUrl: `https://${HOST}` }],
      resolve: (host) => (({ [HOST]: () => ['127.0.0.1'], ...names }) as Record<string, () => string[]>)[host]?.(),
      trustedAddresses: [`127.0.0.1:${portalPort}`],
    });
    const created = new HttpFetcher(
      options({ mirrorUrl: null, hostPolicy, robots: { respect: false, cacheDurationMs: 0 } }),
    );
    fetchers.push(created);
    return created;
  }

  before(async () => {
    portal = http.createServer((_req, res) => {
      res.writeHead(answer.status, {
        'content-type': 'text/html; charset=utf-8',
        ...(answer.location ? { location: answer.location } : {}),
      });
      res.end('<!DOCTYPE html><html><body>portal</body></html>');
    });
    await new Promise<void>((resolve) => portal.listen(0, '127.0.0.1', resolve));
    portalPort = (portal.address() as AddressInfo).port;
    canary = await canaryOn('127.0.0.2');
  });
  after(async () => {
    await Promise.all(fetchers.map((f) => f.close()));
    await stop(portal);
    await stop(canary?.server);
  });
  beforeEach(() => {
    answer = { status: 200 };
  });

  it('connects where the checked lookup says: the portal on a trusted address answers', async () => {
    const page = await fetcher({}).fetch(`http://${HOST}:${portalPort}/jalisco/`, { site: SITE });
    assert.match(page.html, /portal/);
  });

  it("trusts the portal's address on the portal's port only: the same name on another port of that address is refused on the socket", async () => {
    const neighbour = await canaryOn('127.0.0.1');
    try {
      await assert.rejects(
        fetcher({}).fetch(`http://${HOST}:${neighbour.port}/x`, { site: SITE }),
        (error: unknown) => {
          assert.ok(error instanceof HostPolicyError, String(error));
          assert.equal(error.reason, 'non-public-address');
          assert.match(error.message, /www\.lamudi\.com\.mx resolves to 127\.0\.0\.1, which is a loopback address/);
          return true;
        },
      );
      assert.equal(neighbour.connections(), 0);
    } finally {
      await stop(neighbour.server);
    }
  });

  it('refuses on the socket a name that resolves to a non-public address', async () => {
    // No check is made ahead of the socket (whose DNS answer could differ, as in DNS rebinding):
    // the connection's own lookup is the check, and the socket connects only to what it checked.
    const f = fetcher({ 'rebind.lamudi.com.mx': () => ['127.0.0.2'] });
    await assert.rejects(f.fetch(`http://rebind.lamudi.com.mx:${canary.port}/x`, { site: SITE }), (error: unknown) => {
      assert.ok(error instanceof HostPolicyError, String(error));
      assert.equal(error.reason, 'non-public-address');
      assert.equal(
        error.message,
        `http://rebind.lamudi.com.mx:${canary.port}/x refused: rebind.lamudi.com.mx resolves to 127.0.0.2, which is a loopback address (this machine): only public addresses may be fetched`,
      );
      return true;
    });
    assert.equal(canary.connections(), 0);
  });

  it('a redirect to an on-domain name that resolves to the canary is refused on its socket', async () => {
    answer = { status: 302, location: `http://interno.lamudi.com.mx:${canary.port}/admin` };
    const f = fetcher({ 'interno.lamudi.com.mx': () => ['127.0.0.2'] });
    await assert.rejects(
      f.fetch(`http://${HOST}:${portalPort}/jalisco/`, { site: SITE }),
      (error: unknown) =>
        error instanceof HostPolicyError && /interno\.lamudi\.com\.mx resolves to 127\.0\.0\.2/.test(error.message),
    );
    assert.equal(canary.connections(), 0);
  });
});
