/**
 * Casas y Terrenos results pages (docs/portals.md §2), in the two generations the sources describe:
 *   - '2026' (S-CIM): a Next.js page whose `__NEXT_DATA__`, the last script, carries every listing of
 *     the page under props.pageProps.initialState.propertyData (properties[], estimatedTotalHits) and
 *     the active type filter; the sources describe no listing markup around it, so none is rendered;
 *   - '2024' (S-CYT-OLD, 2023–25): the same data, plus the server-rendered Tailwind cards (§2.2).
 * Only documented fields are written. The 2026 pages hold 240 listings, the 2024 ones 40 (§2.1, an
 * older test).
 */
import { emptyRecord, type ListingRecord, type PropertyType } from '../../lib/record/listing-record';
import type { PropertyFacts } from '../facts';
import { escapeHtml, formatAmount, type ListPageInput, type MirrorSite } from '../model';
import { listingChoice } from './kit/choice';
import { steppedIds } from './kit/ids';
import { countLabel, htmlDocument, htmlText, nextDataScript } from './kit/markup';
import { queryPagination } from './kit/pagination';
import { statedFields } from './kit/record-fields';
import { slugify } from './kit/slugs';

const SITE = 'casasyterrenos';
const HOST = 'www.casasyterrenos.com';
const ORIGIN = `https://${HOST}`;
const PAGE_SIZE = 240; // the embedded page of 2026 (docs/portals.md §2.1; older pages had 40)

/** Markup generations (docs/portals.md §2.2), the current first. */
const MARKUPS = ['2026', '2024'] as const;

// 7-digit ids like the real ones (2961585, 3718620); the step keeps neighbours from looking sequential.
const { externalId, indexOf } = steppedIds(2_400_017, 7, /^\d{1,12}$/);

/** {tipo} of the detail path (docs/portals.md §2.3). */
const TIPO: Record<PropertyType, string> = {
  house: 'casa',
  apartment: 'departamento',
  land: 'terreno',
  office: 'oficina',
  commercial: 'local-comercial',
  warehouse: 'bodega',
  building: 'edificio',
  other: 'inmueble',
};

/** {estado-abrev} of the detail path ("…-zapopan-jal-2961585"). */
const STATE_ABBR: Record<string, string> = {
  Jalisco: 'jal',
  'Ciudad de México': 'cdmx',
  'Nuevo León': 'nl',
  Yucatán: 'yuc',
  Querétaro: 'qro',
  Sinaloa: 'sin',
};

const SEARCH_PATH = /^\/[a-z0-9-]+\/[a-z0-9-]+\/[a-z0-9-]+\/(venta|renta)$/;

const pick = listingChoice(SITE);

/** /propiedad/{tipo}-{operacion}-{slug}-{municipio}-{estado-abrev}-{id} */
function detailPath(f: PropertyFacts): string {
  const op = f.operation === 'sale' ? 'venta' : 'renta';
  const state = STATE_ABBR[f.state] ?? slugify(f.state);
  return `/propiedad/${TIPO[f.propertyType]}-${op}-${slugify(f.neighborhood)}-${slugify(f.city)}-${state}-${externalId(f.n)}`;
}

function imageUrls(f: PropertyFacts): string[] {
  const id = externalId(f.n);
  return Array.from(
    { length: f.imageCount },
    (_, k) => `https://cyt-media.s3.amazonaws.com/properties/${id}/${(f.n * 31 + k).toString(16)}.jpg`,
  );
}

function lastUpdate(f: PropertyFacts): string {
  const hh = String(pick(f, 'hour', 24)).padStart(2, '0');
  const mm = String(pick(f, 'minute', 60)).padStart(2, '0');
  return `${f.publishedAt}T${hh}:${mm}:00.000Z`;
}

