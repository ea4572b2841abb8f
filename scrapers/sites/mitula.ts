/**
 * Mitula México results pages (portals.md §4). The data-* attributes of each
 * `article.listing-card` carry id, price, operation, place, area and rooms; the card text adds title,
 * type, bathrooms, description, date and agency; a JSON-LD SearchResultsPage about[] (aligned with
 * the cards by index, when the page has one) adds coordinates. Mitula has no detail scraper.
 */
import type { Cheerio, CheerioAPI } from 'cheerio';
import type { AnyNode } from 'domhandler';
import { UnrecognisedMarkupError } from '../../lib/errors';
import { emptyRecord, type ListingRecord } from '../../lib/record/listing-record';
import {
  absoluteUrl, canonicalListingUrl, cleanText, mapOperation, mapPropertyType, parseCurrency, parsePriceText, toCoordinate, uniqueUrls,
} from '../../lib/record/text';
import type { ListingPage, ParseContext, SiteAdapter } from '../adapter';
import {
  asArray, asObject, elementText, pageParam, positiveCount, positiveNumber, unnamedArea, withoutFragment, type JsonObject,
} from '../field-readers';
import { dateAndAgency, emptyPageOrThrow, isOnPortal, originAddress, refuseAccessDenied } from '../lifull-aggregators';
import { getPath, loadPage, readJsonLd } from '../page';

const DOMAIN = 'mitula.mx';
const CARD = 'article.listing-card';

/** data-clickdestination: base64 (padding "=" sometimes dropped) of a Mitula path or an origin URL. */
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
  const page = jsonLdNodes($).find((node) => node['@type'] === 'SearchResultsPage' && asArray(node.about)?.length === cardCount);
  return (asArray(page?.about) ?? []).map(asObject);
}

function cardRecord($: CheerioAPI, card: Cheerio<AnyNode>, about: JsonObject | null, context: ParseContext): ListingRecord {
  const attr = (name: string) => card.attr(name)?.trim() || null;
  const text = (selector: string) => elementText(card.find(selector), context.maxFieldLength);
  const id = attr('data-listingid');
  if (id == null) throw new UnrecognisedMarkupError(context.site, 'listing', `a ${CARD} without data-listingid`, context.url);

  const title = text('[data-test="snippet__title"]');
  // The JSON-LD entry must describe this card: a different name means the lists do not line up.
  const extra = about && (about.name == null || cleanText(String(about.name)) === title) ? about : null;

  // url: the listing's address on Mitula. The decoded destination when it is a Mitula path (the
  // /adform/ ad page); when it points at another portal, the Mitula link around the card's "Ver
  // detalle" button, which opens the same kind of Mitula ad page. Queries are page-view tracking.
  const destination = decodeDestination(attr('data-clickdestination'));
  const button = card.find('[data-test="snippet__view-detail-button"]').closest('a[href]');
  const link = (button.length ? button : card.find('a[href]')).first().attr('href');
  const mitulaHref = [destination, link].find((href) => href != null && isOnPortal(href, context.url, DOMAIN));
  const url = canonicalListingUrl(mitulaHref, context.url, { dropQuery: true });
  if (url == null) {
    throw new UnrecognisedMarkupError(context.site, 'listing', `card ${id} has no Mitula link (data-clickdestination or a[href])`, context.url);
  }

  const shown = parsePriceText(text('[data-test="price__actual"], .price__actual'));
  const price = positiveNumber(attr('data-price')) ?? shown.price;
  const propertyType = mapPropertyType(text('.tag--listing--property-type'));
  const area = positiveNumber(attr('data-floorarea'))
    ?? positiveNumber(text('[data-test="floor-area"]'))
    ?? positiveNumber(getPath(extra, 'floorSize.value'));
  const images = card.find('.swiper-slide img').toArray().map((img) => $(img).attr('data-src') ?? $(img).attr('src'));

  return {
    ...emptyRecord(context.site, id, url),
    title,
    operation: mapOperation(attr('data-operation-type')),
    propertyType,
    price,
    currency: price == null ? null : parseCurrency(attr('data-currency')) ?? shown.currency,
    priceOnRequest: price == null && shown.priceOnRequest,
    bedrooms: positiveCount(attr('data-rooms')) ?? positiveCount(text('[data-test="bedrooms"]')),
    bathrooms: positiveCount(text('[data-test="bathrooms"]')) ?? positiveCount(extra?.numberOfBathroomsTotal),
    ...unnamedArea(area, propertyType),
    neighborhood: cleanText(attr('data-neighbourhood'), context.maxFieldLength),
    city: cleanText(attr('data-city'), context.maxFieldLength) ?? cleanText(attr('data-district'), context.maxFieldLength),
    state: cleanText(attr('data-region'), context.maxFieldLength),
    lat: toCoordinate(getPath(extra, 'geo.latitude'), 90),
    lng: toCoordinate(getPath(extra, 'geo.longitude'), 180),
    description: text('[data-test="snippet__description"], .listing-card__description__text'),
    images: uniqueUrls(images, context.url),
    ...dateAndAgency(
      text('[data-test="snippet__published-date-and-agency"], .listing-card__information__bottom__published-date-and-agency'),
      context.maxFieldLength,
    ),
    originUrl: originAddress(destination, context.url, DOMAIN),
  };
}

/** The `.pagination__page` link to page N+1 (portals.md §4.1); none on the last page. */
function nextPageUrl($: CheerioAPI, pageUrl: string): string | null {
  const wanted = pageParam(pageUrl, 'page') + 1;
  for (const anchor of $('.pagination__page a[href], a.pagination__page[href]').toArray()) {
    const href = absoluteUrl($(anchor).attr('href'), pageUrl);
    if (href && pageParam(href, 'page') === wanted) return withoutFragment(href);
  }
  return null;
}

export const mitulaAdapter: SiteAdapter = {
  site: 'mitula',
  parseListingPage(html: string, context: ParseContext): ListingPage {
    refuseAccessDenied(html, context.site, 'listing', context.url);
    const $ = loadPage(html, context.site, 'listing', context.url);
    const cards = $(CARD).toArray();
    if (cards.length === 0) return emptyPageOrThrow($, context, CARD);
    const about = aboutPerCard($, cards.length);
    const listings = cards.map((card, i) => cardRecord($, $(card), about[i] ?? null, context));
    return { listings, nextPageUrl: nextPageUrl($, context.url), detailUrls: [] };
  },
};
