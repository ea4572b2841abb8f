/**
 * Navent's listing data, as Inmuebles24 embeds it (portals.md §1.2, §1.3): the same shapes in the
 * results page's `__PRELOADED_STATE__` postings and in the detail page's `avisoInfo`: feature
 * codes (CFT…), the location chain, prices per operation. Readers answer null rather than guess.
 */
import type { ListingRecord, Operation, PropertyType } from '../../lib/record/listing-record';
import { mapOperation, mapPropertyType, parseCurrency, type ParsedPrice } from '../../lib/record/text';
import { listOf } from '../embedded';
import { asObject, jsonString, positiveCount, positiveNumber } from '../field-readers';
import { getPath } from '../page';
import { searchPathFacts, type SearchUrlFacts } from '../search-url';

export type Features = Pick<ListingRecord, 'bedrooms' | 'bathrooms' | 'parkingSpaces' | 'builtAreaM2' | 'landAreaM2'>;

export const NO_FEATURES: Features = { bedrooms: null, bathrooms: null, parkingSpaces: null, builtAreaM2: null, landAreaM2: null };

/** Navent feature codes (§1.3): CFT100 total/land m², CFT101 built m², CFT2 recámaras, CFT3 baños, CFT7 estacionamientos. ("Medio baño", CFT4, is not a full bath.) */
const FEATURE_CODES: ReadonlyArray<[string, keyof Features]> = [
  ['CFT100', 'landAreaM2'],
  ['CFT101', 'builtAreaM2'],
  ['CFT2', 'bedrooms'],
  ['CFT3', 'bathrooms'],
  ['CFT7', 'parkingSpaces'],
];

const AREAS = new Set<keyof Features>(['builtAreaM2', 'landAreaM2']);

/** A feature's value for its field: an area in m², or a count ("1 a 2" recámaras → 1). */
export function featureValue(field: keyof Features, value: unknown): number | null {
  return AREAS.has(field) ? positiveNumber(value) : positiveCount(value);
}

/**
 * The coded features of a posting or avisoInfo: `mainFeatures` first, else any group of
 * `generalFeatures` (page versions carry one or the other).
 */
export function codedFeatures(data: unknown): Features {
  const groups = Object.values(asObject(getPath(data, 'generalFeatures')) ?? {});
  const features = { ...NO_FEATURES };
  for (const [code, field] of FEATURE_CODES) {
    const candidates = [getPath(data, `mainFeatures.${code}.value`), ...groups.map((group) => getPath(group, `${code}.value`))];
    features[field] = candidates.map((value) => featureValue(field, value)).find((value) => value != null) ?? null;
  }
  return features;
}

/**
 * The location chain by level (ZONA → CIUDAD → PROVINCIA → PAIS, §1.3). Some postings start one
 * level lower, at a SUBZONA ("Polanco V Sección" in ZONA "Polanco" of CIUDAD "Miguel Hidalgo",
 * real 2024 results page): the colonia is the most specific of the two.
 */
export function locationLevels(location: unknown): Pick<ListingRecord, 'neighborhood' | 'city' | 'state'> {
  const levels: Record<string, string | null> = {};
  let node = location;
  for (let depth = 0; depth < 10 && asObject(node); depth++, node = getPath(node, 'parent')) {
    const label = jsonString(getPath(node, 'label'))?.toUpperCase();
    if (label && !(label in levels)) levels[label] = jsonString(getPath(node, 'name'));
  }
  return { neighborhood: levels.SUBZONA ?? levels.ZONA ?? null, city: levels.CIUDAD ?? null, state: levels.PROVINCIA ?? null };
}

/** One of a posting's operations with its price: postings can be offered for sale and for rent at once. */
export interface PriceOption {
  operation: Operation | null;
  price: ParsedPrice;
}

const NO_PRICE: ParsedPrice = { price: null, currency: null, priceOnRequest: false };

/** A Navent price object: `{ amount, currency: "MN" | "USD", isoCode?: "MXN" | "USD" }`. */
export function naventPrice(value: unknown): ParsedPrice {
  const amount = positiveNumber(getPath(value, 'amount'));
  if (amount == null) return NO_PRICE;
  const currency = parseCurrency(jsonString(getPath(value, 'isoCode')) ?? jsonString(getPath(value, 'currency')));
  return { price: amount, currency, priceOnRequest: false };
}

/** `priceOperationTypes[]` (results state) or `pricesData[]` (avisoInfo): `{ operationType: { name }, prices: [{ amount, currency }] }`. */
export function priceOptions(list: unknown): PriceOption[] {
  return listOf(list).map((entry) => ({
    operation: mapOperation(jsonString(getPath(entry, 'operationType.name'))),
    price: naventPrice(getPath(entry, 'prices.0')),
  }));
}

/**
 * Which of a posting's prices the record keeps: the operation the search asked for, else the one
 * whose price the card shows (a flat for rent and for sale shows its sale price on the real 2024
 * page), else the first.
 */
export function choosePrice(options: PriceOption[], shown: ParsedPrice, searched: Operation | null): PriceOption | undefined {
  return (
    options.find((option) => searched != null && option.operation === searched) ??
    options.find((option) => shown.price != null && option.price.price === shown.price) ??
    options[0]
  );
}

/**
 * A property type from a Navent type name ("Casas", "Departamentos", "Apartamento" …). Developments
 * name the kind of project instead ("Desarrollos verticales" on the 2024 results page,
 * "horizontal-vertical" in a 2024 avisoInfo whose units are departamentos and locales): "other",
 * as listing-record.md maps any type outside its list.
 */
export function naventType(name: unknown): PropertyType | null {
  return mapPropertyType(jsonString(name));
}

/** What the words of a page's own address say (`…/veclcain-casa-en-venta-jurica-queretaro-142082805.html` → sale, house). */
export function linkWords(url: string | null): SearchUrlFacts {
  if (!url) return { operation: null, propertyType: null };
  return searchPathFacts(new URL(url).pathname.split('/').pop() ?? '');
}

/** The first value that is not null or undefined. */
export function firstOf<T>(...values: Array<T | null | undefined>): T | null {
  return values.find((value): value is T => value != null) ?? null;
}

/** Operation and type in order of trust: the data's own, then a card's or a link's words, then the search's words. */
export function resolveKind(own: SearchUrlFacts, ...words: SearchUrlFacts[]): Pick<ListingRecord, 'operation' | 'propertyType'> {
  return {
    operation: firstOf(own.operation, ...words.map((w) => w.operation)),
    propertyType: firstOf(own.propertyType, ...words.map((w) => w.propertyType)),
  };
}
