/**
 * SQL only with bound parameters. The store speaks through Kysely, whose builder and `sql` tagged
 * templates bind every value as a parameter; what can still put a value into the SQL text is
 * Kysely's `sql.raw`, `sql.ref`, `sql.lit`, `sql.id` and `sql.table`, and any plain SQL string (a
 * driver's prepare, exec or pragma). In lib/, activities/, client/ and workers/, every such piece
 * is read with the TypeScript parser and traced back to where its value comes from. Allowed:
 * literals, module constants built from literals (column lists), and local variables only ever
 * assigned literal fragments. Anything else (a parameter, a value read at run time) fails the test
 * unless it is in the reviewed list below, with the reason it is safe.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { recordFigures, printFigures } from '../support/reliability-figures';

const ROOT = join(__dirname, '..', '..');
const FOLDERS = ['lib', 'activities', 'client', 'workers'];
const SQL_WORDS = /\b(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|REPLACE|PRAGMA|VALUES|WHERE)\b|^\s*[a-z_]+\s*=\s*$/;
const SINK_METHODS = new Set(['prepare', 'exec', 'pragma']);
/** Kysely's ways of writing a value into the SQL text itself (`sql.<name>(value)`), not as a parameter. */
const KYSELY_TEXT_METHODS = new Set(['raw', 'ref', 'lit', 'id', 'table']);

