/**
 * What a correct batch stores, computed from the mirror's catalogue rather than read back from the
 * product: the oracle the integration harness and the reliability scratch project compare SQLite with.
 */
import type { ListingRecord } from '../../lib/record/listing-record';
import type { MirrorCatalog } from '../../mirror/catalog';

/** Detail values win where the detail page shows them; the card's stay otherwise (lib/store/listings.ts mergeDetail). */
function merge(card: ListingRecord, detail: ListingRecord): ListingRecord {
  const merged = { ...card } as Record<string, unknown>;
  for (const [key, value] of Object.entries(detail)) {
    if (key === 'images' ? (value as string[]).length > 0 : value !== null) merged[key] = value;
  }
  return merged as unknown as ListingRecord;
}

/** The mirror's key for a search: a start URL's path and query. */
export function searchPathOf(url: string): string {
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
}

/**
 * The records a correct batch stores for a site from these start URLs (each read up to its
 * max_pages, and at most `maxPages`), at the catalogue's epoch: card records, merged with detail
 * records where the site has them, by external id.
 */
export function expectedRecords(
  catalog: MirrorCatalog,
  site: string,
  starts: ReadonlyArray<{ url: string; maxPages: number }>,
  maxPages = Infinity,
): ListingRecord[] {
  const mirrorSite = catalog.site(site);
  const records = new Map<string, ListingRecord>();
  for (const start of starts) {
    const searchPath = searchPathOf(start.url);
    const pages = Math.min(start.maxPages, maxPages, catalog.totalPages(site, searchPath));
    for (let page = 1; page <= pages; page++) {
      const input = catalog.page(site, searchPath, page)!;
      for (const facts of input.items) {
        const card = mirrorSite.cardRecord(facts, input);
        records.set(
          card.externalId,
          mirrorSite.detailRecord ? merge(card, mirrorSite.detailRecord(facts, input.markup)) : card,
        );
      }
    }
  }
  return [...records.values()].sort((a, b) => (a.externalId < b.externalId ? -1 : 1));
}
