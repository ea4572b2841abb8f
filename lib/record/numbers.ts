/**
 * Numbers as Mexican portals write them ("1,250 m²", "1 a 2 rec.") and coordinates, read the same
 * way by every parser so that areas, counts and positions compare across portals.
 */

/**
 * The first number in a text: "1,250 m²" → 1250, "2.5 baños" → 2.5, "1 a 2 rec." → 1.
 * Mexican portals write thousands with commas and decimals with a dot.
 */
export function parseNumber(input: string | number | null | undefined): number | null {
  if (input == null) return null;
  if (typeof input === 'number') return Number.isFinite(input) ? input : null;
  const match = /\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?/.exec(input);
  if (!match) return null;
  const value = Number(match[0].replace(/,/g, ''));
  return Number.isFinite(value) ? value : null;
}

/** An integer count (bedrooms, baths, parking): "3 rec." → 3; anything without a number → null. */
export function parseCount(input: string | number | null | undefined): number | null {
  const value = parseNumber(input);
  return value == null ? null : Math.floor(value);
}

/** A finite coordinate in decimal degrees within range, else null. */
export function toCoordinate(input: unknown, limit: 90 | 180): number | null {
  const value = typeof input === 'number' ? input : typeof input === 'string' ? Number(input.trim()) : NaN;
  if (!Number.isFinite(value) || Math.abs(value) > limit || (typeof input === 'string' && input.trim() === '')) {
    return null;
  }
  return value;
}
