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

/** The bundle's last line: its source map, inline, as webpack writes it and the SDK reads it. */
const INLINE_MAP = '//# sourceMappingURL=data:application/json;charset=utf-8;base64,';

interface RawSourceMap {
  version: number;
  file?: string;
  sources: string[];
  sourcesContent?: (string | null)[];
  names: string[];
  mappings: string;
  [key: string]: unknown;
}

/** The bundle, lighter as above; `isOwnSource` says which of the map's sources keep their mappings. */
export function slimWorkflowBundle(code: string, isOwnSource: (source: string) => boolean): string {
  const at = code.lastIndexOf(INLINE_MAP);
  if (at < 0) throw new Error('the workflow bundle has no inline source map, which the Temporal SDK requires');
  const map = JSON.parse(Buffer.from(code.slice(at + INLINE_MAP.length).trim(), 'base64').toString()) as RawSourceMap;
  const kept = new Set(map.sources.flatMap((source, index) => (isOwnSource(source) ? [index] : [])));
  const slim: RawSourceMap = { ...map, mappings: keepMappings(map.mappings, kept) };
  delete slim.sourcesContent;
  return `${latin1Only(code.slice(0, at))}${INLINE_MAP}${Buffer.from(JSON.stringify(slim)).toString('base64')}\n`;
}

/**
 * Every character past Latin-1 as its `\uXXXX` escape (a pair for one past the BMP). Each is the
 * same character in a string, template or regular-expression literal, an identifier or a comment;
 * only a tagged template's raw text would differ, and the bundle has none with such characters.
 */
export function latin1Only(code: string): string {
  return code.replace(/[\u0100-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...BASE64].map((char, index) => [char, index]));

/** The segments of `mappings` whose source is in `kept`, re-encoded (source map v3, base64 VLQ). */
export function keepMappings(mappings: string, kept: ReadonlySet<number>): string {
  // Every field but the generated column is relative to the previous segment of the whole map,
  // the generated column to the previous segment of its line: decode all, keep some, encode again.
  const decoded = [0, 0, 0, 0];
  const encoded = [0, 0, 0, 0];
  return mappings
    .split(';')
    .map((line) => {
      let column = 0;
      let previousColumn = 0;
      const out: string[] = [];
      for (const segment of line ? line.split(',') : []) {
        const fields = decodeVlq(segment);
        column += fields[0];
        if (fields.length < 4) continue; // a column without a source: nothing to map to
        for (let i = 1; i < fields.length; i++) decoded[i - 1] += fields[i];
        if (!kept.has(decoded[0])) continue;
        const relative = [column - previousColumn];
        previousColumn = column;
        for (let i = 1; i < fields.length; i++) {
          relative.push(decoded[i - 1] - encoded[i - 1]);
          encoded[i - 1] = decoded[i - 1];
        }
        out.push(relative.map(encodeVlq).join(''));
      }
      return out.join(',');
    })
    .join(';');
}

export function decodeVlq(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = DIGIT.get(char);
    if (digit === undefined) throw new Error(`not a base64 VLQ digit in a source map: ${JSON.stringify(char)}`);
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value % 2 === 1 ? -(value - 1) / 2 : value / 2);
    value = 0;
    shift = 0;
  }
  return values;
}

export function encodeVlq(value: number): string {
  let rest = value < 0 ? -value * 2 + 1 : value * 2;
  let out = '';
  do {
    const digit = rest % 32;
    rest = Math.floor(rest / 32);
    out += BASE64[rest > 0 ? digit | 32 : digit];
  } while (rest > 0);
  return out;
}
