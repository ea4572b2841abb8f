/**
 * Propiedades.com results pages (docs/portals.md §5), in the two generations the sources describe:
 *   - '2026' (S-CIM): Next.js, the page's listings in `__NEXT_DATA__` props.pageProps.results.properties[]
 *     and the total in props.pageProps.totalItems; the sources describe no listing markup around it.
 *     The feed is loose in the ways scrapers report: prices in one of four fields, coordinates flagged
 *     invalid, numbers as strings, detail links relative or absolute with a client-side #fragment;
 *   - '2022' (S-PROP22): `section[data-id]` cards with schema.org microdata (url, latitude, longitude)
 *     after a first section that is not a listing, page links `a[aria-label="page-N"]` and the count in
 *     `[data-testid="counter-wrapper"] b`. The list data of that generation is not described: no script.
 * Only documented fields are written.
 */
import { emptyRecord, type ListingRecord, type PropertyType } from '../../lib/record/listing-record';
import type { PropertyFacts } from '../facts';
import { formatAmount, type ListPageInput, type MirrorSite } from '../model';
import { listingChoice } from './kit/choice';
import { countLabel, htmlDocument, htmlText, nextDataScript } from './kit/markup';
import { pageLinkNumbers, queryPagination } from './kit/pagination';
import { priceAndRoomFields, unnamedArea, unnamedAreaFields } from './kit/record-fields';
import { ALLOW_ALL_ROBOTS } from './kit/robots';
import { slugify } from './kit/slugs';

const SITE = 'propiedades';
const HOST = 'propiedades.com';
const ORIGIN = `https://${HOST}`;
const PAGE_SIZE = 47; // "~47 per page" (docs/portals.md §5.1)

/** Markup generations (docs/portals.md §5.1, §5.2), the current first. */
const MARKUPS = ['2026', '2022'] as const;

/** Ids have 7 to 9 digits (docs/portals.md §5.3): listing n gets the length n % 3 selects. */
const ID_BASES = [1_000_000, 20_000_000, 300_000_000] as const;

/** /{lugar}/{tipo}-{operacion}, optionally with a price segment /de-X-a-Y-pesos (docs/portals.md §5.1). */
const SEARCH_PATH = /^\/[a-z0-9-]+\/[a-z0-9-]+-(venta|renta)(\/de-\d+-a-\d+-pesos)?$/;

/** property_type as the feed writes it; mapPropertyType must read each one. */
const TYPE_LABEL: Record<PropertyType, readonly string[]> = {
  house: ['Casa', 'Casa en condominio'],
  apartment: ['Departamento'],
  land: ['Terreno habitacional', 'Terreno comercial'],
  office: ['Oficina'],
  commercial: ['Local'],
  warehouse: ['Bodega', 'Nave industrial'],
  building: ['Edificio'],
  other: ['Inmueble'],
};

/** days_ago is counted from the day the mirror pretends to be serving. */
const MIRROR_TODAY = Date.UTC(2026, 11, 1);

function externalId(n: number): string {
  return String(ID_BASES[n % 3] + n);
}

function indexOf(id: string): number | null {
  if (!/^\d{7,9}$/.test(id)) return null;
  for (const base of ID_BASES) {
    const n = Number(id) - base;
    if (n >= 0 && externalId(n) === id) return n;
  }
  return null;
}

const pick = listingChoice(SITE);

/** /inmuebles/{slug}-{id}, the slug built from type, operation, street, colonia, municipio and state. */
function detailPath(f: PropertyFacts): string {
  const op = f.operation === 'sale' ? 'venta' : 'renta';
  const words = [TYPE_LABEL[f.propertyType][0], 'en', op, f.address ?? '', f.neighborhood, f.city, f.state].join(' ');
  return `/inmuebles/${slugify(words)}-${externalId(f.n)}`;
}

function urlProperty(f: PropertyFacts, page: number, position: number): string {
  const form = pick(f, 'url-form', 4);
  const path = detailPath(f);
  const base = form % 2 === 0 ? path : `${ORIGIN}${path}`;
  // Result links carry a client-side fragment on some listings (docs/portals.md §5.3).
  return form >= 2 ? `${base}#area=${slugify(f.city)}&pagina=${page}&pos=${position + 1}` : base;
}

