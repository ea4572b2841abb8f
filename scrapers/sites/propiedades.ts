/**
 * Propiedades.com results pages (portals.md §5). The Next.js `__NEXT_DATA__` carries every listing
 * of the page with coordinates (S-CIM's recommended source), so the HTML cards are never read.
 * No detail scraper.
 */
import { UnrecognisedMarkupError } from '../../lib/errors';
import { emptyRecord, type ListingRecord } from '../../lib/record/listing-record';
import { canonicalListingUrl, mapOperation, mapPropertyType, parseCurrency, toCoordinate } from '../../lib/record/text';
import type { ListingPage, ParseContext, SiteAdapter } from '../adapter';
import {
  asArray, asObject, hasMoreResults, isoDay, jsonString, jsonText, pageParam, positiveCount, positiveNumber, unnamedArea, withPageParam,
} from '../field-readers';
import { getPath, loadPage, readNextData } from '../page';

/** "~47 per page" (portals.md §5.1): only used with the page's own length, see hasMoreResults. */
const PAGE_SIZE = 47;
const PROPERTIES = 'props.pageProps.results.properties';

/** valid_coords false (or 0): the portal itself says latitude/longitude are not the listing's. */
function coordinatesFlaggedInvalid(flag: unknown): boolean {
  return flag === false || flag === 0 || flag === '0' || flag === 'false';
}

function toRecord(raw: unknown, index: number, context: ParseContext): ListingRecord {
  const p = asObject(raw);
  const id = jsonString(p?.id);
  if (!p || id == null) throw new UnrecognisedMarkupError(context.site, 'listing', `property ${index} in ${PROPERTIES} has no id`, context.url);
  const text = (value: unknown) => jsonText(value, context.maxFieldLength);

  // url_property may be relative and may carry "#area=…&pagina=1&pos=6"; "/inmuebles/-{id}" is the short form.
  const url = canonicalListingUrl(jsonString(p.url_property), context.url) ?? `${new URL(context.url).origin}/inmuebles/-${id}`;
  const operation = mapOperation(jsonString(p.purpose_str));
  const operationPrice = operation === 'sale' ? p.sale_price_real : operation === 'rent' ? p.rental_price_real : null;
  // S-CIM's order: the operation's own price, then price_real, then price_num.
  const price = positiveNumber(operationPrice) ?? positiveNumber(p.price_real) ?? positiveNumber(p.price_num);
  const propertyType = mapPropertyType(jsonString(p.property_type));
  const coordinates = !coordinatesFlaggedInvalid(p.valid_coords);

  return {
    ...emptyRecord(context.site, id, url),
    title: text(p.title),
    operation,
    propertyType,
    price,
    currency: price == null ? null : parseCurrency(jsonString(p.currency)),
    // Every price field empty means the advertiser hides it: the card shows "Consultar precio".
    priceOnRequest: operation != null && price == null,
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

export const propiedadesAdapter: SiteAdapter = {
  site: 'propiedades',
  parseListingPage(html: string, context: ParseContext): ListingPage {
    const $ = loadPage(html, context.site, 'listing', context.url);
    const data = readNextData($, context.site, 'listing', context.url);
    const properties = asArray(getPath(data, PROPERTIES));
    if (!properties) throw new UnrecognisedMarkupError(context.site, 'listing', `no ${PROPERTIES} in __NEXT_DATA__`, context.url);
    const listings = properties.map((property, index) => toRecord(property, index, context));
    const page = pageParam(context.url, 'pagina');
    const more = hasMoreResults(page, PAGE_SIZE, listings.length, positiveNumber(getPath(data, 'props.pageProps.totalItems')));
    return { listings, nextPageUrl: more ? withPageParam(context.url, 'pagina', page + 1) : null, detailUrls: [] };
  },
};
