/** How the portals number their result pages in URLs. */
import type { MirrorRoute, MirrorSite } from '../../model';

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
