/**
 * Propiedades.com results pages (docs/portals.md §5). Two sources, best first:
 *   1. the Next.js `__NEXT_DATA__` props.pageProps.results.properties[] (S-CIM 2026, §5.2), with
 *      coordinates, and the total in props.pageProps.totalItems (§5.1);
 *   2. the older `section[data-id]` cards with schema.org microdata — url, latitude, longitude — of
 *      the ~2022 pages (S-PROP22, §5.2), whose page links `a[aria-label="page-N"]` and count
 *      `[data-testid="counter-wrapper"] b` (§5.1) also lead the pagination.
 * Operation and type fall back to the detail link's words, then the search URL's. No detail scraper.
 */
import type { Cheerio, CheerioAPI } from 'cheerio';
import type { AnyNode } from 'domhandler';
import { UnrecognisedMarkupError } from '../../lib/errors';
import { emptyRecord, type ListingRecord } from '../../lib/record/listing-record';
import { parseNumber, toCoordinate } from '../../lib/record/numbers';
import { parseCurrency } from '../../lib/record/price';
import { mapOperation, mapPropertyType } from '../../lib/record/vocabulary';
import { absoluteUrl, canonicalListingUrl } from '../../lib/record/urls';
import type { ParseContext, SiteAdapter } from '../adapter';
import {
  asArray,
  asObject,
  isoDay,
  jsonString,
  jsonText,
  mayHaveMoreResults,
  pageParam,
  positiveCount,
  positiveNumber,
  unnamedArea,
  withPageParam,
  withoutFragment,
  type JsonObject,
} from '../field-readers';
import { getPath } from '../page';
import { nextDataOrMissing, propertiesWithCards } from '../next-data-listings';
import { portalAdapter } from '../portal-adapter';
import { searchUrlFacts, type SearchUrlFacts } from '../search-url';

const PROPERTIES = 'props.pageProps.results.properties';

/** /inmuebles/{tipo}-en-{operacion}-… (§5.3): what a listing's own link says about it. */
const DETAIL_WORDS = /\/inmuebles\/([a-z-]+?)-en-(venta|renta)-/;

function detailLinkFacts(url: string): SearchUrlFacts {
  const words = DETAIL_WORDS.exec(new URL(url).pathname);
  if (!words) return { operation: null, propertyType: null };
  return { operation: mapOperation(words[2]), propertyType: mapPropertyType(words[1].replace(/-/g, ' ')) };
}

/** valid_coords false (or 0): the portal itself says latitude/longitude are not the listing's. */
function coordinatesFlaggedInvalid(flag: unknown): boolean {
  return flag === false || flag === 0 || flag === '0' || flag === 'false';
}

