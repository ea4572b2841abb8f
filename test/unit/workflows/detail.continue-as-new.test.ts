/**
 * detailWorkflow continues as new wherever its history reaches the bound, on the one-page path
 * (rate-limited sites: one entry per activity, `window` activities in flight) and on the window
 * path (150 entries per activity as the batch starts it now, 50 in runs started before; 4 in
 * flight), and on the paced path (a rate-limited site now: 2 in flight, one lane each, the store's
 * pace row spacing the pages), with entries that fail once and are retried, and entries that fail
 * every attempt and are recorded failed (closeDetailWindow) before the run
 * continues. A window whose every attempt times out after finishing some of its entries counts
 * those entries as they ended (closeDetailWindow returns the window's entries by final state). The real
 * workflow runs on the test dev server under a stand-in batch; its activities are test functions
 * over an in-memory detail queue.
 */
import { strict as assert } from 'node:assert';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Activities } from '../../../activities';
import type { DetailOutcome, DetailTotals, SiteProgress } from '../../../lib/contract/payloads';
import {
  assertContinuedAsNew,
  workflowTestEnvHooks,
  type ChildRun,
  type WorkflowTestEnv,
} from './continue-as-new-support';
import { DETAIL_PAGES_PER_ACTIVITY } from '../../../workflows/detail';

const MAX_EVENTS = 200;

/**
 * What becomes of a queue entry: its detail page is gone (skipped), broken (fails every attempt),
 * flaky (fails the first attempt of its activity) or fine. Failures are few: the dev server takes
 * about a second to start a retry.
 */
type Fate = 'gone' | 'broken' | 'flaky' | 'fine' | 'stuck';
function fateOf(seq: number): Fate {
  if (seq % 13 === 0) return 'gone';
  if (seq % 101 === 0) return 'broken';
  if (seq % 151 === 0) return 'flaky';
  return 'fine';
}
/** `stuck`: its page never answers, so every attempt of its window times out there. */
const FINAL_STATE: Record<Fate, DetailOutcome> = {
  gone: 'skipped',
  broken: 'failed',
  flaky: 'done',
  fine: 'done',
  stuck: 'failed',
};

type DetailActivities = Pick<Activities, 'markTask' | 'nextDetails' | 'scrapeDetailPages' | 'closeDetailWindow'>;

/**
 * The four activities detailWorkflow calls, as the real ones treat the queue (activities/scraping.ts).
 */
function fakeDetailQueue(entries: number, fate: (seq: number) => Fate = fateOf) {
  // Sequence numbers with gaps, as another site's entries leave them in the shared table.
  const queue = new Map<number, DetailOutcome | 'pending'>(
    Array.from({ length: entries }, (_, i) => [1001 + 2 * i, 'pending']),
  );
  const taskStates: string[] = [];
  const windowSizes: number[] = [];
  const lanes: number[] = [];
  let inflight = 0;
  let mostInflight = 0;
  let retries = 0;
  const scrapeOne = (seq: number): DetailOutcome => {
    const state = queue.get(seq)!;
    // Handled by an earlier attempt of the window: the same outcome again.
    if (state !== 'pending') return state;
    const its = fate(seq);
    if (its === 'broken' || (its === 'flaky' && Context.current().info.attempt === 1))
      throw new Error(`503 on entry ${seq}`);
    queue.set(seq, FINAL_STATE[its]);
    return FINAL_STATE[its];
  };
  const activities: DetailActivities = {
    async markTask({ state }) {
      taskStates.push(state);
      return state;
    },
    async nextDetails({ afterSeq, limit }) {
      return [...queue]
        .filter(([seq, state]) => seq > afterSeq && state === 'pending')
        .map(([seq]) => seq)
        .slice(0, limit);
    },
    async scrapeDetailPages({ seqs, concurrency }) {
      windowSizes.push(seqs.length);
      lanes.push(concurrency);
      if (Context.current().info.attempt > 1) retries++;
      mostInflight = Math.max(mostInflight, ++inflight);
      try {
        // Yield once, so activities the worker received together overlap and mostInflight counts them.
        await new Promise((resolve) => setImmediate(resolve));
        const outcomes: Record<DetailOutcome, number> = { done: 0, failed: 0, skipped: 0 };
        let failure: unknown = null;
        for (const seq of seqs) {
          // A page that never answers: the attempt hangs until the worker gives it up (its start-to-close timeout passed).
          if (fate(seq) === 'stuck' && queue.get(seq) === 'pending')
            await Context.current().cancelled.catch(() => undefined);
          try {
            outcomes[scrapeOne(seq)]++;
          } catch (error) {
            failure ??= error;
          }
        }
        // As the real activity: the attempt's outcomes go with its failure.
        if (failure) throw ApplicationFailure.fromError(failure, { details: [outcomes] });
        return outcomes;
      } finally {
        inflight--;
      }
    },
    async closeDetailWindow({ seqs }) {
      const pending = seqs.filter((seq) => queue.get(seq) === 'pending');
      for (const seq of pending) queue.set(seq, 'failed');
      const counts: DetailTotals = { done: 0, failed: 0, skipped: 0 };
      for (const seq of seqs) counts[queue.get(seq) as DetailOutcome]++;
      return counts;
    },
  };
  return {
    activities,
    queue,
    taskStates,
    windowSizes,
    lanes,
    mostInflight: () => mostInflight,
    retries: () => retries,
  };
}

