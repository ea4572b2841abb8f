/**
 * A tolerant reader for the JavaScript object literals portals inline in their pages
 * (Inmuebles24 `const avisoInfo = {…}`, Lamudi `initAdForm({…})`). They are not JSON: quotes are
 * mixed, keys are bare, commas trail, comments appear and values may be bare identifiers that
 * point at other variables (`mapLat: mapLatOf`). This reads data only; it never evaluates code.
 */

export class JsLiteralError extends Error {
  constructor(message: string, readonly position: number) {
    super(`${message} at offset ${position}`);
    this.name = 'JsLiteralError';
  }
}

/** The literal assigned by `const|let|var <name> = …`, or undefined when the page has no such assignment. */
export function readAssignedLiteral(source: string, name: string): unknown {
  const match = new RegExp(`\\b(?:const|let|var)\\s+${name}\\s*=\\s*`).exec(source);
  return match ? parseJsLiteral(source, match.index + match[0].length).value : undefined;
}

/**
 * The first argument of the first call `<callee>(…)` that passes a literal, or undefined when the
 * page makes no such call. Other occurrences (a definition `function f(options) {`, a call
 * `f()` or `f(config)`) are skipped; if none passes a literal, the first syntax error is thrown.
 */
export function readCallArgument(source: string, callee: string): unknown {
  let firstError: JsLiteralError | undefined;
  for (const match of source.matchAll(new RegExp(`\\b${callee}\\s*\\(\\s*`, 'g'))) {
    if (source[match.index + match[0].length] === ')') continue;
    try {
      const { value } = parseJsLiteral(source, match.index + match[0].length);
      if (value !== undefined) return value;
    } catch (error) {
      if (!(error instanceof JsLiteralError)) throw error;
      firstError ??= error;
    }
  }
  if (firstError) throw firstError;
  return undefined;
}

/**
 * Parse one literal starting at `start`. Bare identifiers other than true/false/null read as
 * undefined: their values live elsewhere on the page and callers read those directly.
 */
export function parseJsLiteral(source: string, start = 0): { value: unknown; end: number } {
  const reader = new Reader(source, start);
  const value = reader.value();
  return { value, end: reader.position };
}

// Sticky patterns: each matches exactly at the reader's position.
const NUMBER = /[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?/iy;
const IDENTIFIER = /[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*/y;
const SPACE_OR_COMMENT = /(?:\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/)+/y;

const KEYWORDS: Record<string, unknown> = { true: true, false: false, null: null, undefined: undefined };
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', v: '\v', 0: '\0' };

class Reader {
  constructor(private readonly s: string, public position: number) {}

  value(): unknown {
    this.skipSpace();
    const c = this.s[this.position];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"' || c === "'") return this.string();
    if (c !== undefined && /[-+.\d]/.test(c)) return this.number();
    const word = this.identifier();
    if (word === null) throw new JsLiteralError(`unexpected ${c === undefined ? 'end of input' : `"${c}"`}`, this.position);
    return word in KEYWORDS ? KEYWORDS[word] : undefined;
  }

  private object(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.position++;
    for (;;) {
      this.skipSpace();
      if (this.eat('}')) return out;
      const c = this.s[this.position];
      const key = c === '"' || c === "'" ? this.string() : /\d/.test(c ?? '') ? String(this.number()) : this.identifier();
      if (key === null) throw new JsLiteralError('expected a property name', this.position);
      this.skipSpace();
      if (!this.eat(':')) throw new JsLiteralError(`expected ":" after "${key}"`, this.position);
      out[key] = this.value();
      this.endOfElement('}');
    }
  }

  private array(): unknown[] {
    const out: unknown[] = [];
    this.position++;
    for (;;) {
      this.skipSpace();
      if (this.eat(']')) return out;
      out.push(this.value());
      this.endOfElement(']');
    }
  }

  /** After an element: a comma (possibly trailing) or the closing bracket, which is left for the caller. */
  private endOfElement(close: string): void {
    this.skipSpace();
    if (this.eat(',')) return;
    if (this.s[this.position] !== close) throw new JsLiteralError(`expected "," or "${close}"`, this.position);
  }

  private string(): string {
    const quote = this.s[this.position++];
    let out = '';
    for (;;) {
      const c = this.s[this.position++];
      if (c === undefined || c === '\n') throw new JsLiteralError('unterminated string', this.position);
      if (c === quote) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.s[this.position++];
      if (e === 'u' || e === 'x') {
        const hex = e === 'u' ? this.s.slice(this.position, this.position + 4) : this.s.slice(this.position, this.position + 2);
        if (!/^[\da-f]+$/i.test(hex) || hex.length !== (e === 'u' ? 4 : 2)) throw new JsLiteralError('bad escape', this.position);
        out += String.fromCharCode(parseInt(hex, 16));
        this.position += hex.length;
      } else if (e === '\n') {
        // A line continuation: the backslash-newline pair adds nothing.
      } else {
        out += ESCAPES[e] ?? e;
      }
    }
  }

  private number(): number {
    const text = this.match(NUMBER);
    if (text === null) throw new JsLiteralError('bad number', this.position);
    return Number(text);
  }

  private identifier(): string | null {
    return this.match(IDENTIFIER);
  }

  private skipSpace(): void {
    this.match(SPACE_OR_COMMENT);
  }

  /** The text `pattern` matches at the current position (consumed), or null. */
  private match(pattern: RegExp): string | null {
    pattern.lastIndex = this.position;
    const found = pattern.exec(this.s);
    if (!found) return null;
    this.position += found[0].length;
    return found[0];
  }

  private eat(char: string): boolean {
    if (this.s[this.position] !== char) return false;
    this.position++;
    return true;
  }
}
