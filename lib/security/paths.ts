/**
 * Path checks for every path a user names (exports, backups, restores): it must stay inside the
 * folder the project allows for it, after resolving `..` and symbolic links of existing parents.
 */
import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { UserInputError } from '../errors';

function realOrSelf(path: string): string {
  let current = path;
  // Resolve the deepest existing ancestor, so a link inside the folder cannot point outside it.
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  const real = existsSync(current) ? realpathSync(current) : current;
  return resolve(real, relative(current, path));
}

/** The absolute path of `userPath` (relative to `baseDir` when not absolute), or a UserInputError. */
export function confinePath(baseDir: string, userPath: string, what: string): string {
  if (userPath.includes('\0')) throw new UserInputError(`${what} "${userPath}" contains a NUL byte`);
  const base = realOrSelf(resolve(baseDir));
  const target = realOrSelf(isAbsolute(userPath) ? userPath : resolve(baseDir, userPath));
  const inside = relative(base, target);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
    throw new UserInputError(`${what} "${userPath}" is outside ${baseDir}: only paths inside that folder are allowed`);
  }
  return target;
}

/** Refuse an extension the config does not allow (security.data_validation.allowed_extensions). */
export function checkExtension(path: string, allowed: string[], what: string): void {
  const lower = path.toLowerCase();
  if (!allowed.some((ext) => lower.endsWith(ext.toLowerCase()))) {
    throw new UserInputError(`${what} "${path}" must end in one of ${allowed.join(', ')}`);
  }
}
