/**
 * The per-portal tables are typed `Record<BuiltinSiteKey, …>` (lib/record/sites.ts): the adapters
 * (scrapers/registry.ts), the content hooks (scrapers/content-hooks.ts) and the mirror's sites
 * (mirror/sites/index.ts). That is what makes a built-in key without its entry fail `tsc` rather
 * than fail at run time. Shown here on a one-file program checked against the real key list, with
 * the table written both ways the code writes it (an annotation, and `satisfies` on an `as const`).
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { BUILTIN_SITE_KEYS } from '../../../lib/record/sites';

const REPO = join(__dirname, '..', '..', '..');
const SITES = join(REPO, 'lib', 'record', 'sites.ts');
const TABLE = join(__dirname, 'registry-types.virtual.ts');

/** The messages tsc gives the table module: `sites.ts` is read from disk, the table only in memory. */
function diagnosticsOf(table: string): string[] {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts'],
    module: ts.ModuleKind.CommonJS,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    // Both files are roots: nothing else is read but the standard library.
    noResolve: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const readSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, ...rest) =>
    fileName === TABLE
      ? ts.createSourceFile(fileName, table, languageVersion)
      : readSourceFile(fileName, languageVersion, ...rest);
  const program = ts.createProgram({ rootNames: [TABLE, SITES], options, host });
  return ts
    .getPreEmitDiagnostics(program, program.getSourceFile(TABLE))
    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

/** A table module like the real ones, with an entry for each of `keys`. */
function tableModule(keys: readonly string[]): string {
  const entries = keys.map((key, i) => `  ${key}: { pageSize: ${i + 1} },`).join('\n');
  return [
    "import type { BuiltinSiteKey } from '../../../lib/record/sites';",
    'interface Entry { readonly pageSize: number }',
    `export const ANNOTATED: Readonly<Record<BuiltinSiteKey, Entry>> = {\n${entries}\n};`,
    `export const SATISFIED = {\n${entries}\n} as const satisfies Readonly<Record<BuiltinSiteKey, Entry>>;`,
  ].join('\n');
}

describe('per-portal tables typed by the built-in keys (lib/record/sites.ts)', function () {
  // One program with the standard library: a cold compiler takes a few seconds on a busy machine.
  this.timeout(30_000);

  it('a table with an entry for every built-in key compiles', () => {
    assert.deepEqual(diagnosticsOf(tableModule(BUILTIN_SITE_KEYS)), []);
  });

  it('a table missing one built-in key fails to compile, naming the key, whether annotated or satisfied', () => {
    const missing = BUILTIN_SITE_KEYS[BUILTIN_SITE_KEYS.length - 1];
    const diagnostics = diagnosticsOf(tableModule(BUILTIN_SITE_KEYS.filter((key) => key !== missing)));
    assert.equal(diagnostics.length, 2, diagnostics.join('\n---\n'));
    for (const message of diagnostics) assert.match(message, new RegExp(`Property '${missing}' is missing`), message);
  });

  it('a table with a key that is not a built-in portal fails to compile, naming that key', () => {
    const diagnostics = diagnosticsOf(tableModule([...BUILTIN_SITE_KEYS, 'portalx']));
    assert.equal(diagnostics.length, 2, diagnostics.join('\n---\n'));
    for (const message of diagnostics) assert.match(message, /'portalx'/, message);
  });

  it('the real tables are the typed ones: the adapters, the content hooks and the mirror sites', () => {
    const tables = {
      'scrapers/registry.ts': /BUILTIN_ADAPTERS: Readonly<Record<BuiltinSiteKey, SiteAdapter>>/,
      'scrapers/content-hooks.ts':
        /PORTAL_CONTENT = \{[\s\S]*\} as const satisfies Readonly<Record<BuiltinSiteKey, PortalContent>>/,
      'mirror/sites/index.ts': /MIRROR_SITE_BY_KEY: Readonly<Record<BuiltinSiteKey, MirrorSite>>/,
    };
    for (const [file, declaration] of Object.entries(tables))
      assert.match(readFileSync(join(REPO, file), 'utf8'), declaration, file);
  });
});
