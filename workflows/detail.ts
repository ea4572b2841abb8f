/**
 * detailWorkflow: reads its site's detail queue (SQLite) in a sliding window of concurrent
 * activities and continues as new to keep every run's history bounded, so one batch can carry
 * tens of thousands of detail URLs. The walk of the queue stops at the bound, lets the activities
 * in flight finish and returns where to resume; the run continues from there outside every error
 * handler (continueAsNew ends a run by throwing).
 */
import {
  type ActivityInterfaceFor,
  condition,
  continueAsNew,
  isCancellation,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  CONTROL_ACTIVITY_OPTIONS,
  PACED_DETAIL_ACTIVITIES_IN_FLIGHT,
  pacedPageMs,
  pageActivityOptions,
} from './activity-options';
import { innermostMessage, shouldContinueAsNew } from './decisions';
import { ProgressReports, siteStateQuery } from './messages';
import { markCancelled } from './tasks';
import type { DetailTotals, DetailWorkflowInput, SiteProgress } from '../lib/contract/payloads';

// Each proxy offers only the activities this workflow calls: calling another fails to compile.
const control =
  proxyActivities<Pick<Activities, 'markTask' | 'nextDetails' | 'closeDetailWindow'>>(CONTROL_ACTIVITY_OPTIONS);

type PageActivities = Pick<Activities, 'scrapeDetailPages'>;

/**
 * Queue entries read per activity, at least: ids only, so a read costs three small events. A read
 * covers a full window of activities, so that no activity gets the short rest of a read.
 */
const CLAIM_SIZE = 200;

/**
 * Detail pages per activity, and window activities at once: `input.window` pages stay in flight
 * (DETAIL_ACTIVITIES_IN_FLIGHT activities of window / DETAIL_ACTIVITIES_IN_FLIGHT pages each), but
 * a page costs a 150th of an activity's events and server work (README, Performance). The batch
 * gives it in the detail workflow's input; runs started before it did keep the 50 they began with,
 * since the activities a run schedules must not change when a newer worker replays it.
 */
export const DETAIL_PAGES_PER_ACTIVITY = 150;
const EARLIER_DETAIL_PAGES_PER_ACTIVITY = 50;
export const DETAIL_ACTIVITIES_IN_FLIGHT = 4;

export async function detailWorkflow(
  input: DetailWorkflowInput,
): Promise<DetailTotals & { state: SiteProgress['state'] }> {
  const { batchId, site } = input;
  const walk = new DetailQueueWalk(input);
  setHandler(siteStateQuery, walk.progress);

  if (input.afterSeq === undefined) {
    await control.markTask({ batchId, site, kind: 'detail', state: 'running', reason: 'detail workflow started' });
    await walk.report(true);
  }
  let resumeAfter: number | null;
  try {
    resumeAfter = await walk.run();
  } catch (error) {
    if (isCancellation(error)) await markCancelled({ batchId, site, kind: 'detail' });
    throw error;
  }
  // Outside the try: continueAsNew throws to end this run, and no handler may take that for a failure.
  if (resumeAfter !== null)
    return continueAsNew<typeof detailWorkflow>({ ...input, afterSeq: resumeAfter, totals: walk.totals });
  const { totals } = walk;
  // Some gone or broken detail pages are normal; the task fails only when none could be read.
  walk.state = totals.done === 0 && totals.failed > 0 ? 'failed' : 'completed';
  await control.markTask({
    batchId,
    site,
    kind: 'detail',
    state: walk.state,
    reason: `${totals.done} done, ${totals.failed} failed, ${totals.skipped} gone`,
    error: walk.state === 'failed' ? 'no detail page could be read' : undefined,
  });
  await walk.report(true);
  return { ...totals, state: walk.state };
}

/** One run's walk of the detail queue: its activities in flight, its totals and its reports to the batch. */
class DetailQueueWalk {
  readonly totals: DetailTotals;
  state: SiteProgress['state'] = 'running';
  private afterSeq: number;
  private inflight = 0;
  private readonly reports;
  // A run planned when a rate-limited site went a page per activity (SitePlan.onePagePerActivity):
  // one page per activity and `window` activities in flight. A rate-limited site now: windows of
  // DETAIL_PAGES_PER_ACTIVITY pages, PACED_DETAIL_ACTIVITIES_IN_FLIGHT of them, one lane each, since
  // the site's pace, not the number in flight, limits it. Otherwise DETAIL_ACTIVITIES_IN_FLIGHT
  // windows share `window` lanes.
  private readonly pagesPerActivity: number;
  private readonly activitiesInFlight: number;
  private readonly lanesPerActivity: number;
  private readonly claimSize: number;
  private readonly details: ActivityInterfaceFor<PageActivities>;
  // Room for the completions of a full window, and their workflow tasks, after the check.
  private readonly margin: number;

