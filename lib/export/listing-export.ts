/**
 * Listings out of the store as CSV, JSON or JSON Lines, in the listing record's field order
 * (lib/record/listing-record.ts LISTING_FIELDS). Rows stream from the database to the file, so an
 * export of every listing never holds them all in memory, and the file appears under its name
 * only when complete: an interrupted export leaves no half file that looks whole.
 */
import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import { UserInputError } from '../errors';
import { LISTING_FIELDS, type ListingRecord } from '../record/listing-record';
import { getBatch } from '../store/batches';
import { sql } from 'kysely';
import type { Db } from '../store/database';
import type { ListingsTable } from '../store/schema';
import { rowToRecord } from '../store/listings';
import { csvLine } from './csv';

export const EXPORT_FORMATS = ['csv', 'json', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportFilter {
  site?: string;
  /** Only listings this batch saw (new, updated or unchanged in it). */
  batchId?: string;
  /** Only listings seen at or after this instant (ISO 8601, UTC). */
  since?: string;
  /** Exactly this value as stored (the dashboard's filters offer the stored values). */
  city?: string;
  operation?: string;
  propertyType?: string;
  /** Price at least / at most (whatever the currency); a listing without a price then never matches. */
  minPrice?: number;
  maxPrice?: number;
  /** Case-insensitive substring of the title, description, address, neighbourhood or city (ASCII letters only fold case in SQLite). */
  text?: string;
}

/** A page of the selection: `limit` listings after the first `offset`, in the selection's order. */
export interface ListingPage {
  limit: number;
  offset: number;
}

/**
 * `text` as a LIKE pattern matching it anywhere: its own %, _ and \ are escaped (ESCAPE '\'). Its
 * case is folded by the SQL, as the column's is, so both sides fold alike (SQLite: ASCII only).
 */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

export interface ExportRequest {
  format: ExportFormat;
  filter: ExportFilter;
  /** Absolute path, already confined and checked by the caller. */
  file: string;
  /** Replace an existing file; otherwise an existing file is an error and stays as it is. */
  overwrite?: boolean;
}

export interface ExportResult {
  file: string;
  format: ExportFormat;
  count: number;
}

export function isExportFormat(value: string): value is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(value);
}

/** The format a file name asks for (.csv, .json, .jsonl), or null. */
export function formatOfPath(path: string): ExportFormat | null {
  const extension = extname(path).toLowerCase().slice(1);
  return isExportFormat(extension) ? extension : null;
}

/** `--since`: a date (YYYY-MM-DD, midnight UTC) or a full ISO 8601 instant, as an ISO string. */
export function parseSince(text: string): string {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const parsed = dateOnly ? Date.parse(`${text}T00:00:00Z`) : /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(parsed))
    throw new UserInputError(
      `--since "${text}" is not a date: write YYYY-MM-DD or an ISO 8601 time such as 2025-11-28T06:00:00Z`,
    );
  return new Date(parsed).toISOString();
}

/** Refuse a filter naming a site the configuration does not know or a batch the database does not have. */
export async function checkExportFilter(db: Db, filter: ExportFilter, knownSites: readonly string[]): Promise<void> {
  if (filter.site !== undefined && !knownSites.includes(filter.site)) {
    throw new UserInputError(`unknown site "${filter.site}": the sites are ${knownSites.join(', ')}`);
  }
  if (filter.batchId !== undefined && !(await getBatch(db, filter.batchId))) {
    throw new UserInputError(
      `unknown batch "${filter.batchId}": no such batch in the database (see \`orchestrator list\`)`,
    );
  }
}

/** The filters that are one comparison with their value (text search has its own clause). */
const FILTER_CLAUSES = [
  ['site', 'l.site', '='],
  ['since', 'l.last_seen_at', '>='],
  ['city', 'l.city', '='],
  ['operation', 'l.operation', '='],
  ['propertyType', 'l.property_type', '='],
  ['minPrice', 'l.price', '>='],
  ['maxPrice', 'l.price', '<='],
] as const satisfies ReadonlyArray<readonly [keyof ExportFilter, `l.${keyof ListingsTable}`, '=' | '>=' | '<=']>;

/** Fields the text filter searches. */
const TEXT_FIELDS = ['l.title', 'l.description', 'l.address', 'l.neighborhood', 'l.city'] as const;

/**
 * The listings a filter selects, as a query to finish (select, order, page). Every value is a bound
 * parameter. Portable SQL (LOWER, LIKE … ESCAPE), as both backends run it.
 */
