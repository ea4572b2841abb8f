/**
 * Mirror-consistency round trips for the two portals with a detail scraper (Inmuebles24, Lamudi):
 * results pages and detail pages rendered by the mirror in every markup generation it documents,
 * parsed, and compared field by field with what the mirror says it rendered (cardRecord,
 * detailRecord). They prove the mirror and the parsers agree; the parsers' own tests run on the
 * hand-written fixtures (fixture-pages.test.ts) and the real pages (real-pages.test.ts).
 */
import { strict as assert } from 'node:assert';
import { generateFacts, type PropertyFacts } from '../../../mirror/facts';
import type { MirrorSite } from '../../../mirror/model';
import { DEFAULT_MAX_FIELD_LENGTH } from '../../../lib/record/text';
import type { ParseContext, SiteAdapter } from '../../../scrapers/adapter';
import { assertSameRecord, contextFor, pageInput, type RoundTrip, SEED } from './list-page-harness';

/**
 * Render and parse every page of a search in every markup generation of the mirror (or those
 * given), for each page variant and listing range; every record is compared with cardRecord, and
 * nextPageUrl and detailUrls are checked on every page.
 */
export function listRoundTrip(
  adapter: SiteAdapter,
  mirror: MirrorSite,
  searchPath: string,
  options: { totalPages: number; variants: readonly number[]; firstNs: readonly number[]; markups?: readonly string[] },
): RoundTrip & { byMarkup: Map<string, string[]> } {
  const run = { pages: [] as string[], facts: [] as PropertyFacts[], byMarkup: new Map<string, string[]>() };
  for (const markup of options.markups ?? mirror.markups) {
    const pages: string[] = [];
    run.byMarkup.set(markup, pages);
    for (const firstN of options.firstNs) {
      for (const variant of options.variants) {
        for (let page = 1; page <= options.totalPages; page++) {
          const input = pageInput(mirror, {
            searchPath,
            page,
            totalPages: options.totalPages,
            variant,
            markup,
            firstN,
          });
          const html = mirror.renderListPage(input);
          const label = `${mirror.site} markup ${markup} variant ${variant} page ${page}`;
          const result = adapter.parseListingPage(html, contextFor(mirror, input));
          assert.equal(result.listings.length, input.items.length, `${label}: number of listings`);
          input.items.forEach((facts, i) =>
            assertSameRecord(result.listings[i], mirror.cardRecord(facts, input), `${label} n=${facts.n}`),
          );
          assert.equal(
            result.nextPageUrl,
            page < options.totalPages ? mirror.listPageUrl(searchPath, page + 1) : null,
            `${label}: nextPageUrl`,
          );
          assert.deepEqual(
            result.detailUrls,
            input.items.map((facts) => mirror.detailUrl!(facts)),
            `${label}: detailUrls`,
          );
          pages.push(html);
          run.pages.push(html);
          run.facts.push(...input.items);
        }
      }
    }
  }
  return run;
}

export function detailContext(mirror: MirrorSite, facts: PropertyFacts): ParseContext {
  return { url: mirror.detailUrl!(facts), site: mirror.site, maxFieldLength: DEFAULT_MAX_FIELD_LENGTH };
}

/** The detail page of listing n as the mirror renders it in a markup generation (default: the first), with its parse context. */
export function detailPage(mirror: MirrorSite, n: number, variant: number, markup = mirror.markups[0]) {
  const facts = generateFacts(SEED, mirror.site, n);
  return {
    facts,
    markup,
    html: mirror.renderDetailPage!(facts, variant, markup),
    context: detailContext(mirror, facts),
  };
}

/** Parse the detail page of every n under every variant and markup generation, and compare every field with detailRecord. */
export function detailRoundTrip(
  adapter: SiteAdapter,
  mirror: MirrorSite,
  ns: readonly number[],
  variants: readonly number[],
): RoundTrip {
  const run: RoundTrip = { pages: [], facts: [] };
  for (const markup of mirror.markups) {
    for (const n of ns) {
      for (const variant of variants) {
        const { facts, html, context } = detailPage(mirror, n, variant, markup);
        assertSameRecord(
          adapter.parseDetailPage!(html, context),
          mirror.detailRecord!(facts, markup),
          `${mirror.site} detail markup ${markup} n=${n} variant ${variant}`,
        );
        run.pages.push(html);
        run.facts.push(facts);
      }
    }
  }
  return run;
}

/** Numbers from..to-1, for listing ranges. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
