/**
 * The six portals the mirror plays, in the order of BUILTIN_SITE_KEYS. startMirror() serves these
 * unless a test passes its own sites. Typed by the built-in keys (lib/record/sites.ts): a built-in
 * portal the mirror does not play does not compile.
 */
import { BUILTIN_SITE_KEYS, type BuiltinSiteKey } from '../../lib/record/sites';
import type { MirrorSite } from '../model';
import { casasyterrenosMirror } from './casasyterrenos';
import { inmuebles24Mirror } from './inmuebles24';
import { lamudiMirror } from './lamudi';
import { mitulaMirror } from './mitula';
import { propiedadesMirror } from './propiedades';
import { trovitMirror } from './trovit';

export const MIRROR_SITE_BY_KEY: Readonly<Record<BuiltinSiteKey, MirrorSite>> = {
  inmuebles24: inmuebles24Mirror,
  casasyterrenos: casasyterrenosMirror,
  lamudi: lamudiMirror,
  mitula: mitulaMirror,
  propiedades: propiedadesMirror,
  trovit: trovitMirror,
};

export const MIRROR_SITES: MirrorSite[] = BUILTIN_SITE_KEYS.map((key) => MIRROR_SITE_BY_KEY[key]);
