/**
 * What a search address says about every listing it returns: the six portals put the operation
 * (venta / renta, for-sale / for-rent) and usually the property type in the path of their search
 * URLs (docs: Inmuebles24 `/casas-en-venta-en-…`, Casas y Terrenos `/…/departamentos/venta`,
 * Lamudi `/…/casa/for-sale/`, Mitula `/casas/renta-bodegas-…`, Propiedades `/…/casas-venta`, Trovit
 * `/renta-oficinas-…`). A card that does not show them (no price, no type label) falls back to
 * these words; a card that shows its own always wins.
 */
import type { ListingRecord, Operation, PropertyType } from '../lib/record/listing-record';
import { firstOf } from './field-readers';

/** Operation words of search paths, by the tokens they split into. */
const OPERATION_WORDS: ReadonlyArray<[readonly string[], Operation]> = [
  [['venta'], 'sale'],
  [['for', 'sale'], 'sale'],
  [['renta'], 'rent'],
  [['for', 'rent'], 'rent'],
  [['temporal', 'vacacional'], 'rent'],
];

/** Type words of search paths (singular and plural), mapped as docs/listing-record.md maps them. */
const TYPE_WORDS: Readonly<Record<string, PropertyType>> = {
  casa: 'house',
  casas: 'house',
  bungalow: 'house',
  bungalows: 'house',
  departamento: 'apartment',
  departamentos: 'apartment',
  atico: 'apartment',
  aticos: 'apartment',
  terreno: 'land',
  terrenos: 'land',
  oficina: 'office',
  oficinas: 'office',
  office: 'office',
  offices: 'office',
  consultorio: 'office',
  consultorios: 'office',
  local: 'commercial',
  locales: 'commercial',
  bodega: 'warehouse',
  bodegas: 'warehouse',
  nave: 'warehouse',
  naves: 'warehouse',
  edificio: 'building',
  edificios: 'building',
};

export interface SearchUrlFacts {
  operation: Operation | null;
  propertyType: PropertyType | null;
}

/**
 * Operation and property type from a search path's words, each null when the path names none or
 * names more than one (a multi-type search such as `casas-o-departamentos` says nothing about one
 * listing). `path` is the part of the URL that describes the search: callers strip what is not
 * (Mitula's `/casas/` section prefix, which every search has).
 */
export function searchPathFacts(path: string): SearchUrlFacts {
  const tokens = path
    .toLowerCase()
    .split(/[^a-z0-9áéíóúñ]+/)
    .filter(Boolean);
  const operations = new Set<Operation>();
  for (const [words, operation] of OPERATION_WORDS) {
    if (tokens.some((_, i) => words.every((word, k) => tokens[i + k] === word))) operations.add(operation);
  }
  const types = new Set(
    tokens.map((token) => TYPE_WORDS[token]).filter((type): type is PropertyType => type !== undefined),
  );
  return {
    operation: operations.size === 1 ? [...operations][0] : null,
    propertyType: types.size === 1 ? [...types][0] : null,
  };
}

/** searchPathFacts of an absolute search URL's path (query and fragment never name the search). */
export function searchUrlFacts(url: string): SearchUrlFacts {
  return searchPathFacts(new URL(url).pathname);
}

/**
 * What the words of a listing's own address say (Inmuebles24's
 * `…/veclcain-casa-en-venta-jurica-queretaro-142082805.html` → sale, house): its last path segment only.
 */
export function linkWords(url: string | null): SearchUrlFacts {
  if (!url) return { operation: null, propertyType: null };
  return searchPathFacts(new URL(url).pathname.split('/').pop() ?? '');
}

/** Operation and type in order of trust: the data's own, then a card's or a link's words, then the search's words. */
export function resolveKind(
  own: SearchUrlFacts,
  ...words: SearchUrlFacts[]
): Pick<ListingRecord, 'operation' | 'propertyType'> {
  return {
    operation: firstOf(own.operation, ...words.map((w) => w.operation)),
    propertyType: firstOf(own.propertyType, ...words.map((w) => w.propertyType)),
  };
}
