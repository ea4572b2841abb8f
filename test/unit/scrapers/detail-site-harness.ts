/**
 * Detail-page round trips for the two portals with a detail scraper (Inmuebles24, Lamudi): detail
 * pages rendered by the mirror in every markup generation it documents, parsed, and compared field
 * by field with what the mirror says it rendered (detailRecord); their results pages go through
 * list-page-harness.ts (everyMarkupRoundTrip). They prove the mirror and the parsers agree; the parsers' own tests run on the
 * hand-written fixtures (fixture-pages.test.ts) and the real pages (real-pages.test.ts).
 */
import { generateFacts, type PropertyFacts } from '../../../mirror/facts';
import type { MirrorSite } from '../../../mirror/model';
import { DEFAULT_MAX_FIELD_LENGTH } from '../../../lib/record/text';
import type { ParseContext, SiteAdapter } from '../../../scrapers/adapter';
import { assertCoversVariations, assertSameRecord, type RoundTrip, SEED } from './list-page-harness';

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

/**
 * Parse the detail page of every n under every variant and markup generation, compare every field
 * with detailRecord, and assert the listings exercised every variation the facts can produce.
 */
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
  assertCoversVariations(run.facts);
  return run;
}

/** Numbers from..to-1, for listing ranges. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
