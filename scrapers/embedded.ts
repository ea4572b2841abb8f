/**
 * Readers for the data Inmuebles24 and Lamudi embed in their pages: inline script literals and
 * JSON-LD "one or many" values. (Typed reads of single values are in field-readers.ts.)
 */
import type { CheerioAPI } from 'cheerio';
import { JsLiteralError, readAssignedLiteral, readCallArgument } from './js-literal';

/** The text of every inline script that is not JSON-LD, joined: where `const x = {…}` and `f({…})` live. */
export function inlineScripts($: CheerioAPI): string {
  return $('script:not([src]):not([type="application/ld+json"])')
    .map((_, script) => $(script).text())
    .get()
    .join('\n;\n');
}

/**
 * The literal of `const <name> = …` (or the first argument of `<name>(…)` with `{ call: true }`);
 * undefined when absent. A literal that cannot be read becomes the caller's error (typically an
 * UnrecognisedMarkupError naming the variable), never a partial value.
 */
export function readInlineLiteral(
  scripts: string,
  name: string,
  unreadable: (missing: string) => Error,
  options: { call?: boolean } = {},
): unknown {
  try {
    return options.call ? readCallArgument(scripts, name) : readAssignedLiteral(scripts, name);
  } catch (error) {
    if (error instanceof JsLiteralError) throw unreadable(`${name} is not a readable literal (${error.message})`);
    throw error;
  }
}

/** A JSON-LD-style "one or many": an array as is, a single value as a one-element list, absent → []. */
export function listOf(value: unknown): unknown[] {
  if (value == null) return [];
  return Array.isArray(value) ? value : [value];
}
