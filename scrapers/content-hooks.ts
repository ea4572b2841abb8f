/**
 * What each built-in portal's own content looks like, as selectors (docs/portals.md): the result
 * card each adapter reads listings from, the other parts of a results page (paging, result count,
 * containers, "no results" blocks), and a detail page's listing nodes. A page that has one of them
 * is the portal's content, whatever anti-bot vendor pieces it embeds (scrapers/page.ts); a detail
 * request that lands on a page with the results parts landed on a results page
 * (scrapers/landing-page.ts). A leaf module: page.ts reads every portal's hooks for callers that
 * name no site (the fetchers), and each adapter gives its own as SiteAdapter.contentHooks. Typed by
 * the built-in keys (lib/record/sites.ts): a built-in portal without its hooks does not compile.
 */
import { BUILTIN_SITE_KEYS, type BuiltinSiteKey } from '../lib/record/sites';

export interface PortalContent {
  /** The result card: what the adapter reads a listing from. */
  readonly card: string;
  /** The results page's other parts. */
  readonly resultsPage: readonly string[];
  /** A detail page's listing nodes (the portals with a detail scraper). */
  readonly detailPage: readonly string[];
}

export const PORTAL_CONTENT = {
  // §1.2: the 2024 root, and the element carrying both data-id and data-to-posting (the 2025-26
  // card's inner element, and the 2024 root too); PAGING_N / PAGING_NEXT; the 2025-26 count. §1.3:
  // the detail DOM fallbacks.
  inmuebles24: {
    card: 'div[data-qa="posting PROPERTY"], div[data-qa="posting DEVELOPMENT"], [data-id][data-to-posting]',
    resultsPage: ['a[data-qa^="PAGING_"]', '[class*="postingsTitle-module__title"]'],
    detailPage: ['h1.title-property', '.price-value', '#longDescription'],
  },
  // §2.2: the Tailwind card, a `div` whose class holds both `mx-2` and `w-[320px]` (the newer pages'
  // content is their __NEXT_DATA__).
  casasyterrenos: { card: 'div.mx-2[class*="w-[320px]"]', resultsPage: [], detailPage: [] },
  // §3.1, §3.2: the snippet card, the results container (empty on an unrendered page), the
  // pagination links and the result count. §3.3: the detail DOM.
  lamudi: {
    card: 'div.snippet.js-snippet',
    resultsPage: [
      '.listings__cards',
      'a#pagination-next',
      'a#pagination-prev',
      '[data-test="title-section-result-number"]',
    ],
    detailPage: ['.main-title h1', '.prices-and-fees__price', '#description-text'],
  },
  // §4.1, §4.2: the listing card and the page links; the "no results" block both aggregators share.
  mitula: {
    card: 'article.listing-card',
    resultsPage: ['.pagination__page', '.no-results', '[data-test="no-results"]'],
    detailPage: [],
  },
  // §5.1, §5.2: the older microdata cards ("The first section on the page was not a listing": a card
  // is a section with its microdata url), page links and count (the newer pages' content is their
  // __NEXT_DATA__).
  propiedades: {
    card: 'section[data-id]',
    resultsPage: ['ul[aria-label="items-pagination"]', '[data-testid="counter-wrapper"]'],
    detailPage: [],
  },
  // §6.1, §6.2: the snippet card, both paginations, the "no results" block.
  trovit: {
    card: 'article.snippet-listing',
    resultsPage: ['a.next-button', '#paginate', '.no-results', '[data-test="no-results"]'],
    detailPage: [],
  },
} as const satisfies Readonly<Record<BuiltinSiteKey, PortalContent>>;

/** A results page's own parts, its cards included. */
export function resultsPageHooks(portal: BuiltinSiteKey): readonly string[] {
  return [PORTAL_CONTENT[portal].card, ...PORTAL_CONTENT[portal].resultsPage];
}

/** Everything that is the portal's content: results page parts and detail page nodes. */
export function contentHooksOf(portal: BuiltinSiteKey): readonly string[] {
  return [...resultsPageHooks(portal), ...PORTAL_CONTENT[portal].detailPage];
}

/** Every built-in portal's content hooks, for a caller that names no site. */
export const ALL_PORTAL_CONTENT_HOOKS: readonly string[] = [
  ...new Set(BUILTIN_SITE_KEYS.flatMap((portal) => contentHooksOf(portal))),
];
