/**
 * Shared by the Inmuebles24 and Lamudi adapter tests, the two portals with a detail scraper: round
 * trips of results pages that also check detailUrls, and of detail pages against detailRecord.
 * Page building and the field-by-field comparison come from list-page-harness.ts.
 */
import { strict as assert } from 'node:assert';
import { generateFacts, type PropertyFacts } from '../../../mirror/facts';
import type { MirrorSite } from '../../../mirror/model';
import { DEFAULT_MAX_FIELD_LENGTH } from '../../../lib/record/text';
import type { ParseContext, SiteAdapter } from '../../../scrapers/adapter';
import { assertSameRecord, contextFor, pageInput, SEED } from './list-page-harness';

export interface ListRun {
  /** Every rendered page, for tests that check which markup variations were exercised. */
  pages: string[];
  /** Every listing parsed (each compared field by field). */
  facts: PropertyFacts[];
}

/**
 * Render and parse every page of a search for each page variant and listing range; every record
 * is compared with cardRecord, and nextPageUrl and detailUrls are checked on every page.
 */
export function listRoundTrip(
  adapter: SiteAdapter,
  mirror: MirrorSite,
  searchPath: string,
  options: { totalPages: number; variants: readonly number[]; firstNs: readonly number[] },
): ListRun {
  const run: ListRun = { pages: [], facts: [] };
  for (const firstN of options.firstNs) {
    for (const variant of options.variants) {
      for (let page = 1; page <= options.totalPages; page++) {
        const input = pageInput(mirror, { searchPath, page, totalPages: options.totalPages, variant, firstN });
        const html = mirror.renderListPage(input);
        const label = `${mirror.site} variant ${variant} page ${page}`;
        const result = adapter.parseListingPage(html, contextFor(mirror, input));
        assert.equal(result.listings.length, input.items.length, `${label}: number of listings`);
        input.items.forEach((facts, i) => assertSameRecord(result.listings[i], mirror.cardRecord(facts, input), `${label} n=${facts.n}`));
        assert.equal(result.nextPageUrl, page < options.totalPages ? mirror.listPageUrl(searchPath, page + 1) : null, `${label}: nextPageUrl`);
        assert.deepEqual(result.detailUrls, input.items.map((facts) => mirror.detailUrl!(facts)), `${label}: detailUrls`);
        run.pages.push(html);
        run.facts.push(...input.items);
      }
    }
  }
  return run;
}

export function detailContext(mirror: MirrorSite, facts: PropertyFacts): ParseContext {
  return { url: mirror.detailUrl!(facts), site: mirror.site, maxFieldLength: DEFAULT_MAX_FIELD_LENGTH };
}

/** The detail page of listing n as the mirror renders it, with its parse context. */
export function detailPage(mirror: MirrorSite, n: number, variant: number) {
  const facts = generateFacts(SEED, mirror.site, n);
  return { facts, html: mirror.renderDetailPage!(facts, variant, mirror.markups[0]), context: detailContext(mirror, facts) };
}

/** Parse the detail page of every n under every variant and compare every field with detailRecord. */
export function detailRoundTrip(adapter: SiteAdapter, mirror: MirrorSite, ns: readonly number[], variants: readonly number[]): ListRun {
  const run: ListRun = { pages: [], facts: [] };
  for (const n of ns) {
    for (const variant of variants) {
      const { facts, html, context } = detailPage(mirror, n, variant);
      assertSameRecord(adapter.parseDetailPage!(html, context), mirror.detailRecord!(facts, mirror.markups[0]), `${mirror.site} detail n=${n} variant ${variant}`);
      run.pages.push(html);
      run.facts.push(facts);
    }
  }
  return run;
}

/** Numbers from..to-1, for listing ranges. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
