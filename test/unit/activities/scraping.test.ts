/**
 * The scraping activities' failure rules, run in Temporal's mock activity context against a real
 * SQLite database:
 * - in a window of detail pages, a page that fails for good when fetched (a challenge that does not
 *   clear, access denied, a redirect the host policy refuses) finishes its entry as failed; only a
 *   retryable failure fails the window, and the retried attempt does not fetch the finished pages again;
 * - a start URL the host policy refuses at run time (its host resolves to a private address), or
 *   that robots.txt disallows, fails the site with the reason instead of "completing" with no page.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../../activities';
import type { ActivityDeps } from '../../../activities/deps';
import type { AppConfig } from '../../../lib/config/types';
import {
  AccessDeniedError,
  ChallengePageError,
  HostPolicyError,
  NotFoundError,
  ServerError,
} from '../../../lib/errors';
import type { FetchedPage, PageFetcher } from '../../../lib/fetch/fetcher';
import { HttpFetcher } from '../../../lib/fetch/http-fetcher';
import { emptyRecord, type ListingRecord } from '../../../lib/record/listing-record';
import { HostPolicy } from '../../../lib/security/host-policy';
import { createBatch, getTasks, getTransitions, taskId, transitionTask } from '../../../lib/store/batches';
import { openDatabase, type Db } from '../../../lib/store/database';
import { detailCounts, enqueueDetails, pendingDetails } from '../../../lib/store/detail-queue';
import type { SiteAdapter } from '../../../scrapers/adapter';
import { isChallengePage } from '../../../scrapers/page';
import type { ListingWalk } from '../../../lib/contract/payloads';
import { testConfig } from '../../support/test-config';

const SITE = 'lamudi';
const BASE = 'https://www.lamudi.com.mx';

function record(url: string): ListingRecord {
  return {
    ...emptyRecord(SITE, new URL(url).pathname.split('/').pop()!, url),
    title: 'Casa',
    operation: 'sale',
    propertyType: 'house',
    price: 1_000_000,
    currency: 'MXN',
  };
}

const adapter: SiteAdapter = {
  site: SITE,
  parseListingPage: () => ({ listings: [], detailUrls: [], nextPageUrl: null }),
  parseDetailPage: (_html, context) => record(context.url),
};

/** Detail pages by name: what each does when fetched (a failure once, then a page; or the same failure every time). */
class ScriptedFetcher implements PageFetcher {
  readonly fetches = new Map<string, number>();
  async fetch(url: string): Promise<FetchedPage> {
    const n = (this.fetches.get(url) ?? 0) + 1;
    this.fetches.set(url, n);
    const name = new URL(url).pathname.split('/').pop();
    if (name === 'challenge')
      throw new ChallengePageError(
        `www.lamudi.com.mx kept answering with an anti-bot challenge page for 15 s: the challenge did not clear`,
        url,
      );
    if (name === 'denied')
      throw new AccessDeniedError('www.lamudi.com.mx answered 403 Forbidden: the site refuses this client', url, 403);
    if (name === 'redirect')
      throw new HostPolicyError(
        `www.lamudi.com.mx redirected off its domain to https://www.inmuebles24.com/, refused by the host policy`,
        url,
        'off-domain',
        true,
      );
    if (name === 'flaky' && n === 1)
      throw new ServerError('www.lamudi.com.mx answered 503 Service Unavailable', url, 503);
    return { url, status: 200, html: '<html></html>', bytes: 13, latencyMs: 1, headers: {} };
  }
}

