/**
 * Rendering helpers for the mirror portals that embed data in inline scripts: Inmuebles24's
 * `avisoInfo` literal, Lamudi's JSON-LD and `initAdForm(…)` call. (Slugs, markup and record
 * fields shared by all portals are in sites/kit/.)
 */
import { hash32 } from './facts';

/** `length` lowercase hex digits derived from `text`: stable ids, hashes and class suffixes. */
export function hexDigits(text: string, length: number): string {
  let out = '';
  for (let round = 0; out.length < length; round++) out += hash32(`${text}#${round}`).toString(16).padStart(8, '0');
  return out.slice(0, length);
}

/** JSON for a `<script>` element: `<` escaped so no string value can close the script early. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** A bare JavaScript identifier inside a loose literal, e.g. `mapLat: mapLatOf`. */
export class BareIdentifier {
  constructor(readonly name: string) {}
}

export const bare = (name: string): BareIdentifier => new BareIdentifier(name);

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * A value written the way the portals' templates write inline objects: NOT JSON. Keys are bare
 * where they can be, strings single-quoted (double-quoted when they contain a single quote),
 * every element is followed by a trailing comma, and BareIdentifier values are written as
 * identifiers. `undefined` properties are left out. A parser that expects JSON fails on it.
 */
export function looseLiteral(value: unknown, indent = ''): string {
  if (value instanceof BareIdentifier) return value.name;
  if (value === null) return 'null';
  if (typeof value === 'string') return jsString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => `${inner}${looseLiteral(item, inner)},\n`).join('')}${indent}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    const lines = entries.map(
      ([key, v]) => `${inner}${IDENTIFIER.test(key) ? key : jsString(key)}: ${looseLiteral(v, inner)},\n`,
    );
    return `{\n${lines.join('')}${indent}}`;
  }
  throw new TypeError(`looseLiteral cannot write a ${typeof value}`);
}

function jsString(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  const escaped = text
    .replace(/\\/g, '\\\\')
    .replace(new RegExp(quote, 'g'), `\\${quote}`)
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/<\//g, '<\\/');
  return `${quote}${escaped}${quote}`;
}
