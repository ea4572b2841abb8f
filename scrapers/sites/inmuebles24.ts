/**
 * Inmuebles24 (Navent) adapter, after docs/portals.md §1.
 *
 * Results pages: the richest source first, field by field. The server's HTML embeds the whole
 * result list in `window.__PRELOADED_STATE__` (§1.2, real 2024 capture): title, operation, type,
 * coordinates, built area, location chain, photos and publisher that the cards never show. The
 * cards come next, in either documented markup: the 2024 `div[data-qa="posting …"]` root, or the
 * 2025-26 CSS-module card whose inner element carries `data-id` and `data-to-posting` (hashed class
 * suffixes vary; the `data-qa` hooks of price, location and features are the stable part). Postings
 * and cards are joined by id (postingId = card data-id) in page order. Operation and type fall
 * back to the words of the card's own link, then of the search URL.
 *
 * Detail pages: `const avisoInfo = {…}` (read with acorn, tolerant), the base64 `mapLatOf` /
 * `mapLngOf` constants and `dataLayerInfo`, then the DOM (§1.3). A removed listing is gone
 * (NotFoundError): `status: 'OFFLINE'`, or a redirect away from the detail URL (home or a results
 * page), which the fetcher follows, handing over the final address.
 */
import type { Cheerio, CheerioAPI } from 'cheerio';
import type { AnyNode } from 'domhandler';
import { NotFoundError, UnrecognisedMarkupError } from '../../lib/errors';
import { emptyRecord, type ListingRecord } from '../../lib/record/listing-record';
import { cleanText } from '../../lib/record/text';
import { toCoordinate } from '../../lib/record/numbers';
import { parsePriceText, type ParsedPrice } from '../../lib/record/price';
import { mapOperation, mapPropertyType } from '../../lib/record/vocabulary';
import { absoluteUrl, canonicalListingUrl, uniqueUrls } from '../../lib/record/urls';
import { toIsoDate } from '../../lib/record/dates';
import type { ListingPage, ParseContext, SiteAdapter } from '../adapter';
import { inlineScriptData, inlineScriptReader, listOf } from '../embedded';
import { asObject, elementText, firstOf, jsonString, jsonText, positiveNumber } from '../field-readers';
import { resultsPageHooks } from '../content-hooks';
import { readableEntries, unreadable, type Unreadable } from '../entries';
import { noListingError, type ResultsPageMarkers } from '../landing-page';
import { getPath, readJsonLd } from '../page';
import { portalAdapter, type PortalPage } from '../portal-adapter';
import { linkWords, resolveKind, searchPathFacts, searchUrlFacts } from '../search-url';
import { codedFeatures, featureValue, NO_FEATURES, type Features } from './navent-features';
import { locationLevels } from './navent-location';
import { choosePrice, naventPrice, priceOptions } from './navent-prices';

/** What the portal prints on a search without results: the one case where no cards is a success. */
const NO_RESULTS = /no encontramos resultados/i;
/** `/propiedades/clasificado/…-142082805.html` and `/propiedades/desarrollo/…` (§1.3). */
const DETAIL_PATH = /^\/propiedades\/(?:clasificado|desarrollo)\/(?:[^/]*-)?(\d+)\.html$/;

/** Card feature spans by their unit: "835 m² tot." / "… m² lote" is land, "120 m² cub." built, "3 rec." … ("306 un." is a development's unit count). */
const CARD_FEATURES: ReadonlyArray<[RegExp, keyof Features]> = [
  [/m²\s*(tot|lote)/i, 'landAreaM2'],
  [/m²\s*cub/i, 'builtAreaM2'],
  [/\brec\b|rec[aá]mara/i, 'bedrooms'],
  [/\bbaños?\b/i, 'bathrooms'],
  [/\bestac/i, 'parkingSpaces'],
];

const isDetailUrl = (url: string | null | undefined): boolean => url != null && DETAIL_PATH.test(new URL(url).pathname);

/**
 * What only a results page carries (§1.2): the cards of either generation, the PAGING_N /
 * PAGING_NEXT links, the 2025-26 result count (content-hooks.ts), and the "no results" text.
 */
const RESULTS_PAGE: ResultsPageMarkers = { selectors: resultsPageHooks('inmuebles24'), noResults: NO_RESULTS };

