/**
 * The median every dashboard figure uses: the middle value of the sorted values, and for an even
 * count the mean of the two middle ones (so [100, 200] → 150). Computed here rather than in SQL:
 * SQLite has no median, and PostgreSQL's percentile_cont would be a second definition to keep equal.
 */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
