/**
 * The listings of a results page, entry by entry (a card, an embedded item): an entry that cannot be
 * read (no id, no link) is skipped, and the others are kept in page order. A page whose other
 * entries are readable never fails for one malformed card. The page fails only when it has entries
 * and none of them can be read: then it is not markup the parser knows (UnrecognisedMarkupError,
 * naming what is missing), never an empty success (docs/listing-record.md).
 */
import { UnrecognisedMarkupError } from '../lib/errors';
import type { ParseContext } from './adapter';

/** Why one entry cannot be read: what it is missing. */
export interface Unreadable {
  readonly unreadable: string;
}

export const unreadable = (missing: string): Unreadable => ({ unreadable: missing });

const isUnreadable = (value: unknown): value is Unreadable =>
  value != null && typeof value === 'object' && typeof (value as Partial<Unreadable>).unreadable === 'string';

/**
 * `read` on every entry in order; what cannot be read is left out. `what` names the entries in
 * the message of a page none of whose entries can be read ("article.listing-card cards").
 */
export function readableEntries<E, R extends object>(
  entries: readonly E[],
  read: (entry: E, index: number) => R | Unreadable,
  context: ParseContext,
  what: string,
): R[] {
  const records: R[] = [];
  const reasons: string[] = [];
  entries.forEach((entry, index) => {
    const result = read(entry, index);
    if (isUnreadable(result)) reasons.push(result.unreadable);
    else records.push(result);
  });
  if (entries.length > 0 && records.length === 0) {
    const why = [...new Set(reasons)].slice(0, 3).join('; ');
    throw new UnrecognisedMarkupError(
      context.site,
      'listing',
      `none of the ${entries.length} ${what} can be read (${why})`,
      context.url,
    );
  }
  return records;
}
