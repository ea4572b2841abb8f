/**
 * Value readers shared by the Casas y Terrenos, Propiedades.com, Mitula and Trovit adapters: typed
 * reads of untyped embedded JSON, element text, the one-unnamed-area rule and page parameters.
 * Every reader answers null rather than guess (listing-record.md: never 0, "" or a guess).
 */
import type { Cheerio } from 'cheerio';
import type { AnyNode } from 'domhandler';
import type { ListingRecord, PropertyType } from '../lib/record/listing-record';
import { cleanText, parseNumber } from '../lib/record/text';

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

/** listing-record.md: a card's one unnamed area is the built area, unless the property is land. */
export function unnamedArea(area: number | null, type: PropertyType | null): Pick<ListingRecord, 'builtAreaM2' | 'landAreaM2'> {
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
 * Whether results follow this page, from the portal's total. Counting this page's real length
 * (not pageSize) keeps a short last page from announcing a page after it.
 */
export function hasMoreResults(page: number, pageSize: number, onThisPage: number, total: number | null): boolean {
  return onThisPage > 0 && total != null && (page - 1) * pageSize + onThisPage < total;
}