function filteredListings(db: Db, filter: ExportFilter) {
  let query = db.selectFrom('listings as l');
  if (filter.batchId !== undefined) {
    const batchId = filter.batchId;
    query = query.innerJoin('batch_listings as b', (join) =>
      join.onRef('b.site', '=', 'l.site').onRef('b.external_id', '=', 'l.external_id').on('b.batch_id', '=', batchId),
    );
  }
  for (const [key, column, operator] of FILTER_CLAUSES) {
    const value = filter[key];
    if (value !== undefined) query = query.where(column, operator, value as never);
  }
  if (filter.text !== undefined) {
    const pattern = containsPattern(filter.text);
    query = query.where((eb) =>
      eb.or(
        TEXT_FIELDS.map(
          (field) => sql<boolean>`LOWER(COALESCE(${eb.ref(field)}, '')) LIKE LOWER(${pattern}) ESCAPE '\\'`,
        ),
      ),
    );
  }
  return query;
}

/** Rows read per query while streaming a whole selection: memory stays bounded, queries few. */
const STREAM_PAGE = 1000;

/**
 * The listings a filter selects, in (site, external id) order, a page of rows at a time (keyset
 * pagination, the same on both backends); only one page of them when `page` is given.
 */
export async function* selectListings(db: Db, filter: ExportFilter, page?: ListingPage): AsyncGenerator<ListingRecord> {
  const ordered = filteredListings(db, filter).selectAll('l').orderBy('l.site').orderBy('l.external_id');
  if (page) {
    for (const row of await ordered.limit(page.limit).offset(page.offset).execute()) yield rowToRecord(row);
    return;
  }
  let rows = await ordered.limit(STREAM_PAGE).execute();
  for (;;) {
    for (const row of rows) yield rowToRecord(row);
    if (rows.length < STREAM_PAGE) return;
    const { site, external_id: externalId } = rows[rows.length - 1];
    rows = await ordered
      .where((eb) => eb(eb.refTuple('l.site', 'l.external_id'), '>', eb.tuple(site, externalId)))
      .limit(STREAM_PAGE)
      .execute();
  }
}

/** How many listings a filter selects. */
export async function countListings(db: Db, filter: ExportFilter): Promise<number> {
  const row = await filteredListings(db, filter)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return row.n;
}

/** A record with the contract's field order, whatever order the store built it in. */
function ordered(record: ListingRecord): Record<string, unknown> {
  return Object.fromEntries(LISTING_FIELDS.map((field) => [field, record[field]]));
}

/** Pieces of the file: header, one chunk per record (with its separator), footer. */
function serializer(format: ExportFormat) {
  switch (format) {
    case 'csv':
      return {
        header: csvLine(LISTING_FIELDS),
        record: (r: ListingRecord) => csvLine(LISTING_FIELDS.map((f) => r[f])),
        footer: () => '',
      };
    case 'jsonl':
      return { header: '', record: (r: ListingRecord) => `${JSON.stringify(ordered(r))}\n`, footer: () => '' };
    case 'json': {
      let first = true;
      return {
        header: '[',
        record: (r: ListingRecord) => {
          const chunk = `${first ? '\n' : ',\n'}  ${JSON.stringify(ordered(r))}`;
          first = false;
          return chunk;
        },
        footer: () => (first ? ']\n' : '\n]\n'),
      };
    }
  }
}

/**
 * A filter's listings in a format, as text chunks of about 64 KiB (header and footer included):
 * few writes, bounded memory, whether they go to a file or an HTTP response.
 */
export async function* exportChunks(
  db: Db,
  format: ExportFormat,
  filter: ExportFilter,
): AsyncGenerator<string, number> {
  const parts = serializer(format);
  let count = 0;
  let buffer = parts.header;
  for await (const record of selectListings(db, filter)) {
    buffer += parts.record(record);
    count++;
    if (buffer.length >= 65_536) {
      yield buffer;
      buffer = '';
    }
  }
  yield buffer + parts.footer();
  return count;
}

export async function writeListingsExport(db: Db, request: ExportRequest): Promise<ExportResult> {
  const { file, format } = request;
  if (existsSync(file) && !request.overwrite) {
    throw new UserInputError(`${file} already exists: choose another --out, or pass --force to replace it`);
  }
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  const fd = openSync(partial, 'w');
  let count: number;
  let complete = false;
  try {
    const chunks = exportChunks(db, format, request.filter);
    let next = await chunks.next();
    for (; !next.done; next = await chunks.next()) writeSync(fd, next.value);
    count = next.value;
    complete = true;
  } finally {
    closeSync(fd);
    if (!complete) rmSync(partial, { force: true });
  }
  renameSync(partial, file);
  return { file, format, count };
}
