/** How the portals number their result pages: in URLs, and in the page links a results page shows. */
import type { ListPageInput, MirrorRoute, MirrorSite } from '../../model';

/**
 * URL grammar of portals that number result pages with a query parameter (`?page=N`,
 * `?pagina=N`), page 1 without it: the route and list-page URL members of a MirrorSite.
 */
export function queryPagination(
  origin: string,
  searchPath: RegExp,
  param: string,
): Pick<MirrorSite, 'route' | 'listPageUrl'> {
  return {
    route(url: URL): MirrorRoute | null {
      if (!searchPath.test(url.pathname)) return null;
      const raw = url.searchParams.get(param);
      if (raw === null) return { kind: 'listing', searchPath: url.pathname, page: 1 };
      return /^[1-9]\d{0,5}$/.test(raw) ? { kind: 'listing', searchPath: url.pathname, page: Number(raw) } : null;
    },
    listPageUrl(path: string, page: number): string {
      return `${origin}${path}${page > 1 ? `?${param}=${page}` : ''}`;
    },
  };
}

/**
 * The page numbers a results page links to, ascending: the first, the `around` pages on each side
 * of the current one, the current one and the last (1 2 3 4 5 … 9 for page 3 of 9, around 2).
 */
export function pageLinkNumbers(input: Pick<ListPageInput, 'page' | 'totalPages'>, around: number): number[] {
  const near = Array.from({ length: 2 * around + 1 }, (_, k) => input.page - around + k);
  return [...new Set([1, ...near, input.totalPages])]
    .filter((p) => p >= 1 && p <= input.totalPages)
    .sort((a, b) => a - b);
}
