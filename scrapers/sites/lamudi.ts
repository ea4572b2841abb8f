/**
 * Lamudi México (Lifull Connect) adapter, after docs/portals.md §3.
 *
 * Results pages: JSON-LD first, because its ItemList is there even when the cards are not rendered
 * (S-LAMJS), joined by listing id with the `div.snippet` cards when present: only cards show the
 * price (besides the occasional `offers`), parking, colonia and agency. Listings keep the cards'
 * order (the real 2026-02 pages put two development cards, absent from the JSON-LD, first); items
 * without a card follow in the JSON-LD's order. The 2026-07 build adds `geo` (latitude and
 * longitude as strings) to every item (§3.4). The operation is in the search path alone (for-sale /
 * for-rent); a card without a JSON-LD type takes the search path's type word. Detail pages: the
 * JSON-LD property node, then the `initAdForm({…})` call (read with acorn: a part it cannot read,
 * a template literal say, is skipped), then the DOM, field by field.
 * Lamudi declares no charset; decoding its bytes as UTF-8 is the fetcher's concern, not this one's.
 */
import type { Cheerio, CheerioAPI } from 'cheerio';
import type { AnyNode } from 'domhandler';
import { UnrecognisedMarkupError } from '../../lib/errors';
import { emptyRecord, type ListingRecord, type Operation, type PropertyType } from '../../lib/record/listing-record';
import { cleanText } from '../../lib/record/text';
import { toCoordinate } from '../../lib/record/numbers';
import { parseCurrency, parsePriceText, type ParsedPrice } from '../../lib/record/price';
import { mapOperation, mapPropertyType } from '../../lib/record/vocabulary';
import { absoluteUrl, canonicalListingUrl, uniqueUrls } from '../../lib/record/urls';
import { toIsoDate } from '../../lib/record/dates';
import type { ListingPage, ParseContext, SiteAdapter } from '../adapter';
import { inlineScriptData, listOf } from '../embedded';
import { elementText, jsonString, jsonText, positiveCount, positiveNumber, unnamedArea } from '../field-readers';
import { noListingError, type ResultsPageMarkers } from '../landing-page';
import { resultsPageHooks } from '../content-hooks';
import { readableEntries, unreadable, type Unreadable } from '../entries';
import { getPath, readJsonLd } from '../page';
import { portalAdapter, type PortalPage } from '../portal-adapter';
import { searchUrlFacts } from '../search-url';

/** What the portal prints on a search without results: the one case where no listings is a success. */
const NO_RESULTS = /no encontramos resultados/i;
/**
 * What only a results page carries (§3.1, §3.2): the cards, the results container (empty on an
 * unrendered page), the pagination links, the result count (content-hooks.ts), and the "no
 * results" text; its JSON-LD SearchResultsPage is recognised by landing-page.ts itself.
 */
const RESULTS_PAGE: ResultsPageMarkers = { selectors: resultsPageHooks('lamudi'), noResults: NO_RESULTS };

/** @graph nodes about the page or the portal, not the listing. */
const NOT_LISTING = new Set([
  'BreadcrumbList',
  'Organization',
  'WebSite',
  'WebPage',
  'SearchResultsPage',
  'ItemList',
  'FAQPage',
]);

/** Every node of every JSON-LD block; a block may be one node, an array of nodes, or hold an @graph. */
function jsonLdNodes($: CheerioAPI): unknown[] {
  return readJsonLd($)
    .flatMap(listOf)
    .flatMap((block) => {
      const graph = getPath(block, '@graph');
      return graph === undefined ? [block] : listOf(graph);
    });
}

const typesOf = (node: unknown): string[] =>
  listOf(getPath(node, '@type'))
    .map(jsonString)
    .filter((type): type is string => type != null);
const hasType = (node: unknown, type: string): boolean => typesOf(node).includes(type);

