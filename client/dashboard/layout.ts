/** The page around every dashboard view and the HTML report: styles inline, no script, nothing fetched from elsewhere. */
import { html, trustedHtml, type Html } from '../../lib/html';
import { NONE } from './format';

export const VIEWS = [
  { path: '/runs', title: 'Runs' },
  { path: '/market', title: 'Market' },
  { path: '/health', title: 'Data health' },
  { path: '/listings', title: 'Listings' },
] as const;

const STYLE = `
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d1d1f; background: #fafafa; }
  header { background: #1f2937; color: #fff; padding: 10px 24px; display: flex; gap: 24px; align-items: baseline; }
  header strong { font-size: 16px; }
  header a { color: #cbd5e1; text-decoration: none; }
  header a.active { color: #fff; border-bottom: 2px solid #60a5fa; }
  main { padding: 16px 24px; }
  h1 { font-size: 20px; margin: 8px 0 12px; }
  h2 { font-size: 16px; margin: 24px 0 8px; }
  table { border-collapse: collapse; background: #fff; margin: 8px 0; }
  th, td { border: 1px solid #e5e7eb; padding: 4px 8px; text-align: left; vertical-align: top; }
  th { background: #f3f4f6; font-weight: 600; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  .note { color: #6b7280; font-size: 13px; }
  .chart { background: #fff; border: 1px solid #e5e7eb; padding: 8px; margin: 8px 0; display: inline-block; }
  form.filters { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: end; background: #fff; padding: 8px; border: 1px solid #e5e7eb; }
  form.filters label { display: flex; flex-direction: column; font-size: 12px; color: #374151; }
  .pager { margin: 8px 0; display: flex; gap: 12px; }
  .alert { color: #b91c1c; }
`;

/** A whole HTML document; `active` marks the current view in the navigation (null: no navigation, the HTML report). */
export function htmlPage(title: string, body: Html, active: string | null): string {
  const nav =
    active === null
      ? null
      : html`<header>
          <strong>orchestrator dashboard</strong>
          ${VIEWS.map(
            (view) => html`<a href="${view.path}" class="${view.path === active ? 'active' : ''}">${view.title}</a>`,
          )}
          <span class="note">read-only</span>
        </header>`;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title}</title>
        <style>
          ${trustedHtml(STYLE)}
        </style>
      </head>
      <body>
        ${nav}
        <main>${body}</main>
      </body>
    </html>`.text;
}

/** A table: header cells, then rows of cells; a cell given as a number is right-aligned. */
export function dataTable(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<unknown>>, id?: string): Html {
  const numeric = headers.map(
    (_, column) =>
      rows.every((row) => row[column] === NONE || isNumber(row[column])) && rows.some((row) => isNumber(row[column])),
  );
  return html`<table${id ? html` id="${id}"` : ''}>
    <thead>
      <tr>
        ${headers.map((header, column) => html`<th class="${numeric[column] ? 'num' : ''}">${header}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${rows.map(
        (row) =>
          html`<tr>
            ${row.map((cell, column) => html`<td class="${numeric[column] ? 'num' : ''}">${cell}</td>`)}
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** Formatted numbers (1,234 · 2,350,000 MXN · 45% · +5.0% · 3 m 05 s) line up right, with the blanks (–) among them. */
function isNumber(cell: unknown): boolean {
  return typeof cell === 'string' && /^[+-]?[\d,.]+( [A-Z]{3}|%| s| m \d+ s| h \d+ m)?$/.test(cell);
}

/** A chart's SVG in its frame. */
export function chartFrame(svg: Html): Html {
  return html`<div class="chart">${svg}</div>`;
}
