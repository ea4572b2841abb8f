/**
 * Inmuebles24 (Navent) adapter, after portals.md §1.
 *
 * Results pages: the card `data-qa` hooks are the stable part (class names are hashed and change);
 * a 2026 JSON-LD `mainEntity` list of URLs, when present, only adds detail URLs. Detail pages: the
 * inline `avisoInfo` literal is the primary source, the base64 `mapLatOf`/`mapLngOf` constants hold
 * the coordinates, and the DOM fills in fields some page versions leave out of `avisoInfo`.
 */
import type { Cheerio, CheerioAPI } from 'cheerio';
import type { Element } from 'domhandler';
import { NotFoundError, UnrecognisedMarkupError } from '../../lib/errors';
import { emptyRecord, type ListingRecord } from '../../lib/record/listing-record';
import {
  absoluteUrl,
  canonicalListingUrl,
  cleanText,
  mapOperation,
  mapPropertyType,
  parseCount,
  parseCurrency,
  parseNumber,
  parsePriceText,
  toCoordinate,
  toIsoDate,
  uniqueUrls,
  type ParsedPrice,
} from '../../lib/record/text';
import type { ListingPage, ParseContext, SiteAdapter } from '../adapter';
import { inlineScripts, listOf, readInlineLiteral } from '../embedded';
import { jsonString } from '../field-readers';
import { getPath, loadPage, readJsonLd } from '../page';

const SITE = 'inmuebles24';
const CARD = 'div[data-qa="posting PROPERTY"], div[data-qa="posting DEVELOPMENT"]';
/** What the portal prints on a search without results: the one case where no cards is a success. */
const NO_RESULTS = /no encontramos resultados/i;
const DETAIL_PATH = /\/propiedades\/(?:clasificado|desarrollo)\//;

type Features = Pick<ListingRecord, 'bedrooms' | 'bathrooms' | 'parkingSpaces' | 'builtAreaM2' | 'landAreaM2'>;

/** Card feature spans by their unit: "835 m² tot." / "… m² lote" is land, "120 m² cub." built, etc. */
const CARD_FEATURES: Array<[RegExp, keyof Features]> = [
  [/m²\s*(tot|lote)/i, 'landAreaM2'],
  [/m²\s*cub/i, 'builtAreaM2'],
  [/\brec\b|rec[aá]mara/i, 'bedrooms'],
  [/\bbaños?\b/i, 'bathrooms'],
  [/\bestac/i, 'parkingSpaces'],
];

/** The same facts in avisoInfo, by Navent feature code (§1.3). */
const FEATURE_CODES: Array<[string, keyof Features]> = [
  ['CFT100', 'landAreaM2'],
  ['CFT101', 'builtAreaM2'],
  ['CFT2', 'bedrooms'],
  ['CFT3', 'bathrooms'],
  ['CFT7', 'parkingSpaces'],
];

const AREAS = new Set<keyof Features>(['builtAreaM2', 'landAreaM2']);

function featureValue(field: keyof Features, text: string | null | undefined): number | null {
  return AREAS.has(field) ? parseNumber(text) : parseCount(text);
}

function emptyFeatures(): Features {
  return { bedrooms: null, bathrooms: null, parkingSpaces: null, builtAreaM2: null, landAreaM2: null };
}

/**
 * Operation and type from the words of a detail URL: the card shows neither elsewhere.
 * "…/veclcain-casa-en-venta-jurica-queretaro-142082805.html" → sale, house (the Navent code
 * prefix "veclcain", when present, contains no type word).
 */
function slugFacts(url: string): Pick<ListingRecord, 'operation' | 'propertyType'> {
  const slug = new URL(url).pathname.split('/').pop() ?? '';
  const match = /^(.*?)-en-(venta|renta|temporal-vacacional)-/.exec(slug);
  if (!match) return { operation: null, propertyType: null };
  return { operation: mapOperation(match[2]), propertyType: mapPropertyType(match[1].replace(/-/g, ' ')) };
}

