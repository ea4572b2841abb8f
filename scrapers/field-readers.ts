/**
 * Value readers shared by the Casas y Terrenos, Propiedades.com, Mitula and Trovit adapters: typed
 * reads of untyped embedded JSON, element text, the one-unnamed-area rule and page parameters.
 * Every reader answers null rather than guess (docs/listing-record.md: never 0, "" or a guess).
 */
import type { Cheerio } from 'cheerio';
import type { AnyNode } from 'domhandler';
import type { ListingRecord, PropertyType } from '../lib/record/listing-record';
import { cleanText } from '../lib/record/text';
import { parseNumber } from '../lib/record/numbers';

export type JsonObject = Record<string, unknown>;

export function asObject(value: unknown): JsonObject | null {
  return value != null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : null;
}

export function asArray(value: unknown): unknown[] | null {
  return Array.isArray(value) ? value : null;
}

/** A string or number as trimmed text, without entity decoding (ids, URLs, codes); else null. */
export function jsonString(value: unknown): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  return text === '' ? null : text;
}

/** A text field for the record: entities decoded, tags dropped, whitespace collapsed, truncated. */
export function jsonText(value: unknown, maxLength?: number): string | null {
  const text = jsonString(value);
  return text == null ? null : cleanText(text, maxLength);
}

/**
 * A positive amount (price, m², count) from a number or a text such as "1,250 m²". The portals
 * write 0 or "" for "not given", which the record keeps as null.
 */
export function positiveNumber(value: unknown): number | null {
  const number = typeof value === 'number' || typeof value === 'string' ? parseNumber(value) : null;
  return number != null && number > 0 ? number : null;
}

/** A positive integer count: 2.5 baños → 2 (full baths). */
export function positiveCount(value: unknown): number | null {
  const number = positiveNumber(value);
  return number == null || number < 1 ? null : Math.floor(number);
}

/** Text of the first matched element, decoded once from its HTML (so "&amp;lt;" stays "&lt;"). */
export function elementText(node: Cheerio<AnyNode>, maxLength?: number): string | null {
  return node.length === 0 ? null : cleanText(node.first().html(), maxLength);
}

/** "2026-03-14", "2026-03-14T09:30:00Z" pass; "2026-03-14 09:30:00" (no zone, SQL style) → its day. */
export function isoDay(value: unknown): string | null {
  const text = jsonString(value);
  if (text == null) return null;
  if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2}))?$/.test(text)) return text;
  return /^(\d{4}-\d{2}-\d{2})[ T]/.exec(text)?.[1] ?? null;
}

/** docs/listing-record.md: a card's one unnamed area is the built area, unless the property is land. */
export function unnamedArea(
  area: number | null,
  type: PropertyType | null,
): Pick<ListingRecord, 'builtAreaM2' | 'landAreaM2'> {
  return type === 'land' ? { builtAreaM2: null, landAreaM2: area } : { builtAreaM2: area, landAreaM2: null };
}

/** The 1-based page number a URL asks for with `?{name}=N`; absent or invalid → 1. */
export function pageParam(url: string, name: string): number {
  const raw = new URL(url).searchParams.get(name);
  return raw != null && /^[1-9]\d*$/.test(raw) ? Number(raw) : 1;
}

/** An absolute address without its #fragment (client-side state, never sent to the server). */
export function withoutFragment(url: string): string {
  const parsed = new URL(url);
  parsed.hash = '';
  return parsed.href;
}

/** The same search with `?{name}=page` (other parameters kept, fragment dropped). */
export function withPageParam(url: string, name: string, page: number): string {
  const next = new URL(url);
  next.hash = '';
  next.searchParams.set(name, String(page));
  return next.href;
}

/**
 * Whether results may follow this page, from the portal's total and this page's own length, with no
 * page size assumed (the sources disagree on it: Casas y Terrenos 240 or 40, docs/portals.md §2.1). The
 * pages before this one held at least as many listings as this one, so at least page × onThisPage
 * results are behind it; fewer than the total means more may follow. Exact on the first page and on
 * full pages. A short last page after the first cannot be told from a full one by the numbers alone
 * (page 2 with 120 of 360 is the end at 240 a page, the middle at 120): it asks for one page more,
 * where assuming a page size would silently drop pages. What the portal answers past its last page
 * (an empty list; Mitula documents a 404, docs/portals.md §4.1) is what ends such a walk.
 */
export function mayHaveMoreResults(page: number, onThisPage: number, total: number | null): boolean {
  return onThisPage > 0 && total != null && page * onThisPage < total;
}

/**
 * "Colonia, Municipio, Estado": the portals write a place from the most to the least specific part.
 * Two parts are read as the portal writes them: `twoParts` names which (the Lifull aggregators end
 * with the state, Casas y Terrenos cards start with the colonia).
 */
export function placeParts(
  location: string | null,
  twoParts: 'city-state' | 'neighborhood-city',
): Pick<ListingRecord, 'neighborhood' | 'city' | 'state'> {
  const parts = (location ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  if (parts.length >= 3)
    return { neighborhood: parts[parts.length - 3], city: parts[parts.length - 2], state: parts[parts.length - 1] };
  if (parts.length === 2) {
    return twoParts === 'city-state'
      ? { neighborhood: null, city: parts[0], state: parts[1] }
      : { neighborhood: parts[0], city: parts[1], state: null };
  }
  return { neighborhood: null, city: parts[0] ?? null, state: null };
}

/**
 * One listing read from two sources of the same page (embedded data first, HTML card second): every
 * field the first leaves empty is taken from the second. The price, its currency and "on request"
 * travel together, so a record never pairs one source's amount with the other's currency.
 */
export function fillMissing(primary: ListingRecord, secondary: ListingRecord | undefined): ListingRecord {
  if (!secondary) return primary;
  const merged: ListingRecord = { ...primary };
  const priceKnown = primary.price != null || primary.priceOnRequest;
  for (const [field, value] of Object.entries(primary) as Array<[keyof ListingRecord, unknown]>) {
    if (field === 'site' || field === 'externalId' || field === 'url') continue;
    if (field === 'price' || field === 'currency' || field === 'priceOnRequest') {
      if (!priceKnown) Object.assign(merged, { [field]: secondary[field] });
      continue;
    }
    const empty = value == null || (Array.isArray(value) && value.length === 0);
    if (empty) Object.assign(merged, { [field]: secondary[field] });
  }
  return merged;
}

/** The first value that is not null or undefined (fallbacks in order of trust). */
export function firstOf<T>(...values: Array<T | null | undefined>): T | null {
  return values.find((value): value is T => value != null) ?? null;
}
