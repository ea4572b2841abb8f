/**
 * What one portal of the local mirror is: its URL grammar, its page markup, and the records a
 * correct parser must read off those pages. One file per portal in mirror/sites/ implements it.
 */
import type { ListingRecord } from '../lib/record/listing-record';
import type { PropertyFacts } from './facts';

/** A request the portal understands. `searchPath` is the page-1 path of a search, e.g. "/casas-en-venta-en-zapopan.html". */
export type MirrorRoute =
  { kind: 'listing'; searchPath: string; page: number } | { kind: 'detail'; externalId: string };

export interface ListPageInput {
  /** Absolute URL of page 1 of the search on the real host, e.g. https://www.inmuebles24.com/casas-en-venta-en-zapopan.html */
  searchUrl: string;
  searchPath: string;
  page: number;
  totalPages: number;
  totalCount: number;
  /** The listings on this page, in page order (empty: a "no results" page). */
  items: PropertyFacts[];
  /** Varies incidental markup (hashed class suffixes, noise blocks) per page, deterministically. */
  variant: number;
  /** The markup generation this page is rendered in: one of the site's `markups`. */
  markup: string;
}

export interface MirrorSite {
  readonly site: string;
  /** The real host, e.g. "www.inmuebles24.com"; the mirror routes requests by Host header. */
  readonly host: string;
  /** Listings per full results page, as on the real portal (in the default markup generation). */
  readonly pageSize: number;
  /**
   * Page sizes of markup generations that differ from `pageSize` (Inmuebles24 showed 20 cards a
   * page in 2024 and shows 30 in 2025-26, docs/portals.md §1.2).
   */
  readonly pageSizes?: Readonly<Partial<Record<string, number>>>;
  /** Default search paths (page 1) the mirror serves when none are given. */
  readonly defaultSearchPaths: readonly string[];
  readonly robotsTxt: string;
  /**
   * The markup generations the portal documentation describes for this portal's pages (for
   * example Inmuebles24's 2024 and 2025-26 card markup), the first being the default. The mirror
   * renders one per site at a time, chosen by a switch (MirrorServerOptions.markups, setMarkup).
   */
  readonly markups: readonly string[];
  /**
   * The generations of detail pages, for a portal whose detail pages the documentation describes in
   * more than one markup (each one of `markups`). Absent: the detail pages are the same whatever the
   * results pages' generation (Inmuebles24 and Lamudi today, docs/portals.md §1.3, §3.3).
   */
  readonly detailMarkups?: readonly string[];

  /** The portal's own listing id for listing n (Inmuebles24 card data-id, Lamudi data-alternateid …). */
  externalId(n: number): string;
  /** Inverse of externalId; null for an id this mirror never issued. */
  indexOf(externalId: string): number | null;

  /** Parse a request (path + query) into a route, or null (→ 404). */
  route(url: URL): MirrorRoute | null;
  /** Absolute URL (real host) of page `page` of a search. */
  listPageUrl(searchPath: string, page: number): string;

  renderListPage(input: ListPageInput): string;
  /** The record a correct parser reads off this listing's card on a results page. */
  cardRecord(facts: PropertyFacts, input: ListPageInput): ListingRecord;

  /** Only for portals with a detail scraper. Absolute URL (real host) of the detail page. */
  detailUrl?(facts: PropertyFacts): string;
  renderDetailPage?(facts: PropertyFacts, variant: number, markup: string): string;
  /** The record a correct detail parser reads off the detail page in that markup generation. */
  detailRecord?(facts: PropertyFacts, markup: string): ListingRecord;
  /**
   * What the portal answers for the detail page of a listing it has removed, as its documentation
   * describes (Inmuebles24: a redirect to the home page or the page with status OFFLINE); without
   * it, a 404.
   */
  goneDetail?(facts: PropertyFacts, variant: number, markup: string): GoneDetailAnswer;
}

/** A removed listing's detail page: a redirect (absolute URL on the real host) or a page of its own. */
export type GoneDetailAnswer = { redirect: string } | { html: string };

/** Listings per full results page of a site in a markup generation. */
export function pageSizeOf(site: MirrorSite, markup: string): number {
  return site.pageSizes?.[markup] ?? site.pageSize;
}

/** Escape text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

// One formatter for every amount: toLocaleString with options builds a new Intl.NumberFormat per
// call, which was the mirror's largest cost per page (a fifth of its CPU in `npm run bench`), CPU
// the engine under test shares the machine with and would not spend on a real portal's behalf.
const AMOUNT_FORMAT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** "4,500,000" as Mexican portals write amounts. */
export function formatAmount(value: number): string {
  return AMOUNT_FORMAT.format(value);
}
