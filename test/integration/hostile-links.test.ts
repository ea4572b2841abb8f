/**
 * Hostile pages through a whole batch (real dev server, in-process workers, the local mirror).
 *
 * Not in mirror mode: the mirror plays the portals as real hosts. Start URLs are
 * http://www.lamudi.com.mx:<mirror port>/… and http://www.inmuebles24.com:<mirror port>/…, the
 * workers' resolver override maps those names to 127.0.0.1, and only that address on the mirror's
 * port is trusted. Every request therefore goes where its URL says, through the real fetchers'
 * sockets (the http fetcher's, the browser's egress proxy), so a hostile link that slipped through
 * the host policy WOULD reach the canary: a server on 127.0.0.1 that counts every connection.
 *
 * The mirror's fault switches make Lamudi's results pages point their next page at the canary
 * (127.0.0.1), at a private address (10.0.0.1), at look-alike domains (www.lamudi.com.mx.evil.mx,
 * lamudi-mx.com), at a name on Lamudi's own domain that resolves to 10.0.0.1, and at Lamudi's own
 * host on the canary's port; two listings' JSON-LD URLs point off the domain (a look-alike, and the
 * canary); the other listings' URLs point at the mirror as the real host; and Inmuebles24's
 * challenge page sends the browser to the canary. Each hostile URL is refused with its reason in
 * the pages table; the mirror's request log and the canary prove nothing was fetched; Lamudi
 * completes with its good pages and detail pages, and Inmuebles24, whose own page tried to take
 * the browser elsewhere, fails with the reason.
 */
import { strict as assert } from 'node:assert';
import http from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { startBatch } from '../../client/batch-client';
import type { AppConfig } from '../../lib/config/types';
import { findChromium } from '../../lib/fetch/browser-pool';
import { getSiteMetrics } from '../../lib/metrics/site-metrics';
import { getTasks } from '../../lib/store/batches';
import { openDatabase, type Db } from '../../lib/store/database';
import { policyRefusals } from '../../lib/store/pages';
import { startMirror, type MirrorServer } from '../../mirror/server';
import type { BatchResult } from '../../lib/contract/payloads';
import { installRuntime } from '../../workers/runtime';
import { createWorkers, type OrchestratorWorkers } from '../../workers/worker';
import { TEST_TEMPORAL_ADDRESS, testServer } from '../support/temporal-server';
import { testConfig } from '../support/test-config';

const LAMUDI = 'lamudi';
const INMUEBLES24 = 'inmuebles24';
/** The name on Lamudi's own domain that the workers' resolver override maps to a private address. */
const INTERNAL_NAME = 'interno.lamudi.com.mx';
const SEARCHES = [
  '/jalisco/zapopan/casa/for-sale/',
  '/jalisco/guadalajara/departamento/for-rent/',
  '/jalisco/zapopan/terreno/for-sale/',
  '/nuevo-leon/monterrey/casa/for-sale/',
  '/queretaro/queretaro/casa/for-rent/',
  '/nuevo-leon/monterrey/departamento/for-rent/',
];
/** The portals' real names, which the resolver override maps to the mirror's address. */
const PORTAL_HOSTS = ['www.lamudi.com.mx', 'www.inmuebles24.com'];

