/**
 * Mitula México results pages (docs/portals.md §4): one `article.listing-card` per ad. Each field comes
 * from the best source the card has, in this order:
 *   1. the card's data-* attributes (id, price, operation, place, area, rooms; §4.2);
 *   2. its inner markup, in either documented form: `data-test` hooks (S-MIT-A) or BEM class names
 *      (S-MIT-B) — title, price text, place, rooms, baths, area, type tag, description, date, agency;
 *   3. the JSON-LD SearchResultsPage `about[]`, aligned with the cards by index, when the page has one
 *      (seen on Mitula Colombia, unconfirmed for MX; the only source of coordinates);
 *   4. for operation and type, the search URL's words (all searches live under /casas/).
 * Mitula has no detail scraper; a page past the last one answers 404 (§4.1), which the fetcher reports.
 */
import type { Cheerio, CheerioAPI } from 'cheerio';
import type { AnyNode } from 'domhandler';
import { emptyRecord, type ListingRecord, type PropertyType } from '../../lib/record/listing-record';
import { cleanText } from '../../lib/record/text';
import { toCoordinate } from '../../lib/record/numbers';
import { parseCurrency, parsePriceText } from '../../lib/record/price';
import { mapOperation, mapPropertyType } from '../../lib/record/vocabulary';
import { absoluteUrl, canonicalListingUrl, uniqueUrls } from '../../lib/record/urls';
import type { ParseContext, SiteAdapter } from '../adapter';
import {
  asArray,
  asObject,
  elementText,
  jsonText,
  pageParam,
  placeParts,
  positiveCount,
  positiveNumber,
  unnamedArea,
  withoutFragment,
  type JsonObject,
  jsonString,
} from '../field-readers';
import { unreadable, type Unreadable } from '../entries';
import { dateAndAgency, isOnPortal, originAddress, lifullAdapter } from '../lifull-aggregators';
import { getPath, readJsonLd } from '../page';
import { searchPathFacts, type SearchUrlFacts } from '../search-url';

const DOMAIN = 'mitula.mx';

/** Inner markup, `data-test` hook first and class name second (§4.2, S-MIT-A / S-MIT-B). */
const INNER = {
  title: '[data-test="snippet__title"]',
  price: '[data-test="price__actual"], .price__actual',
  location: '[data-test="snippet__location"], .listing-card__location__geo',
  description: '[data-test="snippet__description"], .listing-card__description__text',
  dateAndAgency:
    '[data-test="snippet__published-date-and-agency"], .listing-card__information__bottom__published-date-and-agency',
  propertyType: '.tag--listing--property-type',
  images: '.swiper-slide img',
} as const;

/** A card fact: `p[data-test=…]`, or the `.listing-card__properties__property` holding its icon. */
function cardFact(card: Cheerio<AnyNode>, dataTest: string, icon: string, maxLength: number): string | null {
  const hooked = card.find(`p[data-test="${dataTest}"]`);
  if (hooked.length > 0) return elementText(hooked, maxLength);
  return elementText(card.find(`.listing-card__properties__property:has(.listing-card__icon__${icon})`), maxLength);
}

/** data-clickdestination: base64 (padding "=" sometimes dropped) of a Mitula path or an origin URL (§4.3). */
function decodeDestination(value: string | null): string | null {
  const encoded = value?.trim();
  if (!encoded || !/^[A-Za-z0-9+/_-]+=*$/.test(encoded)) return null;
  const padded = encoded + '='.repeat((4 - (encoded.length % 4)) % 4);
  const decoded = Buffer.from(padded, 'base64').toString('utf8').trim();
  return /^(\/[^/]|https?:\/\/)/i.test(decoded) ? decoded : null;
}

/** Every node of every JSON-LD block: top-level objects, arrays of them and their @graph members. */
function jsonLdNodes($: CheerioAPI): JsonObject[] {
  const nodes: JsonObject[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    const node = asObject(value);
    if (!node) return;
    nodes.push(node);
    asArray(node['@graph'])?.forEach(visit);
  };
  readJsonLd($).forEach(visit);
  return nodes;
}

/**
 * about[] of the SearchResultsPage, one entry per card. Used only when it has exactly one entry per
 * card: a shifted list would put one listing's coordinates on another.
 */
function aboutPerCard($: CheerioAPI, cardCount: number): Array<JsonObject | null> {
  const page = jsonLdNodes($).find(
    (node) => node['@type'] === 'SearchResultsPage' && asArray(node.about)?.length === cardCount,
  );
  return (asArray(page?.about) ?? []).map(asObject);
}

/** schema.org types that name one property type; Place, Residence and the like name none. */
const SCHEMA_TYPES: Readonly<Record<string, PropertyType>> = {
  SingleFamilyResidence: 'house',
  House: 'house',
  Apartment: 'apartment',
};

