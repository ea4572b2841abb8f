/**
 * Casas y Terrenos results pages (portals.md §2). The Next.js `__NEXT_DATA__` script holds every
 * listing of the page with coordinates, areas and broker, so the HTML cards are never read.
 * No detail scraper: the list data is already complete.
 */
import { UnrecognisedMarkupError } from '../../lib/errors';
import { emptyRecord, type ListingRecord, type Operation } from '../../lib/record/listing-record';
import { canonicalListingUrl, mapPropertyType, parseCurrency, toCoordinate, toIsoDate, uniqueUrls } from '../../lib/record/text';
import type { ListingPage, ParseContext, SiteAdapter } from '../adapter';
import {
  asArray, asObject, hasMoreResults, jsonString, jsonText, pageParam, positiveCount, positiveNumber, withPageParam, type JsonObject,
} from '../field-readers';
import { getPath, loadPage, readNextData } from '../page';

/** Listings per page in the embedded data (portals.md §2.1). */
const PAGE_SIZE = 240;
const PROPERTY_DATA = 'props.pageProps.initialState.propertyData';

/** {tipo} at the start of /propiedad/{tipo}-{operacion}-…: the only per-listing type the feed gives. */
const DETAIL_TYPE = /\/propiedad\/([a-z-]+?)-(?:venta|renta)-/;

function toRecord(raw: unknown, index: number, context: ParseContext): ListingRecord {
  const p = asObject(raw);
  const id = jsonString(p?.id);
  if (!p || id == null) {
    throw new UnrecognisedMarkupError(context.site, 'listing', `property ${index} in ${PROPERTY_DATA}.properties has no id`, context.url);
  }
  const text = (value: unknown) => jsonText(value, context.maxFieldLength);

  const canonical = jsonString(p.canonical) ?? jsonString(getPath(p, 'slugs.canonical'));
  // "/propiedad/-{id}" is the short form other tools use; only a listing without a usable canonical needs it.
  const url = canonicalListingUrl(canonical, context.url) ?? `${new URL(context.url).origin}/propiedad/-${id}`;

  const operation: Operation | null = p.isSale === true ? 'sale' : p.isRent === true ? 'rent' : null;
  const price = positiveNumber(operation === 'sale' ? p.priceSale : operation === 'rent' ? p.priceRent : null);
  const tipo = canonical ? DETAIL_TYPE.exec(canonical)?.[1] : undefined;
  const broker = asObject(p.broker)?.name ?? p.broker;

  return {
    ...emptyRecord(context.site, id, url),
    title: text(p.name),
    operation,
    propertyType: tipo ? mapPropertyType(tipo.replace(/-/g, ' ')) : null,
    price,
    currency: price == null ? null : parseCurrency(jsonString(p.currency)),
    // The feed writes 0 where the card shows no price: an advertiser who hides it.
    priceOnRequest: operation != null && price == null,
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
    // Only lastUpdate is on the list (portals.md §7): the closest to a publication date CyT shows.
    publishedAt: toIsoDate(jsonString(p.lastUpdate)),
  };
}

export const casasyterrenosAdapter: SiteAdapter = {
  site: 'casasyterrenos',
  parseListingPage(html: string, context: ParseContext): ListingPage {
    const $ = loadPage(html, context.site, 'listing', context.url);
    const data = readNextData($, context.site, 'listing', context.url);
    const propertyData: JsonObject | null = asObject(getPath(data, PROPERTY_DATA));
    const properties = asArray(propertyData?.properties);
    if (!propertyData || !properties) {
      throw new UnrecognisedMarkupError(context.site, 'listing', `no ${PROPERTY_DATA}.properties in __NEXT_DATA__`, context.url);
    }
    const listings = properties.map((property, index) => toRecord(property, index, context));
    const page = pageParam(context.url, 'page');
    const more = hasMoreResults(page, PAGE_SIZE, listings.length, positiveNumber(propertyData.estimatedTotalHits));
    return { listings, nextPageUrl: more ? withPageParam(context.url, 'page', page + 1) : null, detailUrls: [] };
  },
};
