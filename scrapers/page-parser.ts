/**
 * Pages parsed by the site adapters, asynchronously: `inlinePageParser` on the caller's thread (the
 * CLI's `parse`, tests), `ParserThread` (scrapers/parser-thread.ts) on a thread of its own, which
 * is what a worker uses.
 */
import type { SiteConfig } from '../lib/config/types';
import type { ListingRecord } from '../lib/record/listing-record';
import type { ListingPage, ParseContext, SiteAdapter } from './adapter';

/** What picks a site's adapter: its key, and its selectors on the generic adapter. */
export type AdapterChoice = Pick<SiteConfig, 'key' | 'adapter' | 'genericSelectors'>;

/** The site's adapter parses; the parser may run it elsewhere, so only the adapter's choice of the site is used. */
export interface PageParser {
  listingPage(site: SiteConfig, html: string, context: ParseContext): Promise<ListingPage>;
  detailPage(site: SiteConfig, html: string, context: ParseContext): Promise<ListingRecord>;
  close(): Promise<void>;
}

/** The adapter's own parse of one page; throws as the adapter does (a site without a detail scraper: an Error). */
export function parseWith(
  adapter: SiteAdapter,
  kind: 'listing' | 'detail',
  html: string,
  context: ParseContext,
): ListingPage | ListingRecord {
  if (kind === 'listing') return adapter.parseListingPage(html, context);
  if (!adapter.parseDetailPage) throw new Error(`site ${adapter.site} has no detail parser`);
  return adapter.parseDetailPage(html, context);
}

/** Parsing on the caller's thread. */
export function inlinePageParser(adapterFor: (site: SiteConfig) => SiteAdapter): PageParser {
  return {
    listingPage: async (site, html, context) => parseWith(adapterFor(site), 'listing', html, context) as ListingPage,
    detailPage: async (site, html, context) => parseWith(adapterFor(site), 'detail', html, context) as ListingRecord,
    close: async () => undefined,
  };
}
