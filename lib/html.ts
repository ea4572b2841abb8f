/**
 * HTML written on the server, escaped by construction: the `html` template escapes every value it
 * is given (listing titles, cities and URLs come from the web) unless the value is itself Html,
 * made by `html` or, for markup this code produced (chart SVG), by `trustedHtml`. Used by the
 * dashboard, the HTML report and the alert email's HTML part.
 */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text as HTML text or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char]);
}

/** Markup this program made (a chart's SVG): taken as it is. */
export function trustedHtml(text: string): Html {
  return new Html(text);
}

/** One interpolated value: Html as it is, a list item by item, nothing for null, undefined and false, else escaped text (an object as JSON). */
function render(value: unknown): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  if (typeof value === 'string') return escapeHtml(value);
  return escapeHtml(typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let text = strings[0];
  values.forEach((value, index) => (text += render(value) + strings[index + 1]));
  return new Html(text);
}

/** An http(s) URL to link to; anything else (javascript:, data:, a relative path) is no link. */
export function linkableUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}
