/**
 * What the Lifull Connect portals (Lamudi, Mitula, Trovit) write the same way: the words of their
 * search paths, card dates (dd/mm/yyyy or a relative age), base64 click destinations, and the
 * addresses on other portals that the aggregators (Mitula, Trovit) point to.
 */
import type { Operation, PropertyType } from '../../../lib/record/listing-record';
import { hash32, rng, TYPE_NOUN, type PropertyFacts } from '../../facts';
import { choice } from './choice';
import { slugify } from './slugs';

/**
 * What a Mitula or Trovit search path says about every ad it lists, read by the documented URL
 * grammar (docs/portals.md §4.1: `/casas/{operacion}-{tipo}-{lugar}`, `/casas/{operacion}-{lugar}`,
 * `/casas/{tipo}-{operacion}-{lugar}`, `/casas/{tipo}-{lugar}`; §6.1: `/{operacion}-{tipo}-{lugar}`,
 * `/{operacion}-{lugar}`, `/{tipo}-{lugar}`): the operation is the first word or the word after
 * the type; the type is the first word or the word after the operation. The words and what they
 * mean (docs/listing-record.md: venta → sale, renta → rent, casa → house …) are stated here on
 * purpose, not read through scrapers/: the mirror is an independent oracle of what a correct
 * parser reads, so this small documented mapping is duplicated rather than shared.
 */
const SEARCH_OPERATION_WORDS: Readonly<Record<string, Operation>> = { venta: 'sale', renta: 'rent' };
const SEARCH_TYPE_WORDS: Readonly<Record<string, PropertyType>> = {
  casa: 'house',
  casas: 'house',
  departamento: 'apartment',
  departamentos: 'apartment',
  terreno: 'land',
  terrenos: 'land',
  oficina: 'office',
  oficinas: 'office',
  local: 'commercial',
  locales: 'commercial',
  bodega: 'warehouse',
  bodegas: 'warehouse',
  edificio: 'building',
  edificios: 'building',
};

export function lifullSearchFacts(slug: string): { operation: Operation | null; propertyType: PropertyType | null } {
  const [first = '', second = ''] = slug.replace(/^\//, '').split('-');
  const operation =
    SEARCH_OPERATION_WORDS[first] ?? (SEARCH_TYPE_WORDS[first] ? SEARCH_OPERATION_WORDS[second] : undefined) ?? null;
  const propertyType =
    SEARCH_TYPE_WORDS[first] ?? (SEARCH_OPERATION_WORDS[first] ? SEARCH_TYPE_WORDS[second] : undefined) ?? null;
  return { operation, propertyType };
}

/** "2026-03-14" → "14/03/2026", the date form of Lifull cards. */
export function dayMonthYear(isoDate: string): string {
  const [y, m, d] = isoDate.split('-');
  return `${d}/${m}/${y}`;
}

/** Whether a Lifull card dates listing n by its relative age (recent ads, one in four) rather than a date. */
export function showsRelativeAge(site: string, n: number): boolean {
  return choice(site, n, 'date-form', 4) === 0;
}

/** "Hace 3 semanas, 2 días": the relative age Lifull cards show for recent ads (no absolute date). */
export function relativeAge(site: string, n: number): string {
  const weeks = choice(site, n, 'age-weeks', 4);
  const days = 1 + choice(site, n, 'age-days', 6);
  const dayText = `${days} ${days === 1 ? 'día' : 'días'}`;
  return weeks === 0 ? `Hace ${dayText}` : `Hace ${weeks} ${weeks === 1 ? 'semana' : 'semanas'}, ${dayText}`;
}

/** Base64 as the Lifull templates write data-clickdestination; `unpadded` drops the trailing "=" as some cards do. */
export function base64(text: string, unpadded: boolean): string {
  const encoded = Buffer.from(text, 'utf8').toString('base64');
  return unpadded ? encoded.replace(/=+$/, '') : encoded;
}

/**
 * Where an aggregated ad really lives: an Inmuebles24 or a Lamudi detail address in those portals'
 * URL forms (docs/portals.md §1.3, §3.3). Deterministic per listing, so every page agrees.
 */
export function originAdUrl(site: string, f: PropertyFacts): string {
  const h = hash32(`${site}:${f.n}:origin`);
  if (h % 2 === 0) {
    const opWord = f.operation === 'sale' ? 'venta' : 'renta';
    const slug = slugify(`${TYPE_NOUN[f.propertyType]} en ${opWord} ${f.neighborhood} ${f.city}`);
    return `https://www.inmuebles24.com/propiedades/clasificado/${slug}-${140_000_000 + (h % 9_000_000)}.html`;
  }
  // Lamudi's alternate id: "41032-73-" then hex groups of 12, 4, 7, 4 and 4 digits.
  const random = rng(h);
  const hex = Array.from({ length: 4 }, () =>
    Math.floor(random() * 2 ** 32)
      .toString(16)
      .padStart(8, '0'),
  ).join('');
  return `https://www.lamudi.com.mx/detalle/41032-73-${hex.slice(0, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 23)}-${hex.slice(23, 27)}-${hex.slice(27, 31)}`;
}
