/**
 * A small fake portal for the mirror and fetcher tests ("example" on www.example-portal.mx), so
 * they never depend on the six real portal modules. Pages are plain HTML with one card hook
 * (`article.card[data-id]`) and accented text, enough to check routing, paging, charsets and
 * markup faults.
 */
import { emptyRecord, type ListingRecord } from '../../lib/record/listing-record';
import type { PropertyFacts } from '../../mirror/facts';
import { escapeHtml, type ListPageInput, type MirrorRoute, type MirrorSite } from '../../mirror/model';

const ID_BASE = 700_000;

export interface ExamplePortalOptions {
  site?: string;
  host?: string;
  pageSize?: number;
  searches?: string[];
  robotsTxt?: string;
}

/** Search "/casas-venta.html"; page N is "/casas-venta-pagina-N.html"; details are "/inmueble/<id>.html". */
export function examplePortal(options: ExamplePortalOptions = {}): MirrorSite {
  const site = options.site ?? 'example';
  const host = options.host ?? 'www.example-portal.mx';
  const origin = `https://${host}`;
  const listPath = (searchPath: string, page: number): string =>
    page === 1 ? searchPath : searchPath.replace(/\.html$/, `-pagina-${page}.html`);
  const externalId = (n: number): string => String(ID_BASE + n);
  const detailUrl = (facts: PropertyFacts): string => `${origin}/inmueble/${externalId(facts.n)}.html`;

  return {
    site,
    host,
    pageSize: options.pageSize ?? 4,
    defaultSearchPaths: options.searches ?? ['/casas-venta.html', '/departamentos-renta.html'],
    markups: ['current'],
    robotsTxt: options.robotsTxt ?? 'User-agent: *\nDisallow: /privado/\n',
    externalId,
    indexOf(id: string): number | null {
      return /^\d+$/.test(id) && Number(id) >= ID_BASE ? Number(id) - ID_BASE : null;
    },
    route(url: URL): MirrorRoute | null {
      const detail = /^\/inmueble\/(\d+)\.html$/.exec(url.pathname);
      if (detail) return { kind: 'detail', externalId: detail[1] };
      const list = /^(\/[a-z-]+?)(?:-pagina-(\d+))?\.html$/.exec(url.pathname);
      if (!list) return null;
      return { kind: 'listing', searchPath: `${list[1]}.html`, page: list[2] ? Number(list[2]) : 1 };
    },
    listPageUrl: (searchPath, page) => origin + listPath(searchPath, page),
    renderListPage(input: ListPageInput): string {
      const cards = input.items
        .map(
          (facts) => `<article class="card card-${input.variant % 97}" data-id="${externalId(facts.n)}">
  <a class="card-link" href="/inmueble/${externalId(facts.n)}.html">${escapeHtml(facts.title)}</a>
  <span class="card-price">${facts.price ?? 'Consultar precios'}</span></article>`,
        )
        .join('\n');
      const next =
        input.page < input.totalPages
          ? `<a class="next" href="${listPath(input.searchPath, input.page + 1)}">Siguiente</a>`
          : '';
      return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Casas en venta — página ${input.page}</title>
<script type="application/ld+json">{"@type":"SearchResultsPage","name":"Resultados"}</script></head>
<body><h1 id="total">${input.totalCount} propiedades en México</h1>
<div class="cards">${cards}</div>${next}</body></html>`;
    },
    cardRecord(facts: PropertyFacts): ListingRecord {
      return { ...emptyRecord(site, externalId(facts.n), detailUrl(facts)), title: facts.title, price: facts.price };
    },
    detailUrl,
    renderDetailPage(facts: PropertyFacts, variant: number): string {
      return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escapeHtml(facts.title)}</title></head>
<body class="v${variant % 7}"><h1 data-id="${externalId(facts.n)}">${escapeHtml(facts.title)}</h1>
<p class="price">${facts.price ?? ''}</p><p class="desc">${facts.descriptionParagraphs.map(escapeHtml).join('<br>')}</p></body></html>`;
    },
    detailRecord(facts: PropertyFacts): ListingRecord {
      return { ...emptyRecord(site, externalId(facts.n), detailUrl(facts)), title: facts.title, price: facts.price };
    },
  };
}

/** The listing ids on a page of examplePortal, in page order (a minimal "parser" for tests). */
export function cardIds(html: string): string[] {
  return [...html.matchAll(/<article class="card[^"]*" data-id="(\d+)"/g)].map((match) => match[1]);
}