/** One entry of propertyData.properties, written with the quirks of the real feed. */
function propertyJson(f: PropertyFacts): Record<string, unknown> {
  // The feed writes an unset number as 0 on some listings and null on others.
  const unset = pick(f, 'unset', 2) === 0 ? 0 : null;
  const images = imageUrls(f);
  // The same photo listed twice happens in broker-fed galleries.
  if (images.length > 1 && pick(f, 'duplicate-photo', 4) === 0) images.push(images[0]);
  const broker =
    f.publisher == null
      ? null
      : pick(f, 'broker-form', 3) === 0
        ? f.publisher
        : { id: 9000 + (f.n % 500), name: f.publisher };
  const canonical = detailPath(f);
  return {
    id: Number(externalId(f.n)),
    // Brokers type some titles through an HTML editor: the feed then holds entities (&amp; &quot;).
    name: pick(f, 'name-entities', 5) === 0 ? escapeHtml(f.title) : f.title,
    ...(pick(f, 'canonical-form', 5) === 0 ? { slugs: { canonical } } : { canonical }),
    isSale: f.operation === 'sale',
    isRent: f.operation === 'rent',
    priceSale: f.operation === 'sale' ? (f.price ?? 0) : 0,
    priceRent: f.operation === 'rent' ? (f.price ?? 0) : 0,
    currency: f.currency,
    surface: f.landAreaM2 ?? unset,
    construction: f.builtAreaM2 ?? unset,
    rooms: f.bedrooms ?? unset,
    bathrooms: f.bathrooms ?? unset,
    parkingLots: f.parkingSpaces ?? unset,
    _geo: { lat: f.lat, lng: f.lng },
    municipality: f.city,
    neighborhood: f.neighborhood,
    lastUpdate: lastUpdate(f),
    broker,
    images,
  };
}

/** The card's price; a listing without one shows none (no source quotes a "no price" text for CyT). */
function priceLabel(f: PropertyFacts): string | null {
  return f.price == null ? null : `$${formatAmount(f.price)} ${f.currency}`;
}

/**
 * The Tailwind card of the 2023–25 pages (docs/portals.md §2.2): a `div` with `mx-2` and `w-[320px]`, the
 * link `a[target=_blank]`, title and location spans, the price span, four `p.text-sm` in a fixed
 * order (recámaras, baños, estacionamientos, superficie; empty when unknown) and "Código: N".
 */
function cardHtml(f: PropertyFacts): string {
  const facts = [
    countLabel(f.bedrooms, 'recámara', 'recámaras'),
    countLabel(f.bathrooms, 'baño', 'baños'),
    countLabel(f.parkingSpaces, 'estacionamiento', 'estacionamientos'),
    f.landAreaM2 == null ? '' : `${formatAmount(f.landAreaM2)} m²`,
  ];
  const photo = imageUrls(f)[0];
  const price = priceLabel(f);
  return `<div class="mx-2 w-[320px] shrink-0 overflow-hidden rounded-lg bg-white shadow-md">
<a href="${detailPath(f)}" target="_blank" rel="noopener">
${photo ? `<img src="${photo}" alt="${htmlText(f.title)}" class="h-48 w-full object-cover" loading="lazy">` : '<div class="h-48 w-full bg-gray-200"></div>'}
<div class="flex flex-col gap-1 p-3"><span class="text-text-primary font-bold line-clamp-2">${htmlText(f.title)}</span>
<span class="text-blue-cyt text-sm">${htmlText(`${f.neighborhood}, ${f.city}`)}</span>
${price ? `<span class="text-blue-cyt font-bold">${htmlText(price)}</span>` : ''}
<div class="grid grid-cols-4 gap-1">${facts.map((text) => `<p class="text-sm">${htmlText(text)}</p>`).join('')}</div>
<span class="text-extralight text-xs">Código: ${externalId(f.n)}</span></div></a></div>`;
}

function headline(searchPath: string): string {
  const [estado, municipio, tipo, operacion] = searchPath.split('/').filter(Boolean);
  const words = (slug: string) =>
    slug
      .split('-')
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join(' ');
  return `${words(tipo)} en ${operacion} en ${words(municipio)}, ${words(estado)}`;
}

