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
   * Every card of a results page in page order. A page that says it has no results returns
   * `listings: []`; a page not understood throws UnrecognisedMarkupError or ChallengePageError
   * (a truncated page, TruncatedPageError).
   */
  parseListingPage(html: string, context: ParseContext): ListingPage;
  /** Present for the sites with a detail scraper (Inmuebles24, Lamudi): the one record a detail page describes. */
  parseDetailPage?(html: string, context: ParseContext): ListingRecord;
}
