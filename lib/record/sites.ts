/**
 * The built-in portals' keys: the one list every per-portal table is typed by. A table written as
 * `Record<BuiltinSiteKey, …>` (the adapters in scrapers/registry.ts, the content hooks in
 * scrapers/content-hooks.ts, the mirror's sites in mirror/sites/index.ts) fails to compile while a
 * key has no entry, so a new built-in portal cannot be half added (README, "Adding a portal").
 */

export const BUILTIN_SITE_KEYS = [
  'inmuebles24',
  'casasyterrenos',
  'lamudi',
  'mitula',
  'propiedades',
  'trovit',
] as const;
export type BuiltinSiteKey = (typeof BUILTIN_SITE_KEYS)[number];

/** Whether a configured site key names a built-in portal. */
export function isBuiltinSiteKey(key: string): key is BuiltinSiteKey {
  return (BUILTIN_SITE_KEYS as readonly string[]).includes(key);
}