/**
 * A property type from a Navent type name ("Casas", "Departamentos", "Apartamento" …). Developments
 * name the kind of project instead ("Desarrollos verticales" on the 2024 results page,
 * "horizontal-vertical" in a 2024 avisoInfo whose units are departamentos and locales): "other",
 * as docs/listing-record.md maps any type outside its list.
 */
const naventType = (name: unknown): ListingRecord['propertyType'] => mapPropertyType(jsonString(name));

// ── Results page ───────────────────────────────────────────────────────────────────────────────

/** What one card shows (§1.2), in either markup generation. */
interface Card {
  id: string;
  url: string | null;
  shownPrice: ParsedPrice;
  features: Features;
  neighborhood: string | null;
  city: string | null;
  address: string | null;
  description: string | null;
  images: string[];
}

function readCard($: CheerioAPI, card: Cheerio<AnyNode>, context: ParseContext): Card | null {
  const max = context.maxFieldLength;
  const id = jsonString(card.attr('data-id'));
  if (!id) return null;
  const features = { ...NO_FEATURES };
  card.find('[data-qa="POSTING_CARD_FEATURES"] span').each((_, span) => {
    const text = $(span).text();
    const field = CARD_FEATURES.find(([pattern]) => pattern.test(text))?.[1];
    if (field && features[field] == null) features[field] = featureValue(field, text);
  });
  // "Colonia, Ciudad": the city is the last part.
  const place = (cleanText(card.find('[data-qa="POSTING_CARD_LOCATION"]').first().text(), max) ?? '')
    .split(/\s*,\s*/)
    .filter(Boolean);
  const city = place.pop() ?? null;
  const description = card
    .find('[data-qa="POSTING_CARD_DESCRIPTION"] a, [class*="postingCard-module__posting-description"] a')
    .first();
  return {
    id,
    url: canonicalListingUrl(card.attr('data-to-posting') ?? description.attr('href'), context.url),
    shownPrice: parsePriceText(card.find('[data-qa="POSTING_CARD_PRICE"]').first().text()),
    features,
    neighborhood: place.length > 0 ? place.join(', ') : null,
    city,
    address: elementText(card.find('[class*="postingAddress"], [class*="location-address"]'), max),
    // html(), not text(): the snippet separates its lines with <br>, which text() would glue together.
    description: cleanText(description.html(), max),
    images: uniqueUrls(
      card
        .find('[data-qa="POSTING_CARD_GALLERY"] img')
        .map((_, img) => $(img).attr('src'))
        .get(),
      context.url,
    ),
  };
}

/**
 * The cards of the page in page order, of both markup generations (§1.2; content-hooks.ts); a card
 * inside another matched element is the same card.
 */
function pageCards({ $, cardSelector }: PortalPage, context: ParseContext): Card[] {
  const seen = new Set<string>();
  const cards: Card[] = [];
  $(cardSelector)
    .filter((_, element) => $(element).parents(cardSelector).length === 0)
    .each((_, element) => {
      const card = readCard($, $(element), context);
      if (card && !seen.has(card.id)) {
        seen.add(card.id);
        cards.push(card);
      }
    });
  return cards;
}

