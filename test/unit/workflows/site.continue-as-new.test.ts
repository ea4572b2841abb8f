/**
 * siteWorkflow continues as new wherever its history reaches the bound, on the one-page path
 * (rate-limited sites in runs planned before the store's pace row) and on the window path (every
 * site now, a rate-limited one paced by the pace row), with activities that fail and are retried, and a
 * page that fails for good in a later run still fails the site. The real workflow runs on the test
 * dev server under a stand-in batch; its activities are test functions over a fake portal.
 */
import { strict as assert } from 'node:assert';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Activities } from '../../../activities';
import type { SitePlan, SiteProgress, SiteTotals } from '../../../lib/contract/payloads';
import {
  assertContinuedAsNew,
  workflowTestEnvHooks,
  type ChildRun,
  type WorkflowTestEnv,
} from './continue-as-new-support';
import { LISTING_PAGES_PER_ACTIVITY } from '../../../workflows/site';

/** Small enough that a walk of a few dozen activities spans several runs. */
const MAX_EVENTS = 100;

interface FakeSearch {
  url: string;
  /** Pages the portal has for the search: the last one has no next link. */
  totalPages: number;
  maxPages: number;
}

/** A fake portal's results page: 10–16 listings, some new, page 5 of every search disallowed by robots.txt. */
function fakePage(pageNumber: number) {
  const skipped = pageNumber === 5;
  return { listings: skipped ? 0 : 10 + (pageNumber % 7), newListings: skipped ? 0 : pageNumber % 3, skipped };
}

const pageUrl = (search: string, pageNumber: number) => (pageNumber === 1 ? search : `${search}?page=${pageNumber}`);

/** Every page a correct walk stores, in order, and the totals it ends with. */
function expectedWalk(searches: FakeSearch[]): { pages: string[]; totals: SiteTotals } {
  const totals: SiteTotals = { pages: 0, listings: 0, newListings: 0, errors: 0, skippedPages: 0 };
  const pages: string[] = [];
  for (const search of searches) {
    for (let n = 1; n <= Math.min(search.totalPages, search.maxPages); n++) {
      const page = fakePage(n);
      pages.push(pageUrl(search.url, n));
      totals.pages++;
      totals.listings += page.listings;
      totals.newListings += page.newListings;
      if (page.skipped) totals.skippedPages++;
    }
  }
  return { pages, totals };
}

const FLAKY_START_PAGES = [9, 27, 67];

type SiteActivities = Pick<Activities, 'markTask' | 'scrapeListingPages'>;

/**
 * The two activities siteWorkflow calls, as the real ones behave: a window of up to `limit` pages
 * from the cursor it is given. An activity starting on page 9, 27 or 67 (windows start on pages 1,
 * 3, 9, 27, 47, 67 …) fails its first attempt (the retry policy retries it; few, as the dev server
 * takes about a second to start a retry); a page in `brokenPages` fails every attempt, not retryably.
 */
function fakeSiteActivities(searches: FakeSearch[], brokenPages: string[] = []) {
  const stored: string[] = [];
  const limits: number[] = [];
  let retries = 0;
  const taskStates: Array<{ state: string; error?: string }> = [];
  const activities: SiteActivities = {
    async markTask({ state, error }) {
      taskStates.push({ state, ...(error ? { error } : {}) });
      return state;
    },
    async scrapeListingPages({ url, pageNumber, maxPages, limit, totals }) {
      limits.push(limit);
      if (Context.current().info.attempt > 1) retries++;
      if (FLAKY_START_PAGES.includes(pageNumber) && Context.current().info.attempt === 1)
        throw new Error(`503 on ${url} (first attempt)`);
      const search = searches.find((s) => url.split('?')[0] === s.url)!;
      let cursor = { url: url as string | null, pageNumber, totals: { ...totals } };
      let pages = 0;
      while (cursor.url !== null && cursor.pageNumber <= maxPages && pages < limit) {
        if (brokenPages.includes(cursor.url))
          throw ApplicationFailure.create({ type: 'NotFoundError', message: `404 on ${cursor.url}` });
        const page = fakePage(cursor.pageNumber);
        stored.push(cursor.url);
        const next = cursor.pageNumber < search.totalPages ? pageUrl(search.url, cursor.pageNumber + 1) : null;
        cursor = {
          url: next,
          pageNumber: cursor.pageNumber + 1,
          totals: {
            ...cursor.totals,
            pages: cursor.totals.pages + 1,
            listings: cursor.totals.listings + page.listings,
            newListings: cursor.totals.newListings + page.newListings,
            skippedPages: cursor.totals.skippedPages + (page.skipped ? 1 : 0),
          },
        };
        pages++;
      }
      return { ...cursor, pages };
    },
  };
  return { activities, stored, limits, taskStates, retries: () => retries };
}