  constructor(private readonly input: DetailWorkflowInput) {
    this.totals = input.totals ?? { done: 0, failed: 0, skipped: 0 };
    this.afterSeq = input.afterSeq ?? 0;
    this.reports = new ProgressReports(input.batchWorkflowId);
    const paced = !input.onePagePerActivity && (input.paceMs ?? 0) > 0;
    this.pagesPerActivity = input.onePagePerActivity
      ? 1
      : (input.pagesPerActivity ?? EARLIER_DETAIL_PAGES_PER_ACTIVITY);
    this.activitiesInFlight = input.onePagePerActivity
      ? input.window
      : paced
        ? Math.max(1, Math.min(input.window, PACED_DETAIL_ACTIVITIES_IN_FLIGHT))
        : DETAIL_ACTIVITIES_IN_FLIGHT;
    this.claimSize = Math.max(CLAIM_SIZE, this.pagesPerActivity * this.activitiesInFlight);
    this.lanesPerActivity = paced ? 1 : Math.max(1, Math.ceil(input.window / this.activitiesInFlight));
    this.margin = Math.max(100, input.window * 6 + 50);
    this.details = proxyActivities<PageActivities>(
      pageActivityOptions(
        input.taskQueue,
        input.retry,
        // A window's lanes fetch their pages one after another, on a rate-limited site each after its slot.
        pacedPageMs(input.pageTimeoutMs, input.onePagePerActivity ? 0 : input.paceMs) *
          Math.ceil(this.pagesPerActivity / this.lanesPerActivity),
      ),
    );
  }

  progress = (): SiteProgress => {
    const { done, failed, skipped } = this.totals;
    return {
      site: this.input.site,
      state: this.state,
      pages: done + failed + skipped,
      listings: done,
      newListings: 0,
      errors: failed,
      skippedPages: skipped,
    };
  };

  async report(force = false): Promise<void> {
    const { site } = this.input;
    const { done, failed, skipped } = this.totals;
    await this.reports.send(
      `**${site} detail pages** ${this.state}: ${done} done, ${failed} failed, ${skipped} gone`,
      { site, detail: { ...this.totals, state: this.state } } as SiteProgress,
      force,
    );
  }

  /**
   * Hands out the queue until it is empty, then waits for the activities in flight. Returns the
   * last sequence number handed out once this run's history reaches the bound (the next run
   * resumes after it, with nothing left in flight here), or null when the queue is done.
   */
  async run(): Promise<number | null> {
    const { batchId, site } = this.input;
    for (;;) {
      const seqs = await control.nextDetails({ batchId, site, afterSeq: this.afterSeq, limit: this.claimSize });
      if (seqs.length === 0) break;
      const reachedBound = await this.handOut(chunks(seqs, this.pagesPerActivity), this.activitiesInFlight, (window) =>
        this.scrapeWindow(window),
      );
      if (reachedBound) {
        await condition(() => this.inflight === 0);
        return this.afterSeq;
      }
    }
    await condition(() => this.inflight === 0);
    return null;
  }

  /** Starts one activity per group, at most `inFlightLimit` at once; true when it stopped at the history bound. */
  private async handOut(
    groups: number[][],
    inFlightLimit: number,
    scrape: (group: number[]) => Promise<void>,
  ): Promise<boolean> {
    for (const group of groups) {
      await condition(() => this.inflight < inFlightLimit);
      if (shouldContinueAsNew(workflowInfo().historyLength, this.input.maxHistoryEventsPerRun, this.margin))
        return true;
      this.inflight++;
      this.afterSeq = group[group.length - 1];
      void scrape(group);
      await this.report();
    }
    return false;
  }

  /** A window of entries in one activity (one entry in a run planned a page per activity). */
  private async scrapeWindow(seqs: number[]): Promise<void> {
    try {
      const outcomes = await this.details.scrapeDetailPages({
        batchId: this.input.batchId,
        site: this.input.site,
        seqs,
        concurrency: this.lanesPerActivity,
      });
      this.totals.done += outcomes.done;
      this.totals.failed += outcomes.failed;
      this.totals.skipped += outcomes.skipped;
    } catch (error) {
      // On cancellation the main loop sees it too and ends the run; nothing to count here.
      if (isCancellation(error)) return;
      // The entries still pending fail; every entry of the window then counts by its final state,
      // whatever its attempts did (one that timed out reports nothing). Awaited first: `totals.x
      // += await …` would read the count before the wait and lose what other windows added meanwhile.
      const counted = await control.closeDetailWindow({ seqs, error: innermostMessage(error) });
      this.totals.done += counted.done;
      this.totals.failed += counted.failed;
      this.totals.skipped += counted.skipped;
    } finally {
      this.inflight--;
    }
  }
}

/** `seqs` in consecutive groups of `size`. */
function chunks(seqs: number[], size: number): number[][] {
  const groups: number[][] = [];
  for (let i = 0; i < seqs.length; i += size) groups.push(seqs.slice(i, i + size));
  return groups;
}
