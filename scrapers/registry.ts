/**
 * Which adapter parses which site: the six built-in portals by key, and any site with
 * `adapter: generic` in config by its selectors (a new portal with no code). BUILTIN_ADAPTERS is
 * typed by the built-in keys (lib/record/sites.ts): a key without its adapter does not compile.
 */
import type { SiteConfig } from '../lib/config/types';
import { UserInputError } from '../lib/errors';
import { type BuiltinSiteKey, isBuiltinSiteKey } from '../lib/record/sites';
import type { SiteAdapter } from './adapter';
import { createGenericAdapter } from './generic';
import { casasyterrenosAdapter } from './sites/casasyterrenos';
import { inmuebles24Adapter } from './sites/inmuebles24';
import { lamudiAdapter } from './sites/lamudi';
import { mitulaAdapter } from './sites/mitula';
import { propiedadesAdapter } from './sites/propiedades';
import { trovitAdapter } from './sites/trovit';

export const BUILTIN_ADAPTERS: Readonly<Record<BuiltinSiteKey, SiteAdapter>> = {
  inmuebles24: inmuebles24Adapter,
  casasyterrenos: casasyterrenosAdapter,
  lamudi: lamudiAdapter,
  mitula: mitulaAdapter,
  propiedades: propiedadesAdapter,
  trovit: trovitAdapter,
};

const generic = new Map<string, SiteAdapter>();

export function adapterFor(site: Pick<SiteConfig, 'key' | 'adapter' | 'genericSelectors'>): SiteAdapter {
  if (site.adapter === 'generic') {
    if (!site.genericSelectors)
      throw new UserInputError(`site ${site.key} uses the generic adapter but has no selectors`);
    if (!generic.has(site.key)) generic.set(site.key, createGenericAdapter(site.key, site.genericSelectors));
    return generic.get(site.key)!;
  }
  const adapter = builtinAdapter(site.key);
  if (!adapter)
    throw new UserInputError(`no built-in adapter for site "${site.key}": use adapter: generic with selectors`);
  return adapter;
}

/** The built-in adapter of a site key, or undefined for a key that is not a built-in portal's. */
export function builtinAdapter(key: string): SiteAdapter | undefined {
  return isBuiltinSiteKey(key) ? BUILTIN_ADAPTERS[key] : undefined;
}