/** The operation and type Mitula's search path names, without the /casas/ section every search has. */
function searchFacts(url: string): SearchUrlFacts {
  return searchPathFacts(new URL(url).pathname.replace(/^\/casas\//, '/'));
}

/** The entry describes this card when what both name agrees: title, and town when the card has one. */
function describesCard(about: JsonObject, title: string | null, town: string | null): boolean {
  const name = jsonText(about.name);
  const locality = jsonText(getPath(about, 'address.addressLocality'));
  return (title == null || name == null || name === title) && (town == null || locality == null || locality === town);
}

function cardRecord(
  $: CheerioAPI,
  card: Cheerio<AnyNode>,
  about: JsonObject | null,
  searched: SearchUrlFacts,
  context: ParseContext,
): ListingRecord | Unreadable {
  const max = context.maxFieldLength;
  const attr = (name: string) => card.attr(name)?.trim() || null;
  const text = (selector: string) => elementText(card.find(selector), max);
  const id = attr('data-listingid');
  if (id == null) return unreadable(`a card without data-listingid`);

  const town = cleanText(attr('data-city'), max) ?? cleanText(attr('data-district'), max);
  const cardTitle = text(INNER.title);
  const extra = about && describesCard(about, cardTitle, town) ? about : null;

  // url: the listing's address on Mitula — the decoded destination when it is a Mitula path (the
  // /adform/ ad page), else the Mitula link around the "Ver detalle" button. Queries are page-view
  // tracking. A card that only links out has no Mitula address: its url is the ad's own.
  const destination = decodeDestination(attr('data-clickdestination'));
  const button = card.find('[data-test="snippet__view-detail-button"]').closest('a[href]');
  const link = (button.length ? button : card.find('a[href]')).first().attr('href');
  const mitulaHref = [destination, link].find((href) => href != null && isOnPortal(href, context.url, DOMAIN));
  const originUrl = originAddress(destination, context.url, DOMAIN);
  const url = canonicalListingUrl(mitulaHref, context.url, { dropQuery: true }) ?? originUrl;
  if (url == null) return unreadable(`card ${id} has no link (data-clickdestination or a[href])`);

  const shown = parsePriceText(text(INNER.price));
  const price = positiveNumber(attr('data-price')) ?? shown.price;
  const schemaType = SCHEMA_TYPES[jsonString(extra?.['@type']) ?? ''] ?? null;
  const propertyType = mapPropertyType(text(INNER.propertyType)) ?? schemaType ?? searched.propertyType;
  const area =
    positiveNumber(attr('data-floorarea')) ??
    positiveNumber(cardFact(card, 'floor-area', 'area', max)) ??
    positiveNumber(getPath(extra, 'floorSize.value'));
  const place = placeParts(text(INNER.location), 'city-state');
  const images = card
    .find(INNER.images)
    .toArray()
    .map((img) => $(img).attr('data-src') ?? $(img).attr('src'));

  return {
    ...emptyRecord(context.site, id, url),
    title: cardTitle ?? jsonText(extra?.name, max),
    operation: mapOperation(attr('data-operation-type')) ?? searched.operation,
    propertyType,
    price,
    currency: price == null ? null : (parseCurrency(attr('data-currency')) ?? shown.currency),
    priceOnRequest: price == null && shown.priceOnRequest,
    bedrooms:
      positiveCount(attr('data-rooms')) ??
      positiveCount(cardFact(card, 'bedrooms', 'bedrooms', max)) ??
      positiveCount(extra?.numberOfBedrooms),
    bathrooms:
      positiveCount(cardFact(card, 'bathrooms', 'bathrooms', max)) ?? positiveCount(extra?.numberOfBathroomsTotal),
    ...unnamedArea(area, propertyType),
    neighborhood: cleanText(attr('data-neighbourhood'), max) ?? place.neighborhood,
    city: town ?? place.city ?? jsonText(getPath(extra, 'address.addressLocality'), max),
    state: cleanText(attr('data-region'), max) ?? place.state ?? jsonText(getPath(extra, 'address.addressRegion'), max),
    lat: toCoordinate(getPath(extra, 'geo.latitude'), 90),
    lng: toCoordinate(getPath(extra, 'geo.longitude'), 180),
    description: text(INNER.description),
    images: uniqueUrls(images, context.url),
    ...dateAndAgency(text(INNER.dateAndAgency), max),
    originUrl,
  };
}

/**
 * The `.pagination__page` link to page N+1 (§4.1, S-MIT-B); none on the last page, nor on a page
 * without page links (a search with one page).
 */
function nextPageUrl($: CheerioAPI, pageUrl: string): string | null {
  const wanted = pageParam(pageUrl, 'page') + 1;
  for (const anchor of $('.pagination__page a[href], a.pagination__page[href]').toArray()) {
    const href = absoluteUrl($(anchor).attr('href'), pageUrl);
    if (href && pageParam(href, 'page') === wanted) return withoutFragment(href);
  }
  return null;
}

export const mitulaAdapter: SiteAdapter = lifullAdapter('mitula', {
  // A page past the last answers 404 (docs/portals.md §4.1): the end of the walk.
  endsWithNotFound: true,
  cardReader($, cards, context) {
    const about = aboutPerCard($, cards.length);
    const searched = searchFacts(context.url);
    // about[] stays aligned by the card's position, unreadable cards included.
    return (card, i) => cardRecord($, $(card), about[i] ?? null, searched, context);
  },
  nextPageUrl,
});
