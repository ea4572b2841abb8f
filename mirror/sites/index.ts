/**
 * The six portals the mirror plays, in the order of BUILTIN_SITE_KEYS. startMirror() serves these
 * unless a test passes its own sites.
 */
import type { MirrorSite } from '../model';
import { casasyterrenosMirror } from './casasyterrenos';
import { inmuebles24Mirror } from './inmuebles24';
import { lamudiMirror } from './lamudi';
import { mitulaMirror } from './mitula';
import { propiedadesMirror } from './propiedades';
import { trovitMirror } from './trovit';

export const MIRROR_SITES: MirrorSite[] = [
  inmuebles24Mirror,
  casasyterrenosMirror,
  lamudiMirror,
  mitulaMirror,
  propiedadesMirror,
  trovitMirror,
];