/** The listing id is the path segment after /detalle/ (listings) or /desarrollo/ (developments). */
function idFromUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  return /\/(?:detalle|desarrollo)\/([^/?#]+)/.exec(new URL(url).pathname)?.[1] ?? null;
}

/**
 * The operation segment of a search path: "/jalisco/zapopan/casa/for-rent/" → rent. Only that
 * segment counts: the type slug "comercial/venta-al-por-menor" (retail) contains "venta" too.
 */
function pathOperation(href: string | null | undefined, base: string): Operation | null {
  const url = absoluteUrl(href, base);
  const segment = url ? /\/(for-sale|for-rent)(?:\/|$)/.exec(new URL(url).pathname)?.[1] : undefined;
  return mapOperation(segment);
}

/**
 * The type segments of Lamudi's search paths (§3.1) and the type each names under
 * docs/listing-record.md's rules: oficina/consultorio → office, edificio → building, almacén
 * (bodega) → warehouse, venta al por menor (local) → commercial, any other type → other. Longest
 * first, so `offices/edificio` is not read as `offices`.
 */
const SEARCH_TYPE_SEGMENTS: ReadonlyArray<readonly [segments: string, type: PropertyType]> = [
  ['offices/medico-consulting', 'office'],
  ['offices/edificio', 'building'],
  ['comercial/industria-almacen', 'warehouse'],
  ['comercial/venta-al-por-menor', 'commercial'],
  ['comercial/comercial-agricultura', 'other'],
  ['departamento', 'apartment'],
  ['terreno', 'land'],
  ['offices', 'office'],
  ['casa', 'house'],
];

/**
 * The type a search link names: its type segments just before the operation segment
 * (`/{estado}/{ciudad}/{tipo}/{operacion}/`, `/{tipo}/{operacion}/`), else the words of its path
 * (searchUrlFacts), for a link that may be relative or broken.
 */
function searchType(href: string | null | undefined, base: string): PropertyType | null {
  const url = absoluteUrl(href, base);
  if (!url) return null;
  const beforeOperation = /^(.*)\/for-(?:sale|rent)\/?$/.exec(new URL(url).pathname)?.[1];
  const documented =
    beforeOperation === undefined
      ? undefined
      : SEARCH_TYPE_SEGMENTS.find(([segments]) => `${beforeOperation}/`.endsWith(`/${segments}/`));
  return documented?.[1] ?? searchUrlFacts(url).propertyType;
}

/** "Colonia, Municipio, Estado", read from the right: the state is last, then the municipio. */
function splitPlace(text: string | null): Pick<ListingRecord, 'neighborhood' | 'city' | 'state'> {
  const [state, city, ...rest] = (text ?? '')
    .split(/\s*,\s*/)
    .filter(Boolean)
    .reverse();
  return { neighborhood: rest.reverse().join(', ') || null, city: city ?? null, state: state ?? null };
}

/** JSON-LD `image`: URLs or ImageObjects, one or many. */
function imageUrls(value: unknown): Array<string | null> {
  return listOf(value).map((image) => jsonString(image) ?? jsonString(getPath(image, 'url')));
}

const NO_PRICE: ParsedPrice = { price: null, currency: null, priceOnRequest: false };

/** A list item's `offers`, present on some items only. */
function offerPrice(item: unknown): ParsedPrice {
  const price = positiveNumber(getPath(item, 'offers.price'));
  return price == null
    ? NO_PRICE
    : { price, currency: parseCurrency(jsonString(getPath(item, 'offers.priceCurrency'))), priceOnRequest: false };
}

/** One listing from its JSON-LD item and/or its HTML card: either may be missing. */
function listingRecord(
  item: unknown,
  card: Cheerio<AnyNode> | undefined,
  operation: Operation | null,
  context: ParseContext,
): ListingRecord | Unreadable {
  const max = context.maxFieldLength;
  const cardText = (selector: string): string | null => (card ? elementText(card.find(selector), max) : null);
  const url = canonicalListingUrl(
    jsonString(getPath(item, 'url')) ?? card?.find('a[href]').first().attr('href'),
    context.url,
  );
  const id = idFromUrl(url) ?? jsonString(card?.attr('data-alternateid'));
  if (!url || !id) return unreadable(`a ${card ? 'card' : 'JSON-LD item'} without a /detalle/ or /desarrollo/ URL`);

  // A development card has no JSON-LD item: the search path's type word ("/casa/for-sale/") stands in.
  const propertyType = mapPropertyType(typesOf(item)[0]) ?? searchType(context.url, context.url);
  const shownPrice = parsePriceText(cardText('.snippet__content__price'));
  const area = positiveNumber(getPath(item, 'floorSize.value')) ?? positiveNumber(cardText('[data-test="area-value"]'));
  const place = splitPlace(cardText('[data-test="snippet-content-location"]'));
  return {
    ...emptyRecord(context.site, id, url),
    title: jsonText(getPath(item, 'name'), max) ?? cardText('.snippet__content__title'),
    operation,
    propertyType,
    ...(shownPrice.price != null || shownPrice.priceOnRequest ? shownPrice : offerPrice(item)),
    bedrooms:
      positiveCount(getPath(item, 'numberOfBedrooms')) ?? positiveCount(cardText('[data-test="bedrooms-value"]')),
    bathrooms:
      positiveCount(getPath(item, 'numberOfBathroomsTotal')) ??
      positiveCount(cardText('[data-test="full-bathrooms-value"]')),
    // The "principal amenity" slot is parking only when it has the car_park class.
    parkingSpaces: positiveCount(cardText('[data-test="amenity-value"].car_park')),
    ...unnamedArea(area, propertyType),
    neighborhood: place.neighborhood,
    city: jsonText(getPath(item, 'address.addressLocality'), max) ?? place.city,
    state: jsonText(getPath(item, 'address.addressRegion'), max) ?? place.state,
    address: jsonText(getPath(item, 'address.streetAddress'), max),
    lat: toCoordinate(getPath(item, 'geo.latitude'), 90),
    lng: toCoordinate(getPath(item, 'geo.longitude'), 180),
    // The card shows a cut preview; its `content` attribute holds the whole text.
    description:
      jsonText(getPath(item, 'description'), max) ??
      cleanText(card?.find('.snippet__content__description').attr('content'), max),
    images: uniqueUrls(
      [...imageUrls(getPath(item, 'image')), card?.find('.snippet__image img').attr('src')],
      context.url,
    ),
    publisher: cardText('[data-test="agency-name"]'),
  };
}

function parseListingPage({ $, cardSelector }: PortalPage, context: ParseContext): ListingPage {
  const results = jsonLdNodes($).find((node) => hasType(node, 'SearchResultsPage'));
  // mainEntity may also hold "similar" ads and a FAQPage: the page's own list is the first ItemList.
  const itemList = listOf(getPath(results, 'mainEntity')).find((node) => hasType(node, 'ItemList'));
  const items = listOf(getPath(itemList, 'itemListElement')).map((element) => getPath(element, 'item') ?? element);
  const cards = new Map<string, Cheerio<AnyNode>>();
  $(cardSelector).each((i, element) => {
    const card = $(element);
    cards.set(
      card.attr('data-alternateid') ??
        idFromUrl(absoluteUrl(card.find('a[href]').attr('href'), context.url)) ??
        `card ${i}`,
      card,
    );
  });

  const operation = pathOperation(
    $('link[rel="canonical"]').attr('href') ?? jsonString(getPath(results, 'url')) ?? context.url,
    context.url,
  );
  const itemsById = new Map<string, unknown>();
  const unidentified: unknown[] = [];
  for (const item of items) {
    const id = idFromUrl(canonicalListingUrl(jsonString(getPath(item, 'url')), context.url));
    if (id && !itemsById.has(id)) itemsById.set(id, item);
    else if (!id) unidentified.push(item);
  }
  // Page order is the cards' order; JSON-LD items without a card (an unrendered page) follow in the JSON-LD's order.
  const entries: Array<[item: unknown, card: Cheerio<AnyNode> | undefined]> = [...cards].map(([id, card]) => [
    itemsById.get(id),
    card,
  ]);
  for (const [id, item] of itemsById) if (!cards.has(id)) entries.push([item, undefined]);
  for (const item of unidentified) entries.push([item, undefined]);
  // An entry without a listing URL (a card without a link, an item without url) is left out.
  const listings = readableEntries(
    entries,
    ([item, card]) => listingRecord(item, card, operation, context),
    context,
    `listings (${cardSelector} cards and JSON-LD items)`,
  );

  if (listings.length === 0 && !NO_RESULTS.test($('body').text())) {
    throw new UnrecognisedMarkupError(
      context.site,
      'listing',
      `no JSON-LD ItemList items, no ${cardSelector} cards and no "no results" message`,
      context.url,
    );
  }
  // On the last page the next link may remain, pointing at the page itself, with data-islast="true".
  const next = $('a#pagination-next').first();
  return {
    listings,
    nextPageUrl: next.attr('data-islast') === 'true' ? null : absoluteUrl(next.attr('href'), context.url),
    detailUrls: listings.map((listing) => listing.url),
  };
}

// ── Detail page ────────────────────────────────────────────────────────────────────────────────

/** A number of the `.details-item` key facts, by its label: "3 Recámaras". */
function keyFact($: CheerioAPI, label: RegExp): number | null {
  const item = $('.details-item')
    .filter((_, element) => label.test($(element).text()))
    .first();
  return positiveCount(item.find('.details-item-value').text());
}

/** A counted amenity of the JSON-LD node: { name: "Estacionamientos", value: 2 }. */
function amenityCount(node: unknown, name: RegExp): number | null {
  const feature = listOf(getPath(node, 'amenityFeature')).find((f) => name.test(jsonString(getPath(f, 'name')) ?? ''));
  return positiveCount(getPath(feature, 'value'));
}

function parseDetailPage({ $ }: PortalPage, context: ParseContext): ListingRecord {
  const max = context.maxFieldLength;
  const unreadable = (missing: string): UnrecognisedMarkupError =>
    new UnrecognisedMarkupError(context.site, 'detail', missing, context.url);

  const nodes = jsonLdNodes($);
  const node = nodes.find((n) => typesOf(n).length > 0 && !typesOf(n).some((type) => NOT_LISTING.has(type)));
  if (node === undefined && $('.main-title h1').length === 0) {
    // A removed listing whose detail request the portal redirected (same site) to its home or a
    // search: the fetcher hands over the final address, which is no detail page (as §1.3 says of
    // Inmuebles24). Gone only when that page is recognised as one of the two (landing-page.ts); a
    // saved detail page parsed under another address still has its listing node.
    throw noListingError($, context, {
      atDetailAddress: idFromUrl(context.url) !== null,
      results: RESULTS_PAGE,
      missing: 'no JSON-LD listing node and no .main-title h1',
    });
  }
  // Second source; a call whose argument cannot be read leaves the JSON-LD and the DOM to fill in.
  const form = inlineScriptData($, { call: 'initAdForm' })?.value;
  const location = getPath(form, 'mapData.adLocationData');
  const url = canonicalListingUrl(
    jsonString(getPath(node, 'url')) ?? $('link[rel="canonical"]').attr('href') ?? context.url,
    context.url,
  );
  const id = idFromUrl(url);
  if (!url || !id) throw unreadable('no /detalle/ or /desarrollo/ listing URL');

  // The operation is in the breadcrumb's search link (…/casa/for-sale/), in JSON-LD and in the DOM.
  const breadcrumbUrls = [
    ...nodes
      .filter((n) => hasType(n, 'BreadcrumbList'))
      .flatMap((n) => listOf(getPath(n, 'itemListElement')).map((e) => jsonString(getPath(e, 'item')))),
    ...$('.breadcrumb a')
      .map((_, a) => $(a).attr('href'))
      .get(),
  ];
  const place = splitPlace(elementText($('.view-map__text'), max));
  const nodeImages = imageUrls(getPath(node, 'image'));
  const photos = $('.photos .swiper-slide img')
    .map((_, img) => $(img).attr('src'))
    .get();

  return {
    ...emptyRecord(context.site, id, url),
    title:
      jsonText(getPath(node, 'name'), max) ??
      elementText($('.main-title h1'), max) ??
      cleanText($('meta[property="og:title"]').attr('content'), max),
    operation: breadcrumbUrls.map((href) => pathOperation(href, url)).find((op) => op != null) ?? null,
    // Without a JSON-LD type, the type word of the search the breadcrumb links to ("/yucatan/merida/casa/for-sale/").
    propertyType:
      mapPropertyType(typesOf(node)[0]) ??
      breadcrumbUrls.map((href) => searchType(href, url)).find((type) => type != null) ??
      null,
    ...parsePriceText(elementText($('.prices-and-fees__price'), max) ?? elementText($('.price-info__value'), max)),
    bedrooms: positiveCount(getPath(node, 'numberOfBedrooms')) ?? keyFact($, /rec[aá]mara/i),
    bathrooms: positiveCount(getPath(node, 'numberOfBathroomsTotal')) ?? keyFact($, /baño/i),
    parkingSpaces: amenityCount(node, /estacionamiento/i) ?? keyFact($, /estacionamiento/i),
    builtAreaM2:
      positiveNumber(getPath(node, 'floorSize.value')) ?? positiveNumber(elementText($('[data-test="floor-value"]'))),
    landAreaM2: positiveNumber(elementText($('[data-test="plot-area-value"]'))),
    neighborhood: jsonText(getPath(location, 'locality'), max) ?? place.neighborhood,
    city:
      jsonText(getPath(node, 'address.addressLocality'), max) ?? jsonText(getPath(form, 'district'), max) ?? place.city,
    state:
      jsonText(getPath(node, 'address.addressRegion'), max) ?? jsonText(getPath(form, 'province'), max) ?? place.state,
    address: jsonText(getPath(node, 'address.streetAddress'), max) ?? jsonText(getPath(location, 'address'), max),
    lat: toCoordinate(getPath(node, 'geo.latitude') ?? getPath(location, 'coordinates.latitude'), 90),
    lng: toCoordinate(getPath(node, 'geo.longitude') ?? getPath(location, 'coordinates.longitude'), 180),
    // The element shows a cut preview; data-expandeddescription holds the whole text (HTML).
    description:
      jsonText(getPath(node, 'description'), max) ??
      cleanText($('#description-text').attr('data-expandeddescription'), max) ??
      elementText($('#description-text'), max),
    images: uniqueUrls(nodeImages.length > 0 ? nodeImages : photos, url),
    publisher: elementText($('.agency [data-test="agency-name"]'), max),
    // ".date" reads "dd/mm/yyyy - …": the date is the part before the dash.
    publishedAt: toIsoDate(elementText($('.left-details .date'))?.split(' -')[0]),
  };
}

// Its content hooks (content-hooks.ts): a results page's own parts, and a detail page's DOM (§3.3).
export const lamudiAdapter: SiteAdapter = portalAdapter('lamudi', {
  // The walk follows a#pagination-next: a linked page that answers 404 is drift.
  endsWithNotFound: false,
  listingPage: parseListingPage,
  detailPage: parseDetailPage,
});