/** The price in one of the four fields scrapers fall back through, 0 in the others. */
function priceJson(f: PropertyFacts): Record<string, unknown> {
  const amount = f.price ?? 0;
  const main = f.operation === 'sale' ? 'sale_price_real' : 'rental_price_real';
  const other = f.operation === 'sale' ? 'rental_price_real' : 'sale_price_real';
  switch (pick(f, 'price-field', 4)) {
    case 0:
      return { [main]: amount, [other]: 0, price_real: null, price_num: null };
    case 1:
      return { [main]: null, [other]: 0, price_real: amount, price_num: null };
    case 2:
      return { [main]: 0, [other]: 0, price_real: 0, price_num: amount };
    default:
      return { [main]: amount, [other]: 0, price_real: amount, price_num: amount };
  }
}

/** One in eight listings has coordinates the portal itself flags as unusable (a municipal centroid). */
function coordinatesValid(f: PropertyFacts): boolean {
  return pick(f, 'coords-valid', 8) !== 0;
}

function propertyJson(f: PropertyFacts, page: number, position: number): Record<string, unknown> {
  const unset = pick(f, 'unset', 2) === 0 ? 0 : null;
  const valid = coordinatesValid(f);
  const asText = pick(f, 'coords-as-text', 3) === 0;
  const lat = valid ? f.lat : Number(f.lat.toFixed(1));
  const lng = valid ? f.lng : Number(f.lng.toFixed(1));
  const labels = TYPE_LABEL[f.propertyType];
  const days = Math.max(0, Math.round((MIRROR_TODAY - Date.parse(`${f.publishedAt}T00:00:00Z`)) / 86_400_000));
  return {
    id: Number(externalId(f.n)),
    url_property: urlProperty(f, page, position),
    latitude: asText ? String(lat) : lat,
    longitude: asText ? String(lng) : lng,
    valid_coords: valid,
    colony: f.neighborhood,
    // Some listings leave municipality empty and only the city field names the place.
    municipality: pick(f, 'municipality-empty', 5) === 0 ? '' : f.city,
    city: f.city,
    zipcode: String(44_100 + (f.n % 900)),
    bedrooms: f.bedrooms ?? unset,
    bathrooms: f.bathrooms ?? unset,
    size_m2: unnamedArea(f) ?? unset,
    parking_num: f.parkingSpaces ?? unset,
    ...priceJson(f),
    currency: f.currency,
    property_type: labels[pick(f, 'type-label', labels.length)],
    purpose_str: f.operation === 'sale' ? 'Venta' : 'Renta',
    published:
      pick(f, 'published-form', 2) === 0
        ? `${f.publishedAt} ${String(8 + pick(f, 'hour', 12)).padStart(2, '0')}:15:00`
        : f.publishedAt,
    days_ago: days,
  };
}

/**
 * A 2022 card (docs/portals.md §5.2): `section[data-id]` with schema.org microdata; the visible text is
 * there for the reader, not for parsers (no source names a hook for it). Coordinates the feed flags
 * invalid are left out of the microdata.
 */