/** One listing from its `__PRELOADED_STATE__` posting and/or its card, field by field. */
function listingRecord(posting: unknown, card: Card | undefined, context: ParseContext): ListingRecord | Unreadable {
  const max = context.maxFieldLength;
  const id = jsonString(getPath(posting, 'postingId')) ?? card?.id;
  const url = canonicalListingUrl(jsonString(getPath(posting, 'url')), context.url) ?? card?.url ?? null;
  if (!id || !url)
    return unreadable(
      `${card ? `card ${card.id}` : `posting ${id ?? '(no postingId)'}`} without a detail URL (data-to-posting, its description link or the posting's url)`,
    );

  const search = searchUrlFacts(context.url);
  const shown = card?.shownPrice ?? { price: null, currency: null, priceOnRequest: false };
  const chosen = choosePrice(priceOptions(getPath(posting, 'priceOperationTypes')), shown, search.operation);
  const stateFeatures = codedFeatures(posting);
  const features = Object.fromEntries(
    (Object.keys(NO_FEATURES) as Array<keyof Features>).map((field) => [
      field,
      stateFeatures[field] ?? card?.features[field] ?? null,
    ]),
  ) as Features;
  const place = locationLevels(getPath(posting, 'postingLocation.location'));
  const pictures = listOf(getPath(posting, 'visiblePictures.pictures')).map(
    (picture) => jsonString(getPath(picture, 'url730x532')) ?? jsonString(getPath(picture, 'url360x266')),
  );
  const images = uniqueUrls(pictures, context.url);

  return {
    ...emptyRecord(context.site, id, url),
    // The card has no title of its own (its image alt is a generated caption, §1.2).
    title: jsonText(getPath(posting, 'title'), max),
    ...resolveKind(
      { operation: chosen?.operation ?? null, propertyType: naventType(getPath(posting, 'realEstateType.name')) },
      linkWords(card?.url ?? url),
      search,
    ),
    ...(chosen && chosen.price.price != null ? chosen.price : shown),
    ...features,
    neighborhood: cleanText(place.neighborhood, max) ?? card?.neighborhood ?? null,
    city: cleanText(place.city, max) ?? card?.city ?? null,
    state: cleanText(place.state, max),
    address: jsonText(getPath(posting, 'postingLocation.address.name'), max) ?? card?.address ?? null,
    lat: toCoordinate(getPath(posting, 'postingLocation.postingGeolocation.geolocation.latitude'), 90),
    lng: toCoordinate(getPath(posting, 'postingLocation.postingGeolocation.geolocation.longitude'), 180),
    description: jsonText(getPath(posting, 'descriptionNormalized'), max) ?? card?.description ?? null,
    images: images.length > 0 ? images : (card?.images ?? []),
    // The card's logo has no name (its alt reads "logo publisher" on the real page): the state only.
    publisher: jsonText(getPath(posting, 'publisher.name'), max),
  };
}

/** Detail URLs listed by the 2026 JSON-LD mainEntity block, when the page has one (S-EPS). */
function jsonLdDetailUrls($: CheerioAPI, context: ParseContext): string[] {
  return readJsonLd($)
    .flatMap((block) => listOf(getPath(block, 'mainEntity')))
    .map((item) => canonicalListingUrl(jsonString(getPath(item, 'url')), context.url))
    .filter((url): url is string => url != null && isDetailUrl(url));
}

/** The page's own next link (PAGING_NEXT), else the state's paging; never a page size assumed. */
function nextPage($: CheerioAPI, state: unknown, context: ParseContext): string | null {
  const link = absoluteUrl($('a[data-qa="PAGING_NEXT"]').attr('href'), context.url);
  if (link) return link;
  if (getPath(state, 'listStore.paging.lastPage') === true) return null;
  return absoluteUrl(jsonString(getPath(state, 'listStore.paging.pagesUrl.nextPage')), context.url);
}

/** The state says the search found nothing: an empty list and no total. */
function stateSaysEmpty(state: unknown): boolean {
  const postings = getPath(state, 'listStore.listPostings');
  return (
    Array.isArray(postings) && postings.length === 0 && positiveNumber(getPath(state, 'listStore.paging.total')) == null
  );
}

function parseListingPage(page: PortalPage, context: ParseContext): ListingPage {
  const { $ } = page;
  const state = inlineScriptData($, { assignment: 'window.__PRELOADED_STATE__' })?.value;
  const postings = new Map<string, unknown>();
  for (const posting of listOf(getPath(state, 'listStore.listPostings'))) {
    const id = jsonString(getPath(posting, 'postingId'));
    if (id && !postings.has(id)) postings.set(id, posting);
  }
  // Page order is the cards' order; postings without a card (a page whose cards are not rendered) follow in the state's order.
  const cards = pageCards(page, context);
  const entries: Array<[posting: unknown, card: Card | undefined]> = cards.map((card) => [postings.get(card.id), card]);
  const carded = new Set(cards.map((card) => card.id));
  for (const [id, posting] of postings) if (!carded.has(id)) entries.push([posting, undefined]);
  // A card or posting without a detail URL is left out; the others keep their order.
  const listings = readableEntries(
    entries,
    ([posting, card]) => listingRecord(posting, card, context),
    context,
    'postings (cards and __PRELOADED_STATE__ entries)',
  );

  if (listings.length === 0 && !NO_RESULTS.test($('body').text()) && !stateSaysEmpty(state)) {
    throw new UnrecognisedMarkupError(
      context.site,
      'listing',
      'no posting cards (div[data-qa="posting PROPERTY|DEVELOPMENT"] or an element with data-id and data-to-posting), no __PRELOADED_STATE__ postings and no "no results" message',
      context.url,
    );
  }
  return {
    listings,
    nextPageUrl: nextPage($, state, context),
    detailUrls: uniqueUrls([...listings.map((listing) => listing.url), ...jsonLdDetailUrls($, context)], context.url),
  };
}

