import assert from 'node:assert/strict';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { gunzipSync } from 'node:zlib';
import { MirrorCatalog } from '../../../mirror/catalog';
import { factsAtEpoch, generateFacts, hash32, isRemoved } from '../../../mirror/facts';
import { clearanceToken } from '../../../mirror/faults';
import { startMirror, type MirrorServer } from '../../../mirror/server';
import { isChallengePage } from '../../../scrapers/page';
import { cardIds, examplePortal } from '../../support/example-portal';

const HOST = 'www.example-portal.mx';
const SEARCH = '/casas-venta.html';

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

/** A bare HTTP request (no generated headers, no decompression), so tests see exactly what the mirror sends. */
function request(
  server: MirrorServer,
  path: string,
  options: { host?: string | null; headers?: Record<string, string>; method?: string; body?: string } = {},
): Promise<RawAnswer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.host !== null) headers.host = options.host ?? HOST;
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${server.url}${path}`,
      { method: options.method ?? 'GET', headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const NAVIGATION = { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' };

describe('mirror catalogue', () => {
  const site = examplePortal({ pageSize: 4 });
  const catalog = (epoch = 0, pagesPerSearch = 3): MirrorCatalog =>
    new MirrorCatalog({ sites: [site], seed: 7, pagesPerSearch, epoch });

  it('allocates contiguous index ranges per search, the last page half full', () => {
    const c = catalog();
    // count = (3 - 1) * 4 + ceil(4 / 2) = 10
    assert.equal(c.listingsPerSearch('example'), 10);
    assert.deepEqual(
      c.expectedListings('example', '/casas-venta.html').map((f) => f.n),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    assert.deepEqual(
      c.expectedListings('example', '/departamentos-renta.html').map((f) => f.n),
      [10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
    );
    assert.deepEqual(
      [1, 2, 3].map((p) => c.page('example', SEARCH, p)?.items.length),
      [4, 4, 2],
    );
    assert.equal(c.totalPages('example', SEARCH), 3);
    assert.equal(c.page('example', SEARCH, 4), null, 'past the last page');
    assert.equal(c.page('example', '/otra-busqueda.html', 1), null, 'unknown search');
  });

  it('is deterministic, and the seed changes the facts', () => {
    const a = catalog().page('example', SEARCH, 2)!;
    const b = catalog().page('example', SEARCH, 2)!;
    assert.deepEqual(a, b);
    assert.equal(a.variant, hash32(`example:${SEARCH}:2`));
    assert.equal(a.searchUrl, `https://${HOST}${SEARCH}`);
    assert.deepEqual(a.items[0], generateFacts(7, 'example', 4));
    const other = new MirrorCatalog({ sites: [site], seed: 8, pagesPerSearch: 3 }).page('example', SEARCH, 2)!;
    assert.notDeepEqual(
      other.items.map((f) => f.title + f.price),
      a.items.map((f) => f.title + f.price),
    );
  });

  it('limits expectedListings to maxPages and concatenates searches in allExpected', () => {
    const c = catalog();
    assert.deepEqual(
      c.expectedListings('example', SEARCH, 2).map((f) => f.n),
      [0, 1, 2, 3, 4, 5, 6, 7],
    );
    assert.equal(c.allExpected('example').length, 20);
  });

  it('filters listings removed at the epoch before paging and applies price changes', () => {
    // Large enough that some listings are removed and some prices change (1 in 25, 1 in 20).
    const big = new MirrorCatalog({ sites: [site], seed: 7, pagesPerSearch: 100 });
    const before = big.expectedListings('example', SEARCH);
    big.setEpoch(1);
    const after = big.expectedListings('example', SEARCH);
    const removed = before.filter((f) => isRemoved(7, 'example', f.n, 1));
    assert.ok(removed.length > 0);
    assert.equal(after.length, before.length - removed.length);
    assert.ok(after.every((f) => !isRemoved(7, 'example', f.n, 1)));
    assert.deepEqual(
      after,
      after.map((f) => factsAtEpoch(7, 'example', f.n, 1)),
    );
    const changed = after.filter((f) => f.price !== generateFacts(7, 'example', f.n).price);
    assert.ok(changed.length > 0, 'some prices change at epoch 1');
    // Paging runs over the filtered list: page 2 starts with the 5th visible listing.
    assert.equal(big.page('example', SEARCH, 2)!.items[0].n, after[4].n);
    assert.equal(big.facts('example', removed[0].n), null);
    assert.deepEqual(big.facts('example', after[0].n), after[0]);
    assert.equal(big.facts('example', 10_000_000), null, 'never allocated');
  });
});

