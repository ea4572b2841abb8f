/**
 * Readers for the data Inmuebles24 and Lamudi embed in their pages: inline script literals (read by
 * scrapers/script-data.ts) and JSON-LD "one or many" values. (Typed reads of single values are in
 * field-readers.ts.)
 */
import type { CheerioAPI } from 'cheerio';
import { ScriptSource, type ScriptData, type ScriptTarget } from './script-data';

/** The text of every inline script that is not JSON-LD, in page order: where `const x = {…}` and `f({…})` live. */
export function inlineScripts($: CheerioAPI): string[] {
  return $('script:not([src]):not([type="application/ld+json"])')
    .map((_, script) => $(script).text())
    .get();
}

/**
 * A reader of the page's inline-script literals: for a target, the literal in the first inline
 * script that holds one, as data (see script-data.ts: code inside it reads as undefined, a literal
 * cut short gives the elements before the cut); undefined when no script holds it. Each script is
 * read on its own, so a script of the page that does not parse never hides the literal of
 * another, and parsed once however many targets are read.
 */
export function inlineScriptReader($: CheerioAPI): (target: ScriptTarget) => ScriptData | undefined {
  const scripts = inlineScripts($).map((source) => new ScriptSource(source));
  return (target) => {
    for (const script of scripts) {
      const found = script.read(target);
      if (found !== undefined && found.value !== undefined) return found;
    }
    return undefined;
  };
}

/** The literal `target` names in the page's inline scripts (one read; see inlineScriptReader). */
export function inlineScriptData($: CheerioAPI, target: ScriptTarget): ScriptData | undefined {
  return inlineScriptReader($)(target);
}

/** A JSON-LD-style "one or many": an array as is, a single value as a one-element list, absent → []. */
export function listOf(value: unknown): unknown[] {
  if (value == null) return [];
  return Array.isArray(value) ? value : [value];
}
