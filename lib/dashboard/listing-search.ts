/**
 * The dashboard's Listings view: one page of the listings a filter selects, the total, and the
 * values the filters offer. The selection is the export's (lib/export/listing-export.ts), so the
 * CSV download of a filter holds exactly the rows its pages show.
 */
import { countListings, selectListings, type ExportFilter } from '../export/listing-export';
import type { ListingRecord } from '../record/listing-record';
import type { Db } from '../store/database';

export interface ListingSearchResult {
  total: number;
  /** 1-based, clamped to the last page. */
  page: number;
  pageCount: number;
  pageSize: number;
  listings: ListingRecord[];
}

export async function searchListings(
  db: Db,
  filter: ExportFilter,
  page: number,
  pageSize: number,
): Promise<ListingSearchResult> {
  const total = await countListings(db, filter);
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const current = Math.min(Math.max(1, page), pageCount);
  const listings: ListingRecord[] = [];
  for await (const listing of selectListings(db, filter, { limit: pageSize, offset: (current - 1) * pageSize }))
    listings.push(listing);
  return { total, page: current, pageCount, pageSize, listings };
}

export interface FilterChoices {
  sites: string[];
  cities: string[];
  operations: string[];
  propertyTypes: string[];
}

/**
 * The distinct stored values of a column, sorted by code unit here rather than by ORDER BY:
 * PostgreSQL orders text by the database's collation, SQLite by bytes, and the lists must not
 * differ between them.
 */
async function distinctValues(db: Db, column: 'site' | 'city' | 'operation' | 'property_type'): Promise<string[]> {
  const rows = await db
    .selectFrom('listings')
    .select((eb) => eb.ref(column).as('value'))
    .distinct()
    .where(column, 'is not', null)
    .execute();
  return rows
    .map((row) => row.value)
    .filter((value): value is string => value !== null)
    .sort();
}

/** The distinct stored values of each filtered column, sorted. */
export async function filterChoices(db: Db): Promise<FilterChoices> {
  return {
    sites: await distinctValues(db, 'site'),
    cities: await distinctValues(db, 'city'),
    operations: await distinctValues(db, 'operation'),
    propertyTypes: await distinctValues(db, 'property_type'),
  };
}
