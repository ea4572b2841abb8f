/**
 * Markup pieces shared by the mirrors of Casas y Terrenos, Propiedades.com, Mitula and Trovit:
 * stable per-listing choices, slugs, the page shell, the Next.js data script, and the addresses on
 * other portals that the two aggregators (Mitula, Trovit) point to.
 */
import type { ListingRecord, Operation, PropertyType } from '../../lib/record/listing-record';
import { hash32, rng, TYPE_NOUN, type PropertyFacts } from '../facts';
import { escapeHtml, formatAmount, type MirrorRoute, type MirrorSite } from '../model';

/**
 * Numeric ids base + n·step, the step keeping neighbours from looking sequential, and their
 * inverse: a listing's n, or null for a string that is not `digits`, off the step or not written
 * exactly as externalId writes it.
 */
export function steppedIds(base: number, step: number, digits: RegExp): Pick<MirrorSite, 'externalId' | 'indexOf'> {
  const externalId = (n: number): string => String(base + n * step);
  return {
    externalId,
    indexOf(id) {
      if (!digits.test(id)) return null;
      const offset = Number(id) - base;
      if (offset < 0 || offset % step !== 0) return null;
      const n = offset / step;
      return externalId(n) === id ? n : null;
    },
  };
}

/**
 * A choice in [0, k) fixed per listing and purpose. Keyed by the listing (not the page), so one
 * listing is written the same way on every page and every run, and cardRecord can repeat it.
 */
export function choice(site: string, n: number, purpose: string, k: number): number {
  return hash32(`${site}:${n}:${purpose}`) % k;
}

/** "Ciudad de México" → "ciudad-de-mexico", as the portals build URL slugs. */
export function slugify(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * Element text or attribute value, escaped. `asEntities` also writes every non-ASCII character as
 * a numeric reference (&#225;), as some CMS templates do: parsers must decode, not copy.
 */
export function htmlText(text: string, asEntities = false): string {
  const escaped = escapeHtml(text);
  return asEntities ? escaped.replace(/[\u0080-\u{10ffff}]/gu, (ch) => `&#${ch.codePointAt(0)};`) : escaped;
}

/** A whole document. It always ends with </html>: parsers treat a missing one as a truncated page. */
export function htmlDocument(parts: { title: string; head?: string; body: string; htmlAttrs?: string }): string {
  return `<!DOCTYPE html>
<html lang="es-MX"${parts.htmlAttrs ?? ''}><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(parts.title)}</title>${parts.head ?? ''}</head>
<body>${parts.body}</body></html>
`;
}

/** The Next.js data script. `<`, `>` and `&` are written as \u escapes, as Next.js does, so no value can close the script. */
export function nextDataScript(data: unknown): string {
  const json = JSON.stringify(data).replace(/[<>&]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `<script id="__NEXT_DATA__" type="application/json">${json}</script>`;
}

/** The noun the portals put on a card for each type: the one the listings' titles are written with. */
export { TYPE_NOUN };

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

/** "3 recámaras", "1 recámara"; "" when the value is unknown. */
export function countLabel(value: number | null, singular: string, plural: string): string {
  return value == null ? '' : `${formatAmount(value)} ${value === 1 ? singular : plural}`;
}

/** "2026-03-14" → "14/03/2026", the date form of Lifull cards. */
export function dayMonthYear(isoDate: string): string {
  const [y, m, d] = isoDate.split('-');
  return `${d}/${m}/${y}`;
}

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

/** The permissive robots.txt served for portals where no source found one (docs/portals.md: "none found"). */
export const ALLOW_ALL_ROBOTS = 'User-agent: *\nDisallow:\n';

/**
 * URL grammar of portals that number result pages with a query parameter (`?page=N`,
 * `?pagina=N`), page 1 without it: the route and list-page URL members of a MirrorSite.
 */
export function queryPagination(
  origin: string,
  searchPath: RegExp,
  param: string,
): Pick<MirrorSite, 'route' | 'listPageUrl'> {
  return {
    route(url: URL): MirrorRoute | null {
      if (!searchPath.test(url.pathname)) return null;
      const raw = url.searchParams.get(param);
      if (raw === null) return { kind: 'listing', searchPath: url.pathname, page: 1 };
      return /^[1-9]\d{0,5}$/.test(raw) ? { kind: 'listing', searchPath: url.pathname, page: Number(raw) } : null;
    },
    listPageUrl(path: string, page: number): string {
      return `${origin}${path}${page > 1 ? `?${param}=${page}` : ''}`;
    },
  };
}