function cardHtml(f: PropertyFacts, page: number, position: number): string {
  const price = f.price == null ? 'Consultar precio' : `$${formatAmount(f.price)} ${f.currency}`;
  const geo = coordinatesValid(f)
    ? `<div itemprop="geo" itemscope itemtype="https://schema.org/GeoCoordinates"><meta itemprop="latitude" content="${f.lat}"><meta itemprop="longitude" content="${f.lng}"></div>`
    : '';
  const features = [
    countLabel(f.bedrooms, 'recámara', 'recámaras'),
    countLabel(f.bathrooms, 'baño', 'baños'),
    countLabel(unnamedArea(f), 'm²', 'm²'),
  ];
  return `<section data-id="${externalId(f.n)}" itemscope itemtype="https://schema.org/Residence">
<meta itemprop="url" content="${htmlText(`${ORIGIN}${detailPath(f)}#pagina=${page}&pos=${position + 1}`)}">${geo}
<a href="${htmlText(detailPath(f))}"><p>${htmlText(price)}</p><h2>${htmlText(f.title)}</h2></a>
<p>${htmlText(`${f.neighborhood}, ${f.city}`)}</p><ul>${features
    .filter(Boolean)
    .map((text) => `<li>${htmlText(text)}</li>`)
    .join('')}</ul></section>`;
}

/** 2022 page links (docs/portals.md §5.1): `ul[aria-label="items-pagination"]`, `a[aria-label="page-N"]`. */
function pagination(input: ListPageInput): string {
  if (input.totalPages <= 1) return '';
  const link = (p: number) =>
    `<li><a aria-label="page-${p}" href="${input.searchPath}${p > 1 ? `?pagina=${p}` : ''}"${p === input.page ? ' aria-current="page"' : ''}>${p}</a></li>`;
  return `<ul aria-label="items-pagination">${pageLinkNumbers(input, 1).map(link).join('')}</ul>`;
}

function renderListPage(input: ListPageInput): string {
  const [lugar, tipoOperacion] = input.searchPath.split('/').filter(Boolean);
  const [, tipo, operacion] = /^(.+)-(venta|renta)$/.exec(tipoOperacion) ?? ['', tipoOperacion, ''];
  const title = `${tipo.replace(/-/g, ' ')} en ${operacion} en ${lugar.replace(/-/g, ' ')}`;
  const header = `<header class="header"><a href="/" class="logo">propiedades.com</a>
<nav><a href="/df/residencial-venta">Comprar</a><a href="/df/residencial-renta">Rentar</a><a href="/avaluo">Avalúo</a></nav></header>`;
  const featured =
    input.variant % 3 === 2
      ? '<aside class="featured"><h3>Desarrollos destacados &amp; preventas</h3><a href="/desarrollos/zapopan">Ver todos</a></aside>'
      : '';
  if (input.markup === '2022') {
    // The first section is not a listing (docs/portals.md §5.2).
    const results =
      input.items.length === 0
        ? '<p>No encontramos propiedades con tu búsqueda. Intenta con otra zona.</p>'
        : `<section data-id="filtros" class="filters"><button>Filtrar</button><button>Ordenar</button></section>\n${input.items.map((f, i) => cardHtml(f, input.page, i)).join('\n')}`;
    const body = `${header}<main><h1>${htmlText(title)}</h1><div data-testid="counter-wrapper"><b>${formatAmount(input.totalCount)}</b> propiedades</div>
${featured}${results}${pagination(input)}</main><footer><p>© 2022 Propiedades.com</p></footer>
<script src="/static/js/main.4f1a.js" defer></script>`;
    return htmlDocument({ title: `${title} | Propiedades.com`, body });
  }
  const data = {
    props: {
      pageProps: {
        results: { properties: input.items.map((f, i) => propertyJson(f, input.page, i)) },
        totalItems: input.totalCount,
      },
      __N_SSP: true,
    },
    page: '/[location]/[search]',
    query: { location: lugar, search: tipoOperacion, ...(input.page > 1 ? { pagina: String(input.page) } : {}) },
    buildId: 'pcom-2026.06.2',
    isFallback: false,
    gssp: true,
    scriptLoader: [],
  };
  // The sources read the 2026 data alone: the list is left to the client (an empty container).
  const body = `<div id="__next">${header}<main><h1>${htmlText(title)}</h1>${featured}<div id="results-list"></div></main>
<div class="cookie-banner">Usamos cookies para mejorar tu experiencia. <button>Aceptar</button></div>
<footer><p>© 2026 Propiedades.com</p></footer></div>
<script src="/_next/static/chunks/main-a81c.js" defer></script>
${nextDataScript(data)}`;
  return htmlDocument({ title: `${title} | Propiedades.com`, body });
}

function cardRecord(f: PropertyFacts, input: ListPageInput): ListingRecord {
  const valid = coordinatesValid(f);
  const record = emptyRecord(SITE, externalId(f.n), new URL(detailPath(f), input.searchUrl).href);
  const coordinates = { lat: valid ? f.lat : null, lng: valid ? f.lng : null };
  // 2022: the microdata card has the url and coordinates; operation and type are the link's words.
  if (input.markup === '2022')
    return { ...record, operation: f.operation, propertyType: f.propertyType, ...coordinates };
  return {
    ...record,
    operation: f.operation,
    propertyType: f.propertyType,
    ...priceAndRoomFields(f),
    ...unnamedAreaFields(f),
    neighborhood: f.neighborhood,
    city: f.city,
    ...coordinates,
    publishedAt: f.publishedAt,
  };
}

export const propiedadesMirror: MirrorSite = {
  site: SITE,
  host: HOST,
  pageSize: PAGE_SIZE,
  defaultSearchPaths: [
    '/zapopan/casas-venta',
    '/guadalajara/departamentos-renta',
    '/zapopan/terrenos-habitacionales-venta',
  ],
  markups: MARKUPS,
  robotsTxt: ALLOW_ALL_ROBOTS,
  externalId,
  indexOf,
  ...queryPagination(ORIGIN, SEARCH_PATH, 'pagina'),
  renderListPage,
  cardRecord,
};
