/**
 * Figures of the reliability runs (faults injected, batches completed, rows compared, duplicates …):
 * printed at the end of each suite, and appended as JSON lines to the file named by
 * RELIABILITY_FIGURES when set, which is where RELIABILITY.md's tables come from.
 */
import { appendFileSync } from 'node:fs';
import type { BatchCheck } from './reliability-env';

export type FigureRow = { suite: string; case: string } & Record<string, string | number | boolean | null>;

const rows: FigureRow[] = [];

/** A duration in milliseconds as seconds with one decimal, the unit of every duration in the figures. */
export const seconds = (ms: number): number => Number((ms / 1000).toFixed(1));

/** What a checked batch contributes to its case's figures: the rows compared and the at-least-once evidence. */
export function checkFigures(check: BatchCheck): BatchCheck {
  return {
    listingsCompared: check.listingsCompared,
    fieldsCompared: check.fieldsCompared,
    detailPages: check.detailPages,
    duplicates: check.duplicates,
    missingPages: check.missingPages,
    refetchedListingPages: check.refetchedListingPages,
    retriedAttempts: check.retriedAttempts,
    transitionsChecked: check.transitionsChecked,
  };
}

export function recordFigures(row: FigureRow): void {
  rows.push(row);
  const file = process.env.RELIABILITY_FIGURES;
  if (file) appendFileSync(file, `${JSON.stringify({ ...row, at: new Date().toISOString() })}\n`);
}

/** One block per case: its figures as `key: value` pairs, wrapped. */
export function printFigures(suite: string): void {
  const selected = rows.filter((row) => row.suite === suite);
  const lines = selected.map(({ suite: _, case: name, ...figures }) => {
    const pairs = Object.entries(figures)
      .filter(([, value]) => value !== null && value !== undefined)
      .map(([key, value]) => `${key}: ${value}`);
    return `      • ${name}\n          ${pairs.join(' · ')}`;
  });
  console.log(`\n      figures (${suite})\n${lines.join('\n')}\n`);
}
