/** How the dashboard and the HTML report write numbers, dates and durations (en-US grouping, UTC). */
export const NONE = '–';

export function formatCount(value: number | null | undefined): string {
  return value === null || value === undefined ? NONE : value.toLocaleString('en-US');
}

/** A price or a price per m², to the unit, with its currency when known. */
export function formatPrice(value: number | null | undefined, currency?: string | null): string {
  if (value === null || value === undefined) return NONE;
  const amount = Math.round(value).toLocaleString('en-US');
  return currency ? `${amount} ${currency}` : amount;
}

/** A share (0–1) in whole percent. */
export function formatShare(value: number | null | undefined): string {
  return value === null || value === undefined ? NONE : `${Math.round(value * 100)}%`;
}

/** A change in percent, signed, one decimal. */
export function formatChange(value: number | null | undefined): string {
  return value === null || value === undefined ? NONE : `${value > 0 ? '+' : ''}${value.toFixed(1)}%`;
}

/** 1 h 02 m, 3 m 05 s, 12 s. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return NONE;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} m ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} m`;
}

/** 2025-11-28 06:00 UTC. */
export function formatTime(iso: string | null | undefined): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : NONE;
}

/** A stored text that may be missing (a city, a property type). */
export function orNone(text: string | null | undefined): string {
  return text ?? NONE;
}
