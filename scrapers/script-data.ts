/**
 * Data the portals keep in inline scripts, read with a real JavaScript parser (acorn): Inmuebles24's
 * `const avisoInfo = {…}` (docs/portals.md §1.3, a loose literal with mixed quotes, bare identifiers
 * and trailing commas), its results pages' `window.__PRELOADED_STATE__ = {…}` (§1.2) and Lamudi's
 * `initAdForm({…})` call (§3.3). Nothing is evaluated: the literal's syntax tree is turned into
 * data, and whatever is code rather than data (template literals, functions, calls, identifiers
 * such as `mapLat: mapLatOf`) reads as undefined, never as an error.
 *
 * A script acorn cannot parse as a whole (a page cut short, a construct of some other script on the
 * page) still gives its literal: the literal is parsed on its own where the text assigns or passes
 * it, and a literal that is itself cut short gives the properties that end before the cut.
 */
import type * as Acorn from 'acorn';

let acornModule: typeof Acorn | undefined;

/** acorn, required on first use: a thread that parses no page (the worker's activities' thread) never loads it. */
function acorn(): typeof Acorn {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded when first needed, see above
  return (acornModule ??= require('acorn') as typeof Acorn);
}

/** Where the literal sits in the script. */
export type ScriptTarget =
  /** `const|let|var <name> = <literal>` */
  | { declaration: string }
  /** The first object or array literal passed to `<name>(…)` or `<something>.<name>(…)` */
  | { call: string }
  /** `<dotted.name> = <literal>`, e.g. `window.__PRELOADED_STATE__` */
  | { assignment: string };

export interface ScriptData {
  value: unknown;
  /** false when the literal was cut short and only the properties before the cut were read. */
  complete: boolean;
}

const OPTIONS: Acorn.Options = {
  ecmaVersion: 'latest',
  sourceType: 'script',
  allowReturnOutsideFunction: true,
  allowHashBang: true,
};

type AnyNode = Acorn.Node & Record<string, unknown>;

/** The name a target looks for, as it appears in the script's text. */
function targetText(target: ScriptTarget): string {
  return 'declaration' in target ? target.declaration : 'call' in target ? target.call : target.assignment;
}

/**
 * One inline script, parsed once (lazily) and read for as many targets as a parser asks for.
 */
export class ScriptSource {
  private index: LiteralIndex | null | undefined;

  constructor(readonly source: string) {}

  /**
   * The literal `target` names, as data; undefined when the script has no such literal (or only
   * passes a variable, `initAdForm(config)`).
   */
  read(target: ScriptTarget): ScriptData | undefined {
    if (!this.source.includes(targetText(target))) return undefined;
    const index = this.indexed();
    if (index) {
      const node =
        'declaration' in target
          ? index.declarations.get(target.declaration)
          : 'call' in target
            ? index.calls.get(target.call)
            : index.assignments.get(target.assignment);
      return node ? { value: literalData(node), complete: true } : undefined;
    }
    for (const start of textualStarts(this.source, target)) {
      const found = readLiteralAt(this.source, start);
      if (found && found.value !== undefined) return found;
    }
    return undefined;
  }

  /** The literals the whole script declares, passes and assigns, or null when it does not parse. */
  private indexed(): LiteralIndex | null {
    if (this.index === undefined) {
      try {
        this.index = indexLiterals(acorn().parse(this.source, OPTIONS) as unknown as AnyNode);
      } catch {
        // Read literals on their own (textualStarts).
        this.index = null;
      }
    }
    return this.index;
  }
}

/** The literal `target` names in one script's source (see ScriptSource.read). */
export function readScriptData(source: string, target: ScriptTarget): ScriptData | undefined {
  return new ScriptSource(source).read(target);
}

/**
 * Plain data from a literal's syntax tree: objects, arrays, strings, numbers, booleans and null.
 * Anything else reads as undefined (and an undefined property is left out of its object).
 */
