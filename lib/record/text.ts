/**
 * Sanitization of text for a record field, shared by every parser: whatever markup, entities or
 * control characters a portal's page holds, a field stores plain, collapsed text of bounded length.
 */
import { decodeHTML } from 'entities';

export const DEFAULT_MAX_FIELD_LENGTH = 1000;

const SCRIPT_OR_STYLE = /<(script|style|noscript|template)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const BREAK_TAG = /<br\s*\/?>|<\/(p|div|li|h\d)>/gi;
const ANY_TAG = /<\/?[a-zA-Z!][^>]*>/g;

function stripMarkup(text: string): string {
  return text.replace(SCRIPT_OR_STYLE, ' ').replace(BREAK_TAG, ' ').replace(ANY_TAG, ' ');
}

/**
 * Plain text for a record field: scripts and tags removed, entities decoded, whitespace collapsed,
 * truncated to maxLength. Markup is stripped again after decoding, because `&lt;script&gt;` in a
 * title decodes to a tag that must not reach exports or the Web UI either. Empty → null.
 */
export function cleanText(
  input: string | null | undefined,
  maxLength: number = DEFAULT_MAX_FIELD_LENGTH,
): string | null {
  if (input == null) return null;
  const decoded = decodeHTML(stripMarkup(String(input)));
  // Control characters other than tab and line breaks: no field of a listing holds them.
  // eslint-disable-next-line no-control-regex -- the control characters are the point
  const plain = stripMarkup(decoded).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
  const collapsed = plain.replace(/\s+/g, ' ').trim();
  if (collapsed === '') return null;
  return collapsed.length > maxLength ? collapsed.slice(0, maxLength).trimEnd() : collapsed;
}
