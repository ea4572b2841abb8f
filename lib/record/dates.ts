/**
 * Dates as portals display them ("23/05/2024 - Jalisco") turned into the record's ISO dates, so
 * that publication dates from every portal sort and compare as text.
 */

/** "23/05/2024" → "2024-05-23"; an ISO date or date-time passes through; anything else → null. */
export function toIsoDate(input: string | null | undefined): string | null {
  if (!input) return null;
  const text = input.trim();
  const dmy = /(\d{1,2})\/(\d{1,2})\/(\d{4})/.exec(text);
  if (dmy) {
    const [, d, m, y] = dmy;
    return `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  }
  const iso = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.exec(text);
  return iso ? text : null;
}
