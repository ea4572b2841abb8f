import { strict as assert } from 'node:assert';
import * as errors from '../../../lib/errors';
import { NON_RETRYABLE_ERROR_TYPES, SCRAPE_ERROR_CLASSES, ScrapeError } from '../../../lib/errors';

// Type-level check, enforced by `tsc --noEmit` in npm test: every concrete ScrapeError class that
// lib/errors.ts exports is listed in SCRAPE_ERROR_CLASSES, so NON_RETRYABLE_ERROR_TYPES, read from
// that list, cannot miss one. (Here rather than in lib/errors.ts, which would have to import itself.)
type ErrorsModule = typeof errors;
type ExportedScrapeErrorClass = {
  [Name in keyof ErrorsModule]: ErrorsModule[Name] extends new (...args: never[]) => ScrapeError ? Name : never;
}[keyof ErrorsModule];
const everyClassListed: [Exclude<ExportedScrapeErrorClass, keyof typeof SCRAPE_ERROR_CLASSES>] extends [never]
  ? true
  : never = true;

describe('lib/errors: retryability is the class', () => {
  it('lists every exported ScrapeError class (checked by tsc)', () => {
    assert.equal(everyClassListed, true);
    const exported = Object.entries(errors)
      .filter(([, value]) => typeof value === 'function' && value.prototype instanceof ScrapeError)
      .map(([name]) => name)
      .sort();
    assert.deepEqual(exported, Object.keys(SCRAPE_ERROR_CLASSES).sort());
  });

  it('derives the non-retryable names from the classes that say retryable = false', () => {
    const byClass = Object.values(SCRAPE_ERROR_CLASSES)
      .filter((errorClass) => !errorClass.retryable)
      .map((errorClass) => errorClass.name);
    assert.deepEqual([...NON_RETRYABLE_ERROR_TYPES], byClass);
    assert.ok(NON_RETRYABLE_ERROR_TYPES.includes('NotFoundError'));
    assert.ok(!NON_RETRYABLE_ERROR_TYPES.includes('RateLimitedError'));
  });

  it("gives each instance its class's retryability and name", () => {
    const notFound = new errors.NotFoundError('gone', 'https://example.com/a', 404);
    const timeout = new errors.FetchTimeoutError('slow', 'https://example.com/b');
    assert.equal(notFound.retryable, false);
    assert.equal(notFound.name, 'NotFoundError');
    assert.equal(timeout.retryable, true);
    assert.equal(timeout.name, 'FetchTimeoutError');
  });
});