function expectedTotals(seqs: Iterable<number>, fate: (seq: number) => Fate = fateOf): DetailTotals {
  const totals: DetailTotals = { done: 0, failed: 0, skipped: 0 };
  for (const seq of seqs) totals[FINAL_STATE[fate(seq)]]++;
  return totals;
}

/** The detailWorkflow of site "portal" under the stand-in batch `name`, retrying a failed activity once, 20 ms later. */
function runDetail(
  env: WorkflowTestEnv,
  name: string,
  options: {
    pageTimeoutMs: number;
    window: number;
    onePagePerActivity: boolean;
    paceMs?: number;
    pagesPerActivity?: number;
    maxHistoryEventsPerRun: number;
  },
  activities: DetailActivities,
): Promise<ChildRun> {
  return env.runUnderParent(
    name,
    (taskQueue) => ({
      type: 'detailWorkflow',
      input: {
        batchId: name,
        site: 'portal',
        taskQueue,
        ...options,
        retry: {
          initialIntervalMs: 20,
          backoffCoefficient: 1,
          maximumIntervalMs: 20,
          maximumAttempts: 2,
          nonRetryableErrorTypes: [],
        },
      },
    }),
    activities,
  );
}

describe('detailWorkflow continues as new at the history bound (test dev server, test activities)', function () {
  this.timeout(120_000);
  const env = workflowTestEnvHooks();

  for (const { path, onePagePerActivity, paceMs, pagesPerActivity, window, entries, perActivity, inFlight, lanes } of [
    {
      path: 'one entry per activity (a rate-limited site, in runs planned before the pace row)',
      onePagePerActivity: true,
      paceMs: undefined,
      pagesPerActivity: undefined,
      window: 5,
      entries: 250,
      perActivity: 1,
      inFlight: 5,
      lanes: 1,
    },
    {
      path: `windows of ${DETAIL_PAGES_PER_ACTIVITY} entries, as the batch starts it now`,
      onePagePerActivity: false,
      paceMs: undefined,
      pagesPerActivity: DETAIL_PAGES_PER_ACTIVITY,
      window: 20,
      entries: 4000,
      perActivity: DETAIL_PAGES_PER_ACTIVITY,
      inFlight: 4,
      lanes: 5,
    },
    {
      path: 'windows of 50 entries (a run started before the batch gave the number)',
      onePagePerActivity: false,
      paceMs: undefined,
      pagesPerActivity: undefined,
      window: 20,
      entries: 2000,
      perActivity: 50,
      inFlight: 4,
      lanes: 5,
    },
    {
      path: 'windows of 50 entries on a rate-limited site (the pace row spaces its pages; a run started before)',
      onePagePerActivity: false,
      paceMs: 2000,
      pagesPerActivity: undefined,
      window: 20,
      entries: 1000,
      perActivity: 50,
      inFlight: 2,
      lanes: 1,
    },
  ]) {
    it(`${path}: every entry handled once, failures recorded, across several runs, completes with the totals`, async () => {
      const fake = fakeDetailQueue(entries);
      const name = onePagePerActivity ? 'detail-one-page' : paceMs ? 'detail-paced-windows' : 'detail-windows';
      const run = await runDetail(
        env(),
        name,
        {
          pageTimeoutMs: 10_000,
          window,
          onePagePerActivity,
          paceMs,
          pagesPerActivity,
          maxHistoryEventsPerRun: MAX_EVENTS,
        },
        fake.activities,
      );
      assert.equal(run.error, undefined, String(run.error));

      const expected = expectedTotals(fake.queue.keys());
      assert.ok(expected.failed > 0 && expected.skipped > 0, 'the queue has broken and gone entries');
      const result = run.outcome!.result as DetailTotals & { state: SiteProgress['state'] };
      assert.deepEqual(result, { ...expected, state: 'completed' });
      for (const [seq, state] of fake.queue) assert.equal(state, FINAL_STATE[fateOf(seq)], `entry ${seq}`);
      assert.deepEqual(run.outcome!.signals.at(-1), { site: 'portal', detail: result } satisfies Partial<SiteProgress>);
      // Continuing is neither a failure nor a new start: the task went running → completed once.
      assert.deepEqual(fake.taskStates, ['running', 'completed']);
      assert.equal(Math.max(...fake.windowSizes), perActivity);
      assert.ok(fake.mostInflight() <= inFlight, `${fake.mostInflight()} activities at once, more than ${inFlight}`);
      assert.deepEqual([...new Set(fake.lanes)], [lanes], 'pages at once in each activity');
      assert.ok(fake.retries() > 0, 'no activity was retried');
      assertContinuedAsNew(run, MAX_EVENTS, 'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');
      console.log(
        `      ${entries} entries (${expected.failed} failed, ${expected.skipped} gone), ${fake.windowSizes.length} activity attempts (${fake.retries()} retries), at most ${fake.mostInflight()} at once, ${run.runs.length} runs`,
      );
    });
  }

  it('a window whose every attempt times out: the entries it finished count as done, the rest as failed', async () => {
    // 100 entries, two windows of 50; the 21st entry never answers, so both attempts of the first
    // window time out there, after finishing the 20 before it. Nothing reports those 20 but the queue.
    const STUCK = 1001 + 2 * 20;
    const fate = (seq: number): Fate => (seq === STUCK ? 'stuck' : 'fine');
    const fake = fakeDetailQueue(100, fate);
    // A window's start-to-close timeout is pageTimeoutMs × its pages per lane (50 / 5): 3 s.
    const run = await runDetail(
      env(),
      'detail-timeout',
      { pageTimeoutMs: 300, window: 20, onePagePerActivity: false, maxHistoryEventsPerRun: 2_000 },
      fake.activities,
    );
    assert.equal(run.error, undefined, String(run.error));
    const entries = [...fake.queue.keys()];
    const firstWindow = entries.slice(0, 50);
    assert.deepEqual(
      firstWindow.map((seq) => fake.queue.get(seq)),
      [...Array(20).fill('done'), ...Array(30).fill('failed')],
    );
    assert.deepEqual(run.outcome!.result, { done: 70, failed: 30, skipped: 0, state: 'completed' });
    assert.equal(
      fake.windowSizes.filter((size) => size === 50).length,
      3,
      'the first window twice (both attempts timed out), the second once',
    );
  });
});
