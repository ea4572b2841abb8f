/**
 * Source maps inline in the JavaScript the launcher writes for a worker (the workflow bundle,
 * workers/workflow-bundle.ts; the worker's compiled code, workers/worker-code.ts): read, rewritten
 * with fewer mappings, written back. Base64 VLQ as the source map spec (v3) writes it.
 */

/** How a map is written inline: as webpack writes it, and as the Temporal SDK reads it. */
const INLINE_MAP = '//# sourceMappingURL=data:application/json;charset=utf-8;base64,';
/** How a map is found: after this, and after the next `base64,`. */
const INLINE_MAP_START = '//# sourceMappingURL=data:application/json';

export interface RawSourceMap {
  version: number;
  file?: string;
  sources: string[];
  sourcesContent?: (string | null)[];
  names: string[];
  mappings: string;
  [key: string]: unknown;
}

/** The code without its inline map, and the map; null when it has none. */
export function splitInlineMap(code: string): { code: string; map: RawSourceMap } | null {
  const at = code.lastIndexOf(INLINE_MAP_START);
  const base64 = at < 0 ? -1 : code.indexOf('base64,', at);
  if (base64 < 0) return null;
  const map = JSON.parse(
    Buffer.from(code.slice(base64 + 'base64,'.length).trim(), 'base64').toString(),
  ) as RawSourceMap;
  return { code: code.slice(0, at), map };
}

/** The line that carries `map` inline, at the end of the code. */
export function inlineMap(map: RawSourceMap): string {
  return `${INLINE_MAP}${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...BASE64].map((char, index) => [char, index]));

/**
 * The segments of `mappings` that `keep` keeps, re-encoded: it is given each segment's source and
 * its place among the segments with a source on its generated line (0 for the first). Without
 * `names`, the segments lose their name indices, for a map written with no names.
 */
export function keepMappings(
  mappings: string,
  keep: (source: number, nthOnLine: number) => boolean,
  { names = true }: { names?: boolean } = {},
): string {
  // Every field but the generated column is relative to the previous segment of the whole map,
  // the generated column to the previous segment of its line: decode all, keep some, encode again.
  const decoded = [0, 0, 0, 0];
  const encoded = [0, 0, 0, 0];
  return mappings
    .split(';')
    .map((line) => {
      let column = 0;
      let previousColumn = 0;
      let nth = 0;
      const out: string[] = [];
      for (const segment of line ? line.split(',') : []) {
        const fields = decodeVlq(segment);
        column += fields[0];
        if (fields.length < 4) continue; // a column without a source: nothing to map to
        for (let i = 1; i < fields.length; i++) decoded[i - 1] += fields[i];
        if (!keep(decoded[0], nth++)) continue;
        const relative = [column - previousColumn];
        previousColumn = column;
        for (let i = 1; i < (names ? fields.length : 4); i++) {
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
