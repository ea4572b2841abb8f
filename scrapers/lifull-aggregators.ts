/**
 * What the Mitula and Trovit adapters share: both are Lifull Connect aggregators (docs/portals.md §4, §6)
 * with the same edge (401 "Access Denied"), card-only results pages, "date en - agency" texts and
 * links out to the portal that really holds each ad.
 */
import type { CheerioAPI } from 'cheerio';
import type { AnyNode } from 'domhandler';
import { ChallengePageError, UnrecognisedMarkupError } from '../lib/errors';
import { cleanText } from '../lib/record/text';
import { canonicalListingUrl } from '../lib/record/urls';
import { toIsoDate } from '../lib/record/dates';
import type { ListingRecord } from '../lib/record/listing-record';
import type { ListingPage, PageKind, ParseContext, SiteAdapter } from './adapter';
import { readableEntries, type Unreadable } from './entries';
import { portalAdapter, type PortalPage } from './portal-adapter';

/**
 * Markers of the "Access Denied" page Lifull answers (with a 401) to clients without browser headers
 * (docs/portals.md §4.4, §6.4): its title or heading is exactly that phrase. A results page never has
 * either, so the markers decide whatever the page's size.
 */
const ACCESS_DENIED = [/<title[^>]*>\s*access denied\s*<\/title>/i, /<h1[^>]*>\s*access denied\s*<\/h1>/i];

/**
 * Refuse the "Access Denied" block page before parsing: it has no cards, and saying "no cards"
 * would hide that the client, not the markup, is the problem.
 */
export function refuseAccessDenied(html: string, site: string, kind: PageKind, url?: string): void {
  if (ACCESS_DENIED.some((marker) => marker.test(html))) {
    throw new ChallengePageError(
      `${site} ${kind} page is an "Access Denied" block page (browser headers required)`,
      url,
    );
  }
}

const NO_RESULTS_TEXT = /no (encontramos|hay|se encontraron) (anuncios|resultados|inmuebles|propiedades)/i;

/**
 * A page without cards: an empty success when it says there are no results, otherwise markup the
 * adapter does not know (docs/listing-record.md: never an empty success for a page not understood).
 */
export function emptyPageOrThrow($: CheerioAPI, context: ParseContext, cardSelector: string): ListingPage {
  const saysEmpty = $('.no-results, [data-test="no-results"]').length > 0 || NO_RESULTS_TEXT.test($('body').text());
  if (!saysEmpty) {
    throw new UnrecognisedMarkupError(
      context.site,
      'listing',
      `no ${cardSelector} cards and no "no results" message`,
      context.url,
    );
  }
  return { listings: [], nextPageUrl: null, detailUrls: [] };
}

/** How one aggregator reads its results page: a reader for the page's cards, and its next page. */
export interface LifullResultsReader {
  /** The reader of each card, made once per page (it may look at the page as a whole first). */
  cardReader(
    $: CheerioAPI,
    cards: readonly AnyNode[],
    context: ParseContext,
  ): (card: AnyNode, index: number) => ListingRecord | Unreadable;
  nextPageUrl($: CheerioAPI, pageUrl: string): string | null;
}

/**
 * A results page as both aggregators walk it: the cards found (none: an empty success or markup not
 * understood), a card that cannot be read (no id, no link) left out with the others kept in order,
 * and the next page.
 */
function parseLifullResults(
  { $, cardSelector }: PortalPage,
  context: ParseContext,
  reader: LifullResultsReader,
): ListingPage {
  const cards = $(cardSelector).toArray();
  if (cards.length === 0) return emptyPageOrThrow($, context, cardSelector);
  const listings = readableEntries(cards, reader.cardReader($, cards, context), context, `${cardSelector} cards`);
  return { listings, nextPageUrl: reader.nextPageUrl($, context.url), detailUrls: [] };
}

/**
 * An aggregator's adapter: results pages only (neither has a detail scraper), the Access Denied page
 * refused before anything else, read by parseLifullResults, and what a page past the last answering
 * 404 means for its walk (SiteAdapter.endsWithNotFound).
 */
export function lifullAdapter(
  site: 'mitula' | 'trovit',
  results: LifullResultsReader & { endsWithNotFound: boolean },
): SiteAdapter {
  return portalAdapter(site, {
    endsWithNotFound: results.endsWithNotFound,
    refuse: (html, context, kind) => refuseAccessDenied(html, context.site, kind, context.url),
    listingPage: (page, context) => parseLifullResults(page, context, results),
  });
}

/**
 * "23/05/2026 en - Inmobiliaria X" or "Hace 2 semanas, 3 días en - Inmobiliaria X" (docs/portals.md §4.2).
 * A relative age has no date a pure parser can resolve (it would need the fetch date): null.
 */
export function dateAndAgency(
  text: string | null,
  maxLength?: number,
): { publishedAt: string | null; publisher: string | null } {
  if (text == null) return { publishedAt: null, publisher: null };
  const separator = /\s+en\s+-\s*/i.exec(text);
  const datePart = separator ? text.slice(0, separator.index) : text;
  const agency = separator ? text.slice(separator.index + separator[0].length) : null;
  return { publishedAt: toIsoDate(datePart), publisher: cleanText(agency, maxLength) };
}

/** Whether an address belongs to the portal being parsed (its domain, or the host the page came from). */
export function isOnPortal(href: string, pageUrl: string, domain: string): boolean {
  let host: string;
  try {
    host = new URL(href, pageUrl).hostname.toLowerCase();
  } catch {
    return false;
  }
  return host === new URL(pageUrl).hostname.toLowerCase() || host === domain || host.endsWith(`.${domain}`);
}

/**
 * originUrl: an absolute http(s) address on another portal, without tracking parameters or
 * fragment (the ad's own query, if any, is kept); null for links that stay on the aggregator.
 */
export function originAddress(href: string | null | undefined, pageUrl: string, domain: string): string | null {
  if (!href || !/^https?:\/\//i.test(href.trim()) || isOnPortal(href, pageUrl, domain)) return null;
  return canonicalListingUrl(href, pageUrl);
}
