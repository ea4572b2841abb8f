/**
 * Which adapter parses which site: the six built-in portals by key, and any site with
 * `adapter: generic` in config by its selectors (a new portal with no code).
 */
import type { SiteConfig } from '../lib/config/types';
import { UserInputError } from '../lib/errors';
import type { SiteAdapter } from './adapter';
import { createGenericAdapter } from './generic';
import { casasyterrenosAdapter } from './sites/casasyterrenos';
import { inmuebles24Adapter } from './sites/inmuebles24';
import { lamudiAdapter } from './sites/lamudi';
import { mitulaAdapter } from './sites/mitula';
import { propiedadesAdapter } from './sites/propiedades';
import { trovitAdapter } from './sites/trovit';

export const BUILTIN_ADAPTERS: Readonly<Record<string, SiteAdapter>> = {
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
  const adapter = BUILTIN_ADAPTERS[site.key];
  if (!adapter)
    throw new UserInputError(`no built-in adapter for site "${site.key}": use adapter: generic with selectors`);
  return adapter;
}