// ── Detail page ────────────────────────────────────────────────────────────────────────────────

/** Icon features of the older detail DOM (§1.3): `li.icon-feature` with `i.icon-stotal` … */
const ICON_FEATURES: ReadonlyArray<[string, keyof Features]> = [
  ['icon-stotal', 'landAreaM2'],
  ['icon-scubierta', 'builtAreaM2'],
  ['icon-dormitorio', 'bedrooms'],
  ['icon-bano', 'bathrooms'],
  ['icon-cochera', 'parkingSpaces'],
];

function iconFeatures($: CheerioAPI): Features {
  const features = { ...NO_FEATURES };
  for (const [icon, field] of ICON_FEATURES) {
    features[field] = featureValue(
      field,
      $(`#section-icon-features-property li.icon-feature:has(i.${icon})`).first().text(),
    );
  }
  return features;
}

/**
 * A development's ranges (real 2024 avisoInfo of a DEVELOPMENT: no pricesData, but
 * `developmentData` with `{ tuple0, tuple1 }` low/high values): the low end, as for "1 a 2 rec.".
 */
function developmentFeatures(aviso: unknown): Features {
  const low = (key: string): unknown => getPath(aviso, `developmentData.${key}.tuple0`);
  return {
    bedrooms: featureValue('bedrooms', low('rooms')),
    bathrooms: featureValue('bathrooms', low('bathrooms')),
    parkingSpaces: null,
    builtAreaM2: featureValue('builtAreaM2', low('coveredArea')),
    landAreaM2: featureValue('landAreaM2', low('totalArea')),
  };
}

/** A base64 constant such as `const mapLatOf = "MjAuNjU5Nw=="`, decoded. */
function fromBase64(value: unknown): string | null {
  const text = jsonString(value);
  return text ? Buffer.from(text, 'base64').toString('utf8') : null;
}

/** The `center=lat,lng` of a static-map URL (the `img.static-map` src, or urlMapOf decoded). */
function mapCenter(url: string | null | undefined): { lat: number | null; lng: number | null } {
  const match = /[?&]center=(-?[\d.]+)(?:,|%2C)(-?[\d.]+)/i.exec(url ?? '');
  return { lat: toCoordinate(match?.[1], 90), lng: toCoordinate(match?.[2], 180) };
}