/** Reviewed interpolations that are not literal-derived, with why they are safe (file: expression). */
const REVIEWED: Record<string, string> = {
  'lib/store/database.ts: text':
    "the statement cache prepares the text Kysely compiled, whose values are bound parameters (this check covers Kysely's own ways of writing text)",
  'lib/cluster/postgres.ts: client.escapeIdentifier(name)':
    "CREATE DATABASE takes no bound parameters; the name is a database name of the project's config or tests, quoted by pg's escapeIdentifier",
  "lib/cluster/postgres.ts: owner ? ` OWNER ${client.escapeIdentifier(owner)}` : ''":
    "the owner is a role name of the project's config, quoted by pg's escapeIdentifier (identifiers cannot be bound)",
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

interface Finding {
  file: string;
  line: number;
  expression: string;
}

/** What one file says about its SQL: the interpolations whose source is not a literal. */
class SqlTracer {
  readonly findings: Finding[] = [];
  sqlTexts = 0;
  interpolations = 0;
  private readonly topLevel = new Map<string, ts.Expression | null>();
  private readonly imports = new Map<string, string>();

  constructor(
    readonly file: string,
    private readonly source: ts.SourceFile,
    private readonly loadModule: (from: string, specifier: string) => SqlTracer | null,
  ) {
    for (const statement of source.statements) {
      if (ts.isVariableStatement(statement) && statement.declarationList.flags & ts.NodeFlags.Const) {
        for (const declaration of statement.declarationList.declarations) {
          if (ts.isIdentifier(declaration.name))
            this.topLevel.set(declaration.name.text, declaration.initializer ?? null);
        }
      }
      if (
        ts.isImportDeclaration(statement) &&
        ts.isStringLiteral(statement.moduleSpecifier) &&
        statement.importClause?.namedBindings &&
        ts.isNamedImports(statement.importClause.namedBindings)
      ) {
        for (const element of statement.importClause.namedBindings.elements) {
          this.imports.set(
            element.name.text,
            `${statement.moduleSpecifier.text}#${(element.propertyName ?? element.name).text}`,
          );
        }
      }
    }
  }

  run(): void {
    const visit = (node: ts.Node) => {
      if (ts.isTaggedTemplateExpression(node) && node.tag.getText(this.source) === 'sql') {
        // Kysely binds every \${…} of a sql`…` template as a parameter; only what is written into
        // the text (sql.raw, sql.ref … inside it) is checked, where the call stands.
        this.sqlTexts++;
        if (ts.isTemplateExpression(node.template))
          for (const span of node.template.templateSpans) visit(span.expression);
        return;
      }
      if (
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        node.expression.expression.getText(this.source) === 'sql' &&
        KYSELY_TEXT_METHODS.has(node.expression.name.text) &&
        node.arguments.length > 0
      ) {
        this.sqlTexts++;
        this.check(node.arguments[0]);
      }
      if (ts.isTemplateExpression(node) && this.looksLikeSql(node)) {
        this.sqlTexts++;
        for (const span of node.templateSpans) this.check(span.expression);
      } else if (
        ts.isBinaryExpression(node) &&
        node.operatorToken.kind === ts.SyntaxKind.PlusToken &&
        this.concatLooksLikeSql(node)
      ) {
        this.sqlTexts++;
        this.check(node.left);
        this.check(node.right);
        return;
      } else if (
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        SINK_METHODS.has(node.expression.name.text) &&
        node.arguments.length > 0
      ) {
        const argument = node.arguments[0];
        // Templates and concatenations are checked where they stand; here, SQL passed by name.
        const byName =
          ts.isIdentifier(argument) ||
          ts.isPropertyAccessExpression(argument) ||
          ts.isElementAccessExpression(argument) ||
          ts.isCallExpression(argument);
        if (byName && !this.isRegexReceiver(node.expression.expression)) {
          this.sqlTexts++;
          this.check(argument);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(this.source);
  }

  private looksLikeSql(node: ts.TemplateExpression): boolean {
    return SQL_WORDS.test([node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join(' '));
  }

  private concatLooksLikeSql(node: ts.BinaryExpression): boolean {
    const parts: ts.Expression[] = [];
    const flatten = (e: ts.Expression): void => {
      if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) {
        flatten(e.left);
        flatten(e.right);
      } else parts.push(e);
    };
    flatten(node);
    return (
      parts.some(
        (part) => ts.isStringLiteralLike(part) && /\b(SELECT|INSERT|UPDATE|DELETE|WHERE|JOIN)\b/.test(part.text),
      ) && parts.some((part) => !ts.isStringLiteralLike(part))
    );
  }

  private isRegexReceiver(receiver: ts.Expression): boolean {
    if (ts.isRegularExpressionLiteral(receiver)) return true;
    if (ts.isIdentifier(receiver)) {
      const local = this.localDeclaration(receiver);
      const init = this.topLevel.get(receiver.text) ?? (local && local !== 'parameter' ? local.initializer : undefined);
      return (
        !!init &&
        (ts.isRegularExpressionLiteral(init) ||
          (ts.isNewExpression(init) && init.expression.getText(this.source) === 'RegExp'))
      );
    }
    return false;
  }

  private check(expression: ts.Expression): void {
    this.interpolations++;
    if (this.isSafe(expression, new Set(), 0)) return;
    const text = expression.getText(this.source).replace(/\s+/g, ' ');
    const key = `${this.file}: ${text}`;
    if (REVIEWED[key]) return;
    this.findings.push({
      file: this.file,
      line: this.source.getLineAndCharacterOfPosition(expression.getStart(this.source)).line + 1,
      expression: text,
    });
  }

  /** Whether `e`'s value can only be built from literals. `bound` holds callback parameters that range over safe values. */
  isSafe(e: ts.Expression, bound: Set<string>, depth: number): boolean {
    if (depth > 30) return false;
    const next = (x: ts.Expression, extra: Set<string> = bound) => this.isSafe(x, extra, depth + 1);
    if (
      ts.isStringLiteralLike(e) ||
      ts.isNumericLiteral(e) ||
      e.kind === ts.SyntaxKind.TrueKeyword ||
      e.kind === ts.SyntaxKind.FalseKeyword ||
      e.kind === ts.SyntaxKind.NullKeyword
    )
      return true;
    if (
      ts.isParenthesizedExpression(e) ||
      ts.isAsExpression(e) ||
      ts.isNonNullExpression(e) ||
      ts.isTypeAssertionExpression(e) ||
      ts.isSatisfiesExpression(e)
    )
      return next(e.expression);
    if (ts.isTemplateExpression(e)) return e.templateSpans.every((span) => next(span.expression));
    if (ts.isBinaryExpression(e)) {
      const op = e.operatorToken.kind;
      if (
        op === ts.SyntaxKind.PlusToken ||
        op === ts.SyntaxKind.QuestionQuestionToken ||
        op === ts.SyntaxKind.BarBarToken
      )
        return next(e.left) && next(e.right);
      // Comparisons give booleans: they only choose between pieces.
      return [
        ts.SyntaxKind.EqualsEqualsEqualsToken,
        ts.SyntaxKind.ExclamationEqualsEqualsToken,
        ts.SyntaxKind.AmpersandAmpersandToken,
      ].includes(op);
    }
    if (ts.isPrefixUnaryExpression(e)) return true; // !x, -1: a boolean or a number
    if (ts.isConditionalExpression(e)) return next(e.whenTrue) && next(e.whenFalse);
    if (ts.isArrayLiteralExpression(e))
      return e.elements.every((element) => (ts.isSpreadElement(element) ? next(element.expression) : next(element)));
    if (ts.isObjectLiteralExpression(e)) {
      return e.properties.every((p) =>
        ts.isPropertyAssignment(p) ? next(p.initializer) : ts.isShorthandPropertyAssignment(p) ? next(p.name) : false,
      );
    }
    if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) return next(e.expression);
    if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression)) {
      const method = e.expression.name.text;
      const receiver = e.expression.expression;
      if (
        [
          'join',
          'toString',
          'trim',
          'toUpperCase',
          'toLowerCase',
          'slice',
          'concat',
          'filter',
          'sort',
          'reverse',
          'has',
          'includes',
          'some',
          'every',
        ].includes(method)
      ) {
        // Their result is made of the receiver's pieces (and literal arguments); a predicate's result is a boolean.
        const predicate = ['filter', 'has', 'includes', 'some', 'every'].includes(method);
        return next(receiver) && (predicate || e.arguments.every((argument) => next(argument)));
      }
      if (method === 'map' || method === 'flatMap') {
        const callback = e.arguments[0];
        if (!callback || !(ts.isArrowFunction(callback) || ts.isFunctionExpression(callback))) return false;
        // A callback safe without its parameters (a placeholder list: xs.map(() => '?')) makes
        // literal pieces whatever the receiver holds: only the count comes from it.
        if (this.returnsSafe(callback, bound, depth)) return true;
        if (!next(receiver)) return false;
        return this.returnsSafe(
          callback,
          new Set([...bound, ...callback.parameters.flatMap((p) => bindingNames(p.name))]),
          depth,
        );
      }
      return false;
    }
    if (ts.isIdentifier(e)) return bound.has(e.text) || this.identifierIsSafe(e, bound, depth);
    return false;
  }

  private returnsSafe(fn: ts.ArrowFunction | ts.FunctionExpression, bound: Set<string>, depth: number): boolean {
    if (!ts.isBlock(fn.body)) return this.isSafe(fn.body, bound, depth + 1);
    const returns: ts.Expression[] = [];
    const collect = (node: ts.Node) => {
      if (ts.isReturnStatement(node) && node.expression) returns.push(node.expression);
      if (!ts.isFunctionLike(node)) ts.forEachChild(node, collect);
    };
    ts.forEachChild(fn.body, collect);
    return returns.every((r) => this.isSafe(r, bound, depth + 1));
  }

  private identifierIsSafe(id: ts.Identifier, bound: Set<string>, depth: number): boolean {
    const local = this.localDeclaration(id);
    if (local === 'parameter') return false;
    if (local) {
      // A for-of variable ranges over its iterable; any other local: its initializer and every later assignment or push.
      if (ts.isForOfStatement(local.parent.parent))
        return this.isSafe(local.parent.parent.expression, bound, depth + 1);
      if (local.initializer && !this.isSafe(local.initializer, bound, depth + 1)) return false;
      const scope = enclosingFunction(local) ?? this.source;
      let safe = true;
      const visit = (node: ts.Node) => {
        if (
          ts.isBinaryExpression(node) &&
          ts.isIdentifier(node.left) &&
          node.left.text === id.text &&
          node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
          node.operatorToken.kind <= ts.SyntaxKind.LastAssignment
        ) {
          safe &&= this.isSafe(node.right, bound, depth + 1);
        }
        if (
          ts.isCallExpression(node) &&
          ts.isPropertyAccessExpression(node.expression) &&
          ts.isIdentifier(node.expression.expression) &&
          node.expression.expression.text === id.text &&
          ['push', 'unshift', 'splice'].includes(node.expression.name.text)
        ) {
          safe &&= node.arguments.every((argument) => this.isSafe(argument, bound, depth + 1));
        }
        ts.forEachChild(node, visit);
      };
      visit(scope);
      return safe;
    }
    if (this.topLevel.has(id.text)) {
      const init = this.topLevel.get(id.text);
      return !!init && this.isSafe(init, bound, depth + 1);
    }
    const imported = this.imports.get(id.text);
    if (imported) {
      const [specifier, name] = imported.split('#');
      const module = this.loadModule(this.file, specifier);
      const init = module?.topLevel.get(name);
      return !!module && !!init && module.isSafe(init, new Set(), depth + 1);
    }
    return false;
  }

  /** The variable declaration `id` refers to inside its enclosing functions ('parameter' for a parameter: not traceable), if any. */
  private localDeclaration(id: ts.Identifier): ts.VariableDeclaration | 'parameter' | undefined {
    for (let scope = enclosingFunction(id); scope; scope = enclosingFunction(scope)) {
      if (scope.parameters.some((p) => bindingNames(p.name).includes(id.text))) return 'parameter';
      let found: ts.VariableDeclaration | undefined;
      const visit = (node: ts.Node) => {
        if (found) return;
        if (
          ts.isVariableDeclaration(node) &&
          bindingNames(node.name).includes(id.text) &&
          node.getStart(this.source) < id.getStart(this.source)
        )
          found = node;
        if (!ts.isFunctionLike(node) || node === scope) ts.forEachChild(node, visit);
      };
      if (scope.body) ts.forEachChild(scope.body, visit);
      if (found) return found;
    }
    return undefined;
  }
}

function enclosingFunction(node: ts.Node): ts.FunctionLikeDeclaration | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (
      ts.isFunctionDeclaration(current) ||
      ts.isFunctionExpression(current) ||
      ts.isArrowFunction(current) ||
      ts.isMethodDeclaration(current) ||
      ts.isConstructorDeclaration(current) ||
      ts.isGetAccessor(current)
    )
      return current;
  }
  return undefined;
}

