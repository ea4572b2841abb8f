/** Listing ids of the portals whose ids are numbers (decimal or base 36): how listing n is named, and back. */
import type { MirrorSite } from '../../model';

/**
 * Ids base + n·step, written in `radix` (10, or 36 for alphanumeric ids), the step keeping
 * neighbours from looking sequential, and their inverse: a listing's n, or null for a string that
 * is not `digits`, off the step or not written exactly as externalId writes it.
 */
export function steppedIds(
  base: number,
  step: number,
  digits: RegExp,
  radix = 10,
): Pick<MirrorSite, 'externalId' | 'indexOf'> {
  const externalId = (n: number): string => (base + n * step).toString(radix);
  return {
    externalId,
    indexOf(id) {
      if (!digits.test(id)) return null;
      const offset = parseInt(id, radix) - base;
      if (offset < 0 || offset % step !== 0) return null;
      const n = offset / step;
      return externalId(n) === id ? n : null;
    },
  };
}
