/**
 * Stack traces mapped to the project's TypeScript, and only to it. tsx turns Node's source maps on,
 * and Node then reads, parses and keeps the map of every CommonJS module compiled after that,
 * packages included: the `.js.map` files of 608 package modules the worker loads, 4.3 MB of the
 * activities' thread's live heap, which its old generation doubles before each full collection
 * (`--heap-growing-percent=100`, workers/launch-settings.ts). A package's frames show the
 * JavaScript it ships, which is what its own issue tracker reads; the project's frames still point
 * into its TypeScript, which tsx compiles with maps of their own.
 *
 * Node decides whether to keep a module's map when it compiles the module, from the process's
 * setting at that moment (`process.sourceMapsEnabled`), so the setting is off while a module under
 * node_modules compiles and back on after.
 */
import Module from 'node:module';
import { sep } from 'node:path';

type Compile = (this: Module, content: string, filename: string) => unknown;

const PACKAGES = `${sep}node_modules${sep}`;

/**
 * From now on, modules under node_modules compile without their source maps, except those in
 * `ownFolders`: the project's own code compiled ahead, which lives there (workers/worker-code.ts).
 * Call it once tsx is registered, or source maps are on.
 */
export function mapOwnSourcesOnly(ownFolders: readonly string[] = []): void {
  const prototype = Module.prototype as unknown as { _compile: Compile };
  const compile = prototype._compile;
  const own = ownFolders.map((folder) => (folder.endsWith(sep) ? folder : `${folder}${sep}`));
  const isPackage = (filename: string) =>
    filename.includes(PACKAGES) && !own.some((folder) => filename.startsWith(folder));
  prototype._compile = function compileOwnMapsOnly(this: Module, content, filename) {
    if (!isPackage(filename) || !process.sourceMapsEnabled) return compile.call(this, content, filename);
    process.setSourceMapsEnabled(false);
    try {
      return compile.call(this, content, filename);
    } finally {
      process.setSourceMapsEnabled(true);
    }
  };
}
