/** Listing ids of the portals whose ids are numbers: how listing n is named, and back. */
import type { MirrorSite } from '../../model';

/**
 * Numeric ids base + n·step, the step keeping neighbours from looking sequential, and their
 * inverse: a listing's n, or null for a string that is not `digits`, off the step or not written
 * exactly as externalId writes it.
 */
export function steppedIds(base: number, step: number, digits: RegExp): Pick<MirrorSite, 'externalId' | 'indexOf'> {
  const externalId = (n: number): string => String(base + n * step);
  return {
    externalId,
    indexOf(id) {
      if (!digits.test(id)) return null;
      const offset = Number(id) - base;
      if (offset < 0 || offset % step !== 0) return null;
      const n = offset / step;
      return externalId(n) === id ? n : null;
    },
  };
}
