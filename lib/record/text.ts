/**
 * Sanitization and value normalization shared by every parser, so that all portals turn
 * "MN 4,500,000", "Desde $ 6,499,999 MXN" or "casa en condominio" into the same record values.
 */
import { decodeHTML } from 'entities';
import type { Currency, Operation, PropertyType } from './listing-record';

export const DEFAULT_MAX_FIELD_LENGTH = 1000;

const SCRIPT_OR_STYLE = /<(script|style|noscript|template)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const BREAK_TAG = /<br\s*\/?>|<\/(p|div|li|h\d)>/gi;
const ANY_TAG = /<\/?[a-zA-Z!][^>]*>/g;

function stripMarkup(text: string): string {
  return text.replace(SCRIPT_OR_STYLE, ' ').replace(BREAK_TAG, ' ').replace(ANY_TAG, ' ');
}

/**
 * Plain text for a record field: scripts and tags removed, entities decoded, whitespace collapsed,
 * truncated to maxLength. Markup is stripped again after decoding, because `&lt;script&gt;` in a
 * title decodes to a tag that must not reach exports or the Web UI either. Empty → null.
 */
export function cleanText(
  input: string | null | undefined,
  maxLength: number = DEFAULT_MAX_FIELD_LENGTH,
): string | null {
  if (input == null) return null;
  const decoded = decodeHTML(stripMarkup(String(input)));
  // Control characters other than tab and line breaks: no field of a listing holds them.
  // eslint-disable-next-line no-control-regex -- the control characters are the point
  const plain = stripMarkup(decoded).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
  const collapsed = plain.replace(/\s+/g, ' ').trim();
  if (collapsed === '') return null;
  return collapsed.length > maxLength ? collapsed.slice(0, maxLength).trimEnd() : collapsed;
}

/**
 * The first number in a text: "1,250 m²" → 1250, "2.5 baños" → 2.5, "1 a 2 rec." → 1.
 * Mexican portals write thousands with commas and decimals with a dot.
 */
export function parseNumber(input: string | number | null | undefined): number | null {
  if (input == null) return null;
  if (typeof input === 'number') return Number.isFinite(input) ? input : null;
  const match = /\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?/.exec(input);
  if (!match) return null;
  const value = Number(match[0].replace(/,/g, ''));
  return Number.isFinite(value) ? value : null;
}

/** An integer count (bedrooms, baths, parking): "3 rec." → 3; anything without a number → null. */
export function parseCount(input: string | number | null | undefined): number | null {
  const value = parseNumber(input);
  return value == null ? null : Math.floor(value);
}

export interface ParsedPrice {
  price: number | null;
  currency: Currency | null;
  priceOnRequest: boolean;
}

const ON_REQUEST = /consultar|a consultar|ocultar|precio oculto|price on request/i;

/**
 * A displayed price: "MN 4,500,000", "$ 6,500,000 MXN", "USD 231,960", "U$D 120,000", "US$ 99,000",
 * "Desde $ 6,499,999 MXN" (→ the "desde" amount), "Consultar precios" (→ on request).
 * A bare "$" on these Mexican portals means pesos.
 */
export function parsePriceText(input: string | null | undefined): ParsedPrice {
  const text = (input ?? '').replace(/\s+/g, ' ').trim();
  if (text === '') return { price: null, currency: null, priceOnRequest: false };
  if (ON_REQUEST.test(text)) return { price: null, currency: null, priceOnRequest: true };
  const price = parseNumber(text);
  if (price == null) return { price: null, currency: null, priceOnRequest: false };
  return { price, currency: parseCurrency(text), priceOnRequest: false };
}

/** Currency markers: MN, MXN, $ → MXN; USD, U$D, US$, U$S → USD. */
export function parseCurrency(input: string | null | undefined): Currency | null {
  if (!input) return null;
  const text = input.toUpperCase();
  if (/\bUSD\b|U\$D|US\$|U\$S|\bDLS\b|DÓLARES|DOLARES/.test(text)) return 'USD';
  if (/\bMXN\b|\bMN\b|\bMXP\b|PESOS|\$/.test(text)) return 'MXN';
  return null;
}