/** A property's id: `id`, else the number that ends its url_property (§5.3: /inmuebles/{slug}-{id}, 7–9 digits). */
function propertyId(raw: unknown): string | null {
  const p = asObject(raw);
  return jsonString(p?.id) ?? /-(\d{7,9})\/?(?:[?#].*)?$/.exec(jsonString(p?.url_property) ?? '')?.[1] ?? null;
}

function dataRecord(p: JsonObject, id: string, searched: SearchUrlFacts, context: ParseContext): ListingRecord {
  const text = (value: unknown) => jsonText(value, context.maxFieldLength);

  // url_property may be relative and may carry "#area=…&pagina=1&pos=6"; "/inmuebles/-{id}" is the short form.
  const url =
    canonicalListingUrl(jsonString(p.url_property), context.url) ?? `${new URL(context.url).origin}/inmuebles/-${id}`;
  const own = detailLinkFacts(url);
  const operation = mapOperation(jsonString(p.purpose_str)) ?? own.operation ?? searched.operation;
  const operationPrice = operation === 'sale' ? p.sale_price_real : operation === 'rent' ? p.rental_price_real : null;
  // S-CIM's order: the operation's own price, then price_real, then price_num.
  const price = positiveNumber(operationPrice) ?? positiveNumber(p.price_real) ?? positiveNumber(p.price_num);
  const propertyType = mapPropertyType(jsonString(p.property_type)) ?? own.propertyType ?? searched.propertyType;
  const coordinates = !coordinatesFlaggedInvalid(p.valid_coords);
  const priceFields = ['sale_price_real', 'rental_price_real', 'price_real', 'price_num'];

  return {
    ...emptyRecord(context.site, id, url),
    // Not among the fields S-CIM lists (§5.2); read when the feed has it.
    title: text(p.title),
    operation,
    propertyType,
    price,
    currency: price == null ? null : parseCurrency(jsonString(p.currency)),
    // Price fields present and all empty: the advertiser hides the price ("Consultar precio").
    priceOnRequest: price == null && priceFields.some((field) => field in p),
    bedrooms: positiveCount(p.bedrooms),
    bathrooms: positiveCount(p.bathrooms),
    parkingSpaces: positiveCount(p.parking_num),
    ...unnamedArea(positiveNumber(p.size_m2), propertyType),
    neighborhood: text(p.colony),
    city: text(p.municipality) ?? text(p.city),
    lat: coordinates ? toCoordinate(p.latitude, 90) : null,
    lng: coordinates ? toCoordinate(p.longitude, 180) : null,
    // days_ago would need the fetch date, which a pure parser does not have.
    publishedAt: isoDay(p.published),
  };
}

/** An older microdata card (§5.2): id, url and coordinates; null for a section that is not a listing. */
function cardRecord(card: Cheerio<AnyNode>, searched: SearchUrlFacts, context: ParseContext): ListingRecord | null {
  const id = card.attr('data-id')?.trim();
  const meta = (prop: string) => card.find(`meta[itemprop="${prop}"]`).first().attr('content');
  const url = canonicalListingUrl(meta('url'), context.url);
  if (!id || !/^\d+$/.test(id) || url == null) return null;
  const own = detailLinkFacts(url);
  return {
    ...emptyRecord(context.site, id, url),
    operation: own.operation ?? searched.operation,
    propertyType: own.propertyType ?? searched.propertyType,
    lat: toCoordinate(meta('latitude'), 90),
    lng: toCoordinate(meta('longitude'), 180),
  };
}

/** The embedded properties and total, or why they cannot be read (the page may still have cards). */
function readProperties(
  $: CheerioAPI,
  context: ParseContext,
): { properties: unknown[]; total: number | null } | { missing: string } {
  const next = nextDataOrMissing($, context);
  if ('missing' in next) return next;
  const properties = asArray(getPath(next.data, PROPERTIES));
  if (!properties) return { missing: `no ${PROPERTIES} in __NEXT_DATA__` };
  return { properties, total: positiveNumber(getPath(next.data, 'props.pageProps.totalItems')) };
}

/**
 * The page's own page links (§5.1, older markup): the link to page N+1 without its fragment, or null
 * on the last page; undefined when the page has no page links and only a total can tell.
 */
function linkedNextPage($: CheerioAPI, page: number, context: ParseContext): string | null | undefined {
  const links = $('ul[aria-label="items-pagination"]');
  if (links.length === 0) return undefined;
  const href = absoluteUrl(
    links
      .find(`a[aria-label="page-${page + 1}"]`)
      .first()
      .attr('href'),
    context.url,
  );
  return href ? withoutFragment(href) : null;
}

/** The older count (§5.1): "1,234" in `[data-testid="counter-wrapper"] b`; null without one. */
function countedTotal($: CheerioAPI): number | null {
  return parseNumber($('[data-testid="counter-wrapper"] b').first().text());
}

export const propiedadesAdapter: SiteAdapter = portalAdapter('propiedades', {
  // The walk goes by totalItems and may ask for one page past the end (mayHaveMoreResults).
  endsWithNotFound: true,
  listingPage({ $, cardSelector }, context) {
    const searched = searchUrlFacts(context.url);
    const embedded = readProperties($, context);
    const cards = $(cardSelector)
      .toArray()
      .map((card) => cardRecord($(card), searched, context))
      .filter((record): record is ListingRecord => record != null);

    let listings: ListingRecord[];
    if ('missing' in embedded) {
      // Without the data, the cards are the page; with neither, only a count of 0 says "no results".
      if (cards.length === 0) {
        if (countedTotal($) === 0) return { listings: [], nextPageUrl: null, detailUrls: [] };
        throw new UnrecognisedMarkupError(
          context.site,
          'listing',
          `${embedded.missing}, and no ${cardSelector} cards with microdata`,
          context.url,
        );
      }
      listings = cards;
    } else {
      listings = propertiesWithCards(
        { properties: embedded.properties, path: PROPERTIES, idSource: 'a url_property' },
        cards,
        propertyId,
        (p, id) => dataRecord(p, id, searched, context),
        context,
      );
    }
    const page = pageParam(context.url, 'pagina');
    const linked = linkedNextPage($, page, context);
    if (linked !== undefined) return { listings, nextPageUrl: linked, detailUrls: [] };
    const total = ('total' in embedded ? embedded.total : null) ?? positiveNumber(countedTotal($));
    // The entries the page holds, read or not: one unreadable entry does not make a full page short.
    const onThisPage = 'properties' in embedded ? embedded.properties.length : listings.length;
    const more = mayHaveMoreResults(page, onThisPage, total);
    return { listings, nextPageUrl: more ? withPageParam(context.url, 'pagina', page + 1) : null, detailUrls: [] };
  },
});