function cardRecord($: CheerioAPI, card: Cheerio<Element>, context: ParseContext): ListingRecord {
  const max = context.maxFieldLength;
  const id = cleanText(card.attr('data-id'));
  const url = canonicalListingUrl(card.attr('data-to-posting') ?? card.find('[data-qa="POSTING_CARD_DESCRIPTION"] a').attr('href'), context.url);
  if (!id || !url) throw new UnrecognisedMarkupError(context.site, 'listing', 'a posting card without data-id or data-to-posting', context.url);

  const features = emptyFeatures();
  card.find('[data-qa="POSTING_CARD_FEATURES"] span').each((_, span) => {
    const text = $(span).text();
    const field = CARD_FEATURES.find(([pattern]) => pattern.test(text))?.[1];
    if (field && features[field] == null) features[field] = featureValue(field, text);
  });
  // "Colonia, Ciudad": the city is the last part.
  const location = (cleanText(card.find('[data-qa="POSTING_CARD_LOCATION"]').first().text(), max) ?? '').split(/\s*,\s*/);
  const city = location.length > 0 ? location.pop() || null : null;

  return {
    ...emptyRecord(context.site, id, url),
    ...slugFacts(url),
    ...parsePriceText(card.find('[data-qa="POSTING_CARD_PRICE"]').first().text()),
    ...features,
    neighborhood: cleanText(location.join(', '), max),
    city,
    address: cleanText(card.find('[class*="postingAddress"], [class*="location-address"]').first().text(), max),
    // html(), not text(): the snippet separates its lines with <br>, which text() would glue together.
    description: cleanText(card.find('[data-qa="POSTING_CARD_DESCRIPTION"] a').first().html(), max),
    images: uniqueUrls(card.find('[data-qa="POSTING_CARD_GALLERY"] img').map((_, img) => $(img).attr('src')).get(), context.url),
    // The logo's alt carries the agency name only on some cards; an empty alt says nothing.
    publisher: cleanText(card.find('img[data-qa^="POSTING_CARD_PUBLISHER"]').first().attr('alt'), max),
  };
}

/** Detail URLs listed by the 2026 JSON-LD mainEntity block, when the page has one. */
function jsonLdDetailUrls($: CheerioAPI, context: ParseContext): string[] {
  return readJsonLd($)
    .flatMap((block) => listOf(getPath(block, 'mainEntity')))
    .map((item) => canonicalListingUrl(jsonString(getPath(item, 'url')), context.url))
    .filter((url): url is string => url != null && DETAIL_PATH.test(url));
}

function parseListingPage(html: string, context: ParseContext): ListingPage {
  const $ = loadPage(html, context.site, 'listing', context.url);
  const listings = $(CARD).toArray().map((card) => cardRecord($, $(card), context));
  if (listings.length === 0 && !NO_RESULTS.test($('body').text())) {
    throw new UnrecognisedMarkupError(context.site, 'listing', `no posting cards (${CARD}) and no "no results" message`, context.url);
  }
  return {
    listings,
    nextPageUrl: absoluteUrl($('a[data-qa="PAGING_NEXT"]').attr('href'), context.url),
    detailUrls: uniqueUrls([...listings.map((listing) => listing.url), ...jsonLdDetailUrls($, context)], context.url),
  };
}

// ── Detail page ────────────────────────────────────────────────────────────────────────────────

/** A feature by code: `mainFeatures` first, else any group of `generalFeatures` (older/newer pages have one or the other). */
function avisoFeature(aviso: unknown, code: string): string | null {
  const groups = getPath(aviso, 'generalFeatures');
  const candidates = [getPath(aviso, `mainFeatures.${code}.value`), ...Object.values(groups ?? {}).map((group) => getPath(group, `${code}.value`))];
  return candidates.map(jsonString).find((value) => value != null) ?? null;
}

/** Names along the location chain by level: { ZONA: colonia, CIUDAD: municipio, PROVINCIA: estado, PAIS }. */
function locationLevels(location: unknown): Record<string, string | null> {
  const levels: Record<string, string | null> = {};
  for (let node = location; node != null && typeof node === 'object'; node = getPath(node, 'parent')) {
    const label = jsonString(getPath(node, 'label'));
    if (label) levels[label.toUpperCase()] = jsonString(getPath(node, 'name'));
  }
  return levels;
}