/** venta / for-sale / sell → sale; renta / for-rent / rent → rent. */
export function mapOperation(input: string | null | undefined): Operation | null {
  if (!input) return null;
  const text = input.toLowerCase();
  if (/\b(venta|for-sale|for sale|sale|sell|vender|compra)\b/.test(text)) return 'sale';
  if (/\b(renta|for-rent|for rent|rent|alquiler|arriendo)\b/.test(text)) return 'rent';
  return null;
}

const PROPERTY_TYPES: Array<[RegExp, PropertyType]> = [
  [/departamento|apartment|\bapartamento|\bdepto|\bpenthouse|\bloft|\batico|\bático|\bsuite\b/i, 'apartment'],
  [/\bcasa|\bhouse|singlefamilyresidence|residencia|\bvilla|\bbungalow|\bduplex|\bdúplex/i, 'house'],
  [/terreno|\blote\b|\bland\b|\bplot\b|\brancho/i, 'land'],
  [/oficina|consultorio|\boffice|doctor-office|medico/i, 'office'],
  [/\blocal(es)?\b|\bcomercial\b|commercial|venta-al-por-menor|\bretail/i, 'commercial'],
  [/bodega|\bnave|warehouse|industria-almacen|almac[eé]n/i, 'warehouse'],
  [/edificio|building/i, 'building'],
];

/**
 * casa / casa en condominio → house; departamento → apartment; terreno → land; oficina/consultorio
 * → office; local → commercial; bodega/nave → warehouse; edificio → building; other text → other.
 */
export function mapPropertyType(input: string | null | undefined): PropertyType | null {
  const text = (input ?? '').trim();
  if (text === '') return null;
  for (const [pattern, type] of PROPERTY_TYPES) if (pattern.test(text)) return type;
  return 'other';
}

/** An absolute http(s) URL resolved against base; anything else (javascript:, data:, junk) → null. */
export function absoluteUrl(href: string | null | undefined, base: string): string | null {
  if (!href) return null;
  try {
    const url = new URL(href.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

const TRACKING_PARAM = /^(utm_[a-z]+|gclid|fbclid|msclkid|mc_[a-z]+|ref|referrer|tracking|origin|source|pos|area)$/i;

/**
 * A listing URL without its #fragment and tracking parameters. `dropQuery` removes the whole
 * query, for portals whose listing links carry nothing but tracking (Trovit's redirects).
 */
export function canonicalListingUrl(
  href: string | null | undefined,
  base: string,
  options: { dropQuery?: boolean } = {},
): string | null {
  const absolute = absoluteUrl(href, base);
  if (!absolute) return null;
  const url = new URL(absolute);
  url.hash = '';
  if (options.dropQuery) url.search = '';
  else for (const key of [...url.searchParams.keys()]) if (TRACKING_PARAM.test(key)) url.searchParams.delete(key);
  return url.href;
}

/** Absolute image URLs in page order, without duplicates or non-http(s) sources. */
export function uniqueUrls(hrefs: Iterable<string | null | undefined>, base: string): string[] {
  const seen = new Set<string>();
  for (const href of hrefs) {
    const url = absoluteUrl(href, base);
    if (url) seen.add(url);
  }
  return [...seen];
}

/** "23/05/2024" → "2024-05-23"; an ISO date or date-time passes through; anything else → null. */
export function toIsoDate(input: string | null | undefined): string | null {
  if (!input) return null;
  const text = input.trim();
  const dmy = /(\d{1,2})\/(\d{1,2})\/(\d{4})/.exec(text);
  if (dmy) {
    const [, d, m, y] = dmy;
    return `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  }
  const iso = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.exec(text);
  return iso ? text : null;
}

/** A finite coordinate in decimal degrees within range, else null. */
export function toCoordinate(input: unknown, limit: 90 | 180): number | null {
  const value = typeof input === 'number' ? input : typeof input === 'string' ? Number(input.trim()) : NaN;
  if (!Number.isFinite(value) || Math.abs(value) > limit || (typeof input === 'string' && input.trim() === '')) {
    return null;
  }
  return value;
}
