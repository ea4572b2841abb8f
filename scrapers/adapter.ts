/**
 * What a portal adapter is: pure functions from a page's HTML to normalized records.
 * Adapters do no I/O, so they are tested on mirror pages and saved files without Temporal.
 */
import type { ListingRecord } from '../lib/record/listing-record';

export type PageKind = 'listing' | 'detail';

export interface ParseContext {
  /** The address the page was fetched from: resolves relative links. */
  url: string;
  /** The site's key in config (the record's `site`). */
  site: string;
  /** security.max_field_length: text fields are truncated to it. */
  maxFieldLength: number;
}

/** What `orchestrator parse --page listing` prints, and what a listing-page activity stores. */
export interface ListingPage {
  listings: ListingRecord[];
  nextPageUrl: string | null;
  /** Detail pages the site's detail scraper visits (empty for sites without one). */
  detailUrls: string[];
}

export interface SiteAdapter {
  readonly site: string;
  /**
   * What a results page after the first that answers 404 means for a walk. true: the walk's end, as
   * documented for the site — Mitula answers 404 past its last page (docs/portals.md §4.1), and a
   * walk by totals (Casas y Terrenos §2.1, Propiedades §5.1) cannot tell a short last page from a
   * full middle one, so it may ask for one page past the end. false or absent: drift, the page
   * fails — a walk that follows the page's own next link (Inmuebles24 §1.1, Lamudi §3.1, Trovit
   * §6.1, generic adapters) asks only for pages the portal linked.
   */
  readonly endsWithNotFound?: boolean;
  /**
   * Selectors of the site's own content (its cards, paging, result count, detail nodes): a page
   * that has one is content even when it embeds a challenge vendor's pieces (a Turnstile widget,
   * Cloudflare's injected challenge-platform script), whatever its size (scrapers/page.ts).
   */
  readonly contentHooks?: readonly string[];
  /**
   * Every card of a results page in page order. A page that says it has no results returns
   * `listings: []`; a page not understood throws UnrecognisedMarkupError or ChallengePageError
   * (a truncated page, TruncatedPageError).
   */
  parseListingPage(html: string, context: ParseContext): ListingPage;
  /** Present for the sites with a detail scraper (Inmuebles24, Lamudi): the one record a detail page describes. */
  parseDetailPage?(html: string, context: ParseContext): ListingRecord;
}
