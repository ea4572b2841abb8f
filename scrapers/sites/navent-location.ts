/**
 * Navent's location chain (docs/portals.md §1.2, §1.3): `location` → `parent` → … labelled ZONA →
 * CIUDAD → PROVINCIA → PAIS, the same in Inmuebles24's results-page postings and detail `avisoInfo`.
 */
import type { ListingRecord } from '../../lib/record/listing-record';
import { asObject, jsonString } from '../field-readers';
import { getPath } from '../page';

/**
 * The location chain by level. Some postings start one level lower, at a SUBZONA ("Polanco V
 * Sección" in ZONA "Polanco" of CIUDAD "Miguel Hidalgo", real 2024 results page): the colonia is
 * the most specific of the two.
 */
export function locationLevels(location: unknown): Pick<ListingRecord, 'neighborhood' | 'city' | 'state'> {
  const levels: Record<string, string | null> = {};
  let node = location;
  for (let depth = 0; depth < 10 && asObject(node); depth++, node = getPath(node, 'parent')) {
    const label = jsonString(getPath(node, 'label'))?.toUpperCase();
    if (label && !(label in levels)) levels[label] = jsonString(getPath(node, 'name'));
  }
  return {
    neighborhood: levels.SUBZONA ?? levels.ZONA ?? null,
    city: levels.CIUDAD ?? null,
    state: levels.PROVINCIA ?? null,
  };
}
