/**
 * HTML as the mirror portals write it: escaped text, the document shell, the Next.js data script,
 * and the counted labels of cards ("3 recámaras").
 */
import { escapeHtml, formatAmount } from '../../model';

/**
 * Element text or attribute value, escaped. `asEntities` also writes every non-ASCII character as
 * a numeric reference (&#225;), as some CMS templates do: parsers must decode, not copy.
 */
export function htmlText(text: string, asEntities = false): string {
  const escaped = escapeHtml(text);
  return asEntities ? escaped.replace(/[\u0080-\u{10ffff}]/gu, (ch) => `&#${ch.codePointAt(0)};`) : escaped;
}

/** A whole document. It always ends with </html>: parsers treat a missing one as a truncated page. */
export function htmlDocument(parts: { title: string; head?: string; body: string; htmlAttrs?: string }): string {
  return `<!DOCTYPE html>
<html lang="es-MX"${parts.htmlAttrs ?? ''}><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(parts.title)}</title>${parts.head ?? ''}</head>
<body>${parts.body}</body></html>
`;
}

/** The Next.js data script. `<`, `>` and `&` are written as \u escapes, as Next.js does, so no value can close the script. */
export function nextDataScript(data: unknown): string {
  const json = JSON.stringify(data).replace(/[<>&]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `<script id="__NEXT_DATA__" type="application/json">${json}</script>`;
}

/** "3 recámaras", "1 recámara"; "" when the value is unknown. */
export function countLabel(value: number | null, singular: string, plural: string): string {
  return value == null ? '' : `${formatAmount(value)} ${value === 1 ? singular : plural}`;
}
