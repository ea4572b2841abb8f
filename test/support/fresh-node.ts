/**
 * Scripts run in a Node process of their own, for what only a fresh process shows: which packages
 * requiring a module loads, process-wide V8 flags, Node's source-map setting.
 */
import { execFileSync } from 'node:child_process';

/** What `script` writes to stdout, parsed as JSON, run by a new Node with `nodeArgs` (default: tsx registered). */
export function inFreshNode<T>(script: string, nodeArgs: string[] = ['-r', 'tsx/cjs']): T {
  return JSON.parse(execFileSync(process.execPath, [...nodeArgs, '-e', script], { encoding: 'utf8' })) as T;
}

/**
 * Which of `packages` a fresh Node (tsx registered) has loaded once it has required `modules` (paths
 * or package names) and run `then`. A file belongs to the package of its innermost node_modules.
 */
export function packagesLoaded(packages: string[], modules: string[], then = ''): string[] {
  const script = `
    ${modules.map((module) => `require(${JSON.stringify(module)});`).join('\n')}
    ${then}
    const packageOf = (file) => {
      const inner = file.split('/node_modules/').slice(1).pop();
      if (!inner) return undefined;
      const parts = inner.split('/');
      return inner.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
    };
    const loaded = new Set(Object.keys(require.cache).map(packageOf));
    process.stdout.write(JSON.stringify(${JSON.stringify(packages)}.filter((name) => loaded.has(name))));`;
  return inFreshNode<string[]>(script);
}