describe('mirror server', () => {
  let server: MirrorServer;
  const site = examplePortal();
  const mitulaLike = examplePortal({ site: 'mitula-like', host: 'casas.mitula.mx' });
  const lamudiLike = examplePortal({ site: 'lamudi-like', host: 'www.lamudi.com.mx' });

  before(async () => {
    server = await startMirror({ sites: [site, mitulaLike, lamudiLike], seed: 3, pagesPerSearch: 2 });
  });
  after(() => server.close());
  beforeEach(() => {
    server.clearFaults();
    server.resetLog();
    server.setEpoch(0);
  });

  it('listens on loopback and serves list pages routed by Host', async () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const page = await request(server, '/casas-venta-pagina-2.html');
    assert.equal(page.status, 200);
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
    const expected = server.catalog.page('example', SEARCH, 2)!;
    assert.deepEqual(
      cardIds(page.text),
      expected.items.map((f) => site.externalId(f.n)),
    );
    assert.equal(page.text, site.renderListPage(expected));
  });

  it('answers 404 past the last page and for unknown or removed detail ids', async () => {
    assert.equal((await request(server, '/casas-venta-pagina-3.html')).status, 404);
    assert.equal((await request(server, '/inmueble/1.html')).status, 404, 'an id this mirror never issued');
    assert.equal((await request(server, '/no-such-route')).status, 404);
    const detail = await request(server, `/inmueble/${site.externalId(0)}.html`);
    assert.equal(detail.status, 200);
    assert.match(detail.text, new RegExp(`data-id="${site.externalId(0)}"`));

    const big = await startMirror({ sites: [site], seed: 3, pagesPerSearch: 60 });
    try {
      big.setEpoch(1);
      const removed = Array.from({ length: 200 }, (_, n) => n).find((n) => isRemoved(3, 'example', n, 1))!;
      assert.equal((await request(big, `/inmueble/${site.externalId(removed)}.html`)).status, 404);
    } finally {
      await big.close();
    }
  });

  it('answers 421 for a Host it does not serve and redirects the bare domain to www', async () => {
    const unknown = await request(server, '/', { host: 'www.other.mx' });
    assert.equal(unknown.status, 421);
    const bare = await request(server, '/casas-venta.html?x=1', { host: 'example-portal.mx' });
    assert.equal(bare.status, 301);
    assert.equal(bare.headers.location, `https://${HOST}/casas-venta.html?x=1`);
  });

  it('serves robots.txt per site, with robotsDisallow rules added', async () => {
    assert.equal((await request(server, '/robots.txt')).text, site.robotsTxt);
    server.setFaults('example', { robotsDisallow: ['/casas-venta-pagina-2.html'] });
    const robots = await request(server, '/robots.txt');
    assert.match(robots.text, /User-agent: \*\nDisallow: \/casas-venta-pagina-2\.html/);
    assert.ok(robots.text.endsWith(site.robotsTxt));
  });

  it('gzips when the client accepts it', async () => {
    const plain = await request(server, SEARCH);
    const zipped = await request(server, SEARCH, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(zipped.body).toString('utf8'), plain.text);
  });

  it('declares no charset for Lamudi and requires browser headers on Mitula by default', async () => {
    const lamudi = await request(server, SEARCH, { host: 'www.lamudi.com.mx' });
    assert.equal(lamudi.headers['content-type'], 'text/html');
    assert.match(lamudi.text, /página 1/, 'UTF-8 bytes');

    const bare = await request(server, SEARCH, { host: 'casas.mitula.mx' });
    assert.equal(bare.status, 401);
    assert.match(bare.text, /Access Denied/);
    assert.equal(isChallengePage(bare.text), false);
    assert.equal((await request(server, SEARCH, { host: 'casas.mitula.mx', headers: NAVIGATION })).status, 200);
    server.setFaults('mitula-like', { requireBrowserHeaders: false });
    assert.equal((await request(server, SEARCH, { host: 'casas.mitula.mx' })).status, 200);
  });

  it('encodes pages in ISO-8859-1 when the charset switch says so', async () => {
    server.setFaults('example', { charset: 'iso-8859-1' });
    const page = await request(server, SEARCH);
    assert.equal(page.headers['content-type'], 'text/html; charset=iso-8859-1');
    const expected = site.renderListPage(server.catalog.page('example', SEARCH, 1)!).replace('—', '&#8212;');
    assert.equal(page.body.toString('latin1'), expected);
    assert.ok(page.body.includes(Buffer.from('p\xe1gina', 'latin1')), 'one byte per accented letter');
  });

  describe('fault switches', () => {
    it('status429 everyNth answers 429 with Retry-After on every Nth page request', async () => {
      server.setFaults('example', { status429: { everyNth: 2, retryAfterSeconds: 3 } });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const answer = await request(server, SEARCH);
        statuses.push(answer.status);
        if (answer.status === 429) assert.equal(answer.headers['retry-after'], '3');
      }
      assert.deepEqual(statuses, [200, 429, 200, 429]);
    });

    it('status429 count answers 429 to the first N requests only', async () => {
      server.setFaults('example', { status429: { count: 2 } });
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await request(server, SEARCH)).status);
      assert.deepEqual(statuses, [429, 429, 200]);
    });

    it('status503 burst answers 503 then recovers; status500Always never does', async () => {
      server.setFaults('example', { status503: { burst: 2, retryAfterSeconds: 1 } });
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await request(server, SEARCH)).status);
      assert.deepEqual(statuses, [503, 503, 200]);
      server.setFaults('example', { status500Always: true });
      for (let i = 0; i < 2; i++) assert.equal((await request(server, SEARCH)).status, 500);
    });

    it('slowMs delays page answers', async () => {
      server.setFaults('example', { slowMs: 150 });
      const started = performance.now();
      assert.equal((await request(server, SEARCH)).status, 200);
      assert.ok(performance.now() - started >= 150);
    });

    it('resetConnection destroys the socket of the first N requests', async () => {
      server.setFaults('example', { resetConnection: { count: 1 } });
      await assert.rejects(request(server, SEARCH), /socket hang up|ECONNRESET/);
      assert.equal((await request(server, SEARCH)).status, 200);
      assert.deepEqual(
        server.requestLog('example').map((e) => e.status),
        [0, 200],
      );
    });

    it('truncateHtml cuts the first N pages in the middle', async () => {
      const full = (await request(server, SEARCH)).text;
      server.setFaults('example', { truncateHtml: { count: 1 } });
      const cut = await request(server, SEARCH);
      assert.equal(cut.status, 200);
      assert.equal(cut.text, full.slice(0, Math.floor(full.length / 2)));
      assert.equal((await request(server, SEARCH)).text, full);
    });

    it('challenge serves a Cloudflare-like 403 page', async () => {
      server.setFaults('example', { challenge: true });
      const page = await request(server, SEARCH, { headers: NAVIGATION });
      assert.equal(page.status, 403);
      assert.equal(page.headers['cf-mitigated'], 'challenge');
      assert.match(page.text, /Just a moment/);
      assert.ok(isChallengePage(page.text));
    });

    it('challenge with clearance cookie lets through requests carrying the cookie the page sets', async () => {
      server.setFaults('example', { challenge: { clearanceCookie: true } });
      const first = await request(server, SEARCH);
      assert.equal(first.status, 403);
      const token = clearanceToken(HOST);
      assert.ok(first.text.includes(`cf_clearance=${token}`), 'the script sets the cookie');
      const second = await request(server, SEARCH, { headers: { cookie: `a=1; cf_clearance=${token}` } });
      assert.equal(second.status, 200);
      assert.equal((await request(server, SEARCH, { headers: { cookie: 'cf_clearance=forged' } })).status, 403);
    });

    it('changedMarkup renames the hooks parsers use', async () => {
      const normal = await request(server, SEARCH);
      assert.equal(cardIds(normal.text).length, 4);
      server.setFaults('example', { changedMarkup: true });
      const changed = await request(server, SEARCH);
      assert.equal(changed.status, 200);
      assert.deepEqual(cardIds(changed.text), []);
      assert.doesNotMatch(changed.text, /\sdata-id=|class="card|application\/ld\+json/);
      assert.match(changed.text, /<\/html>$/, 'still a whole page');
    });

    it('redirectOffDomain and redirectLoop answer 302s', async () => {
      server.setFaults('example', { redirectOffDomain: true });
      const off = await request(server, SEARCH);
      assert.equal(off.status, 302);
      assert.notEqual(new URL(off.headers.location!).hostname, HOST);
      server.setFaults('example', { redirectLoop: true });
      const first = await request(server, SEARCH);
      const second = await request(server, first.headers.location!);
      assert.equal(first.headers.location, `${SEARCH}?mirror-loop=1`);
      assert.equal(second.headers.location, SEARCH);
    });

    it('oversizeBytes pads pages past the limit; wrongContentType serves a PNG', async () => {
      server.setFaults('example', { oversizeBytes: 50_000 });
      const big = await request(server, SEARCH);
      assert.ok(big.body.length > 50_000);
      assert.match(big.text, /<\/html>$/);
      server.setFaults('example', { wrongContentType: true });
      const png = await request(server, SEARCH);
      assert.equal(png.headers['content-type'], 'image/png');
      assert.equal(png.body.subarray(1, 4).toString('latin1'), 'PNG');
    });

    it('robots.txt is exempt from page faults', async () => {
      server.setFaults('example', { status500Always: true, requireBrowserHeaders: true });
      assert.equal((await request(server, '/robots.txt')).status, 200);
    });

    it('rejects invalid switches', () => {
      assert.throws(() => server.setFaults('example', { status429: { retryAfterSeconds: 1 } }), /everyNth or count/);
      assert.throws(() => server.setFaults('example', { bogus: true } as never));
      assert.throws(() => server.setFaults('nope', {}), /no site "nope"/);
    });
  });

  describe('control API over HTTP', () => {
    it('sets, reads and clears faults', async () => {
      const set = await request(server, '/__mirror/faults/example', {
        host: null,
        method: 'POST',
        body: JSON.stringify({ status500Always: true }),
      });
      assert.equal(set.status, 200);
      assert.deepEqual(JSON.parse(set.text), { status500Always: true });
      assert.equal((await request(server, SEARCH)).status, 500);
      // The host works as well as the site key.
      const read = await request(server, `/__mirror/faults/${HOST}`, { host: null });
      assert.deepEqual(JSON.parse(read.text), { status500Always: true });
      assert.equal((await request(server, '/__mirror/faults/example', { host: null, method: 'DELETE' })).status, 200);
      assert.equal((await request(server, SEARCH)).status, 200);
    });

    it('reports bad requests', async () => {
      const bad = await request(server, '/__mirror/faults/example', {
        host: null,
        method: 'POST',
        body: '{"slowMs": -1}',
      });
      assert.equal(bad.status, 400);
      const notJson = await request(server, '/__mirror/faults/example', { host: null, method: 'POST', body: '{' });
      assert.equal(notJson.status, 400);
      const unknown = await request(server, '/__mirror/faults/nope', { host: null, method: 'POST', body: '{}' });
      assert.equal(unknown.status, 404);
    });

    it('serves and resets the request log, and sets the epoch', async () => {
      await request(server, SEARCH);
      await request(server, '/casas-venta-pagina-9.html');
      const log = JSON.parse((await request(server, '/__mirror/log?site=example', { host: null })).text) as Array<
        Record<string, unknown>
      >;
      assert.deepEqual(
        log.map(({ site: s, path, status }) => ({ s, path, status })),
        [
          { s: 'example', path: SEARCH, status: 200 },
          { s: 'example', path: '/casas-venta-pagina-9.html', status: 404 },
        ],
      );
      assert.ok(typeof log[0].time === 'number' && log[0].time <= (log[1].time as number));
      await request(server, '/__mirror/log', { host: null, method: 'DELETE' });
      assert.deepEqual(server.requestLog(), []);

      const epoch = await request(server, '/__mirror/epoch', { host: null, method: 'POST', body: '{"epoch": 2}' });
      assert.deepEqual(JSON.parse(epoch.text), { epoch: 2 });
      assert.equal(server.catalog.epoch, 2);
    });
  });
});
