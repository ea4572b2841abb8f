/**
 * A built-in portal's adapter, made from its page parsers: the portal's key names its result card
 * and its content hooks (content-hooks.ts) once, and every page is loaded with those hooks (page.ts:
 * challenge pages and truncated HTML refused) before a parser sees it. What is left in an adapter
 * file is what the portal itself documents: how its pages are read.
 */
import type { CheerioAPI } from 'cheerio';
import type { ListingRecord } from '../lib/record/listing-record';
import type { BuiltinSiteKey } from '../lib/record/sites';
import type { ListingPage, PageKind, ParseContext, SiteAdapter } from './adapter';
import { contentHooksOf, PORTAL_CONTENT } from './content-hooks';
import { loadPage } from './page';

/** What a portal's parser is given: the page, loaded and checked, and the portal's result card selector. */
export interface PortalPage {
  readonly $: CheerioAPI;
  readonly cardSelector: string;
}

export interface PortalParsers {
  /** SiteAdapter.endsWithNotFound: what a results page past the last that answers 404 means for a walk. */
  readonly endsWithNotFound: boolean;
  /** Throws for a page the raw HTML already shows is no content (a block page the portal answers with). */
  readonly refuse?: (html: string, context: ParseContext, kind: PageKind) => void;
  readonly listingPage: (page: PortalPage, context: ParseContext) => ListingPage;
  /** Only for the portals with a detail scraper (SiteAdapter.parseDetailPage). */
  readonly detailPage?: (page: PortalPage, context: ParseContext) => ListingRecord;
}

export function portalAdapter(portal: BuiltinSiteKey, parsers: PortalParsers): SiteAdapter {
  const cardSelector = PORTAL_CONTENT[portal].card;
  const contentHooks = contentHooksOf(portal);
  const load = (html: string, context: ParseContext, kind: PageKind): PortalPage => {
    parsers.refuse?.(html, context, kind);
    return { $: loadPage(html, context.site, kind, context.url, contentHooks), cardSelector };
  };
  const { detailPage } = parsers;
  return {
    site: portal,
    contentHooks,
    endsWithNotFound: parsers.endsWithNotFound,
    parseListingPage: (html, context) => parsers.listingPage(load(html, context, 'listing'), context),
    ...(detailPage && {
      parseDetailPage: (html: string, context: ParseContext) => detailPage(load(html, context, 'detail'), context),
    }),
  };
}