/** avisoInfo prices: the first price of the first operation; the text forms ("Consultar precio") otherwise. */
function avisoPrice(aviso: unknown, $: CheerioAPI): ParsedPrice {
  const amount = parseNumber(jsonString(getPath(aviso, 'pricesData.0.prices.0.amount')));
  if (amount != null) {
    const currency = jsonString(getPath(aviso, 'pricesData.0.prices.0.isoCode')) ?? jsonString(getPath(aviso, 'pricesData.0.prices.0.currency'));
    return { price: amount, currency: parseCurrency(currency), priceOnRequest: false };
  }
  return parsePriceText(jsonString(getPath(aviso, 'price')) ?? $('.price-value').first().text());
}

/** A base64 constant such as `const mapLatOf = "MjAuNjU5Nw=="`, decoded. */
function fromBase64(value: unknown): string | null {
  const text = jsonString(value);
  return text ? Buffer.from(text, 'base64').toString('utf8') : null;
}

function parseDetailPage(html: string, context: ParseContext): ListingRecord {
  const max = context.maxFieldLength;
  const $ = loadPage(html, context.site, 'detail', context.url);
  const scripts = inlineScripts($);
  const unreadable = (missing: string): UnrecognisedMarkupError => new UnrecognisedMarkupError(context.site, 'detail', missing, context.url);

  const constant = (name: string): unknown => readInlineLiteral(scripts, name, unreadable);

  const aviso = constant('avisoInfo');
  if (aviso == null || typeof aviso !== 'object') throw unreadable('no inline avisoInfo object');
  const url = canonicalListingUrl($('link[rel="canonical"]').attr('href') ?? context.url, context.url);
  const id = jsonString(getPath(aviso, 'idAviso')) ?? /-(\d+)\.html$/.exec(url ?? '')?.[1];
  if (!id || !url) throw unreadable('no listing id (avisoInfo.idAviso) or URL');
  // A removed listing keeps its page with status OFFLINE (§1.3): for the scraper it is gone, the
  // same as the 404/410 the portal gives elsewhere, so it is reported as NotFoundError (not retried).
  if (jsonString(getPath(aviso, 'status'))?.toUpperCase() === 'OFFLINE') {
    throw new NotFoundError(`${context.site} listing ${id} is no longer published (avisoInfo status OFFLINE)`, url, 410);
  }

  const features = emptyFeatures();
  for (const [code, field] of FEATURE_CODES) features[field] = featureValue(field, avisoFeature(aviso, code));
  const place = locationLevels(getPath(aviso, 'location'));
  const pictures = listOf(getPath(aviso, 'pictures')).map((picture) => jsonString(getPath(picture, 'url1200x1200')));
  const galleryImages = $('#new-gallery-portal img').map((_, img) => $(img).attr('src')).get();

  return {
    ...emptyRecord(context.site, id, url),
    title: cleanText(jsonString(getPath(aviso, 'postingTitle')) ?? jsonString(getPath(aviso, 'title')) ?? $('h1').first().text(), max),
    operation: mapOperation(jsonString(getPath(aviso, 'pricesData.0.operationType.name')) ?? $('.price-value').first().text()),
    propertyType: mapPropertyType(jsonString(getPath(aviso, 'realEstateType.name'))),
    ...avisoPrice(aviso, $),
    ...features,
    neighborhood: cleanText(place.ZONA, max),
    city: cleanText(place.CIUDAD, max),
    state: cleanText(place.PROVINCIA, max),
    address: cleanText(jsonString(getPath(aviso, 'address.name')), max),
    lat: toCoordinate(fromBase64(constant('mapLatOf')), 90),
    lng: toCoordinate(fromBase64(constant('mapLngOf')), 180),
    description: cleanText(jsonString(getPath(aviso, 'description')) ?? $('#longDescription').first().html(), max),
    images: uniqueUrls(pictures.length > 0 ? pictures : galleryImages, url),
    publisher: cleanText(jsonString(getPath(aviso, 'publisher.name')) ?? $('[data-qa="linkMicrositioAnunciante"]').first().text(), max),
    publishedAt: toIsoDate(jsonString(getPath(aviso, 'publicationDateFormatted'))),
  };
}

export const inmuebles24Adapter: SiteAdapter = {
  site: SITE,
  parseListingPage,
  parseDetailPage,
};
