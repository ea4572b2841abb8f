/**
 * Project metrics of activity executions: what one execution (name, arguments, duration, result or
 * error) says, recorded on an activity context's metric meter. The worker's interceptor
 * (workers/interceptors.ts) records every activity this way, and the window activities each of their pages. The Temporal runtime exports those with its own metrics on the
 * worker's Prometheus endpoint (workers/runtime.ts), tagged with namespace, task queue and
 * activity type.
 *
 *   orchestrator_pages_fetched{site,kind,outcome}    page activities finished: ok, skipped, failed, error
 *   orchestrator_page_latency{site,kind,outcome}     ms per page activity attempt (fetch, parse, store, rate-limit wait)
 *   orchestrator_listings_upserted{site,source}      listings written: cards of a results page, detail merges
 *   orchestrator_listings_new{site}                  listings seen for the first time
 *   orchestrator_activity_errors{site,error_class}   failed page attempts and other failed activity attempts, by failure type
 *
 * The window activities (scrapeListingPages, scrapeDetailPages) record each of their pages as a
 * one-page activity would (activities/scraping.ts), so the interceptor leaves them out: a window
 * that fails on a page would otherwise count that page's error twice.
 */
import { ApplicationFailure, type MetricMeter } from '@temporalio/common';
import type { DetailOutcome, ListingPageResult } from '../contract/payloads';

export const PAGES_FETCHED_METRIC = 'orchestrator_pages_fetched';
export const PAGE_LATENCY_METRIC = 'orchestrator_page_latency';
export const LISTINGS_UPSERTED_METRIC = 'orchestrator_listings_upserted';
export const NEW_LISTINGS_METRIC = 'orchestrator_listings_new';
export const ACTIVITY_ERRORS_METRIC = 'orchestrator_activity_errors';
/** Page activities take from tens of milliseconds to a minute of rate-limit waits and retries-after. */
export const PAGE_LATENCY_BUCKETS_MS = [25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000];

/** The per-page measurements the window activities take (one a page fetched), and the kind of page. */
const PAGE_ACTIVITIES: Record<string, 'listing' | 'detail'> = {
  scrapeListingPage: 'listing',
  scrapeDetailPage: 'detail',
};
/** Activities that record their own pages. */
export const SELF_RECORDING_ACTIVITIES = new Set(['scrapeListingPages', 'scrapeDetailPages']);

type Outcome = { result: unknown } | { error: unknown };

/** The failure type Temporal records: the ApplicationFailure's type (our error class names), else the error's name. */
export function errorClassOf(error: unknown): string {
  if (error instanceof ApplicationFailure && error.type) return error.type;
  return (error as Error | undefined)?.name ?? 'Error';
}

function siteOf(args: readonly unknown[]): string {
  const first = args[0] as { site?: unknown } | undefined;
  return typeof first?.site === 'string' ? first.site : 'none';
}

function pageOutcome(kind: 'listing' | 'detail', outcome: Outcome): 'ok' | 'skipped' | 'failed' | 'error' {
  if ('error' in outcome) return 'error';
  if (kind === 'listing') return (outcome.result as ListingPageResult).skipped ? 'skipped' : 'ok';
  const detail = outcome.result as DetailOutcome;
  return detail === 'done' ? 'ok' : detail;
}

/** Record what one activity execution says on `meter`. Pure apart from the meter: unit-tested with a fake one. */
/** A meter's instruments, made once per meter: each make is a call into the SDK's native core. */
interface Instruments {
  errors: ReturnType<MetricMeter['createCounter']>;
  pages: ReturnType<MetricMeter['createCounter']>;
  latency: ReturnType<MetricMeter['createHistogram']>;
  upserted: ReturnType<MetricMeter['createCounter']>;
  newListings: ReturnType<MetricMeter['createCounter']>;
}

/** By meter: an activity's meter serves every page of its window (tens of pages). */
const instrumentsByMeter = new WeakMap<MetricMeter, Instruments>();

function instrumentsOf(meter: MetricMeter): Instruments {
  let instruments = instrumentsByMeter.get(meter);
  if (!instruments) {
    instruments = {
      errors: meter.createCounter(
        ACTIVITY_ERRORS_METRIC,
        'attempts',
        'failed activity attempts by site and failure type',
      ),
      pages: meter.createCounter(
        PAGES_FETCHED_METRIC,
        'pages',
        'page activities finished, by site, page kind and outcome',
      ),
      latency: meter.createHistogram(
        PAGE_LATENCY_METRIC,
        'float',
        'ms',
        'time of one page activity attempt: rate-limit wait, fetch, parse, store',
      ),
      upserted: meter.createCounter(
        LISTINGS_UPSERTED_METRIC,
        'listings',
        'listings written to SQLite, by site and source',
      ),
      newListings: meter.createCounter(NEW_LISTINGS_METRIC, 'listings', 'listings seen for the first time'),
    };
    instrumentsByMeter.set(meter, instruments);
  }
  return instruments;
}

export function recordActivityMetrics(
  meter: MetricMeter,
  activityType: string,
  args: readonly unknown[],
  outcome: Outcome,
  durationMs: number,
): void {
  const site = siteOf(args);
  const kind = PAGE_ACTIVITIES[activityType];
  if (!kind && !('error' in outcome)) return;
  const instruments = instrumentsOf(meter);
  if ('error' in outcome) instruments.errors.add(1, { site, error_class: errorClassOf(outcome.error) });
  if (!kind) return;
  const tags = { site, kind, outcome: pageOutcome(kind, outcome) };
  instruments.pages.add(1, tags);
  instruments.latency.record(Math.max(0, durationMs), tags);
  if ('error' in outcome) return;
  if (kind === 'listing') {
    const page = outcome.result as ListingPageResult;
    if (page.listings > 0) instruments.upserted.add(page.listings, { site, source: 'card' });
    if (page.newListings > 0) instruments.newListings.add(page.newListings, { site });
  } else if (outcome.result === 'done') {
    instruments.upserted.add(1, { site, source: 'detail' });
  }
}

/**
 * Run one activity execution (or one page of a window activity) and record what it says on the
 * meter; its result or error passes through unchanged, and recording never fails the work.
 */
export async function measureActivity<T>(
  meter: () => MetricMeter,
  activityType: string,
  args: readonly unknown[],
  run: () => Promise<T>,
  now: () => number = () => performance.now(),
): Promise<T> {
  const started = now();
  const record = (outcome: Outcome) => {
    try {
      recordActivityMetrics(meter(), activityType, args, outcome, now() - started);
    } catch {
      // Metrics are an observation: a failure to record one must never fail the page.
    }
  };
  try {
    const result = await run();
    record({ result });
    return result;
  } catch (error) {
    record({ error });
    throw error;
  }
}
