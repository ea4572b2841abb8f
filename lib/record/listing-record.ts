/**
 * The normalized listing record every scraper emits (docs/listing-record.md).
 * Field names are part of the contract: SQLite columns, exports and `orchestrator parse` use them.
 */

export type Operation = 'sale' | 'rent';
export type PropertyType =
  'house' | 'apartment' | 'land' | 'office' | 'commercial' | 'warehouse' | 'building' | 'other';
export type Currency = 'MXN' | 'USD';

export interface ListingRecord {
  site: string;
  externalId: string;
  url: string;
  title: string | null;
  operation: Operation | null;
  propertyType: PropertyType | null;
  price: number | null;
  currency: Currency | null;
  priceOnRequest: boolean;
  bedrooms: number | null;
  bathrooms: number | null;
  parkingSpaces: number | null;
  builtAreaM2: number | null;
  landAreaM2: number | null;
  neighborhood: string | null;
  city: string | null;
  state: string | null;
  address: string | null;
  lat: number | null;
  lng: number | null;
  description: string | null;
  images: string[];
  publisher: string | null;
  publishedAt: string | null;
  originUrl: string | null;
}

/** Field order of the record, used by exports and table columns. */
export const LISTING_FIELDS: ReadonlyArray<keyof ListingRecord> = [
  'site',
  'externalId',
  'url',
  'title',
  'operation',
  'propertyType',
  'price',
  'currency',
  'priceOnRequest',
  'bedrooms',
  'bathrooms',
  'parkingSpaces',
  'builtAreaM2',
  'landAreaM2',
  'neighborhood',
  'city',
  'state',
  'address',
  'lat',
  'lng',
  'description',
  'images',
  'publisher',
  'publishedAt',
  'originUrl',
];

/** A record with every optional field empty: parsers fill in what the page shows. */
export function emptyRecord(site: string, externalId: string, url: string): ListingRecord {
  return {
    site,
    externalId,
    url,
    title: null,
    operation: null,
    propertyType: null,
    price: null,
    currency: null,
    priceOnRequest: false,
    bedrooms: null,
    bathrooms: null,
    parkingSpaces: null,
    builtAreaM2: null,
    landAreaM2: null,
    neighborhood: null,
    city: null,
    state: null,
    address: null,
    lat: null,
    lng: null,
    description: null,
    images: [],
    publisher: null,
    publishedAt: null,
    originUrl: null,
  };
}
