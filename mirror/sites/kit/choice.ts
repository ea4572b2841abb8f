/** Stable per-listing choices: how one listing is written, the same on every page and every run. */
import { hash32, type PropertyFacts } from '../../facts';

/**
 * A choice in [0, k) fixed per listing and purpose. Keyed by the listing (not the page), so one
 * listing is written the same way on every page and every run, and cardRecord can repeat it.
 */
export function choice(site: string, n: number, purpose: string, k: number): number {
  return hash32(`${site}:${n}:${purpose}`) % k;
}

/** One site's choices for a listing's facts: `const pick = listingChoice(SITE)`, then `pick(f, 'entities', 4)`. */
export function listingChoice(site: string): (f: PropertyFacts, purpose: string, k: number) => number {
  return (f, purpose, k) => choice(site, f.n, purpose, k);
}
