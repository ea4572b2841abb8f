/**
 * Where a detail request landed when the page holds no listing. A removed listing's detail request
 * is redirected to the portal's home page or to a results page (docs/portals.md §1.3 for
 * Inmuebles24; Lamudi's detail addresses are /detalle/… and /desarrollo/…, §3.3), and the fetcher
 * hands the parser the final address. Such a page means "gone" only when it is positively
 * recognised, by its own markers, as the home page or a results page of the portal. Any other page
 * without a listing (a detail page whose markup drifted, a saved page parsed without --url, so at
 * the site's base address) is markup the parser does not know: UnrecognisedMarkupError, never a
 * listing silently called removed. One recogniser and one wording for both detail parsers.
 */
import type { CheerioAPI } from 'cheerio';
import { NotFoundError, UnrecognisedMarkupError } from '../lib/errors';
import type { ParseContext } from './adapter';
import { listOf } from './embedded';
import { jsonString } from './field-readers';
import { getPath, readJsonLd } from './page';

export type Landing = 'the home page' | 'a results page';

/** What only a portal's results pages carry; each adapter states its own, from docs/portals.md. */
export interface ResultsPageMarkers {
  /** Selectors of the results page's own parts: result cards, paging links, the result count, the results container. */
  readonly selectors: readonly string[];
  /** What the portal prints on a search without results (matched against the visible text). */
  readonly noResults: RegExp;
}

/** The @type names of every JSON-LD node: blocks that are arrays, nodes with an @graph. */
function jsonLdTypes($: CheerioAPI): Set<string> {
  const types = new Set<string>();
  const visit = (value: unknown): void => {
    for (const node of listOf(value)) {
      for (const type of listOf(getPath(node, '@type'))) {
        const name = jsonString(type);
        if (name) types.add(name);
      }
      const graph = getPath(node, '@graph');
      if (graph !== undefined) visit(graph);
    }
  };
  readJsonLd($).forEach(visit);
  return types;
}

const withoutWww = (host: string): string => host.toLowerCase().replace(/^www\./, '');

/**
 * The home page says so itself: the address it declares for itself (`link[rel=canonical]`, else
 * `og:url`) is the root of the portal it was fetched from, with no query. The URL it was fetched
 * from does not count: a saved page parsed without --url is given the root as its address.
 */
function isHomePage($: CheerioAPI, url: string): boolean {
  const declared = $('link[rel="canonical"]').attr('href') ?? $('meta[property="og:url"]').attr('content');
  if (!declared) return false;
  let own: URL;
  try {
    own = new URL(declared, url);
  } catch {
    return false;
  }
  return withoutWww(own.hostname) === withoutWww(new URL(url).hostname) && own.pathname === '/' && own.search === '';
}

/** A results page by its own parts: a JSON-LD SearchResultsPage (§3.2), the portal's results markers, or its "no results" text. */
function isResultsPage($: CheerioAPI, markers: ResultsPageMarkers): boolean {
  if (jsonLdTypes($).has('SearchResultsPage')) return true;
  if (markers.selectors.some((selector) => $(selector).length > 0)) return true;
  const body = $('body').clone();
  body.find('script, style, noscript, template').remove();
  return markers.noResults.test(body.text());
}

/** The page a detail request landed on, when it is recognised as the portal's home page or a results page; else null. */
export function landingPage($: CheerioAPI, url: string, results: ResultsPageMarkers): Landing | null {
  if (isHomePage($, url)) return 'the home page';
  if (isResultsPage($, results)) return 'a results page';
  return null;
}

/**
 * Why a detail page holds no listing: at an address that is no detail address, the home page or a
 * results page is a listing the portal removed (NotFoundError, 410: gone); anything else, and any
 * page at a detail address, is markup the parser does not know (`missing` names what it looked for).
 */
export function noListingError(
  $: CheerioAPI,
  context: ParseContext,
  options: { atDetailAddress: boolean; results: ResultsPageMarkers; missing: string },
): NotFoundError | UnrecognisedMarkupError {
  if (options.atDetailAddress) return new UnrecognisedMarkupError(context.site, 'detail', options.missing, context.url);
  const landing = landingPage($, context.url, options.results);
  if (landing)
    return new NotFoundError(
      `${context.site} listing is gone: the detail page redirected to ${landing} (${context.url})`,
      context.url,
      410,
    );
  return new UnrecognisedMarkupError(
    context.site,
    'detail',
    `${options.missing}, at ${context.url}, which is neither the home page (canonical address /) nor a results page (its cards, paging, result count, JSON-LD SearchResultsPage or "no results" text)`,
    context.url,
  );
}
