/**
 * The mirror's catalogue: which listing sits on which results page of which search, at a given
 * epoch. Pure and deterministic (no I/O), so the server renders from it and tests, the demo and the
 * benchmark ask it what a correct scraper must have found.
 *
 * Allocation: each site's searches are numbered in the order given; search i owns the listing
 * indices n in [i * count, (i + 1) * count), where
 *
 *     count = (pagesPerSearch - 1) * pageSize + ceil(pageSize / 2)
 *
 * so a search fills pagesPerSearch pages and its last page is half full (scrapers must stop on a
 * short page, not only on an empty one). pageSize is the site's default markup's; a markup
 * generation with another page size (Inmuebles24's 2024 pages held 20) pages the same listings
 * with its own size. The stride between searches equals count: indices are
 * contiguous per site. From epoch 1 on, listings removed by `isRemoved` are filtered out *before*
 * paging (later listings move up, as on a real portal), and facts come from `factsAtEpoch`.
 */
import { factsAtEpoch, hash32, isRemoved, type PropertyFacts } from './facts';
import { pageSizeOf, type ListPageInput, type MirrorSite } from './model';

export interface CatalogOptions {
  sites: readonly MirrorSite[];
  seed: number;
  /** Pages each search spans at epoch 0 (≥ 1). */
  pagesPerSearch: number;
  /** Page-1 search paths per site key; a site not listed uses its defaultSearchPaths. */
  searches?: Partial<Record<string, readonly string[]>>;
  epoch?: number;
  /** The markup generation per site key (one of the site's `markups`); default: each site's first. */
  markups?: Partial<Record<string, string>>;
}

interface SiteEntry {
  site: MirrorSite;
  searches: readonly string[];
  /** Position of each search path in `searches`. */
  searchIndex: Map<string, number>;
  /** Listings allocated to each search (before removals). */
  count: number;
  /** The markup generation its pages are rendered in. */
  markup: string;
}

export class MirrorCatalog {
  readonly seed: number;
  readonly pagesPerSearch: number;
  private currentEpoch: number;
  private readonly entries = new Map<string, SiteEntry>();
  /**
   * Visible listing indices per (site, search, epoch). Filtering a search is O(count) hash calls;
   * caching it keeps a 20,000-page benchmark at O(pageSize) work per page.
   */
  private readonly visibleCache = new Map<string, readonly number[]>();

  constructor(options: CatalogOptions) {
    if (!Number.isInteger(options.pagesPerSearch) || options.pagesPerSearch < 1) {
      throw new RangeError(`pagesPerSearch must be a positive integer, got ${options.pagesPerSearch}`);
    }
    this.seed = options.seed;
    this.pagesPerSearch = options.pagesPerSearch;
    this.currentEpoch = options.epoch ?? 0;
    for (const site of options.sites) {
      const searches = [...(options.searches?.[site.site] ?? site.defaultSearchPaths)];
      const searchIndex = new Map(searches.map((path, i) => [path, i] as const));
      if (searchIndex.size !== searches.length) throw new Error(`${site.site}: duplicate search paths`);
      const count = (this.pagesPerSearch - 1) * site.pageSize + Math.ceil(site.pageSize / 2);
      this.entries.set(site.site, { site, searches, searchIndex, count, markup: site.markups[0] });
      const markup = options.markups?.[site.site];
      if (markup !== undefined) this.setMarkup(site.site, markup);
    }
  }

  /** Listings per full results page of the site in its current markup generation. */
  pageSize(siteKey: string): number {
    const entry = this.entry(siteKey);
    return pageSizeOf(entry.site, entry.markup);
  }

  /** The markup generation a site's pages are rendered in now. */
  markupOf(siteKey: string): string {
    return this.entry(siteKey).markup;
  }

  /** Render a site's pages in another of its documented markup generations from now on. */
  setMarkup(siteKey: string, markup: string): void {
    const entry = this.entry(siteKey);
    if (!entry.site.markups.includes(markup)) {
      throw new RangeError(`${siteKey} has no markup "${markup}" (it has: ${entry.site.markups.join(', ')})`);
    }
    entry.markup = markup;
  }

  get epoch(): number {
    return this.currentEpoch;
  }

  /** Move the catalogue to another epoch: prices change and listings disappear (mirror/facts.ts). */
  setEpoch(epoch: number): void {
    if (!Number.isInteger(epoch) || epoch < 0)
      throw new RangeError(`epoch must be a non-negative integer, got ${epoch}`);
    this.currentEpoch = epoch;
    // Only the current epoch is ever read; dropping the rest bounds the cache.
    this.visibleCache.clear();
  }

