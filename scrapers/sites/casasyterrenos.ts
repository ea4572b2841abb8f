/**
 * Casas y Terrenos results pages (docs/portals.md §2). Two sources, best first:
 *   1. the Next.js `__NEXT_DATA__` script, props.pageProps.initialState.propertyData: every listing of
 *      the page with coordinates, areas and broker, and the search's estimatedTotalHits (§2.2);
 *   2. the server-rendered Tailwind cards of the 2023–25 pages (§2.2 "HTML cards"), which fill what
 *      the data leaves empty and stand in for it when a page's data cannot be read.
 * Operation and type fall back to the search URL's words. No detail scraper: the list data is complete.
 */
import type { Cheerio, CheerioAPI } from 'cheerio';
import type { AnyNode } from 'domhandler';
import { UnrecognisedMarkupError } from '../../lib/errors';
import { emptyRecord, type ListingRecord, type Operation } from '../../lib/record/listing-record';
import { toCoordinate } from '../../lib/record/numbers';
import { parseCurrency, parsePriceText } from '../../lib/record/price';
import { mapPropertyType } from '../../lib/record/vocabulary';
import { canonicalListingUrl, uniqueUrls } from '../../lib/record/urls';
import { toIsoDate } from '../../lib/record/dates';
import type { ParseContext, SiteAdapter } from '../adapter';
import {
  asArray,
  asObject,
  elementText,
  jsonString,
  jsonText,
  mayHaveMoreResults,
  pageParam,
  placeParts,
  positiveCount,
  positiveNumber,
  withPageParam,
  type JsonObject,
} from '../field-readers';
import { readableEntries, unreadable } from '../entries';
import { getPath } from '../page';
import { nextDataOrMissing, propertiesWithCards } from '../next-data-listings';
import { portalAdapter } from '../portal-adapter';
import { searchPathFacts, searchUrlFacts, type SearchUrlFacts } from '../search-url';

const PROPERTY_DATA = 'props.pageProps.initialState.propertyData';

/** {tipo}-{operacion} at the start of /propiedad/{tipo}-{operacion}-… (§2.3): the listing's own words. */
const DETAIL_WORDS = /\/propiedad\/([a-z-]+?)-(venta|renta)-/;

/** What a listing's detail path says about it; nothing for the short /propiedad/-{id} form. */
function detailPathFacts(path: string | null): SearchUrlFacts {
  const words = path ? DETAIL_WORDS.exec(path) : null;
  if (!words) return { operation: null, propertyType: null };
  return {
    operation: words[2] === 'venta' ? 'sale' : 'rent',
    propertyType: mapPropertyType(words[1].replace(/-/g, ' ')),
  };
}

/** What the page says about every listing on it: the search URL's words, then the active type filter. */
function pageFacts(data: unknown, context: ParseContext): SearchUrlFacts {
  const fromUrl = searchUrlFacts(context.url);
  // §2.2 filters.propertyType, "active type filter"; read like a search path so a multi-type filter says nothing.
  const filter = jsonString(getPath(data, 'props.pageProps.initialState.filters.propertyType'));
  return {
    operation: fromUrl.operation,
    propertyType: fromUrl.propertyType ?? (filter ? searchPathFacts(filter).propertyType : null),
  };
}

/** isSale / isRent; a listing offered both ways takes the operation its search names. */
function operationOf(p: JsonObject, searched: Operation | null): Operation | null {
  if (p.isSale === true && p.isRent === true) return searched ?? 'sale';
  return p.isSale === true ? 'sale' : p.isRent === true ? 'rent' : null;
}

/** The canonical path of a property: `canonical`, else `slugs.canonical` (§2.2). */
const canonicalPath = (p: JsonObject | null): string | null =>
  jsonString(p?.canonical) ?? jsonString(getPath(p, 'slugs.canonical'));

/** A property's id: `id`, else the number that ends its canonical path (§2.2: the id is the URL's last number). */
function propertyId(raw: unknown): string | null {
  const p = asObject(raw);
  return jsonString(p?.id) ?? /-(\d+)\/?$/.exec(canonicalPath(p) ?? '')?.[1] ?? null;
}

function dataRecord(p: JsonObject, id: string, facts: SearchUrlFacts, context: ParseContext): ListingRecord {
  const text = (value: unknown) => jsonText(value, context.maxFieldLength);

  const canonical = canonicalPath(p);
  // "/propiedad/-{id}" is the short form other tools use; only a listing without a usable canonical needs it.
  const url = canonicalListingUrl(canonical, context.url) ?? `${new URL(context.url).origin}/propiedad/-${id}`;
  const own = detailPathFacts(canonical);
  const operation = operationOf(p, facts.operation) ?? own.operation ?? facts.operation;
  const priceField = operation === 'sale' ? 'priceSale' : operation === 'rent' ? 'priceRent' : null;
  const price = priceField ? positiveNumber(p[priceField]) : null;
  const broker = asObject(p.broker)?.name ?? p.broker;

  return {
    ...emptyRecord(context.site, id, url),
    title: text(p.name),
    operation,
    propertyType: own.propertyType ?? facts.propertyType,
    price,
    currency: price == null ? null : parseCurrency(jsonString(p.currency)),
    // The feed writes 0 (or null) in the operation's price where the card shows none: a hidden price.
    priceOnRequest: price == null && priceField != null && priceField in p,
    bedrooms: positiveCount(p.rooms),
    bathrooms: positiveCount(p.bathrooms),
    parkingSpaces: positiveCount(p.parkingLots),
    builtAreaM2: positiveNumber(p.construction),
    landAreaM2: positiveNumber(p.surface),
    neighborhood: text(p.neighborhood),
    city: text(p.municipality),
    lat: toCoordinate(getPath(p, '_geo.lat'), 90),
    lng: toCoordinate(getPath(p, '_geo.lng'), 180),
    images: uniqueUrls((asArray(p.images) ?? []).map(jsonString), context.url),
    publisher: text(broker),
    // Only lastUpdate is on the list (docs/portals.md §7): the closest to a publication date CyT shows.
    publishedAt: toIsoDate(jsonString(p.lastUpdate)),
  };
}

