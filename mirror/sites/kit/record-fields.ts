/**
 * The fields of the record a correct parser reads off a page, for the facts a page states as they
 * are: the price, the rooms, the one unnamed area, or all of them (statedFields).
 */
import type { ListingRecord } from '../../../lib/record/listing-record';
import type { PropertyFacts } from '../../facts';

/**
 * Cards that show one unnamed area (Propiedades size_m2, Mitula, Trovit) show the plot for land
 * and the built area otherwise; docs/listing-record.md files it the same way.
 */
export function unnamedArea(f: PropertyFacts): number | null {
  return f.propertyType === 'land' ? f.landAreaM2 : f.builtAreaM2;
}

export function unnamedAreaFields(f: PropertyFacts): Pick<ListingRecord, 'builtAreaM2' | 'landAreaM2'> {
  return f.propertyType === 'land'
    ? { builtAreaM2: null, landAreaM2: f.landAreaM2 }
    : { builtAreaM2: f.builtAreaM2, landAreaM2: null };
}

/** Price fields of a record where the portal marks a missing price as hidden ("Consultar precio", a 0 in the feed); Mitula and Trovit show none. */
export function priceFields(f: PropertyFacts): Pick<ListingRecord, 'price' | 'currency' | 'priceOnRequest'> {
  return f.price == null
    ? { price: null, currency: null, priceOnRequest: true }
    : { price: f.price, currency: f.currency, priceOnRequest: false };
}

/** Price fields where a missing price is simply not shown, with no "on request" wording (Mitula, Trovit). */
export function shownPriceFields(f: PropertyFacts): Pick<ListingRecord, 'price' | 'currency' | 'priceOnRequest'> {
  return { price: f.price, currency: f.price == null ? null : f.currency, priceOnRequest: false };
}

/** Price, rooms and parking as the facts are, for the cards and pages that state them so. */
export function priceAndRoomFields(
  f: PropertyFacts,
): Pick<ListingRecord, 'price' | 'currency' | 'priceOnRequest' | 'bedrooms' | 'bathrooms' | 'parkingSpaces'> {
  return { ...priceFields(f), bedrooms: f.bedrooms, bathrooms: f.bathrooms, parkingSpaces: f.parkingSpaces };
}

/** The record fields a page that states the listing's facts as they are gives (a full card, a detail page). */
export type StatedFields =
  | 'title'
  | 'operation'
  | 'propertyType'
  | 'price'
  | 'currency'
  | 'priceOnRequest'
  | 'bedrooms'
  | 'bathrooms'
  | 'parkingSpaces'
  | 'builtAreaM2'
  | 'landAreaM2'
  | 'neighborhood'
  | 'city'
  | 'lat'
  | 'lng'
  | 'publisher';

/**
 * The facts a page states as they are, for the pages that leave none out (Casas y Terrenos' feed,
 * the Inmuebles24 and Lamudi detail pages); what a page words its own way the caller sets after.
 */
export function statedFields(f: PropertyFacts): Pick<ListingRecord, StatedFields> {
  return {
    title: f.title,
    operation: f.operation,
    propertyType: f.propertyType,
    ...priceAndRoomFields(f),
    builtAreaM2: f.builtAreaM2,
    landAreaM2: f.landAreaM2,
    neighborhood: f.neighborhood,
    city: f.city,
    lat: f.lat,
    lng: f.lng,
    publisher: f.publisher,
  };
}
