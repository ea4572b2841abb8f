/**
 * The metrics interceptor on a recording meter: what each page activity outcome is counted as,
 * its duration on the latency histogram, listings upserted, errors by failure type, and an
 * activity result or error that passes through untouched.
 */
import { strict as assert } from 'node:assert';
import {
  ApplicationFailure,
  type MetricCounter,
  type MetricHistogram,
  type MetricMeter,
  type MetricTags,
} from '@temporalio/common';
import {
  ACTIVITY_ERRORS_METRIC,
  LISTINGS_UPSERTED_METRIC,
  NEW_LISTINGS_METRIC,
  PAGE_LATENCY_METRIC,
  PAGES_FETCHED_METRIC,
  errorClassOf,
} from '../../../../lib/metrics/activity-metrics';
import { ActivityMetricsInterceptor } from '../../../../workers/interceptors';

interface Recorded {
  metric: string;
  kind: 'counter' | 'histogram';
  value: number;
  tags: MetricTags;
}

const unused = (): never => {
  throw new Error('unused');
};

/** A MetricMeter that remembers every value recorded on it. */
function recordingMeter(): MetricMeter & { recorded: Recorded[] } {
  const recorded: Recorded[] = [];
  const note =
    (metric: string, kind: Recorded['kind']) =>
    (value: number, tags: MetricTags = {}) =>
      void recorded.push({ metric, kind, value, tags });
  return {
    recorded,
    createCounter: (name: string): MetricCounter => ({
      name,
      kind: 'counter',
      valueType: 'int',
      add: note(name, 'counter'),
      withTags: unused,
    }),
    createHistogram: (name: string): MetricHistogram => ({
      name,
      kind: 'histogram',
      valueType: 'float',
      record: note(name, 'histogram'),
      withTags: unused,
    }),
    createGauge: unused,
    withTags: unused,
  };
}

/** Runs `body` as activity `activityType` through the interceptor, with a clock that moves `durationMs`. */
async function intercept(activityType: string, args: unknown[], body: () => Promise<unknown>, durationMs = 40) {
  const meter = recordingMeter();
  let clock = 1000;
  const interceptor = new ActivityMetricsInterceptor(
    { info: { activityType } as never, metricMeter: meter },
    () => clock,
  );
  const outcome = await interceptor
    .execute({ args, headers: {} }, async () => {
      clock += durationMs;
      return body();
    })
    .then(
      (result): { result?: unknown; error?: unknown } => ({ result }),
      (error: unknown): { result?: unknown; error?: unknown } => ({ error }),
    );
  return { ...outcome, recorded: meter.recorded };
}

describe('activity metrics interceptor', () => {
  it('counts a listing page by site, kind and outcome, its latency, and the listings it stored', async () => {
    const page = { listings: 20, newListings: 7, detailUrls: 20, nextPageUrl: null };
    const { result, recorded } = await intercept(
      'scrapeListingPage',
      [{ batchId: 'b', site: 'lamudi', url: 'u', pageNumber: 1 }],
      async () => page,
      40,
    );
    assert.equal(result, page, 'the result passes through unchanged');
    assert.deepEqual(recorded, [
      {
        metric: PAGES_FETCHED_METRIC,
        kind: 'counter',
        value: 1,
        tags: { site: 'lamudi', kind: 'listing', outcome: 'ok' },
      },
      {
        metric: PAGE_LATENCY_METRIC,
        kind: 'histogram',
        value: 40,
        tags: { site: 'lamudi', kind: 'listing', outcome: 'ok' },
      },
      { metric: LISTINGS_UPSERTED_METRIC, kind: 'counter', value: 20, tags: { site: 'lamudi', source: 'card' } },
      { metric: NEW_LISTINGS_METRIC, kind: 'counter', value: 7, tags: { site: 'lamudi' } },
    ]);
  });

  it('tells a robots.txt skip from a fetched page, and detail outcomes apart', async () => {
    const skipped = await intercept('scrapeListingPage', [{ site: 'trovit' }], async () => ({
      listings: 0,
      newListings: 0,
      detailUrls: 0,
      nextPageUrl: null,
      skipped: 'robots',
    }));
    assert.deepEqual(
      skipped.recorded.map((r) => [r.metric, r.tags.outcome]),
      [
        [PAGES_FETCHED_METRIC, 'skipped'],
        [PAGE_LATENCY_METRIC, 'skipped'],
      ],
    );
    const done = await intercept('scrapeDetailPage', [{ site: 'inmuebles24', seq: 3 }], async () => 'done');
    assert.deepEqual(
      done.recorded.map((r) => [r.metric, r.value, r.tags]),
      [
        [PAGES_FETCHED_METRIC, 1, { site: 'inmuebles24', kind: 'detail', outcome: 'ok' }],
        [PAGE_LATENCY_METRIC, 40, { site: 'inmuebles24', kind: 'detail', outcome: 'ok' }],
        [LISTINGS_UPSERTED_METRIC, 1, { site: 'inmuebles24', source: 'detail' }],
      ],
    );
    const gone = await intercept('scrapeDetailPage', [{ site: 'inmuebles24', seq: 4 }], async () => 'skipped');
    assert.deepEqual(
      gone.recorded.map((r) => r.tags.outcome),
      ['skipped', 'skipped'],
    );
  });

  it('counts a failed attempt by its failure type and rethrows the same error', async () => {
    const failure = ApplicationFailure.create({ message: '500 from the site', type: 'ServerError' });
    const { error, recorded } = await intercept('scrapeListingPage', [{ site: 'mitula' }], async () => {
      throw failure;
    });
    assert.equal(error, failure);
    assert.deepEqual(
      recorded.map((r) => [r.metric, r.value, r.tags]),
      [
        [ACTIVITY_ERRORS_METRIC, 1, { site: 'mitula', error_class: 'ServerError' }],
        [PAGES_FETCHED_METRIC, 1, { site: 'mitula', kind: 'listing', outcome: 'error' }],
        [PAGE_LATENCY_METRIC, 40, { site: 'mitula', kind: 'listing', outcome: 'error' }],
      ],
    );
  });

  it('counts only errors for other activities, and tags them with no site when they have none', async () => {
    const ok = await intercept('planBatch', [{ input: {}, workflowId: 'batch-x' }], async () => ({}));
    assert.deepEqual(ok.recorded, []);
    const failed = await intercept('detectBatchAlerts', [{ batchId: 'x' }], async () => {
      throw new TypeError('bad');
    });
    assert.deepEqual(failed.recorded, [
      { metric: ACTIVITY_ERRORS_METRIC, kind: 'counter', value: 1, tags: { site: 'none', error_class: 'TypeError' } },
    ]);
  });

  it('leaves window activities to record their own pages: a failed window adds nothing', async () => {
    const failure = ApplicationFailure.create({ message: '503 from the site', type: 'ServerError' });
    for (const activityType of ['scrapeListingPages', 'scrapeDetailPages']) {
      const { error, recorded } = await intercept(activityType, [{ site: 'mitula' }], async () => {
        throw failure;
      });
      assert.equal(error, failure);
      assert.deepEqual(recorded, [], activityType);
    }
  });

  it('names failures by their Temporal type, else their class', () => {
    assert.equal(
      errorClassOf(ApplicationFailure.create({ message: 'x', type: 'ChallengePageError' })),
      'ChallengePageError',
    );
    assert.equal(errorClassOf(new RangeError('x')), 'RangeError');
  });
});
