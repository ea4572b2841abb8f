/**
 * Bench portals for the generic adapter (scrapers/generic.ts): N sites (portal01, portal02 …) of one
 * plain-HTML template, the kind of portal `adapter: generic` with CSS selectors is for. Results pages
 * of cards, `?pagina=N` paging with a "next" link on every page but the last, and a robots.txt that
 * allows the results. No detail pages: the cards state every fact they carry.
 *
 * They are no real portal, so nothing here comes from docs/portals.md: the template is made to be
 * read by GENERIC_PORTAL_SELECTORS, exported so that a bench config and the tests configure the
 * generic adapter with the very block written here. Hosts are www.portalNN.example.mx: each its own
 * name on a registrable domain (example.mx; .mx is the public suffix), which the host policy accepts
 * for base_url https://www.portalNN.example.mx, and the site keys match config's key pattern.
 */
import { emptyRecord, type ListingRecord } from '../../lib/record/listing-record';
import { TYPE_NOUN, type PropertyFacts } from '../facts';
import { formatAmount, type ListPageInput, type MirrorSite } from '../model';
import { steppedIds } from './kit/ids';
import { countLabel, htmlDocument, htmlText } from './kit/markup';
import { queryPagination } from './kit/pagination';
import { statedFields } from './kit/record-fields';

/** Sites a bench starts when it names no count: the politeness run's 20 (issue 15). */
export const DEFAULT_GENERIC_PORTAL_COUNT = 20;
/** Keys are written with two digits (portal01 … portal99). */
export const MAX_GENERIC_PORTAL_COUNT = 99;
/** Listings per full results page. */
export const GENERIC_PORTAL_PAGE_SIZE = 20;
/** The one search each portal serves (page 1). */
export const GENERIC_PORTAL_SEARCH_PATH = '/casas-en-venta/zapopan';

const MARKUP = 'plain';
const SEARCH_PATH = /^\/[a-z0-9-]+\/[a-z0-9-]+$/;

/** A field as config.yaml writes it: a bare selector (the element's text) or `{ selector, attr }`. */
export type GenericFieldYaml = string | { selector?: string; attr?: string };

/** The generic adapter's `selectors` block in config.yaml's own (snake_case) form. */
export interface GenericSelectorsYaml {
  card: string;
  external_id: GenericFieldYaml;
  url: GenericFieldYaml;
  next_page: string;
  no_results: string;
  fields: Readonly<Record<string, GenericFieldYaml>>;
}

/** The selectors that read these portals' pages: `sites.<key>.selectors` of a bench config. */
export const GENERIC_PORTAL_SELECTORS: GenericSelectorsYaml = {
  card: 'section.results article.listing',
  external_id: { attr: 'data-id' },
  url: { selector: 'a.listing-link', attr: 'href' },
  next_page: 'nav.pagination a.pagination-next',
  no_results: 'No encontramos resultados',
  fields: {
    title: 'h2',
    price: '.price',
    operation: '.operation',
    property_type: '.type',
    bedrooms: '.bedrooms',
    bathrooms: '.bathrooms',
    parking_spaces: '.parking',
    built_area_m2: '.built-area',
    land_area_m2: '.land-area',
    neighborhood: '.neighborhood',
    city: '.city',
    state: '.state',
    address: 'address',
    images: { selector: '.gallery img', attr: 'src' },
    publisher: '.publisher',
    published_at: { selector: 'time', attr: 'datetime' },
    lat: { attr: 'data-lat' },
    lng: { attr: 'data-lng' },
  },
};

/** "portal07" for index 7 (1-based). */
export function genericPortalKey(index: number): string {
  return `portal${String(index).padStart(2, '0')}`;
}

/** "www.portal07.example.mx" for index 7 (1-based). */
export function genericPortalHost(index: number): string {
  return `www.${genericPortalKey(index)}.example.mx`;
}

/** The first `count` bench portals, portal01 first. */
export function genericPortals(count = DEFAULT_GENERIC_PORTAL_COUNT): MirrorSite[] {
  if (!Number.isInteger(count) || count < 1 || count > MAX_GENERIC_PORTAL_COUNT) {
    throw new RangeError(
      `generic portal count must be an integer from 1 to ${MAX_GENERIC_PORTAL_COUNT}, got ${JSON.stringify(count)}`,
    );
  }
  return Array.from({ length: count }, (_, i) => genericPortal(i + 1));
}

