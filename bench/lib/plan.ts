/**
 * What a benchmark of N pages fetches: the six portals with their shipped start URLs (three
 * searches each, urls/*.csv), the mirror's pagesPerSearch P, and per-search max_pages, chosen so
 * listing pages + detail pages add up to N.
 *
 * Arithmetic (epoch 0, where the mirror removes nothing): a search of P pages holds
 * (P - 1) × pageSize + ceil(pageSize / 2) listings; walking m ≤ P of its pages fetches m listing
 * pages and, on a site with a detail scraper (Inmuebles24, Lamudi), one detail page per listing
 * on them. With all 18 searches at P pages that is 198 P − 90 pages (30 cards a page on the two
 * detail sites): P is the smallest value reaching N, then max_pages is lowered search by search
 * (detail sites first, 31 pages a step; then the others, 1 page a step) to land on N exactly or
 * within a few pages.
 */
import type { AppConfig } from '../../lib/config/types';
import { loadStartUrls } from '../../lib/urls/start-urls';
import { MirrorCatalog } from '../../mirror/catalog';
import { MIRROR_SITES } from '../../mirror/sites';

export interface SearchPlan {
  site: string;
  /** Start URL on the real host (what urls/<site>.csv lists and the parsers see). */
  url: string;
  /** Path and query: the mirror's search key. */
  path: string;
  maxPages: number;
  listingPages: number;
  listings: number;
  detailPages: number;
}

export interface BenchPlan {
  targetPages: number;
  pagesPerSearch: number;
  sites: string[];
  detailSites: string[];
  searches: SearchPlan[];
  listingPages: number;
  detailPages: number;
  listings: number;
  totalPages: number;
  /** How N was reached, in one sentence for the results. */
  how: string;
}

export function planFor(
  config: AppConfig,
  targetPages: number,
  sites: string[] = config.sites.filter((s) => s.enabled).map((s) => s.key),
): BenchPlan {
  const starts = loadStartUrls(config, sites);
  const searchesBySite: Record<string, string[]> = {};
  for (const [site, list] of starts)
    searchesBySite[site] = list.map((s) => new URL(s.url).pathname + new URL(s.url).search);
  const detailSites = sites.filter((site) => config.sites.find((s) => s.key === site)?.hasDetailScraper);
  const mirrorSites = MIRROR_SITES.filter((m) => sites.includes(m.site));

  const build = (pagesPerSearch: number): { catalog: MirrorCatalog; searches: SearchPlan[] } => {
    const catalog = new MirrorCatalog({ sites: mirrorSites, seed: 1, pagesPerSearch, searches: searchesBySite });
    const searches: SearchPlan[] = [];
    for (const site of sites) {
      for (const start of starts.get(site) ?? []) {
        const path = new URL(start.url).pathname + new URL(start.url).search;
        searches.push(
          sized(
            catalog,
            { site, url: start.url, path, maxPages: pagesPerSearch, listingPages: 0, listings: 0, detailPages: 0 },
            detailSites.includes(site),
          ),
        );
      }
    }
    return { catalog, searches };
  };
  const total = (searches: SearchPlan[]) => searches.reduce((sum, s) => sum + s.listingPages + s.detailPages, 0);

  let pagesPerSearch = 1;
  let built = build(pagesPerSearch);
  while (total(built.searches) < targetPages) {
    // Grow fast, then settle on the smallest P that reaches N.
    const perStep = total(build(pagesPerSearch + 1).searches) - total(built.searches);
    pagesPerSearch += Math.max(1, Math.floor((targetPages - total(built.searches)) / Math.max(1, perStep)));
    built = build(pagesPerSearch);
  }
  while (pagesPerSearch > 1 && total(build(pagesPerSearch - 1).searches) >= targetPages) {
    pagesPerSearch--;
    built = build(pagesPerSearch);
  }
  const { catalog, searches } = built;
  // Trim: lower max_pages of searches while the total stays at or above N.
  const trimOrder = [
    ...searches.filter((s) => detailSites.includes(s.site)),
    ...searches.filter((s) => !detailSites.includes(s.site)),
  ];
  for (const pass of [true, false]) {
    let changed = true;
    while (changed) {
      changed = false;
      for (const search of trimOrder) {
        if (detailSites.includes(search.site) !== pass || search.maxPages <= 1) continue;
        const smaller = sized(catalog, { ...search, maxPages: search.maxPages - 1 }, pass);
        const delta = search.listingPages + search.detailPages - (smaller.listingPages + smaller.detailPages);
        if (total(searches) - delta >= targetPages) {
          Object.assign(search, smaller);
          changed = true;
        }
      }
    }
  }
  const listingPages = searches.reduce((sum, s) => sum + s.listingPages, 0);
  const detailPages = searches.reduce((sum, s) => sum + s.detailPages, 0);
  const listings = searches.reduce((sum, s) => sum + s.listings, 0);
  return {
    targetPages,
    pagesPerSearch,
    sites,
    detailSites,
    searches,
    listingPages,
    detailPages,
    listings,
    totalPages: listingPages + detailPages,
    how:
      `${sites.length} sites × their ${searches.length / Math.max(1, sites.length)} shipped searches; mirror pagesPerSearch ${pagesPerSearch}, ` +
      `max_pages per search ${[...new Set(searches.map((s) => s.maxPages))].sort((a, b) => b - a).join('/')}; ` +
      `${listingPages} listing pages + ${detailPages} detail pages (${detailSites.join(', ')}: one per listing) = ${listingPages + detailPages}`,
  };
}

function sized(catalog: MirrorCatalog, search: SearchPlan, hasDetail: boolean): SearchPlan {
  const listingPages = Math.min(search.maxPages, catalog.totalPages(search.site, search.path));
  const pageSize = catalog.site(search.site).pageSize;
  const listings = Math.min(listingPages * pageSize, catalog.listingsPerSearch(search.site));
  return { ...search, listingPages, listings, detailPages: hasDetail ? listings : 0 };
}

/** The mirror's searches (path and query per site) for startMirror. */
export function mirrorSearches(plan: BenchPlan): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const s of plan.searches) (out[s.site] ??= []).push(s.path);
  return out;
}