function bindingNames(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((element) => (ts.isOmittedExpression(element) ? [] : bindingNames(element.name)));
}

describe('SQL only with bound parameters (static check of lib/, activities/, client/, workers/)', () => {
  const tracers = new Map<string, SqlTracer | null>();
  const load = (path: string): SqlTracer | null => {
    if (!tracers.has(path)) {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        tracers.set(path, null);
        return null;
      }
      tracers.set(path, null); // cycles
      const tracer = new SqlTracer(
        relative(ROOT, path),
        ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, true),
        (from, specifier) => (specifier.startsWith('.') ? load(join(ROOT, from, '..', `${specifier}.ts`)) : null),
      );
      tracers.set(path, tracer);
    }
    return tracers.get(path)!;
  };

  it('finds no SQL text that interpolates anything but literal-built constants', () => {
    const files = FOLDERS.flatMap((folder) => sourceFiles(join(ROOT, folder)));
    const scanned = files.map((file) => load(file)!).filter(Boolean);
    for (const tracer of scanned) tracer.run();
    const findings = scanned.flatMap((tracer) => tracer.findings);
    const sqlTexts = scanned.reduce((sum, tracer) => sum + tracer.sqlTexts, 0);
    const interpolations = scanned.reduce((sum, tracer) => sum + tracer.interpolations, 0);
    recordFigures({
      suite: 'SQL',
      case: 'static check',
      filesScanned: files.length,
      sqlTextsWithPieces: sqlTexts,
      interpolationsTraced: interpolations,
      reviewedExceptions: Object.keys(REVIEWED).length,
      findings: findings.length,
    });
    printFigures('SQL');
    assert.ok(
      sqlTexts >= 5,
      `only ${sqlTexts} SQL texts with interpolations found: the scan is not looking where the SQL is`,
    );
    assert.deepEqual(
      findings.map((f) => `${f.file}:${f.line}: ${f.expression}`),
      [],
      'SQL built from values that are not literals: bind them with ? instead, or review and list them',
    );
  });

  it('the tracer itself flags what it must: a parameter, a run-time value, a concatenation, values mapped into the text', () => {
    const probe = `
      const COLUMNS = ['a', 'b'];
      export function good(db: any) { return db.prepare(\`SELECT \${COLUMNS.join(', ')} FROM t WHERE x = ?\`); }
      export function bad1(db: any, site: string) { return db.prepare(\`SELECT * FROM t WHERE site = '\${site}'\`); }
      export function bad2(db: any, input: { table: string }) { const sql = \`DELETE FROM \${input.table}\`; return db.exec(sql); }
      export function bad3(db: any, id: string) { return db.prepare('SELECT * FROM t WHERE id = ' + id); }
      export function bad4(db: any, order: string) { let where = 'WHERE 1'; where += order; return db.prepare(\`SELECT * FROM t \${where}\`); }
      export function good2(db: any, names: string[]) { return db.prepare(\`SELECT * FROM t WHERE n IN (\${names.map(() => '?').join(', ')})\`); }
      export function bad5(db: any, names: string[]) { return db.prepare(\`SELECT * FROM t WHERE n IN (\${names.map((n) => \`'\${n}'\`).join(', ')})\`); }
      export function good3(db: any, site: string) { return sql\`SELECT * FROM t WHERE site = \${site} AND \${sql.ref(COLUMNS[0])} > 0\`.execute(db); }
      export function bad6(db: any, column: string) { return sql\`SELECT \${sql.ref(column)} FROM t\`.execute(db); }
      export function bad7(db: any, text: string) { return sql.raw(text).execute(db); }
    `;
    const tracer = new SqlTracer(
      'probe.ts',
      ts.createSourceFile('probe.ts', probe, ts.ScriptTarget.ES2022, true),
      () => null,
    );
    tracer.run();
    assert.deepEqual(
      tracer.findings.map((f) => f.expression).sort(),
      ['column', 'id', 'input.table', "names.map((n) => `'${n}'`).join(', ')", 'site', 'sql', 'text', 'where'].sort(),
    );
  });
});