export function literalData(node: Acorn.Node): unknown {
  const n = node as AnyNode;
  switch (n.type) {
    case 'ObjectExpression': {
      const out: Record<string, unknown> = {};
      for (const property of n.properties as AnyNode[]) {
        if (property.type !== 'Property' || property.kind !== 'init' || property.method) continue;
        const key = propertyKey(property);
        if (key === undefined) continue;
        const value = literalData(property.value as Acorn.Node);
        // defineProperty: a "__proto__" key is data here, not the object's prototype.
        if (value !== undefined)
          Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    case 'ArrayExpression':
      return (n.elements as Array<AnyNode | null>).map((element) =>
        element == null || element.type === 'SpreadElement' ? undefined : literalData(element),
      );
    case 'Literal':
      // Regular expressions and BigInts are not data the pages mean to hand over.
      return 'regex' in n || 'bigint' in n ? undefined : n.value;
    case 'UnaryExpression': {
      const argument = literalData(n.argument as Acorn.Node);
      if (typeof argument !== 'number') return undefined;
      if (n.operator === '-') return -argument;
      if (n.operator === '+') return argument;
      // Minified booleans: !0 and !1.
      if (n.operator === '!') return !argument;
      return undefined;
    }
    default:
      // TemplateLiteral, Identifier, CallExpression, FunctionExpression, ArrowFunctionExpression …
      return undefined;
  }
}

function propertyKey(property: AnyNode): string | undefined {
  const key = property.key as AnyNode;
  if (!property.computed && key.type === 'Identifier') return key.name as string;
  if (key.type === 'Literal' && (typeof key.value === 'string' || typeof key.value === 'number'))
    return String(key.value);
  return undefined;
}

/** `window.__PRELOADED_STATE__` for that member expression; null for anything else. */
function dottedName(node: AnyNode): string | null {
  if (node.type === 'Identifier') return node.name as string;
  if (node.type !== 'MemberExpression') return null;
  const object = dottedName(node.object as AnyNode);
  const property = node.property as AnyNode;
  if (object === null) return null;
  if (!node.computed && property.type === 'Identifier') return `${object}.${property.name as string}`;
  if (node.computed && property.type === 'Literal' && typeof property.value === 'string')
    return `${object}.${property.value}`;
  return null;
}

const isLiteral = (node: AnyNode | null | undefined): node is AnyNode =>
  node != null && (node.type === 'ObjectExpression' || node.type === 'ArrayExpression');

/** Where a script's values are: by declared name, by callee (and its last dotted part), by assigned dotted name. The first of each wins. */
interface LiteralIndex {
  declarations: Map<string, AnyNode>;
  calls: Map<string, AnyNode>;
  assignments: Map<string, AnyNode>;
}

function remember(map: Map<string, AnyNode>, key: string | null | undefined, node: AnyNode | null | undefined): void {
  if (key != null && node != null && !map.has(key)) map.set(key, node);
}

/** One walk over the script's syntax tree, depth first in source order. */
function indexLiterals(root: AnyNode): LiteralIndex {
  const index: LiteralIndex = { declarations: new Map(), calls: new Map(), assignments: new Map() };
  const stack: AnyNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'VariableDeclarator' && (node.id as AnyNode).type === 'Identifier') {
      remember(index.declarations, (node.id as AnyNode).name as string, node.init as AnyNode | null);
    } else if (node.type === 'CallExpression') {
      const callee = dottedName(node.callee as AnyNode);
      // Calls that pass no literal (initAdForm(config)) are not where the data is.
      const literal = (node.arguments as AnyNode[]).find(isLiteral);
      remember(index.calls, callee, literal);
      remember(index.calls, callee?.split('.').pop(), literal);
    } else if (node.type === 'AssignmentExpression' && node.operator === '=') {
      remember(index.assignments, dottedName(node.left as AnyNode), node.right as AnyNode);
    }
    const children: AnyNode[] = [];
    for (const key in node) {
      const child = node[key];
      if (key === 'type' || child == null || typeof child !== 'object') continue;
      if (Array.isArray(child)) {
        for (const item of child)
          if (item != null && typeof (item as AnyNode).type === 'string') children.push(item as AnyNode);
      } else if (typeof (child as AnyNode).type === 'string') {
        children.push(child as AnyNode);
      }
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return index;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Where the target's literal would start, found in the text (for a script acorn cannot parse as a
 * whole): after `const <name> =`, inside `<name>(`, or after `<dotted.name> =`.
 */
function* textualStarts(source: string, target: ScriptTarget): Generator<number> {
  const pattern =
    'declaration' in target
      ? new RegExp(`\\b(?:const|let|var)\\s+${escapeRegExp(target.declaration)}\\s*=\\s*`, 'g')
      : 'call' in target
        ? new RegExp(`(?<!function\\s+)\\b${escapeRegExp(target.call)}\\s*\\(\\s*`, 'g')
        : new RegExp(`${escapeRegExp(target.assignment)}\\s*=(?![=>])\\s*`, 'g');
  for (const match of source.matchAll(pattern)) yield match.index + match[0].length;
}

/** The literal starting at `start`: whole, or (an object or array that does not parse) the elements that do. */
function readLiteralAt(source: string, start: number): ScriptData | undefined {
  try {
    return { value: literalData(acorn().parseExpressionAt(source, start, OPTIONS)), complete: true };
  } catch {
    if (source[start] !== '{' && source[start] !== '[') return undefined;
    const value = elementsThatParse(source, start);
    return value === undefined ? undefined : { value, complete: false };
  }
}

/**
 * An object or array literal that does not parse, element by element: cut short (the real 2024
 * avisoInfo fragment ends inside a string), or with one broken element (a template that printed
 * nothing: `'expenses': ,`). The tokenizer finds the top-level commas (commas inside strings,
 * nested literals and templates do not count); each element between two of them is parsed on its
 * own, and those that parse are kept.
 */
function elementsThatParse(source: string, start: number): unknown {
  const text = source.slice(start);
  const isObject = text[0] === '{';
  const { tokTypes: t } = acorn();
  const opening = new Set([t.braceL, t.bracketL, t.parenL, t.dollarBraceL]);
  const closing = new Set([t.braceR, t.bracketR, t.parenR]);
  const bounds: number[] = [1];
  let depth = 0;
  let end = text.length;
  try {
    for (const token of acorn().tokenizer(text, OPTIONS)) {
      if (opening.has(token.type)) depth++;
      else if (closing.has(token.type) && --depth === 0) {
        end = token.start;
        break;
      } else if (token.type === t.comma && depth === 1) bounds.push(token.start + 1);
    }
  } catch {
    // The cut: an unterminated string, template or comment ends the tokens.
  }
  bounds.push(end + 1);
  const object: Record<string, unknown> = {};
  const array: unknown[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const element = text.slice(bounds[i], bounds[i + 1] - 1);
    if (element.trim() === '') continue;
    try {
      const value = literalData(acorn().parseExpressionAt(isObject ? `{${element}}` : `[${element}]`, 0, OPTIONS));
      if (!isObject) array.push(...(value as unknown[]));
      else
        for (const [key, item] of Object.entries(value as object))
          Object.defineProperty(object, key, { value: item, enumerable: true, writable: true, configurable: true });
    } catch {
      // This element is broken (or cut): the others still count.
    }
  }
  const found = isObject ? Object.keys(object).length > 0 : array.length > 0;
  return found ? (isObject ? object : array) : undefined;
}
