/**
 * The Listings view's filter as URL query parameters (site, city, operation, type, min, max, q,
 * page) and back, so a filtered page, its next page and its CSV download share one URL query.
 */
import type { ExportFilter } from '../../lib/export/listing-export';
import { UserInputError } from '../../lib/errors';

export interface ListingQuery {
  filter: ExportFilter;
  page: number;
}

const TEXT_PARAMETERS = [
  ['site', 'site'],
  ['city', 'city'],
  ['operation', 'operation'],
  ['type', 'propertyType'],
  ['q', 'text'],
] as const;

const PRICE_PARAMETERS = [
  ['min', 'minPrice'],
  ['max', 'maxPrice'],
] as const;

/** The filter a query asks for; an empty parameter is no filter, a malformed number a UserInputError naming it. */
export function parseListingQuery(params: URLSearchParams): ListingQuery {
  const filter: ExportFilter = {};
  for (const [name, key] of TEXT_PARAMETERS) {
    const value = params.get(name)?.trim();
    if (value) filter[key] = value;
  }
  for (const [name, key] of PRICE_PARAMETERS) {
    const value = params.get(name)?.trim();
    if (!value) continue;
    const number = Number(value.replace(/,/g, ''));
    if (!Number.isFinite(number) || number < 0) throw new UserInputError(`${name} must be a price ≥ 0, got "${value}"`);
    filter[key] = number;
  }
  const pageText = params.get('page')?.trim() || '1';
  const page = Number(pageText);
  if (!Number.isInteger(page) || page < 1)
    throw new UserInputError(`page must be a whole number ≥ 1, got "${pageText}"`);
  return { filter, page };
}

/** The query string of a filter (and a page other than the first). */
export function listingQueryString(filter: ExportFilter, page = 1): string {
  const params = new URLSearchParams();
  for (const [name, key] of TEXT_PARAMETERS) if (filter[key] !== undefined) params.set(name, filter[key]);
  for (const [name, key] of PRICE_PARAMETERS) if (filter[key] !== undefined) params.set(name, String(filter[key]));
  if (page > 1) params.set('page', String(page));
  const query = params.toString();
  return query ? `?${query}` : '';
}