describe('hostile links and navigations through a whole batch (real dev server, local mirror)', function () {
  this.timeout(300_000);
  const chromium = findChromium();
  const sites = chromium ? [LAMUDI, INMUEBLES24] : [LAMUDI];
  let mirror: MirrorServer;
  let canary: http.Server;
  let canaryConnections = 0;
  /** A portal URL as the mirror renders it (https://www.lamudi.com.mx/…) → the mirror as that real host (http://www.lamudi.com.mx:<port>/…). */
  let onMirror: (url: string) => string;
  let config: AppConfig;
  let workers: OrchestratorWorkers;
  let running: Promise<void>;
  let nativeConnection: NativeConnection;
  let connection: Connection;
  let db: Db;
  let result: BatchResult;
  const batchId = `it-hostile-${Date.now().toString(36)}`;
  /** Each hostile next-page URL, by the search whose page 1 links to it, and the reason its refusal must give. */
  let nextPages: Array<{ search: string; url: string; reason: RegExp }>;
  let details: Array<{ original: string; url: string; reason: RegExp }>;
  let challengeTarget: string;

  before(async function () {
    await testServer();
    canary = http.createServer((_req, res) => res.end('canary'));
    canary.on('connection', () => canaryConnections++);
    await new Promise<void>((resolve) => canary.listen(0, '127.0.0.1', resolve));
    const canaryPort = (canary.address() as AddressInfo).port;
    const canaryOrigin = `http://127.0.0.1:${canaryPort}`;

    mirror = await startMirror({
      pagesPerSearch: 2,
      searches: { [LAMUDI]: SEARCHES, [INMUEBLES24]: ['/casas-en-venta-en-zapopan.html'] },
    });
    onMirror = (url) => {
      const parsed = new URL(url);
      return `http://${parsed.hostname}:${mirror.port}${parsed.pathname}${parsed.search}`;
    };
    const lamudi = mirror.catalog.site(LAMUDI);
    const page2 = (search: string) => lamudi.listPageUrl(search, 2);
    const pathOf = (search: string) => new URL(page2(search)).pathname + new URL(page2(search)).search;
    nextPages = [
      {
        search: SEARCHES[0],
        url: `${canaryOrigin}${pathOf(SEARCHES[0])}`,
        reason: /host 127\.0\.0\.1 is a loopback address \(this machine\); URLs must name a host on lamudi\.com\.mx/,
      },
      {
        search: SEARCHES[1],
        url: `http://10.0.0.1${pathOf(SEARCHES[1])}`,
        reason: /host 10\.0\.0\.1 is a private network address; URLs must name a host on lamudi\.com\.mx/,
      },
      {
        search: SEARCHES[2],
        url: `https://www.lamudi.com.mx.evil.mx${pathOf(SEARCHES[2])}`,
        reason: /host www\.lamudi\.com\.mx\.evil\.mx is not on the domain of site lamudi \(lamudi\.com\.mx/,
      },
      {
        search: SEARCHES[3],
        url: `https://lamudi-mx.com${pathOf(SEARCHES[3])}`,
        reason: /host lamudi-mx\.com is not on the domain of site lamudi/,
      },
      // Refused on the socket: robots.txt, asked first, is where the address is found out, and named.
      {
        search: SEARCHES[4],
        url: `https://${INTERNAL_NAME}${pathOf(SEARCHES[4])}`,
        reason:
          /^https:\/\/interno\.lamudi\.com\.mx\/robots\.txt refused: interno\.lamudi\.com\.mx resolves to 10\.0\.0\.1, which is a private network address/,
      },
      // Lamudi's own name, on the canary's port: the mirror's address is trusted on the mirror's port only.
      {
        search: SEARCHES[5],
        url: `http://www.lamudi.com.mx:${canaryPort}${pathOf(SEARCHES[5])}`,
        reason: /refused: www\.lamudi\.com\.mx resolves to 127\.0\.0\.1, which is a loopback address \(this machine\)/,
      },
    ];
    // Two listings of the first search: their URL (card link and JSON-LD item) points off the domain.
    const items = mirror.catalog.page(LAMUDI, SEARCHES[0], 1)!.items;
    const originals = [lamudi.detailUrl!(items[0]), lamudi.detailUrl!(items[1])];
    details = [
      {
        original: originals[0],
        url: originals[0].replace('://www.lamudi.com.mx/', '://www.lamudi.com.mx.evil.mx/'),
        reason: /host www\.lamudi\.com\.mx\.evil\.mx is not on the domain of site lamudi/,
      },
      {
        original: originals[1],
        url: `${canaryOrigin}${new URL(originals[1]).pathname}`,
        reason: /host 127\.0\.0\.1 is a loopback address/,
      },
    ];
    // Every other listing of the first pages points at the mirror as the real host, so its detail page is fetched.
    const goodDetails = SEARCHES.flatMap((search) =>
      mirror.catalog.page(LAMUDI, search, 1)!.items.map((facts) => lamudi.detailUrl!(facts)),
    ).filter((url) => !originals.includes(url));
    mirror.setFaults(LAMUDI, {
      rewriteUrls: [
        ...nextPages.map((next) => ({ from: page2(next.search), to: next.url })),
        ...details.map((detail) => ({ from: detail.original, to: detail.url })),
        ...goodDetails.map((url) => ({ from: url, to: onMirror(url) })),
      ],
    });
    challengeTarget = `${canaryOrigin}/cdn-cgi/l/chk_jschl`;
    mirror.setFaults(INMUEBLES24, { challenge: { navigateTo: challengeTarget } });

    // No mirror mode: requests go where their URL says.
    const base = testConfig({ taskQueue: `test-hostile-${Date.now()}`, mirrorUrl: null, sites });
    const urlsDir = join(dirname(base.storage.database), 'urls');
    mkdirSync(urlsDir, { recursive: true });
    writeFileSync(
      join(urlsDir, `${LAMUDI}.csv`),
      ['url,max_pages', ...SEARCHES.map((search) => `${onMirror(lamudi.listPageUrl(search, 1))},2`)].join('\n') + '\n',
    );
    writeFileSync(
      join(urlsDir, `${INMUEBLES24}.csv`),
      `url,max_pages\n${onMirror(mirror.catalog.site(INMUEBLES24).listPageUrl('/casas-en-venta-en-zapopan.html', 1))},1\n`,
    );
    config = { ...base, storage: { ...base.storage, urlsDir } };

    installRuntime(config);
    nativeConnection = await NativeConnection.connect({ address: TEST_TEMPORAL_ADDRESS });
    workers = await createWorkers(config, {
      connection: nativeConnection,
      liftRateLimits: true,
      // The portals' names resolve to the mirror's address, trusted on the mirror's port alone;
      // this one name resolves to a private address, as a hostile DNS record would. (The URL rules
      // refuse every other name a hostile link carries before anything is resolved.)
      resolveHost: (host) =>
        PORTAL_HOSTS.includes(host) ? ['127.0.0.1'] : host === INTERNAL_NAME ? ['10.0.0.1'] : undefined,
      trustedAddresses: [`127.0.0.1:${mirror.port}`],
    });
    running = workers.run();
    connection = await Connection.connect({ address: TEST_TEMPORAL_ADDRESS });
    const client = new Client({ connection, namespace: config.temporal.namespace });
    result = await (await startBatch(client, config, { sites }, `batch-${batchId}`)).result();
    db = await openDatabase(config.storage.database);
  });
  after(async () => {
    await db?.destroy();
    workers?.shutdown();
    await running;
    await nativeConnection?.close();
    await connection?.close();
    await mirror?.close();
    canary?.closeAllConnections();
    await new Promise((resolve) => canary?.close(resolve));
  });

  it('Lamudi completes with its good pages; the hostile links cost it nothing else', async () => {
    const lamudi = result.sites.find((site) => site.site === LAMUDI)!;
    assert.equal(lamudi.state, 'completed', JSON.stringify(result.sites));
    assert.equal(lamudi.pages, 2 * SEARCHES.length, 'the first pages, and as many refused next pages');
    assert.equal(lamudi.skippedPages, SEARCHES.length);
    const ok = await db
      .selectFrom('pages')
      .select((eb) => eb.fn.count<number>('url').distinct().as('n'))
      .where('batch_id', '=', batchId)
      .where('site', '=', LAMUDI)
      .where('kind', '=', 'listing')
      .where('error_type', 'is', null)
      .executeTakeFirstOrThrow();
    assert.equal(ok.n, SEARCHES.length);
    const listings = await db
      .selectFrom('listings')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('site', '=', LAMUDI)
      .executeTakeFirstOrThrow();
    assert.ok(listings.n > 0);
    // What `orchestrator report` shows: the refused pages among the site's failed pages.
    assert.equal((await getSiteMetrics(db, batchId)).find((m) => m.site === LAMUDI)!.pagesFailed, nextPages.length);
  });

  it('every hostile next page is refused with its reason in the pages table, never fetched', async () => {
    const refusals = (await policyRefusals(db, batchId)).filter((row) => row.site === LAMUDI && row.kind === 'listing');
    assert.deepEqual(refusals.map((row) => row.url).sort(), nextPages.map((next) => next.url).sort());
    for (const next of nextPages) {
      const row = refusals.find((refusal) => refusal.url === next.url)!;
      assert.equal(row.errorType, 'HostPolicyError');
      assert.match(row.reason, next.reason, next.url);
      const fetched = await db
        .selectFrom('pages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('batch_id', '=', batchId)
        .where('url', '=', next.url)
        .where('status_code', 'is not', null)
        .executeTakeFirstOrThrow();
      assert.equal(fetched.n, 0, `${next.url} has an answer recorded`);
    }
  });

  it('the other detail pages are fetched from the mirror as the real host', async () => {
    const entries = await db
      .selectFrom('detail_queue')
      .select(['url', 'state', 'error'])
      .where('batch_id', '=', batchId)
      .where('site', '=', LAMUDI)
      .execute();
    const good = entries.filter((entry) => !details.some((detail) => detail.url === entry.url));
    assert.ok(good.length > 20, `${good.length} good detail pages`);
    for (const entry of good) {
      assert.ok(entry.url.startsWith(`http://www.lamudi.com.mx:${mirror.port}/`), entry.url);
      assert.equal(entry.state, 'done', `${entry.url}: ${entry.error}`);
    }
  });

  it('the JSON-LD detail URLs off the domain are refused when the detail queue reaches them', async () => {
    for (const detail of details) {
      const entry = await db
        .selectFrom('detail_queue')
        .select(['state', 'error'])
        .where('batch_id', '=', batchId)
        .where('url', '=', detail.url)
        .executeTakeFirst();
      assert.ok(entry, `${detail.url} was queued`);
      assert.equal(entry.state, 'skipped');
      assert.match(String(entry.error), detail.reason);
      const row = (await policyRefusals(db, batchId)).find(
        (refusal) => refusal.kind === 'detail' && refusal.url === detail.url,
      );
      assert.ok(row, `${detail.url} has its row in the pages table`);
      assert.match(row.reason, detail.reason);
    }
  });

  it("Inmuebles24's challenge page that navigates the browser away: aborted, the page failed with the reason", async function () {
    if (!chromium) {
      console.log(`      (skipped: Chromium not found at ${process.env.CHROMIUM_PATH || '/usr/bin/chromium'})`);
      this.skip();
    }
    const inmuebles24 = result.sites.find((site) => site.site === INMUEBLES24)!;
    assert.equal(inmuebles24.state, 'failed');
    const [row] = await db
      .selectFrom('pages')
      .select(['url', 'error_type as errorType', 'error'])
      .where('batch_id', '=', batchId)
      .where('site', '=', INMUEBLES24)
      .execute();
    assert.equal(row.errorType, 'HostPolicyError');
    assert.match(
      String(row.error),
      new RegExp(
        `navigated to ${challengeTarget.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} refused: host 127\\.0\\.0\\.1 is a loopback address`,
      ),
    );
    const task = (await getTasks(db, batchId)).find((t) => t.site === INMUEBLES24 && t.kind === 'main')!;
    assert.match(String(task.lastError), /navigated to .* refused/);
    assert.equal(result.status, 'completed_with_errors');
  });

  it("nothing was fetched: no request for another host in the mirror's log, none for the hidden pages, no connection to the canary", () => {
    assert.deepEqual(
      mirror
        .requestLog()
        .filter((entry) => entry.site === null)
        .map((entry) => `${entry.host}${entry.path}`),
      [],
    );
    const hidden = new Set(
      [
        ...nextPages.map((next) => new URL(mirror.catalog.site(LAMUDI).listPageUrl(next.search, 2))),
        ...details.map((detail) => new URL(detail.original)),
      ].map((url) => url.pathname + url.search),
    );
    assert.deepEqual(
      mirror.requestLog(LAMUDI).filter((entry) => hidden.has(entry.path)),
      [],
      'the pages the links replaced were never asked for',
    );
    assert.equal(canaryConnections, 0);
  });
});