// Numeric ids with a step, so neighbours do not look sequential.
const { externalId, indexOf } = steppedIds(510_000, 13, /^\d{1,12}$/);

/** One bench portal: the shared template on its own host, with its own key in every record. */
export function genericPortal(index: number): MirrorSite {
  const site = genericPortalKey(index);
  const host = genericPortalHost(index);
  const origin = `https://${host}`;
  const pagination = queryPagination(origin, SEARCH_PATH, 'pagina');

  const detailPath = (f: PropertyFacts) => `/anuncio/${externalId(f.n)}`;
  const imageUrls = (f: PropertyFacts) =>
    Array.from(
      { length: f.imageCount },
      (_, k) => `https://img.${site}.example.mx/fotos/${externalId(f.n)}/${k + 1}.jpg`,
    );

  function cardHtml(f: PropertyFacts): string {
    const price =
      f.price == null
        ? 'Consultar precio'
        : f.currency === 'USD'
          ? `USD ${formatAmount(f.price)}`
          : `$ ${formatAmount(f.price)} MXN`;
    const optional = (cls: string, text: string | null) => (text ? `<li class="${cls}">${htmlText(text)}</li>` : '');
    const area = (value: number | null) => (value == null ? null : `${formatAmount(value)} m²`);
    return `<article class="listing" data-id="${externalId(f.n)}" data-lat="${f.lat}" data-lng="${f.lng}">
<a class="listing-link" href="${detailPath(f)}"><h2>${htmlText(f.title)}</h2></a>
<p class="price">${htmlText(price)}</p>
<ul class="facts"><li class="operation">${f.operation === 'sale' ? 'Venta' : 'Renta'}</li><li class="type">${htmlText(TYPE_NOUN[f.propertyType])}</li>
${optional('bedrooms', countLabel(f.bedrooms, 'recámara', 'recámaras'))}${optional('bathrooms', countLabel(f.bathrooms, 'baño', 'baños'))}${optional('parking', countLabel(f.parkingSpaces, 'estacionamiento', 'estacionamientos'))}
${optional('built-area', area(f.builtAreaM2))}${optional('land-area', area(f.landAreaM2))}</ul>
<p class="place"><span class="neighborhood">${htmlText(f.neighborhood)}</span>, <span class="city">${htmlText(f.city)}</span>, <span class="state">${htmlText(f.state)}</span></p>
${f.address ? `<address>${htmlText(f.address)}</address>` : ''}
<div class="gallery">${imageUrls(f)
      .map((src) => `<img src="${src}" alt="">`)
      .join('')}</div>
${f.publisher ? `<p class="publisher">${htmlText(f.publisher)}</p>` : ''}
<time datetime="${f.publishedAt}">${f.publishedAt}</time>
</article>`;
  }

  function renderListPage(input: ListPageInput): string {
    // A relative link, as plain templates write it; the adapter resolves it against the page.
    const nextUrl = new URL(pagination.listPageUrl(input.searchPath, input.page + 1));
    const next =
      input.page < input.totalPages
        ? `<a class="pagination-next" href="${htmlText(nextUrl.pathname + nextUrl.search)}">Siguiente</a>`
        : '';
    const results =
      input.items.length === 0
        ? '<p class="empty">No encontramos resultados</p>'
        : `<section class="results">${input.items.map(cardHtml).join('\n')}</section>`;
    const body = `<header><a href="/">${htmlText(host)}</a></header>
<main><h1>${formatAmount(input.totalCount)} casas en venta en Zapopan</h1>
${results}
<nav class="pagination"><span class="current">Página ${input.page} de ${input.totalPages}</span>${next}</nav></main>`;
    return htmlDocument({ title: `Casas en venta en Zapopan | ${host}`, body });
  }

  function cardRecord(f: PropertyFacts, input: ListPageInput): ListingRecord {
    return {
      ...emptyRecord(site, externalId(f.n), new URL(detailPath(f), input.searchUrl).href),
      ...statedFields(f),
      state: f.state,
      address: f.address,
      images: imageUrls(f),
      publishedAt: f.publishedAt,
    };
  }

  return {
    site,
    host,
    pageSize: GENERIC_PORTAL_PAGE_SIZE,
    defaultSearchPaths: [GENERIC_PORTAL_SEARCH_PATH],
    markups: [MARKUP],
    robotsTxt: 'User-agent: *\nDisallow: /admin/\nDisallow: /api/\n',
    externalId,
    indexOf,
    ...pagination,
    renderListPage,
    cardRecord,
  };
}