/** "Código: 2961585"; else the trailing number of the detail link (§2.2: the id ends the detail URL). */
function cardId(card: Cheerio<AnyNode>, href: string | undefined): string | null {
  const code = /c[oó]digo:?\s*(\d+)/i.exec(card.find('span.text-extralight').first().text());
  return code?.[1] ?? (href ? (/-(\d+)\/?(?:[?#].*)?$/.exec(href)?.[1] ?? null) : null);
}

/**
 * A Tailwind card (§2.2): link `a[target=_blank]`, title and location spans, price span, then four
 * `p.text-sm` in a fixed order — recámaras, baños, estacionamientos, superficie. Null for a card
 * without an id or link (the data, when readable, still has that listing).
 */
function cardRecord(
  $: CheerioAPI,
  card: Cheerio<AnyNode>,
  facts: SearchUrlFacts,
  context: ParseContext,
): ListingRecord | null {
  const href = card.find('a[target="_blank"][href]').first().attr('href');
  const id = cardId(card, href);
  const url = canonicalListingUrl(href, context.url);
  if (id == null || url == null) return null;
  const text = (node: Cheerio<AnyNode>) => elementText(node, context.maxFieldLength);
  const own = detailPathFacts(new URL(url).pathname);
  const [rooms, baths, parking, surface] = card
    .find('p.text-sm')
    .toArray()
    .map((p) => text($(p)));
  const location = text(card.find('span.text-blue-cyt').not('.font-bold'));
  const photo = card.find('img[src]').first().attr('src');
  return {
    ...emptyRecord(context.site, id, url),
    title: text(card.find('span.text-text-primary.font-bold')),
    operation: own.operation ?? facts.operation,
    propertyType: own.propertyType ?? facts.propertyType,
    ...parsePriceText(text(card.find('span.text-blue-cyt.font-bold'))),
    bedrooms: positiveCount(rooms),
    bathrooms: positiveCount(baths),
    parkingSpaces: positiveCount(parking),
    // "superficie" is the feed's surface: land / total m² (§2.2, §7).
    landAreaM2: positiveNumber(surface),
    // The card shows "Colonia, Municipio".
    ...placeParts(location, 'neighborhood-city'),
    images: uniqueUrls([photo], context.url),
  };
}

/** The embedded properties, or why they cannot be read (the page may still have cards). */
function readProperties(
  $: CheerioAPI,
  context: ParseContext,
): { data: unknown; properties: unknown[] } | { missing: string } {
  const next = nextDataOrMissing($, context);
  if ('missing' in next) return next;
  const { data } = next;
  const properties = asArray(getPath(data, `${PROPERTY_DATA}.properties`));
  return properties ? { data, properties } : { missing: `no ${PROPERTY_DATA}.properties in __NEXT_DATA__` };
}

export const casasyterrenosAdapter: SiteAdapter = portalAdapter('casasyterrenos', {
  // The walk goes by estimatedTotalHits and may ask for one page past the end (mayHaveMoreResults).
  endsWithNotFound: true,
  listingPage({ $, cardSelector }, context) {
    const embedded = readProperties($, context);
    const facts = pageFacts('data' in embedded ? embedded.data : null, context);
    // The grid's skeleton placeholders (a 2026 page renders its cards client-side) are no cards.
    const cardElements = $(cardSelector)
      .toArray()
      .filter((card) => $(card).find('a[href], span.text-extralight').length > 0);
    const cards = cardElements.map((card) => cardRecord($, $(card), facts, context));

    if ('missing' in embedded) {
      // Without the data, the cards are the page; with neither, the page is not one we know.
      if (cards.length === 0) {
        throw new UnrecognisedMarkupError(
          context.site,
          'listing',
          `${embedded.missing}, and no Tailwind cards (${cardSelector})`,
          context.url,
        );
      }
      const listings = readableEntries(
        cards,
        (card) => card ?? unreadable('a card without an id ("Código" or a link ending in one) or a link'),
        context,
        `Tailwind cards (${cardSelector})`,
      );
      // No total without the data: the walk stops here rather than guess that more pages exist.
      return { listings, nextPageUrl: null, detailUrls: [] };
    }

    const listings = propertiesWithCards(
      { properties: embedded.properties, path: `${PROPERTY_DATA}.properties`, idSource: 'a canonical path' },
      cards.filter((card): card is ListingRecord => card != null),
      propertyId,
      (p, id) => dataRecord(p, id, facts, context),
      context,
    );
    const page = pageParam(context.url, 'page');
    const total = positiveNumber(getPath(embedded.data, `${PROPERTY_DATA}.estimatedTotalHits`));
    // The entries the page holds, read or not: one unreadable entry does not make a full page short.
    const more = mayHaveMoreResults(page, embedded.properties.length, total);
    return { listings, nextPageUrl: more ? withPageParam(context.url, 'page', page + 1) : null, detailUrls: [] };
  },
});
