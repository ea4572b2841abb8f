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

export function searchListings(db: Db, filter: ExportFilter, page: number, pageSize: number): ListingSearchResult {
  const total = countListings(db, filter);
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const current = Math.min(Math.max(1, page), pageCount);
  return {
    total,
    page: current,
    pageCount,
    pageSize,
    listings: [...selectListings(db, filter, { limit: pageSize, offset: (current - 1) * pageSize })],
  };
}

export interface FilterChoices {
  sites: string[];
  cities: string[];
  operations: string[];
  propertyTypes: string[];
}

/** The distinct stored values of each filtered column, sorted. */
export function filterChoices(db: Db): FilterChoices {
  const values = (rows: unknown[]) => (rows as Array<{ value: string }>).map((row) => row.value);
  return {
    sites: values(db.prepare('SELECT DISTINCT site AS value FROM listings ORDER BY value').all()),
    cities: values(
      db.prepare('SELECT DISTINCT city AS value FROM listings WHERE city IS NOT NULL ORDER BY value').all(),
    ),
    operations: values(
      db.prepare('SELECT DISTINCT operation AS value FROM listings WHERE operation IS NOT NULL ORDER BY value').all(),
    ),
    propertyTypes: values(
      db
        .prepare('SELECT DISTINCT property_type AS value FROM listings WHERE property_type IS NOT NULL ORDER BY value')
        .all(),
    ),
  };
}