  get sites(): readonly MirrorSite[] {
    return [...this.entries.values()].map((entry) => entry.site);
  }

  site(siteKey: string): MirrorSite {
    return this.entry(siteKey).site;
  }

  searches(siteKey: string): readonly string[] {
    return this.entry(siteKey).searches;
  }

  /** Listings allocated to each search of the site (before removals): the `count` above. */
  listingsPerSearch(siteKey: string): number {
    return this.entry(siteKey).count;
  }

  /** Pages of a search at the current epoch (at least 1: an empty search still has a "no results" page); 0 for an unknown search. */
  totalPages(siteKey: string, searchPath: string): number {
    const visible = this.visible(siteKey, searchPath);
    if (!visible) return 0;
    return Math.max(1, Math.ceil(visible.length / this.pageSize(siteKey)));
  }

  /** What the portal shows on page `page` (1-based) of a search; null for an unknown search or a page past the last. */
  page(siteKey: string, searchPath: string, page: number): ListPageInput | null {
    const entry = this.entry(siteKey);
    const visible = this.visible(siteKey, searchPath);
    if (!visible || !Number.isInteger(page) || page < 1) return null;
    const pageSize = this.pageSize(siteKey);
    const totalPages = Math.max(1, Math.ceil(visible.length / pageSize));
    if (page > totalPages) return null;
    const start = (page - 1) * pageSize;
    return {
      searchUrl: entry.site.listPageUrl(searchPath, 1),
      searchPath,
      page,
      totalPages,
      totalCount: visible.length,
      items: visible.slice(start, start + pageSize).map((n) => this.factsOf(siteKey, n)),
      variant: hash32(`${siteKey}:${searchPath}:${page}`),
      markup: entry.markup,
    };
  }

  /** The listings a scraper walking this search (up to maxPages pages) must find, in page order. */
  expectedListings(siteKey: string, searchPath: string, maxPages = Infinity): PropertyFacts[] {
    const visible = this.visible(siteKey, searchPath);
    if (!visible) throw new Error(`${siteKey}: unknown search ${searchPath}`);
    const limit = Math.min(visible.length, maxPages * this.pageSize(siteKey));
    return visible.slice(0, limit).map((n) => this.factsOf(siteKey, n));
  }

  /** Every listing of every search of the site at the current epoch, search by search. */
  allExpected(siteKey: string): PropertyFacts[] {
    return this.entry(siteKey).searches.flatMap((path) => this.expectedListings(siteKey, path));
  }

  /**
   * Facts of listing n at the current epoch, or null when n is not listed: never allocated to a
   * search, or removed at this epoch. The server answers 404 for the detail page of a null.
   */
  facts(siteKey: string, n: number): PropertyFacts | null {
    const entry = this.entry(siteKey);
    const allocated = Number.isInteger(n) && n >= 0 && n < entry.searches.length * entry.count;
    if (!allocated || isRemoved(this.seed, siteKey, n, this.currentEpoch)) return null;
    return this.factsOf(siteKey, n);
  }

  /**
   * Facts of listing n as last published, when it was allocated to a search and is removed at the
   * current epoch (the server answers its detail page as the portal answers for a removed listing);
   * null otherwise.
   */
  removedFacts(siteKey: string, n: number): PropertyFacts | null {
    const entry = this.entry(siteKey);
    const allocated = Number.isInteger(n) && n >= 0 && n < entry.searches.length * entry.count;
    if (!allocated || !isRemoved(this.seed, siteKey, n, this.currentEpoch)) return null;
    return this.factsOf(siteKey, n);
  }

  private factsOf(siteKey: string, n: number): PropertyFacts {
    return factsAtEpoch(this.seed, siteKey, n, this.currentEpoch);
  }

  private visible(siteKey: string, searchPath: string): readonly number[] | null {
    const entry = this.entry(siteKey);
    const index = entry.searchIndex.get(searchPath);
    if (index === undefined) return null;
    const key = `${siteKey}\n${searchPath}\n${this.currentEpoch}`;
    let visible = this.visibleCache.get(key);
    if (!visible) {
      const first = index * entry.count;
      const indices: number[] = [];
      for (let n = first; n < first + entry.count; n++) {
        if (!isRemoved(this.seed, siteKey, n, this.currentEpoch)) indices.push(n);
      }
      visible = indices;
      this.visibleCache.set(key, visible);
    }
    return visible;
  }

  private entry(siteKey: string): SiteEntry {
    const entry = this.entries.get(siteKey);
    if (!entry) throw new Error(`the mirror has no site "${siteKey}"`);
    return entry;
  }
}
