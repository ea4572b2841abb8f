/**
 * CSV lines (RFC 4180, written by csv-stringify) that a spreadsheet cannot execute. Listing text
 * comes from the portals, which anyone can publish to: a title such as
 * `=HYPERLINK("http://evil","click")` would run as a formula when the export is opened in Excel or
 * LibreOffice (CSV injection, OWASP). Text that starts with = + - @ or a tab or carriage return
 * gets a leading apostrophe, which spreadsheets show as text and do not evaluate. Numbers are
 * written as numbers: a negative longitude is data.
 */
import { stringify } from 'csv-stringify/sync';

const FORMULA_START = /^[=+\-@\t\r]/;

export type CsvValue = string | number | boolean | null | undefined | readonly string[];

/** Neutralise a text value a spreadsheet would treat as a formula. */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** The text a value is written as: formulas neutralised, numbers as numbers, lists (image URLs) space-separated in one cell. */
function cellText(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return neutraliseFormula(Array.isArray(value) ? value.join(' ') : (value as string));
}

/**
 * One line of cells, CRLF-terminated as RFC 4180 and spreadsheets expect. A cell holding a comma,
 * a quote or a line break is quoted (csv-stringify quotes a lone \n or \r only when told to: a
 * spreadsheet would otherwise split the record there).
 */
export function csvLine(values: readonly CsvValue[]): string {
  return stringify([values.map(cellText)], { record_delimiter: 'windows', quoted_match: /[\r\n]/ });
}

/** One cell as it appears in a line. */
export function csvCell(value: CsvValue): string {
  return csvLine([value]).slice(0, -2);
}
