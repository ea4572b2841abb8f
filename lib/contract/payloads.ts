/**
 * Payloads between workflows and activities: ids, counts and small plans only, never HTML or
 * listing rows (those stay in SQLite), so histories stay small. Shared by the workflows, the
 * activities and the client: the contract between them.
 */
import type { RetryPolicySettings } from './retry-policy';
import type { BatchPhase, FinalBatchStatus, SiteState } from './statuses';

/** Input of batchWorkflow; every field optional so `temporal workflow start --input '{}'` works. */
export interface BatchInput {
  /** Site keys to include (default: every enabled site). */
  sites?: string[];
  /** Caps max_pages of every start URL. */
  maxPages?: number;
  label?: string;
  /** Set by `orchestrator retry`: the batch whose failed sites this one re-runs. */
  parentBatchId?: string;
}

export interface StartUrlPlan {
  url: string;
  maxPages: number;
}

export interface SitePlan {
  site: string;
  priority: number;
  hasDetailScraper: boolean;
  /** Task queue of this site's page activities. */
  taskQueue: string;
  retry: RetryPolicySettings;
  /** Upper bound of one page's fetch (fetch timeout, redirects, the process's rate-limit waits). */
  pageTimeoutMs: number;
  /**
   * Plans made while a rate-limited site's pace was its task queue's limit (the server's
   * maxTaskQueueActivitiesPerSecond) set this for such a site: one page per activity, so that limit
   * paced its requests. Plans made now leave it unset (every site runs windows of pages); the field
   * stays so that recorded runs whose inputs carry it replay and finish as they began.
   */
  onePagePerActivity?: boolean;
  /**
   * ms between two requests of the site (rate_limit_seconds), kept across every worker process and
   * host by the site's pace row in the store: its page activities wait for their slots, which their
   * timeouts allow for. 0 or absent: not paced.
   */
  paceMs?: number;
  startUrls: StartUrlPlan[];
}

export interface BatchPlan {
  batchId: string;
  sites: SitePlan[];
  maxParallelSites: number;
  detailWindow: number;
  maxHistoryEventsPerRun: number;
  /** security.system_limits.max_execution_time: a site or detail child running longer fails. */
  maxExecutionTimeMs: number;
}

export interface SiteTotals {
  pages: number;
  listings: number;
  newListings: number;
  errors: number;
  skippedPages: number;
}

export interface SiteProgress extends SiteTotals {
  site: string;
  state: SiteState;
  /** Upper bound of result pages (the start URLs' max_pages), for progress bars. */
  plannedPages?: number;
  detail?: DetailTotals & { state: SiteState };
  error?: string;
}

export interface BatchProgress {
  batchId: string;
  status: BatchPhase;
  sites: SiteProgress[];
}

export interface SiteWorkflowInput {
  batchId: string;
  batchWorkflowId: string;
  plan: SitePlan;
  maxHistoryEventsPerRun: number;
  /** Where a continued-as-new run resumes. */
  cursor?: SiteCursor;
}

/** Where a site walk resumes in its next run: the start URL (by index), its next page, and the totals so far. */
export interface SiteCursor {
  startIndex: number;
  url: string;
  pageNumber: number;
  totals: SiteTotals;
}

export interface DetailTotals {
  done: number;
  failed: number;
  skipped: number;
}

export interface DetailWorkflowInput {
  batchId: string;
  batchWorkflowId: string;
  site: string;
  taskQueue: string;
  retry: RetryPolicySettings;
  pageTimeoutMs: number;
  window: number;
  /** Pages per activity; absent in runs started before the batch gave it (they go 50 at a time). */
  pagesPerActivity?: number;
  /** As SitePlan.onePagePerActivity. */
  onePagePerActivity?: boolean;
  /** As SitePlan.paceMs. */
  paceMs?: number;
  maxHistoryEventsPerRun: number;
  /** Resume point of a continued-as-new run: last queue sequence number handled. */
  afterSeq?: number;
  totals?: DetailTotals;
}

export interface ListingPageResult {
  listings: number;
  newListings: number;
  detailUrls: number;
  nextPageUrl: string | null;
  /** robots.txt disallowed the page: nothing fetched, recorded with its reason. */
  skipped?: string;
}

export type DetailOutcome = 'done' | 'failed' | 'skipped';

/** Where a walk of results pages stands: the next page to fetch (null when the search ended) and the site's totals. */
export interface ListingCursor {
  url: string | null;
  pageNumber: number;
  totals: SiteTotals;
}

/** What scrapeListingPages returns: the cursor after its pages, and how many it fetched. */
export interface ListingWalk extends ListingCursor {
  pages: number;
}

export interface BatchResult {
  batchId: string;
  status: FinalBatchStatus;
  sites: SiteProgress[];
  alerts: number;
  /** Finalization steps that failed after their retries (backup, cleanup …), with the reason. */
  finalizationErrors: string[];
}
