/**
 * The worker's own code compiled ahead, at launch (workers/launch-settings.ts), so the worker
 * process runs JavaScript and never loads tsx: the CLI and the tests run the TypeScript sources
 * through tsx, and there is still no build step to forget.
 *
 * What tsx costs a worker for as long as it runs: its module loader and esbuild's JavaScript API,
 * in the activities' thread and again in the parser thread; its CommonJS lexer's 4 MB buffer,
 * sized by the largest package file it looked at; and the project's modules as tsx compiled
 * them, each with its comments and an inline source map of its own. In `npm run bench` at
 * N = 5,000 the whole engine peaked at 445–470 MiB compiled, against 458–474 through tsx, and the
 * activities' thread's heap at 96.5–100.5 MB against 101–103 (three alternated runs each).
 *
 * Three entries, bundled into one folder, the project's modules inside and the packages left to
 * `require` from node_modules: the worker (client/worker-entry.ts), its parser thread
 * (scrapers/parser-thread-entry.ts, found beside it: scrapers/parser-thread.ts) and the source-map
 * filter both load first (lib/process/source-maps.ts). Each carries an inline source map without
 * the sources' texts, so stack traces still name the project's TypeScript files and lines.
 *
 * The folder is named by its content under node_modules/.cache, inside the project, so that the
 * bundles resolve packages (and `import()` them) as the sources do; workers started from the same
 * code share it. A folder is never removed here: a worker that runs starts its parser thread from
 * it at its first page, and again if that thread is lost.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { inlineMap, keepMappings, splitInlineMap } from './inline-source-map';

/** The project's root: this file is in workers/. */
const ROOT = join(__dirname, '..');

/** The entries, compiled to worker-entry.js, parser-thread-entry.js and source-maps.js, which bin/worker.js and scrapers/parser-thread.ts load. */
const ENTRIES = ['client/worker-entry.ts', 'scrapers/parser-thread-entry.ts', 'lib/process/source-maps.ts'];

/** Where compiled worker code goes: a folder per build, named by its content. */
export function workerCodeCache(root: string = ROOT): string {
  return join(root, 'node_modules', '.cache', 'scraping-orchestrator');
}

/** Compiles the worker's code into its folder (once per content) and returns the folder. */
export async function buildWorkerCode(root: string = ROOT): Promise<string> {
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: root,
    entryPoints: ENTRIES,
    entryNames: '[name]',
    // At the depth of the folder the files go to, so their maps' relative paths reach the sources.
    outdir: join(workerCodeCache(root), 'build'),
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'cjs',
    target: `node${process.versions.node.split('.')[0]}`,
    sourcemap: 'inline',
    sourcesContent: false,
    write: false,
    // workers/worker.ts names the workflows' folder for a worker without a prebuilt bundle (tests);
    // a launched worker always has one.
    logOverride: { 'unsupported-require-call': 'silent' },
    logLevel: 'error',
  });
  const files = result.outputFiles.map((file) => ({ name: basename(file.path), text: byLines(file.text) }));
  const hash = createHash('sha256');
  for (const file of files) hash.update(file.name).update(file.text);
  const folder = join(workerCodeCache(root), `worker-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(folder)) return folder;
  // Written beside, then renamed: a worker launched at the same moment sees all of it or none.
  const partial = `${folder}.${process.pid}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  for (const file of files) writeFileSync(join(partial, file.name), file.text);
  try {
    renameSync(partial, folder);
  } catch (error) {
    // Another launch wrote the same folder first: the same content.
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(folder)) throw error;
  }
  return folder;
}

/**
 * The compiled code with a map by lines: the first mapping of each generated line, no names. A
 * stack frame still finds its file and line; the column is the line's first mapped one. Node
 * decodes a module's whole map the first time a stack trace passes through it, and one bundle's
 * map at esbuild's grain took about 5 MB of the activities' thread's heap once an error had.
 */
function byLines(code: string): string {
  const split = splitInlineMap(code);
  if (!split) return code;
  const mappings = keepMappings(split.map.mappings, (_source, nthOnLine) => nthOnLine === 0, { names: false });
  return `${split.code}${inlineMap({ ...split.map, names: [], mappings })}`;
}
