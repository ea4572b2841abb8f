/**
 * The hand-written fixture corpus (test/fixtures/pages/<site>/): pages written from the portal
 * documentation, not from the mirror's renderer, each with the result its parser must give written
 * out beside it. Every fixture is parsed here; the corpus must cover, for each built-in portal, a
 * results page, a last page, a no-results page, a challenge page and a truncated page (plus a
 * detail page for the portals with a detail scraper); in every markup generation the mirror renders
 * for that portal, a results page and a last page (cards and pagination differ by generation); and
 * a detail page in every generation of detail pages the mirror declares (detailMarkups). So the
 * mirror and the fixtures describe the same pages.
 *
 * A fixture is `<name>.html` with `<name>.expected.json` beside it:
 *
 *     {
 *       "page": "listing" | "detail",
 *       "url": "https://…",            // the address the page was fetched from
 *       "kind": "results" | "last-page" | "no-results" | "detail" | "removed" | "unrecognised" | "challenge" | "truncated",
 *       "markup": "2024",               // one of the mirror site's `markups`
 *       "source": "docs/portals.md §1.2 …", // what the page was written from
 *       "expect": { "listings": [ … ], "nextPageUrl": …, "detailUrls": [ … ] }   // what `orchestrator parse` prints
 *       // or, for a page that must be refused:
 *       "expectError": { "type": "ChallengePageError", "messageIncludes": "…" }
 *     }
 *
 * A truncated page has no `.html` of its own: `"truncatedFrom": "<a results page of the folder>.html"`
 * and `"cutAfter": "<text>"` say it is that page up to and including the one place `<text>` stands
 * (fixture-corpus.ts builds it), as a connection closed early leaves it.
 */
import assert from 'node:assert/strict';
import { LISTING_FIELDS, type ListingRecord } from '../../../lib/record/listing-record';
import { BUILTIN_SITE_KEYS } from '../../../lib/record/sites';
import { DEFAULT_MAX_FIELD_LENGTH } from '../../../lib/record/text';
import { MIRROR_SITE_BY_KEY } from '../../../mirror/sites';
import type { ListingPage } from '../../../scrapers/adapter';
import { BUILTIN_ADAPTERS } from '../../../scrapers/registry';

import { loadFixtures, type Fixture, type Kind } from './fixture-corpus';

function parse(fixture: Fixture): ListingPage {
  const adapter = BUILTIN_ADAPTERS[fixture.site];
  const context = { url: fixture.url, site: fixture.site, maxFieldLength: DEFAULT_MAX_FIELD_LENGTH };
  if (fixture.page === 'listing') return adapter.parseListingPage(fixture.html, context);
  assert.ok(adapter.parseDetailPage, `${fixture.site} has no detail parser`);
  return { listings: [adapter.parseDetailPage(fixture.html, context)], nextPageUrl: null, detailUrls: [] };
}

/** Field by field first, so a failure names the listing and the field. */
function assertSameListings(actual: ListingRecord[], expected: ListingRecord[], label: string): void {
  assert.equal(actual.length, expected.length, `${label}: number of listings`);
  expected.forEach((record, i) => {
    for (const field of LISTING_FIELDS)
      assert.deepEqual(actual[i][field], record[field], `${label}: listing ${i} (${record.externalId}) ${field}`);
  });
  assert.deepEqual(actual, expected, label);
}

/** Page kinds every portal's corpus has somewhere. */
const REQUIRED_KINDS: readonly Kind[] = ['results', 'last-page', 'no-results', 'challenge', 'truncated'];
/** Page kinds the corpus has in every markup generation: the cards and the pagination differ by generation. */
const REQUIRED_PER_MARKUP: readonly Kind[] = ['results', 'last-page'];

describe('parsers on the hand-written fixture corpus (test/fixtures/pages)', () => {
  const fixtures = loadFixtures();

  for (const fixture of fixtures) {
    const label = `${fixture.site}/${fixture.name}`;
    it(`${label} (${fixture.kind}, markup ${fixture.markup})`, () => {
      assert.ok(BUILTIN_ADAPTERS[fixture.site], `${label}: no built-in adapter for ${fixture.site}`);
      assert.ok(fixture.source, `${label}: say what the page was written from`);
      if (fixture.truncatedFrom !== undefined) {
        const whole = fixtures.find(
          (other) => other.site === fixture.site && `${other.name}.html` === fixture.truncatedFrom,
        );
        assert.equal(whole?.kind, 'results', `${label}: cut from a results page of ${fixture.site}`);
        assert.equal(whole.markup, fixture.markup, `${label}: in the markup of the page it is cut from`);
      }
      if (fixture.expectError) {
        assert.equal(fixture.expect, undefined, `${label}: expect or expectError, not both`);
        assert.throws(
          () => parse(fixture),
          (error: Error) => {
            assert.equal(error.name, fixture.expectError!.type, `${label}: ${error.message}`);
            if (fixture.expectError!.messageIncludes)
              assert.ok(error.message.includes(fixture.expectError!.messageIncludes), `${label}: ${error.message}`);
            return true;
          },
        );
        return;
      }
      assert.ok(fixture.expect, `${label}: neither expect nor expectError`);
      const result = parse(fixture);
      assertSameListings(result.listings, fixture.expect.listings, label);
      assert.equal(result.nextPageUrl, fixture.expect.nextPageUrl, `${label}: nextPageUrl`);
      assert.deepEqual(result.detailUrls, fixture.expect.detailUrls, `${label}: detailUrls`);
    });
  }

  for (const site of BUILTIN_SITE_KEYS) {
    const mirror = MIRROR_SITE_BY_KEY[site];
    it(`${site}: the mirror's entry for the key plays that site`, () => assert.equal(mirror.site, site));
    it(`${site}: the corpus covers every page kind, a results page and a last page in every markup generation the mirror renders, and a detail page in every detail generation`, () => {
      const own = fixtures.filter((fixture) => fixture.site === site);
      const kinds = new Set(own.map((fixture) => fixture.kind));
      const hasDetail = BUILTIN_ADAPTERS[site].parseDetailPage !== undefined;
      for (const kind of hasDetail ? [...REQUIRED_KINDS, 'detail' as const] : REQUIRED_KINDS)
        assert.ok(kinds.has(kind), `${site}: no ${kind} fixture`);
      for (const markup of mirror.markups) {
        for (const kind of REQUIRED_PER_MARKUP) {
          assert.ok(
            own.some((fixture) => fixture.markup === markup && fixture.kind === kind),
            `${site}: no ${kind} fixture in markup "${markup}"`,
          );
        }
      }
      for (const markup of hasDetail ? (mirror.detailMarkups ?? []) : []) {
        assert.ok(
          own.some((fixture) => fixture.markup === markup && fixture.kind === 'detail'),
          `${site}: no detail fixture in detail markup "${markup}"`,
        );
      }
      for (const fixture of own)
        assert.ok(
          mirror.markups.includes(fixture.markup),
          `${site}/${fixture.name}: markup "${fixture.markup}" is not one the mirror renders`,
        );
    });
  }
});
