/**
 * CSV cells (RFC 4180) that a spreadsheet cannot execute. Listing text comes from the portals,
 * which anyone can publish to: a title such as `=HYPERLINK("http://evil","click")` would run as a
 * formula when the export is opened in Excel or LibreOffice (CSV injection, OWASP). Text that
 * starts with = + - @ or a tab or carriage return gets a leading apostrophe, which spreadsheets
 * show as text and do not evaluate. Numbers are written as numbers: a negative longitude is data.
 */

const FORMULA_START = /^[=+\-@\t\r]/;

export type CsvValue = string | number | boolean | null | undefined | readonly string[];

/** Neutralise a text value a spreadsheet would treat as a formula. */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** One cell: formulas neutralised, quoted when it holds a comma, quote or line break. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  // Lists (image URLs) become one cell, separated by spaces: URLs hold none.
  const text = neutraliseFormula(Array.isArray(value) ? value.join(' ') : (value as string));
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One line of cells, CRLF-terminated as RFC 4180 and spreadsheets expect. */
export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
