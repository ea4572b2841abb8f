/**
 * The workflow bundle a launched worker runs (workers/launch-settings.ts), made lighter for the
 * SDK's workflow thread, which holds the bundle's text for the life of the worker and parses its
 * inline source map to map workflow stack traces (the Web UI's stack trace, a failure's stack):
 *
 * - The map keeps the project's own sources only, as the worker's Node side does
 *   (lib/process/source-maps.ts): a frame inside the SDK shows the bundle's line, which is the
 *   SDK's JavaScript. Its mappings were most of what the thread's source-map parser holds.
 * - The map carries no source texts (`sourcesContent`): a stack trace needs a file and a line.
 * - Characters past Latin-1 are written as `\uXXXX` escapes. V8 keeps a string with one such
 *   character as two bytes per character, and the SDK's and the project's comments have a few
 *   (—, …, →), so the whole text took twice its length.
 *
 * In `npm run bench` at N = 5,000 the workflow thread held 4.8 MB of the bundle's text and map, and
 * 5.8 MB of the source-map parser's WebAssembly memory (a heap snapshot of the thread); its heap
 * peaked at 24.3–24.8 MB before and 19.3–19.8 after, in three runs each.
 */

import { inlineMap, keepMappings, splitInlineMap, type RawSourceMap } from './inline-source-map';

/** A source of the bundle's map that is the project's: not a package's, not webpack's runtime. */
function isProjectSource(source: string): boolean {
  return !source.includes('/node_modules/') && !source.startsWith('webpack/');
}

/** The bundle, lighter as above; `isOwnSource` says which of the map's sources keep their mappings. */
export function slimWorkflowBundle(code: string, isOwnSource: (source: string) => boolean = isProjectSource): string {
  const split = splitInlineMap(code);
  if (!split) throw new Error('the workflow bundle has no inline source map, which the Temporal SDK requires');
  const { map } = split;
  const kept = new Set(map.sources.flatMap((source, index) => (isOwnSource(source) ? [index] : [])));
  const slim: RawSourceMap = { ...map, mappings: keepMappings(map.mappings, (source) => kept.has(source)) };
  delete slim.sourcesContent;
  return `${latin1Only(split.code)}${inlineMap(slim)}`;
}

/**
 * Every character past Latin-1 as its `\uXXXX` escape (a pair for one past the BMP). Each is the
 * same character in a string, template or regular-expression literal, an identifier or a comment;
 * only a tagged template's raw text would differ, and the bundle has none with such characters.
 */
export function latin1Only(code: string): string {
  return code.replace(/[\u0100-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