function renderListPage(input: ListPageInput): string {
  const [estado, municipio, tipo, operacion] = input.searchPath.split('/').filter(Boolean);
  const data = {
    props: {
      pageProps: {
        initialState: {
          propertyData: { properties: input.items.map(propertyJson), estimatedTotalHits: input.totalCount },
          filters: { propertyType: tipo },
        },
      },
      __N_SSP: true,
    },
    page: '/[...slug]',
    query: { slug: [estado, municipio, tipo, operacion], ...(input.page > 1 ? { page: String(input.page) } : {}) },
    buildId: input.markup === '2024' ? 'cyt-web-3.9.0' : 'cyt-web-4.18.2',
    isFallback: false,
    gssp: true,
    scriptLoader: [],
  };
  // 2026: the sources read the data alone, so the grid is left to the client (an empty container).
  const grid =
    input.markup !== '2024'
      ? '<div id="results-grid" class="flex flex-wrap justify-center"></div>'
      : input.items.length === 0
        ? '<div class="py-16 text-center"><p class="text-lg font-bold">No encontramos propiedades con estos filtros</p></div>'
        : `<div class="flex flex-wrap justify-center">${input.items.map(cardHtml).join('\n')}</div>`;
  const body = `<div id="__next"><header class="sticky top-0 z-50 bg-white shadow"><nav class="container mx-auto flex items-center justify-between p-3">
<a href="/" class="font-bold text-blue-cyt">Casas y Terrenos</a><a href="/desarrollos/jalisco/zapopan" class="text-sm">Desarrollos</a><a href="/publicar" class="text-sm">Publica tu propiedad</a></nav></header>
<main class="container mx-auto"><h1 class="my-4 text-2xl font-bold">${htmlText(headline(input.searchPath))}</h1>
${input.variant % 3 === 1 ? '<aside class="my-4 rounded bg-blue-50 p-4"><p class="font-bold">Desarrollos destacados</p><a href="/desarrollos/jalisco/zapopan">Ver preventas en Zapopan &amp; alrededores</a></aside>' : ''}
${grid}</main><footer class="mt-8 bg-gray-900 p-6 text-white"><p>© 2026 Casas y Terrenos</p></footer></div>
<script src="/_next/static/chunks/webpack-7c1d.js" defer></script><script src="/_next/static/chunks/main-3f2a.js" defer></script>
<script>window.dataLayer=window.dataLayer||[];window.dataLayer.push({"event":"search","results":${input.totalCount}});</script>
${nextDataScript(data)}`;
  return htmlDocument({ title: `${headline(input.searchPath)} | Casas y Terrenos`, body });
}

function cardRecord(f: PropertyFacts, input: ListPageInput): ListingRecord {
  return {
    ...emptyRecord(SITE, externalId(f.n), new URL(detailPath(f), input.searchUrl).href),
    ...statedFields(f),
    // The list feed names no state; the detail path's abbreviation is not spelled out anywhere.
    state: null,
    images: imageUrls(f),
    // CyT lists only lastUpdate (docs/portals.md §7): the closest thing to a publication date it shows.
    publishedAt: lastUpdate(f),
  };
}

export const casasyterrenosMirror: MirrorSite = {
  site: SITE,
  host: HOST,
  pageSize: PAGE_SIZE,
  pageSizes: { '2024': 40 },
  defaultSearchPaths: [
    '/jalisco/zapopan/casas/venta',
    '/jalisco/guadalajara/departamentos/renta',
    '/jalisco/zapopan/terrenos/venta',
  ],
  markups: MARKUPS,
  // docs/portals.md §2.4: listing pages allowed; /api/, /beta/ and some SEO bots disallowed.
  robotsTxt: [
    'User-agent: *',
    'Disallow: /api/',
    'Disallow: /beta/',
    '',
    'User-agent: AhrefsBot',
    'Disallow: /',
    '',
    'User-agent: SemrushBot',
    'Disallow: /',
    '',
  ].join('\n'),
  externalId,
  indexOf,
  ...queryPagination(ORIGIN, SEARCH_PATH, 'page'),
  renderListPage,
  cardRecord,
};