function sitePlan(taskQueue: string, searches: FakeSearch[], onePagePerActivity: boolean, paceMs?: number): SitePlan {
  return {
    site: 'portal',
    priority: 1,
    hasDetailScraper: false,
    taskQueue,
    retry: {
      initialIntervalMs: 20,
      backoffCoefficient: 1,
      maximumIntervalMs: 20,
      maximumAttempts: 3,
      nonRetryableErrorTypes: ['NotFoundError'],
    },
    pageTimeoutMs: 10_000,
    onePagePerActivity,
    paceMs,
    startUrls: searches.map(({ url, maxPages }) => ({ url, maxPages })),
  };
}

function runSite(
  env: WorkflowTestEnv,
  name: string,
  searches: FakeSearch[],
  onePagePerActivity: boolean,
  activities: SiteActivities,
  paceMs?: number,
): Promise<ChildRun> {
  return env.runUnderParent(
    name,
    (taskQueue) => ({
      type: 'siteWorkflow',
      input: {
        batchId: name,
        plan: sitePlan(taskQueue, searches, onePagePerActivity, paceMs),
        maxHistoryEventsPerRun: MAX_EVENTS,
      },
    }),
    activities,
  );
}

describe('siteWorkflow continues as new at the history bound (test dev server, test activities)', function () {
  this.timeout(120_000);
  const env = workflowTestEnvHooks();

  for (const { path, onePagePerActivity, paceMs, searches } of [
    {
      path: 'one page per activity (a rate-limited site, in runs planned before the pace row)',
      onePagePerActivity: true,
      paceMs: undefined,
      searches: [
        { url: 'https://portal.test/casas', totalPages: 30, maxPages: 40 },
        { url: 'https://portal.test/departamentos', totalPages: 100, maxPages: 20 },
      ],
    },
    {
      path: 'windows of pages',
      onePagePerActivity: false,
      paceMs: undefined,
      searches: [
        { url: 'https://portal.test/casas', totalPages: 200, maxPages: 250 },
        { url: 'https://portal.test/departamentos', totalPages: 100, maxPages: 45 },
      ],
    },
    {
      path: 'windows of pages on a rate-limited site (the pace row spaces its pages)',
      onePagePerActivity: false,
      paceMs: 2000,
      searches: [
        { url: 'https://portal.test/casas', totalPages: 120, maxPages: 150 },
        { url: 'https://portal.test/departamentos', totalPages: 100, maxPages: 25 },
      ],
    },
  ]) {
    it(`${path}: walks every page once, with retried activities, across several runs, and completes with the totals`, async () => {
      const fake = fakeSiteActivities(searches);
      const run = await runSite(
        env(),
        onePagePerActivity ? 'site-one-page' : paceMs ? 'site-paced-windows' : 'site-windows',
        searches,
        onePagePerActivity,
        fake.activities,
        paceMs,
      );
      assert.equal(run.error, undefined, String(run.error));

      const expected = expectedWalk(searches);
      const result = run.outcome!.result as SiteProgress;
      assert.deepEqual(result, { site: 'portal', state: 'completed', ...expected.totals });
      assert.deepEqual(fake.stored, expected.pages, 'pages stored, in order, each once');
      assert.deepEqual(run.outcome!.signals.at(-1), result, 'the batch heard the final counts');
      // Continuing is neither a failure nor a new start: the task went running → completed once.
      assert.deepEqual(fake.taskStates, [{ state: 'running' }, { state: 'completed' }]);
      assert.equal(Math.max(...fake.limits), onePagePerActivity ? 1 : LISTING_PAGES_PER_ACTIVITY);
      assert.ok(fake.retries() > 0, 'no activity was retried');
      assertContinuedAsNew(run, MAX_EVENTS, 'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');
      console.log(
        `      ${expected.pages.length} pages, ${fake.limits.length} activity attempts (${fake.retries()} retries), ${run.runs.length} runs`,
      );
    });
  }

  it('a page that fails for good in a later run fails the site with its reason, after the runs before continued', async () => {
    const searches = [{ url: 'https://portal.test/casas', totalPages: 45, maxPages: 60 }];
    const broken = pageUrl(searches[0].url, 25);
    const fake = fakeSiteActivities(searches, [broken]);
    const run = await runSite(env(), 'site-fails-late', searches, true, fake.activities);

    let failure = run.error as { cause?: unknown; type?: string; message?: string } | undefined;
    while (failure && failure.type !== 'SiteFailed') failure = failure.cause as typeof failure;
    assert.equal(failure?.message, `portal: 404 on ${broken}`);
    assert.deepEqual(fake.taskStates, [{ state: 'running' }, { state: 'failed', error: `404 on ${broken}` }]);
    assert.deepEqual(fake.stored, expectedWalk([{ ...searches[0], maxPages: 24 }]).pages);
    assertContinuedAsNew(run, MAX_EVENTS, 'EVENT_TYPE_WORKFLOW_EXECUTION_FAILED');
  });
});