describe('scraping activities: what fails a page, a window, a site', () => {
  let config: AppConfig;
  let db: Db;
  before(async () => {
    config = testConfig({ taskQueue: 'unused', sites: [SITE] });
    db = await openDatabase(config.storage.database);
  });
  after(() => db?.destroy());

  function activities(fetcher: PageFetcher) {
    const deps: ActivityDeps = {
      config,
      db,
      fetcherFor: () => fetcher,
      adapterFor: () => adapter,
      liftRateLimits: true,
    };
    return createActivities(deps);
  }

  async function newBatch(id: string): Promise<void> {
    await createBatch(db, {
      id,
      label: null,
      parentBatchId: null,
      sites: [SITE],
      detailSites: [SITE],
      options: {},
      workflowId: null,
    });
  }

  it('a detail window: pages that fail for good are finished as failed; only the retryable one fails the window, and only it is fetched again', async () => {
    const batchId = 'window-fates';
    await newBatch(batchId);
    const names = ['challenge', 'ok-1', 'flaky', 'denied', 'redirect', 'ok-2'];
    await enqueueDetails(
      db,
      batchId,
      SITE,
      names.map((name) => ({ url: `${BASE}/detalle/${name}`, externalId: null })),
    );
    const seqs = (await pendingDetails(db, batchId, SITE, 0, 100)).map((entry) => entry.seq);
    const fetcher = new ScriptedFetcher();
    const { scrapeDetailPages } = activities(fetcher);

    const first = await new MockActivityEnvironment({ attempt: 1 })
      .run(scrapeDetailPages, { batchId, site: SITE, seqs, concurrency: 2 })
      .then(
        () => assert.fail('the window should fail: one page may yet succeed'),
        (error: unknown) => error,
      );
    assert.ok(first instanceof ApplicationFailure, String(first));
    assert.equal(first.type, 'ServerError', 'the window fails with the retryable failure, whichever page failed first');
    assert.deepEqual(first.details, [{ done: 2, failed: 3, skipped: 0 }]);
    assert.deepEqual(await detailCounts(db, batchId, SITE), { pending: 1, done: 2, failed: 3, skipped: 0 });
    const errors = await db
      .selectFrom('detail_queue')
      .select(['url', 'error'])
      .where('batch_id', '=', batchId)
      .where('state', '=', 'failed')
      .orderBy('seq')
      .execute();
    assert.deepEqual(
      errors.map((entry) => new URL(entry.url).pathname.split('/').pop()),
      ['challenge', 'denied', 'redirect'],
    );
    assert.match(errors[0].error ?? '', /the challenge did not clear/);
    const rows = await db
      .selectFrom('pages')
      .select(['url', 'error_type as errorType'])
      .where('batch_id', '=', batchId)
      .where('error_type', 'is not', null)
      .orderBy('id')
      .execute();
    assert.deepEqual(rows.map((row) => row.errorType).sort(), [
      'AccessDeniedError',
      'ChallengePageError',
      'HostPolicyError',
      'ServerError',
    ]);

    // The retried attempt fetches only the page that may yet succeed.
    const second = await new MockActivityEnvironment({ attempt: 2 }).run(scrapeDetailPages, {
      batchId,
      site: SITE,
      seqs,
      concurrency: 2,
    });
    assert.deepEqual(second, { done: 3, failed: 3, skipped: 0 });
    assert.deepEqual(
      Object.fromEntries(fetcher.fetches),
      Object.fromEntries(names.map((name) => [`${BASE}/detalle/${name}`, name === 'flaky' ? 2 : 1])),
    );
    assert.deepEqual(await detailCounts(db, batchId, SITE), { pending: 0, done: 3, failed: 3, skipped: 0 });
  });

  it("closeDetailWindow fails what is still pending and returns the window's entries by final state", async () => {
    const batchId = 'mark-failed';
    await newBatch(batchId);
    await enqueueDetails(
      db,
      batchId,
      SITE,
      ['a', 'b', 'c', 'd'].map((name) => ({ url: `${BASE}/detalle/mark-${name}`, externalId: null })),
    );
    const seqs = (await pendingDetails(db, batchId, SITE, 0, 100)).map((entry) => entry.seq);
    await db.updateTable('detail_queue').set({ state: 'done' }).where('seq', '=', seqs[0]).execute();
    await db.updateTable('detail_queue').set({ state: 'skipped' }).where('seq', '=', seqs[1]).execute();
    const { closeDetailWindow } = activities(new ScriptedFetcher());
    assert.deepEqual(await new MockActivityEnvironment().run(closeDetailWindow, { seqs, error: 'timed out' }), {
      done: 1,
      failed: 2,
      skipped: 1,
    });
    assert.deepEqual(await detailCounts(db, batchId, SITE), { pending: 0, done: 1, failed: 2, skipped: 1 });
  });

  it('a results page records its attempts and leaves the task to the workflow; a failed attempt reads as retrying', async () => {
    const batchId = 'task-owner';
    await newBatch(batchId);
    const main = taskId(batchId, SITE, 'main');
    await transitionTask(db, main, 'running', 'site workflow started');
    let calls = 0;
    const flaky: PageFetcher = {
      async fetch(url: string): Promise<FetchedPage> {
        if (++calls === 1) throw new ServerError('www.lamudi.com.mx answered 503 Service Unavailable', url, 503);
        return { url, status: 200, html: '<html></html>', bytes: 13, latencyMs: 1, headers: {} };
      },
    };
    const { scrapeListingPages } = activities(flaky);
    const walk = {
      batchId,
      site: SITE,
      url: `${BASE}/jalisco/casa/for-sale/`,
      pageNumber: 1,
      maxPages: 1,
      limit: 1,
      totals: { pages: 0, listings: 0, newListings: 0, errors: 0, skippedPages: 0 },
    };
    const failed = await new MockActivityEnvironment({ attempt: 1 }).run(scrapeListingPages, walk).then(
      () => assert.fail('the first attempt should fail'),
      (error: unknown) => error,
    );
    assert.ok(failed instanceof ApplicationFailure && failed.type === 'ServerError', String(failed));
    const state = async () => (await getTasks(db, batchId)).find((task) => task.kind === 'main')!.state;
    assert.equal(await state(), 'retrying', 'between attempts, status and report show retrying');
    await new MockActivityEnvironment({ attempt: 2 }).run(scrapeListingPages, walk);
    assert.equal(await state(), 'running');
    assert.deepEqual(
      (await getTransitions(db, main)).map((t) => `${t.to}:${t.reason}`),
      ['pending:planned', 'running:site workflow started'],
      'the page activity wrote no task state',
    );
    const attempts = await db
      .selectFrom('pages')
      .select(['attempt', 'error_type as errorType'])
      .where('batch_id', '=', batchId)
      .orderBy('id')
      .execute();
    assert.deepEqual(attempts, [
      { attempt: 1, errorType: 'ServerError' },
      { attempt: 2, errorType: null },
    ]);
  });

  describe('a results page after the first that answers 404', () => {
    /** Page 1 answers; any later page is 404. */
    const notFoundAfterPageOne: PageFetcher = {
      async fetch(url: string): Promise<FetchedPage> {
        if (new URL(url).searchParams.has('page'))
          throw new NotFoundError(`www.lamudi.com.mx answered 404 Not Found: ${url}`, url, 404);
        return { url, status: 200, html: '<html></html>', bytes: 13, latencyMs: 1, headers: {} };
      },
    };
    const pageTwo = (batchId: string) => ({
      batchId,
      site: SITE,
      url: `${BASE}/jalisco/casa/for-sale/?page=2`,
      pageNumber: 2,
      maxPages: 5,
      limit: 1,
      totals: { pages: 1, listings: 0, newListings: 0, errors: 0, skippedPages: 0 },
    });

    for (const endsWithNotFound of [true, false]) {
      it(
        endsWithNotFound
          ? 'ends the search on a site whose adapter expects a 404 past the end (Mitula, totals-based walks)'
          : 'fails the page on a site that walks by its own next links (drift)',
        async () => {
          const batchId = `past-the-end-${endsWithNotFound}`;
          await newBatch(batchId);
          const deps: ActivityDeps = {
            config,
            db,
            fetcherFor: () => notFoundAfterPageOne,
            adapterFor: () => ({ ...adapter, endsWithNotFound }),
            liftRateLimits: true,
          };
          const { scrapeListingPages } = createActivities(deps);
          const outcome = await new MockActivityEnvironment().run(scrapeListingPages, pageTwo(batchId)).then(
            (walk) => walk as ListingWalk,
            (error: unknown) => error,
          );
          const row = await db
            .selectFrom('pages')
            .select(['status_code as status', 'error_type as errorType'])
            .where('batch_id', '=', batchId)
            .executeTakeFirst();
          if (endsWithNotFound) {
            assert.equal((outcome as ListingWalk).url, null, 'the walk ends');
            assert.deepEqual(row, { status: 404, errorType: null });
          } else {
            assert.ok(outcome instanceof ApplicationFailure, String(outcome));
            assert.equal(outcome.type, 'NotFoundError');
            assert.deepEqual(row, { status: 404, errorType: 'NotFoundError' });
          }
        },
      );
    }
  });

  describe('a start URL refused at run time fails the site with the reason', () => {
    let portal: http.Server;
    let port: number;
    let requests = 0;
    before(async () => {
      portal = http.createServer((req, res) => {
        requests++;
        res
          .writeHead(200, { 'content-type': 'text/plain' })
          .end(req.url === '/robots.txt' ? 'User-agent: *\nDisallow: /prohibido/\n' : '');
      });
      await new Promise<void>((resolve) => portal.listen(0, '127.0.0.1', resolve));
      port = (portal.address() as AddressInfo).port;
    });
    after(async () => {
      portal?.closeAllConnections();
      await new Promise((resolve) => portal?.close(resolve));
    });

    /** The real http fetcher: www.lamudi.com.mx is the local portal (trusted on its port); interno.lamudi.com.mx resolves to 10.0.0.1. */
    function httpFetcher(): HttpFetcher {
      const hostPolicy = new HostPolicy({
        sites: [{ key: SITE, baseUrl: BASE }],
        resolve: (host) => ({ 'www.lamudi.com.mx': ['127.0.0.1'], 'interno.lamudi.com.mx': ['10.0.0.1'] })[host],
        trustedAddresses: [`127.0.0.1:${port}`],
      });
      return new HttpFetcher({
        mirrorUrl: null,
        timeoutMs: 5000,
        maxResponseBytes: 1_000_000,
        maxRedirects: 3,
        userAgents: { rotate: false, customAgents: [] },
        robots: { respect: true, cacheDurationMs: 60_000 },
        rateLimit: {},
        hostPolicy,
        recognizeChallenge: (html) => isChallengePage(html),
      });
    }

    const walk = (batchId: string, url: string, pageNumber = 1) => ({
      batchId,
      site: SITE,
      url,
      pageNumber,
      maxPages: 2,
      limit: 1,
      totals: { pages: 0, listings: 0, newListings: 0, errors: 0, skippedPages: 0 },
    });

    for (const { name, url, errorType, reason } of [
      {
        name: 'its host resolves to a private address',
        url: 'http://interno.lamudi.com.mx/jalisco/',
        errorType: 'HostPolicyError',
        reason: /interno\.lamudi\.com\.mx resolves to 10\.0\.0\.1, which is a private network address/,
      },
      {
        name: 'robots.txt disallows it',
        url: `http://www.lamudi.com.mx:${'PORT'}/prohibido/`,
        errorType: 'RobotsDisallowedError',
        reason: /robots\.txt disallows \/prohibido\//,
      },
    ]) {
      it(`${name}: the activity fails (non-retryable by the site's policy), the pages table says why`, async () => {
        const batchId = `start-${errorType}`;
        await newBatch(batchId);
        const startUrl = url.replace('PORT', String(port));
        const fetcher = httpFetcher();
        const requestsBefore = requests;
        try {
          const { scrapeListingPages } = activities(fetcher);
          const error = await new MockActivityEnvironment().run(scrapeListingPages, walk(batchId, startUrl)).then(
            () => assert.fail('a refused start URL must fail the site'),
            (failure: unknown) => failure,
          );
          assert.ok(error instanceof ApplicationFailure, String(error));
          assert.equal(error.type, errorType);
          assert.match(error.message, reason);
          assert.ok(
            config.sites.find((site) => site.key === SITE)!.retry.nonRetryableErrorTypes.includes(errorType),
            `${errorType} is not retried`,
          );
          const row = await db
            .selectFrom('pages')
            .select(['error_type as errorType', 'error'])
            .where('batch_id', '=', batchId)
            .where('url', '=', startUrl)
            .executeTakeFirstOrThrow();
          assert.equal(row.errorType, errorType);
          assert.match(row.error ?? '', reason);

          // The same refusal on a next page (a link the page carried) is skipped: the walk ends, the site goes on.
          const next: ListingWalk = await new MockActivityEnvironment().run<
            [ReturnType<typeof walk>],
            ListingWalk,
            typeof scrapeListingPages
          >(scrapeListingPages, walk(batchId, `${startUrl}?page=2`, 2));
          assert.equal(next.url, null);
          assert.equal(next.totals.skippedPages, 1);
          // Nothing but robots.txt (the disallowed case) ever reached the portal.
          assert.equal(requests - requestsBefore, errorType === 'RobotsDisallowedError' ? 1 : 0);
        } finally {
          await fetcher.close();
        }
      });
    }
  });
});