function parseDetailPage({ $ }: PortalPage, context: ParseContext): ListingRecord {
  const max = context.maxFieldLength;
  const scripts = inlineScriptReader($);
  const constant = (name: string): unknown => scripts({ declaration: name })?.value;
  const aviso = asObject(constant('avisoInfo'));
  const hasListingDom = $('h1.title-property, .price-value, #longDescription').length > 0;

  // A removed listing redirects to the home page or a search (§1.3); the fetcher follows and hands
  // over the final address. A page of a listing at another address (a saved file parsed without
  // --url) still has its avisoInfo; a page without it is gone only when it is recognised as the
  // home page or a results page (landing-page.ts), else unrecognised.
  if (aviso === null && !hasListingDom) {
    throw noListingError($, context, {
      atDetailAddress: isDetailUrl(context.url),
      results: RESULTS_PAGE,
      missing: 'no inline avisoInfo object and no listing markup (h1.title-property, .price-value, #longDescription)',
    });
  }

  const canonical = canonicalListingUrl($('link[rel="canonical"]').attr('href'), context.url);
  const url = [canonical, canonicalListingUrl(context.url, context.url)].find(isDetailUrl) ?? null;
  const id = jsonString(getPath(aviso, 'idAviso')) ?? (url ? DETAIL_PATH.exec(new URL(url).pathname)?.[1] : undefined);
  if (!id || !url)
    throw new UnrecognisedMarkupError(
      context.site,
      'detail',
      'no listing id (avisoInfo.idAviso) or /propiedades/… URL',
      context.url,
    );
  // A removed listing can also keep its page with status OFFLINE (§1.3): gone, as a 404/410 would be.
  if (jsonString(getPath(aviso, 'status'))?.toUpperCase() === 'OFFLINE') {
    throw new NotFoundError(
      `${context.site} listing ${id} is no longer published (avisoInfo status OFFLINE)`,
      url,
      410,
    );
  }

  const dataLayer = constant('dataLayerInfo');
  const priceText = elementText($('.price-value'), max);
  // "venta MN 3,300,000": the DOM price line starts with the operation.
  const shown = parsePriceText(priceText);
  const chosen = choosePrice(priceOptions(getPath(aviso, 'pricesData')), shown, null);
  const developmentPrice = naventPrice(getPath(aviso, 'developmentData.prices.tuple0'));
  const avisoPriceText = parsePriceText(jsonString(getPath(aviso, 'price')));
  const price = [chosen?.price, developmentPrice, avisoPriceText, shown].find(
    (candidate) => candidate != null && (candidate.price != null || candidate.priceOnRequest),
  );

  const coded = codedFeatures(aviso);
  const development = developmentFeatures(aviso);
  const icons = iconFeatures($);
  const features = Object.fromEntries(
    (Object.keys(NO_FEATURES) as Array<keyof Features>).map((field) => [
      field,
      coded[field] ?? development[field] ?? icons[field],
    ]),
  ) as Features;

  const place = locationLevels(getPath(aviso, 'location'));
  const base64Map = fromBase64(constant('urlMapOf'));
  const domMap = mapCenter($('img.static-map').attr('src'));
  const encodedMap = mapCenter(base64Map);
  const lat = toCoordinate(fromBase64(constant('mapLatOf')), 90) ?? domMap.lat ?? encodedMap.lat;
  const lng = toCoordinate(fromBase64(constant('mapLngOf')), 180) ?? domMap.lng ?? encodedMap.lng;
  const pictures = listOf(getPath(aviso, 'pictures')).map((picture) => jsonString(getPath(picture, 'url1200x1200')));
  const galleryImages = $('#new-gallery-portal img')
    .map((_, img) => $(img).attr('src'))
    .get();
  // The search the listing belongs to (avisoInfo similarLink / urlBack, e.g. "/terrenos-en-venta-en-playa-del-carmen.html").
  const searches = [getPath(aviso, 'similarLink'), getPath(aviso, 'urlBack')].map((link) =>
    searchPathFacts(jsonString(link) ?? ''),
  );

  return {
    ...emptyRecord(context.site, id, url),
    // The real 2024 avisoInfo objects carry no title: the page's h1 holds it.
    title: firstOf(
      jsonText(getPath(aviso, 'postingTitle'), max),
      jsonText(getPath(aviso, 'title'), max),
      elementText($('h1'), max),
      cleanText($('meta[property="og:title"]').attr('content'), max),
    ),
    ...resolveKind(
      {
        operation: firstOf(
          chosen?.operation,
          mapOperation(jsonString(getPath(dataLayer, 'operationType'))),
          mapOperation(priceText),
        ),
        propertyType: firstOf(
          naventType(getPath(aviso, 'realEstateType.name')),
          naventType(getPath(dataLayer, 'propertyType')),
        ),
      },
      linkWords(url),
      ...searches,
    ),
    ...(price ?? { price: null, currency: null, priceOnRequest: false }),
    ...features,
    neighborhood: cleanText(place.neighborhood, max) ?? jsonText(getPath(dataLayer, 'neighborhood'), max),
    city: cleanText(place.city, max) ?? jsonText(getPath(dataLayer, 'city'), max),
    state: cleanText(place.state, max) ?? jsonText(getPath(dataLayer, 'province'), max),
    address: jsonText(getPath(aviso, 'address.name'), max),
    lat,
    lng,
    description: jsonText(getPath(aviso, 'description'), max) ?? cleanText($('#longDescription').first().html(), max),
    images: uniqueUrls(pictures.length > 0 ? pictures : galleryImages, url),
    publisher: firstOf(
      jsonText(getPath(aviso, 'publisher.name'), max),
      elementText($('[data-qa="linkMicrositioAnunciante"]'), max),
      cleanText($('#reactPublisherData img[alt]').attr('alt'), max),
    ),
    publishedAt: toIsoDate(jsonString(getPath(aviso, 'publicationDateFormatted'))),
  };
}

// Its content hooks (content-hooks.ts): a results page's own parts, and a detail page's listing DOM (§1.3).
export const inmuebles24Adapter: SiteAdapter = portalAdapter('inmuebles24', {
  // The walk follows PAGING_NEXT or the state's next page: a linked page that answers 404 is drift.
  endsWithNotFound: false,
  listingPage: parseListingPage,
  detailPage: parseDetailPage,
});
