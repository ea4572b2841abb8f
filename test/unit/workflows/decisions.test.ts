import { strict as assert } from 'node:assert';
import {
  batchStatusOf,
  finalizationStatus,
  progressDue,
  shouldContinueAsNew,
  startOrder,
} from '../../../workflows/decisions';
import { toTemporalRetryPolicy } from '../../../lib/contract/retry-policy';
import type { SitePlan, SiteProgress } from '../../../lib/contract/payloads';

const site = (name: string, state: SiteProgress['state'], detail?: SiteProgress['state']): SiteProgress => ({
  site: name,
  state,
  pages: 1,
  listings: 1,
  newListings: 1,
  errors: 0,
  skippedPages: 0,
  ...(detail ? { detail: { state: detail, done: 1, failed: 0, skipped: 0 } } : {}),
});

describe('workflow decisions', () => {
  it('gives the batch status from its sites and detail tasks', () => {
    assert.equal(batchStatusOf([site('a', 'completed'), site('b', 'completed', 'completed')]), 'completed');
    assert.equal(batchStatusOf([site('a', 'completed'), site('b', 'failed')]), 'completed_with_errors');
    assert.equal(batchStatusOf([site('a', 'completed', 'failed')]), 'completed_with_errors');
    assert.equal(batchStatusOf([site('a', 'failed'), site('b', 'failed')]), 'failed');
    assert.equal(finalizationStatus('completed', ['backup: disk full']), 'completed_with_errors');
    assert.equal(finalizationStatus('failed', ['backup: disk full']), 'failed');
    assert.equal(finalizationStatus('completed', []), 'completed');
  });

  it('starts sites in priority order, then by key', () => {
    const plan = (name: string, priority: number) => ({ site: name, priority }) as SitePlan;
    assert.deepEqual(
      startOrder([plan('trovit', 6), plan('lamudi', 3), plan('b', 1), plan('a', 1)]).map((p) => p.site),
      ['a', 'b', 'lamudi', 'trovit'],
    );
  });

  it('continues as new before the history bound, and reports progress ever less often', () => {
    assert.equal(shouldContinueAsNew(1899, 2000), false);
    assert.equal(shouldContinueAsNew(1900, 2000), true);
    assert.equal(shouldContinueAsNew(500, 2000, 1600), true);
    assert.equal(progressDue(9_999, 0, 0), false);
    assert.equal(progressDue(10_000, 0, 0), true);
    // An hour in, the next report is due 12 minutes after the last one.
    assert.equal(progressDue(3_600_000, 0, 3_600_000 - 700_000), false);
    assert.equal(progressDue(3_600_000, 0, 3_600_000 - 720_000), true);
  });

  it("turns a declared retry policy into Temporal's", () => {
    assert.deepEqual(
      toTemporalRetryPolicy({
        initialIntervalMs: 2000,
        backoffCoefficient: 2,
        maximumIntervalMs: 60000,
        maximumAttempts: 5,
        nonRetryableErrorTypes: ['NotFoundError'],
      }),
      {
        initialInterval: 2000,
        backoffCoefficient: 2,
        maximumInterval: 60000,
        maximumAttempts: 5,
        nonRetryableErrorTypes: ['NotFoundError'],
      },
    );
  });
});
