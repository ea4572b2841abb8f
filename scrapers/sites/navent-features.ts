/**
 * Navent's coded features (docs/portals.md §1.2, §1.3): the `mainFeatures` / `generalFeatures`
 * entries by code (CFT…), the same in Inmuebles24's results-page postings and detail `avisoInfo`,
 * read into the record's five counted and measured fields. Readers answer null rather than guess.
 */
import type { ListingRecord } from '../../lib/record/listing-record';
import { asObject, positiveCount, positiveNumber } from '../field-readers';
import { getPath } from '../page';

export type Features = Pick<ListingRecord, 'bedrooms' | 'bathrooms' | 'parkingSpaces' | 'builtAreaM2' | 'landAreaM2'>;

export const NO_FEATURES: Features = {
  bedrooms: null,
  bathrooms: null,
  parkingSpaces: null,
  builtAreaM2: null,
  landAreaM2: null,
};

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
    const candidates = [
      getPath(data, `mainFeatures.${code}.value`),
      ...groups.map((group) => getPath(group, `${code}.value`)),
    ];
    features[field] = candidates.map((value) => featureValue(field, value)).find((value) => value != null) ?? null;
  }
  return features;
}
