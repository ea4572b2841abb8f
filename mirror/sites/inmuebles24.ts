/**
 * Inmuebles24 (Navent platform) in the local mirror, after docs/portals.md §1 and §8, in the two markup
 * generations the sources describe (§1.2):
 *   - '2025-26' (S-DBG, S-JMM, S-CIM; the default, 30 cards a page): CSS-module cards with a hashed
 *     suffix — `postingsList-module__card-container` holding the inner element that carries
 *     `data-id` and `data-to-posting` (with or without `data-qa="posting …"`, the sources disagree),
 *     the count in `postingsTitle-module__title`; whether the server still embeds
 *     `__PRELOADED_STATE__` and the 2026 JSON-LD `mainEntity` list (S-EPS) is unsure, so some pages
 *     have them and some do not;
 *   - '2024' (the real capture of 2024-07-12, S-DGL; 20 cards a page): styled-components cards
 *     `div[data-qa="posting PROPERTY|DEVELOPMENT"]`, the count in the `h1`, a hidden Turnstile
 *     widget, and `window.__PRELOADED_STATE__` carrying every posting — except on the pages that
 *     stand for the DOM a browser saves after rendering (the 2024-07-04 capture), which lost it.
 * Both carry the `data-qa` hooks of price, location, features and paging. Detail pages (the same in
 * both generations) carry `const avisoInfo = {…}` as a loose JavaScript literal, base64 coordinates
 * and the DOM nodes older scrapers read. A removed listing redirects to the home page or keeps its
 * page with status OFFLINE (§1.3). cardRecord/detailRecord state exactly what those pages show.
 */
import { emptyRecord, type ListingRecord, type PropertyType } from '../../lib/record/listing-record';
import { hash32, PLACES, TYPE_NOUN, type PropertyFacts } from '../facts';
import {
  escapeHtml,
  formatAmount,
  type GoneDetailAnswer,
  type ListPageInput,
  type MirrorRoute,
  type MirrorSite,
} from '../model';
import { bare, hexDigits, jsonForScript, looseLiteral } from '../render-kit';
import { priceFields, statedFields } from './kit/record-fields';
import { slugify } from './kit/slugs';

const SITE = 'inmuebles24';
const HOST = 'www.inmuebles24.com';
const ORIGIN = `https://${HOST}`;
/** Markup generations (docs/portals.md §1.2), the current first. */
const MARKUPS = ['2025-26', '2024'] as const;
type Markup = (typeof MARKUPS)[number];
/** Listings ids are 9-digit numbers (docs/portals.md §1.2 shows 142082805). */
const ID_BASE = 140_000_000;
const ID_LIMIT = 1_000_000_000 - ID_BASE;
/** Photos the results state lists per posting (the real 2024 state lists up to 8). */
const STATE_PICTURES = 8;
/** "Today" for the relative "Publicado hace N días" line, so pages stay deterministic. */
const MIRROR_TODAY = Date.UTC(2026, 10, 1);

interface TypeWords {
  /** Plural slug of search paths, e.g. /casas-en-venta-en-zapopan.html */
  plural: string;
  /** Two letters of the Navent detail-URL prefix ("veclcain" = venta, clasificado, casa). */
  code: string;
  /** realEstateType.name of the results state ("Casas", "Departamentos", "Oficinas", "Terrenos" on the real page). */
  stateName: string;
}

const TYPE_SLUGS: Record<PropertyType, TypeWords> = {
  house: { plural: 'casas', code: 'ca', stateName: 'Casas' },
  apartment: { plural: 'departamentos', code: 'ap', stateName: 'Departamentos' },
  land: { plural: 'terrenos', code: 'te', stateName: 'Terrenos' },
  office: { plural: 'oficinas', code: 'of', stateName: 'Oficinas' },
  commercial: { plural: 'locales-comerciales', code: 'lc', stateName: 'Locales comerciales' },
  warehouse: { plural: 'bodegas-comerciales', code: 'bo', stateName: 'Bodegas comerciales' },
  building: { plural: 'edificios', code: 'ed', stateName: 'Edificios' },
  other: { plural: 'inmuebles', code: 'in', stateName: 'Otros' },
};

/**
 * A development's realEstateType names the kind of project (real 2024 state: "Desarrollos
 * verticales"; a 2024 avisoInfo: "horizontal-vertical"), which the record files as "other".
 */
const DEVELOPMENT_STATE_TYPE = 'Desarrollos verticales';
const DEVELOPMENT_AVISO_TYPE = 'horizontal-vertical';

/** A hidden price: the only trace in the sources is S-EPS skipping price texts that contain "ocultar" (§1.3, §7). */
const HIDDEN_PRICE = 'Ocultar precio';

const externalId = (n: number): string => String(ID_BASE + n);
const opWord = (f: PropertyFacts): string => (f.operation === 'sale' ? 'venta' : 'renta');
const isMarkup = (markup: string): markup is Markup => (MARKUPS as readonly string[]).includes(markup);
const markupOf = (input: ListPageInput): Markup => (isMarkup(input.markup) ? input.markup : MARKUPS[0]);

function detailPath(f: PropertyFacts): string {
  const type = TYPE_SLUGS[f.propertyType];
  const slug = slugify(`${TYPE_NOUN[f.propertyType]} en ${opWord(f)} ${f.neighborhood} ${f.city}`);
  // Older URLs start with a Navent code (operation, kind, type); newer ones have none (§1.3).
  const prefix =
    f.n % 5 === 0 ? '' : `${f.operation === 'sale' ? 've' : 'al'}${f.isDevelopment ? 'em' : 'cl'}${type.code}in-`;
  return `/propiedades/${f.isDevelopment ? 'desarrollo' : 'clasificado'}/${prefix}${slug}-${externalId(f.n)}.html`;
}

function pagePath(searchPath: string, page: number): string {
  return page <= 1 ? searchPath : searchPath.replace(/\.html$/, `-pagina-${page}.html`);
}

/** naventcdn photo URL; the size token is part of the path as on the real CDN. */
function pictureUrl(f: PropertyFacts, index: number, size: string): string {
  const id = externalId(f.n);
  const folders = [id.slice(1, 3), id.slice(3, 5), id.slice(5, 7), id.slice(7, 9)].join('/');
  return `https://img10.naventcdn.com/avisos/18/01/${folders}/${size}/${1_500_000_000 + f.n * 10 + index}.jpg`;
}

function pictures(f: PropertyFacts, size: string, count = f.imageCount): string[] {
  return Array.from({ length: Math.min(count, f.imageCount) }, (_, i) => pictureUrl(f, i, size));
}

function priceText(f: PropertyFacts): string {
  if (f.price == null) return HIDDEN_PRICE;
  return `${f.currency === 'USD' ? 'USD' : 'MN'} ${formatAmount(f.price)}`;
}

const logoUrl = (publisher: string): string =>
  `https://img10.naventcdn.com/empresas/logos/${hexDigits(publisher, 8)}.jpg`;
const publisherId = (name: string): string => String(50_000_000 + (hash32(name) % 9_000_000));
const publisherPath = (name: string): string => `/inmobiliarias/${slugify(name)}_${publisherId(name)}-inmuebles.html`;
/** A publisher as the results state and the detail page's avisoInfo both name it. */
const publisherRef = (name: string) => ({
  publisherId: publisherId(name),
  name,
  url: publisherPath(name),
  urlLogo: logoUrl(name),
});

// ── Results pages ──────────────────────────────────────────────────────────────────────────────

/** What varies between the pages of one generation (the sources are unsure, or pages differ). */
interface PageShape {
  markup: Markup;
  /** `window.__PRELOADED_STATE__` with every posting of the page. */
  state: boolean;
  /** 2025-26: the inner card element also carries data-qa="posting …". */
  postingQa: boolean;
  /** 2025-26: the description h3 also carries data-qa="POSTING_CARD_DESCRIPTION". */
  descriptionQa: boolean;
  /** The 2026 JSON-LD list of listing URLs (S-EPS). */
  jsonLdList: boolean;
}

function pageShape(input: ListPageInput): PageShape {
  const markup = markupOf(input);
  const v = input.variant;
  if (markup === '2024') return { markup, state: v % 5 !== 4, postingQa: true, descriptionQa: true, jsonLdList: false };
  return { markup, state: v % 3 === 0, postingQa: v % 2 === 0, descriptionQa: v % 4 !== 1, jsonLdList: v % 3 !== 1 };
}

/**
 * Hashed class names: the suffix depends on the page variant, so a parser that relies on them
 * breaks on the next page. 2024: styled-components ("PostingCardLayout-sc-i1odl-0 jieQdn");
 * 2025-26: CSS modules ("postingsList-module__card-container___a1b2c").
 */
function classNamer(markup: Markup, variant: number): (block: string, element: string) => string {
  return (block, element) => {
    const hash = hexDigits(`${variant}:${block}:${element}`, 11);
    if (markup === '2025-26') return `${block}-module__${element}___${hash.slice(0, 5)}`;
    const name = element.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
    return `${name}-sc-${hash.slice(0, 5)}-${variant % 9} ${hash.slice(5)}`;
  };
}

function searchLabel(searchPath: string): string {
  const words = searchPath
    .replace(/^\//, '')
    .replace(/\.html$/, '')
    .replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * The SEO block of related searches Navent results pages end with (S-DGL splits big regions with
 * it, §1.2): every page has it, a "no results" page too.
 */
const RELATED_SEARCHES = PLACES.flatMap((place) =>
  (['casas', 'departamentos', 'terrenos'] as const).flatMap((type) =>
    ['venta', 'renta'].map(
      (op) =>
        `<li><a href="/${type}-en-${op}-en-${slugify(place.city)}.html">${searchLabel(`/${type}-en-${op}-en`)} ${escapeHtml(place.city)}</a></li>`,
    ),
  ),
).join('');

/**
 * Card features in the portal's order and wording (§1.2): "12 un.", "1 a 2 rec.", "835 m² tot." …
 * The 2024 cards show one area, the total ("tot.", the land when there is one; the real capture's
 * "231 m² tot." is the land, its 486 m² built area is in the state only); 2025-26 cards show the
 * land ("lote" for a plot) and the built area ("cub.").
 */
function cardFeatures(f: PropertyFacts, markup: Markup): string[] {
  const features: string[] = [];
  if (f.isDevelopment) features.push(`${20 + (f.n % 280)} un.`);
  if (f.bedrooms != null)
    features.push(f.isDevelopment ? `${f.bedrooms} a ${f.bedrooms + 1} rec.` : `${f.bedrooms} rec.`);
  if (markup === '2024') {
    if (f.landAreaM2 != null) features.push(`${formatAmount(f.landAreaM2)} m² tot.`);
    else if (f.builtAreaM2 != null) features.push(`${formatAmount(f.builtAreaM2)} m² cub.`);
  } else {
    if (f.landAreaM2 != null)
      features.push(`${formatAmount(f.landAreaM2)} m² ${f.propertyType === 'land' ? 'lote' : 'tot.'}`);
    if (f.builtAreaM2 != null) features.push(`${formatAmount(f.builtAreaM2)} m² cub.`);
  }
  if (f.bathrooms != null) features.push(`${f.bathrooms} ${f.bathrooms === 1 ? 'baño' : 'baños'}`);
  if (f.parkingSpaces != null) features.push(`${f.parkingSpaces} estac.`);
  return features;
}

/** The card's one photo: the 2024 card gallery (`POSTING_CARD_GALLERY`) shows the first. */
const cardPhoto = (f: PropertyFacts): string[] => pictures(f, '360x266', 1);

function renderCard(f: PropertyFacts, index: number, input: ListPageInput, shape: PageShape): string {
  const cls = classNamer(shape.markup, input.variant);
  const kind = f.isDevelopment ? 'DEVELOPMENT' : 'PROPERTY';
  const href = detailPath(f);
  const caption = `${TYPE_NOUN[f.propertyType]}${f.bedrooms != null ? ` de ${f.bedrooms} habitaciones` : ''}, ${f.city} · ${f.title}`;
  const photo = cardPhoto(f)
    .map(
      (src) =>
        `<div class="lazyload-wrapper "><img fetchpriority="high" loading="lazy" src="${src}?isFirstImage=true" alt="${escapeHtml(caption)}"></div>`,
    )
    .join('');
  const modern = shape.markup === '2025-26';
  // 2025-26 galleries carry no documented hook: the parser must not count on them.
  const gallery = modern
    ? `<div class="${cls('postingGallery', 'gallery-container')}">${photo}</div>`
    : `<div data-qa="POSTING_CARD_GALLERY" class="${cls('posting', 'gallery-container')}">${photo}</div>`;
  const from =
    f.isDevelopment && f.price != null
      ? `<div class="${cls('postingPrices', 'price-from')}">${TYPE_NOUN[f.propertyType]}s desde</div>`
      : '';
  const expenses =
    f.propertyType === 'apartment' && f.n % 3 === 0 ? `MN ${formatAmount(1000 + (f.n % 20) * 100)} Mantenimiento` : '';
  const address = f.address
    ? `<div class="${modern ? cls('postingLocations', 'location-address') : `${cls('location', 'location-address')} postingAddress`}">${escapeHtml(f.address)}</div>`
    : '';
  const publisherQa = f.isDevelopment ? 'POSTING_CARD_PUBLISHER_DEV' : 'POSTING_CARD_PUBLISHER';
  // The logo's alt names no one ("logo publisher" on every card of the real 2024 page).
  const logo = f.publisher
    ? `<img ${modern ? '' : `data-qa="${publisherQa}" `}src="${logoUrl(f.publisher)}" alt="logo publisher" loading="lazy">`
    : '';
  const descriptionQa = shape.descriptionQa ? ' data-qa="POSTING_CARD_DESCRIPTION"' : '';
  const inner = `<div class="${cls('posting', 'container')}">
<div class="${cls('postingPrices', 'prices')}">${from}<div data-qa="POSTING_CARD_PRICE" class="${cls('postingPrices', 'price')}">${priceText(f)}</div><div data-qa="expensas" class="${cls('postingPrices', 'expenses')}">${expenses}</div></div>
<div class="${cls('postingLocations', 'location-block')}">${address}<h2 data-qa="POSTING_CARD_LOCATION" class="${cls('postingLocations', 'location-text')}">${escapeHtml(`${f.neighborhood}, ${f.city}`)}</h2></div>
<h3 data-qa="POSTING_CARD_FEATURES" class="${cls('postingMainFeatures', 'main-features-block')}">${cardFeatures(
    f,
    shape.markup,
  )
    .map((text) => `<span>${text}</span>`)
    .join('')}</h3>
<h3${descriptionQa} class="${cls('postingCard', 'posting-description')}"><a href="${href}">${f.descriptionParagraphs.map(escapeHtml).join('<br>')}</a></h3>
<div class="${cls('postingPublisher', 'container-logo-publisher')}">${logo}</div>
${index % 7 === 0 ? `<div class="${cls('postingCard', 'highlight')}">Super destacado</div>` : ''}
<button data-qa="CARD_FAV" aria-label="Favorito"></button><button data-qa="CARD_WHATSAPP">WhatsApp</button><button data-qa="CARD_CONTACT_MODAL">Contactar</button>
</div>`;
  const postingAttrs = `data-id="${externalId(f.n)}" data-posting-type="${kind}" data-to-posting="${href}"`;
  if (!modern) {
    return `<div class="${cls('card', 'card-container')}"><div data-qa="posting ${kind}" ${postingAttrs} class="${cls('posting', 'posting-card-layout')}">${gallery}${inner}</div></div>`;
  }
  const qa = shape.postingQa ? `data-qa="posting ${kind}" ` : '';
  return `<div class="${cls('postingsList', 'card-container')}"><div ${qa}${postingAttrs} class="${cls('postingCardLayout', 'posting-card-layout')}">${gallery}${inner}</div></div>`;
}

function pagination(input: ListPageInput, cls: (block: string, element: string) => string): string {
  const first = Math.max(1, Math.min(input.page - 2, input.totalPages - 4));
  const last = Math.min(input.totalPages, first + 4);
  const links: string[] = [];
  for (let page = first; page <= last; page++) {
    links.push(
      `<a data-qa="PAGING_${page}" href="${pagePath(input.searchPath, page)}" class="${cls('paging', 'page-item')}">${page}</a>`,
    );
  }
  if (input.page < input.totalPages) {
    links.push(
      `<a data-qa="PAGING_NEXT" href="${pagePath(input.searchPath, input.page + 1)}" class="${cls('paging', 'page-arrow')}"><svg viewBox="0 0 6 10"></svg></a>`,
    );
  }
  return `<div class="${cls('paging', 'container')}">${links.join('')}</div>`;
}

/** The results state's posting (docs/portals.md §1.2: the internal API's fields, as on the real 2024 page). */
function statePosting(f: PropertyFacts): Record<string, unknown> {
  const sale = f.operation === 'sale';
  const features: Record<string, unknown> = {};
  const feature = (code: string, label: string, value: number | null, measure: string | null = null): void => {
    if (value != null) features[code] = { featureId: code, label, measure, value: String(value), icon: null };
  };
  // Developments list no features of their own (the real state's mainFeatures is {}).
  if (!f.isDevelopment) {
    feature('CFT100', 'Terreno', f.landAreaM2, 'm²');
    feature('CFT101', 'Superficie construída', f.builtAreaM2, 'm²');
    feature('CFT2', 'Recámaras', f.bedrooms);
    feature('CFT3', 'Baños', f.bathrooms);
    feature('CFT7', 'Estacionamientos', f.parkingSpaces);
    // "Medio baño" is not a full bath: a parser that reads it as bathrooms is wrong.
    if (f.bathrooms != null && f.n % 3 === 0) feature('CFT4', 'Medio baño', 1);
  }
  return {
    postingId: externalId(f.n),
    postingCode: hexDigits(`${f.n}:code`, 6).toUpperCase(),
    title: f.title,
    generatedTitle: `${TYPE_NOUN[f.propertyType]}${f.bedrooms != null ? ` · ${f.bedrooms} Recámaras` : ''}`,
    priceOperationTypes: [
      {
        operationType: { name: sale ? 'Venta' : 'Renta', operationTypeId: sale ? '1' : '2' },
        prices:
          f.price == null
            ? []
            : [
                {
                  currencyId: f.currency === 'USD' ? '2' : '10',
                  amount: f.price,
                  formattedAmount: formatAmount(f.price),
                  currency: f.currency === 'USD' ? 'USD' : 'MN',
                },
              ],
      },
    ],
    mainFeatures: features,
    realEstateType: {
      name: f.isDevelopment ? DEVELOPMENT_STATE_TYPE : TYPE_SLUGS[f.propertyType].stateName,
      realEstateTypeId: TYPE_SLUGS[f.propertyType].code,
    },
    publisher: f.publisher ? publisherRef(f.publisher) : null,
    url: detailPath(f),
    descriptionNormalized: f.descriptionParagraphs.join(' '),
    postingLocation: {
      address: f.address ? { name: f.address, visibility: 'EXACT' } : null,
      location: locationTree(f),
      postingGeolocation: { geolocation: { latitude: f.lat, longitude: f.lng } },
    },
    visiblePictures: {
      pictures: pictures(f, '720x532', STATE_PICTURES).map((url, i) => ({
        order: i + 1,
        url730x532: url,
        url360x266: pictureUrl(f, i, '360x266'),
        title: f.title,
      })),
    },
    status: 'ONLINE',
    postingType: f.isDevelopment ? 'DEVELOPMENT' : 'PROPERTY',
    modified_date: `${f.publishedAt}T12:00:00-0600`,
  };
}

/** The inline script of the server's HTML (§1.2): `window.__PRELOADED_STATE__ = {…};` then `window.__SITE_DATA__`. */
function preloadedState(input: ListPageInput): string {
  const state = {
    sessionStore: { gotSession: false, isLogged: false },
    listStore: {
      listPostings: input.items.map(statePosting),
      paging: {
        total: input.totalCount,
        limit: input.items.length,
        totalPages: input.totalPages,
        currentPage: input.page,
        firstPage: input.page === 1,
        lastPage: input.page >= input.totalPages,
        pagesUrl: {
          previousPage: input.page > 1 ? pagePath(input.searchPath, input.page - 1) : null,
          nextPage: input.page < input.totalPages ? pagePath(input.searchPath, input.page + 1) : null,
        },
      },
      totalPosting: formatAmount(input.totalCount),
      title: searchLabel(input.searchPath),
      listingUrl: input.searchPath,
    },
    filtersStore: { appliedFilters: [] },
  };
  const site = { url: ORIGIN, name: 'inmuebles24', id: '24MX', staticUrl: '/' };
  return `<script id="preloadedData">
\t\t\twindow.__PRELOADED_STATE__ = ${jsonForScript(state)};
\t\t\twindow.__SITE_DATA__ = ${jsonForScript(site)};
\t\t</script>`;
}

/** JSON-LD blocks: always WebSite; on some 2025-26 pages also the 2026 mainEntity list of listing URLs (S-EPS). */
function jsonLd(input: ListPageInput, shape: PageShape): string {
  const blocks: unknown[] = [
    { '@context': 'https://schema.org', '@type': 'WebSite', name: 'inmuebles24', url: ORIGIN },
  ];
  if (shape.jsonLdList && input.items.length > 0) {
    blocks.push({
      '@context': 'https://schema.org',
      '@type': 'CollectionPage',
      name: searchLabel(input.searchPath),
      mainEntity: input.items.map((f) => ({ '@type': 'RealEstateListing', url: ORIGIN + detailPath(f) })),
    });
  }
  return blocks.map((block) => `<script type="application/ld+json">${jsonForScript(block)}</script>`).join('\n');
}

function renderListPage(input: ListPageInput): string {
  const shape = pageShape(input);
  const cls = classNamer(shape.markup, input.variant);
  const label = searchLabel(input.searchPath);
  const cards = input.items.map((f, i) => renderCard(f, i, input, shape)).join('\n');
  const noResults = `<div class="${cls('noResults', 'container')}"><h2>No encontramos resultados para tu búsqueda</h2><p>Prueba con otra ubicación o quita algunos filtros.</p></div>`;
  const list =
    shape.markup === '2025-26'
      ? `<div class="${cls('postingsList', 'postings-container')}">${cards}</div>`
      : `<div class="${cls('list', 'list-postings-container')}"><div class="postings-container">${cards}</div></div>`;
  // The 2024 page hides its Turnstile widget among real content (§1.4): not a challenge page.
  const turnstile =
    shape.markup === '2024' ? '<div id="cf-turnstile" style="width:300px;height:65px;display:none"></div>' : '';
  return `<!DOCTYPE html><html lang="es-MX"><head>
<meta charset="utf-8">
<title>${escapeHtml(label)} - Inmuebles24</title>
<link rel="preconnect" href="https://img10.naventcdn.com">
<script async="">(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date().getTime(),event:'gtm.js'});})(window,document,'script','dataLayer','GTM-MC2DBQN');</script>
<link rel="canonical" href="${ORIGIN}${pagePath(input.searchPath, input.page)}">
${jsonLd(input, shape)}
</head>
<body>
<header class="${cls('header', 'container')}"><a href="/">Inmuebles24</a><a href="/publica-tu-propiedad">Publicar</a></header>
<main class="${cls('layout', 'main')}">
<h1 class="${cls('postingsTitle', 'title')}">${formatAmount(input.totalCount)} ${escapeHtml(label)}</h1>
${turnstile}
${input.items.length > 0 ? list : noResults}
${input.items.length > 0 ? pagination(input, cls) : ''}
</main>
<section class="${cls('seo', 'related-content')}"><h3>Búsquedas relacionadas</h3><ul>${RELATED_SEARCHES}</ul></section>
<footer class="${cls('footer', 'container')}"><a href="/noticias/">Noticias</a><a href="/inmobiliarias.html">Inmobiliarias</a><p>© Inmuebles24</p></footer>
${shape.state ? preloadedState(input) : ''}
<script async="" data-chunk="posting_card" src="https://img10.naventcdn.com/listado/RPLISv8.119.1-RC1/posting_card.js"></script>
</body></html>
`;
}

function cardRecord(f: PropertyFacts, input: ListPageInput): ListingRecord {
  const shape = pageShape(input);
  const url = ORIGIN + detailPath(f);
  const shown = cardFeatures(f, shape.markup).join(' ');
  // What the card's feature line shows (per generation, see cardFeatures).
  const card = {
    bedrooms: f.bedrooms,
    bathrooms: f.bathrooms,
    parkingSpaces: f.parkingSpaces,
    landAreaM2: /m² (tot\.|lote)/.test(shown) ? f.landAreaM2 : null,
    builtAreaM2: /m² cub\./.test(shown) ? f.builtAreaM2 : null,
  };
  const base = {
    ...emptyRecord(SITE, externalId(f.n), url),
    // Without the state, operation and type are the words of the card's link (the detail slug).
    operation: f.operation,
    propertyType: f.propertyType,
    ...priceFields(f),
    ...card,
    neighborhood: f.neighborhood,
    city: f.city,
    address: f.address,
    description: f.descriptionParagraphs.join(' '),
    images: shape.markup === '2024' ? cardPhoto(f).map((src) => `${src}?isFirstImage=true`) : [],
  };
  if (!shape.state) return base;
  return {
    ...base,
    title: f.title,
    // A development's state type is the kind of project ("Desarrollos verticales"): "other".
    propertyType: f.isDevelopment ? 'other' : f.propertyType,
    // Developments carry no coded features in the state: the card's stand.
    ...(f.isDevelopment
      ? {}
      : {
          bedrooms: f.bedrooms,
          bathrooms: f.bathrooms,
          parkingSpaces: f.parkingSpaces,
          builtAreaM2: f.builtAreaM2,
          landAreaM2: f.landAreaM2,
        }),
    state: f.state,
    lat: f.lat,
    lng: f.lng,
    images: pictures(f, '720x532', STATE_PICTURES),
    publisher: f.publisher,
  };
}

// ── Detail page ────────────────────────────────────────────────────────────────────────────────

interface Feature {
  featureId: string;
  label: string;
  measure: string | null;
  value: string;
}

/** mainFeatures keyed by the Navent CFT codes (§1.3): CFT100 total m², CFT101 built m², CFT2 rec., CFT3 baños, CFT7 estac. */
function mainFeatures(f: PropertyFacts): Record<string, Feature> {
  const features: Record<string, Feature> = {};
  const feature = (code: string, label: string, value: string | null, measure: string | null = null): void => {
    if (value != null) features[code] = { featureId: code, label, measure, value };
  };
  feature('CFT100', 'Superficie total', f.landAreaM2 == null ? null : String(f.landAreaM2), 'm²');
  feature('CFT101', 'Superficie construida', f.builtAreaM2 == null ? null : String(f.builtAreaM2), 'm²');
  feature('CFT2', 'Recámaras', f.bedrooms == null ? null : String(f.bedrooms));
  feature('CFT3', 'Baños', f.bathrooms == null ? null : String(f.bathrooms));
  // "Medio baño" is not a full bath: a parser that reads it as bathrooms is wrong.
  if (f.bathrooms != null && f.n % 3 === 0) feature('CFT4', 'Medio baño', '1');
  feature('CFT7', 'Estacionamientos', f.parkingSpaces == null ? null : String(f.parkingSpaces));
  feature('CFT5', 'Antigüedad', f.n % 4 === 0 ? 'A estrenar' : String(1 + (f.n % 30)));
  return features;
}

function publicationDate(f: PropertyFacts): string {
  const seconds = hash32(`${SITE}:${f.n}:time`) % 86_400;
  const time = new Date(seconds * 1000).toISOString().slice(11, 19);
  return `${f.publishedAt}T${time}Z`;
}

/** The search a listing belongs to: avisoInfo's similarLink / urlBack (real 2024 avisoInfo). */
const similarSearch = (f: PropertyFacts): string =>
  `/${TYPE_SLUGS[f.propertyType].plural}-en-${opWord(f)}-en-${slugify(f.neighborhood)}.html`;

/**
 * The inline `avisoInfo` object, keyed as the real 2024 ones (quoted keys, JSON values inline).
 * Like the real pages, a development has no pricesData but `developmentData` (low/high ranges) and
 * an empty mainFeatures. Some variants leave fields out, as other page versions do, so the
 * parser's fallbacks are exercised: variant % 3 === 1 has no mainFeatures (only the
 * generalFeatures groups), variant % 3 === 2 has no description and no pictures (DOM only); only
 * variant % 4 === 0 has a title (the real 2024 objects carry none; §1.3 names postingTitle).
 */
function avisoInfo(f: PropertyFacts, variant: number, status: 'ONLINE' | 'OFFLINE'): Record<string, unknown> {
  const id = externalId(f.n);
  const features = mainFeatures(f);
  const sale = f.operation === 'sale';
  const development = f.isDevelopment
    ? {
        developmentData: {
          totalArea: { tuple0: f.landAreaM2, tuple1: null },
          coveredArea: { tuple0: f.builtAreaM2, tuple1: f.builtAreaM2 == null ? null : f.builtAreaM2 + 40 },
          prices: {
            tuple0:
              f.price == null
                ? null
                : {
                    isoCode: f.currency,
                    currencyId: f.currency === 'USD' ? '2' : '10',
                    currency: f.currency === 'USD' ? 'USD' : 'MN',
                    amount: f.price,
                    formattedAmount: formatAmount(f.price),
                  },
            tuple1: null,
          },
          numberOfUnits: 20 + (f.n % 280),
          rooms: { tuple0: f.bedrooms, tuple1: f.bedrooms == null ? null : f.bedrooms + 1 },
          bathrooms: { tuple0: f.bathrooms, tuple1: f.bathrooms == null ? null : f.bathrooms + 1 },
        },
        // Unit prices are higher than the "desde" price: the listing's price is not these.
        units:
          f.price != null
            ? [
                {
                  postingId: String(ID_BASE + f.n + 500_000),
                  title: 'Modelo A',
                  priceOperationTypes: [
                    { operationType: { name: 'venta' }, prices: [{ amount: f.price * 2, currency: 'MN' }] },
                  ],
                },
              ]
            : [],
      }
    : {
        pricesData: [
          {
            lowPricePercentage: null,
            operationType: { name: sale ? 'venta' : 'renta', operationTypeId: sale ? '1' : '2' },
            prices:
              f.price == null
                ? []
                : [
                    {
                      isoCode: f.currency,
                      currencyId: f.currency === 'USD' ? '2' : '10',
                      currency: f.currency === 'USD' ? 'USD' : 'MN',
                      amount: f.price,
                      formattedAmount: formatAmount(f.price),
                    },
                  ],
          },
        ],
        price: priceText(f),
      };
  return {
    similarLink: similarSearch(f),
    urlBack: similarSearch(f),
    pixelPlus: false,
    idAviso: id,
    postingCode: `INM-${hexDigits(id, 6).toUpperCase()}`,
    postingType: f.isDevelopment ? 'DEVELOPMENT' : 'PROPERTY',
    status,
    reserved: 'false',
    ...(variant % 4 === 0 ? { postingTitle: f.title } : {}),
    ...development,
    expenses: f.propertyType === 'apartment' ? String(1000 + (f.n % 20) * 100) : undefined,
    generalFeatures: {
      'Características generales': f.isDevelopment ? {} : features,
      Servicios: { 21: { featureId: '21', label: 'Gimnasio', measure: null, value: null, icon: null } },
    },
    location: { locationId: `V1-D-${hash32(f.neighborhood) % 100_000}`, ...locationTree(f) },
    description: variant % 3 === 2 ? undefined : f.descriptionParagraphs.map(escapeHtml).join('<br>'),
    address: f.address ? { name: f.address, visibility: 'EXACT' } : { name: '', visibility: 'HIDDEN' },
    mapZoom: 16,
    urlMap: bare('urlMapOf'),
    mapLat: bare('mapLatOf'),
    mapLng: bare('mapLngOf'),
    publisher: f.publisher
      ? {
          ...publisherRef(f.publisher),
          premium: false,
          license: '',
          partialPhone: '33 18',
          publisherTypeId: 2,
        }
      : undefined,
    whatsApp: f.publisher ? '52 1 3318000000' : undefined,
    pictures:
      variant % 3 === 2
        ? undefined
        : pictures(f, '1200x1200').map((url, i) => ({
            multimediaTypeId: 2,
            order: i + 1,
            url1200x1200: url,
            resizeUrl1200x1200: url,
            url730x532: pictureUrl(f, i, '720x532'),
            url360x266: pictureUrl(f, i, '360x266'),
            title: `Foto ${i + 1}`,
          })),
    mainFeatures: f.isDevelopment ? {} : variant % 3 === 1 ? undefined : features,
    realEstateType: {
      name: f.isDevelopment ? DEVELOPMENT_AVISO_TYPE : TYPE_NOUN[f.propertyType],
      realEstateTypeId: TYPE_SLUGS[f.propertyType].code,
    },
    publicationDateFormatted: publicationDate(f),
  };
}

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

function renderDetailPage(
  f: PropertyFacts,
  variant: number,
  _markup: string = MARKUPS[0],
  status: 'ONLINE' | 'OFFLINE' = 'ONLINE',
): string {
  const name = TYPE_NOUN[f.propertyType];
  const id = externalId(f.n);
  const days = Math.round((MIRROR_TODAY - Date.parse(f.publishedAt)) / 86_400_000);
  const mapUrl = `//maps.google.com/maps/api/staticmap?center=${f.lat},${f.lng}&zoom=16&size=780x456`;
  const area = f.builtAreaM2 ?? f.landAreaM2;
  const typeLine = [name, area != null ? `${area} m²` : null, f.bedrooms != null ? `${f.bedrooms} rec.` : null]
    .filter(Boolean)
    .join(' · ');
  const dataLayerInfo = {
    // Developments leave it empty, as the real 2024 one does.
    operationType: f.isDevelopment ? '' : opWord(f),
    propertyType: f.isDevelopment ? 'Desarrollo horizontal/vertical' : name,
    listingCategory: f.isDevelopment ? 'lancamentos' : 'clasificados',
    neighborhood: f.neighborhood,
    city: f.city,
    province: f.state,
    sellPrice: f.operation === 'sale' && f.price != null ? `MN ${f.price}` : '  ',
    rentalPrice: f.operation === 'rent' && f.price != null ? `MN ${f.price}` : ' ',
  };
  const doubleClick = {
    provinceId: String(hash32(f.state) % 100),
    cityId: String(hash32(f.city) % 10000),
    neighborhoodId: String(hash32(f.neighborhood) % 100_000),
  };
  const expenses =
    f.propertyType === 'apartment'
      ? `<div class="price-extra"><span class="price-expenses">Mantenimiento MN ${formatAmount(1000 + (f.n % 20) * 100)}</span></div>`
      : '';
  const icons: Array<[string, number | null, string]> = [
    ['icon-stotal', f.landAreaM2, 'm² tot.'],
    ['icon-scubierta', f.builtAreaM2, 'm² cub.'],
    ['icon-bano', f.bathrooms, 'baños'],
    ['icon-cochera', f.parkingSpaces, 'estac.'],
    ['icon-dormitorio', f.bedrooms, 'rec.'],
  ];
  const iconList = icons
    .filter(([, value]) => value != null)
    .map(([icon, value, unit]) => `<li class="icon-feature"><i class="${icon}"></i>${value} ${unit}</li>`)
    .join('');
  // Inline scripts as on the real pages: bare constants (some without semicolons), then the objects.
  return `<!DOCTYPE html>
<html lang="es-MX">
<head>
<meta charset="utf-8">
<title>${escapeHtml(f.title)} - Inmuebles24</title>
<link rel="canonical" href="${ORIGIN}${detailPath(f)}">
<meta property="og:title" content="${escapeHtml(f.title)}">
</head>
<body>
<div id="root">
<main id="article-container">
<section class="article-section-title"><h1 class="title-property">${escapeHtml(f.title)}</h1><h2 class="title-type-sup-property">${escapeHtml(typeLine)}</h2></section>
<div class="price-container-property"><div class="price-items"><div class="price-value"><span>${opWord(f)}${f.isDevelopment && f.price != null ? ' desde' : ''} ${priceText(f)}</span></div></div>${expenses}</div>
<ul id="section-icon-features-property">${iconList}</ul>
<section id="map-section" class="section-location-property"><h4>${escapeHtml([f.address, f.neighborhood, f.city, f.state].filter(Boolean).join(', '))}</h4><img class="static-map" src="${escapeHtml(mapUrl)}" alt="Mapa"></section>
<div id="new-gallery-portal">${pictures(f, '1200x1200')
    .map((src, i) => `<img src="${src}" alt="Foto ${i + 1}">`)
    .join('')}</div>
<section class="article-section-description"><div id="longDescription">${f.descriptionParagraphs.map(escapeHtml).join('<br>')}</div></section>
${f.publisher ? `<section id="reactPublisherData"><img src="${logoUrl(f.publisher)}" alt="${escapeHtml(f.publisher)}"><a data-qa="linkMicrositioAnunciante" href="${publisherPath(f.publisher)}">${escapeHtml(f.publisher)}</a></section>` : ''}
<ul id="reactPublisherCodes"><li>Cód. del anunciante: INM-${hexDigits(id, 6).toUpperCase()}</li><li>Cód. Inmuebles24: ${id}</li></ul>
<div id="user-views"><p>Publicado hace ${days} días</p><p>${hash32(`${id}:views`) % 5000} visualizaciones</p></div>
</main>
</div>
<script>
const isPreview = false;
const usersViews =  ${hash32(`${id}:views`) % 5000} 
const antiquity =  'Publicado hace ${days} días' 
const toggleVisitSchedule =  true ;

const mapLatOf =  "${base64(String(f.lat))}";
const mapLngOf =  "${base64(String(f.lng))}";
const urlMapOf = "${base64(mapUrl)}";

const showInfoDev = {
    
};

const avisoInfo = ${looseLiteral(avisoInfo(f, variant, status))};
const dataLayerInfo = ${looseLiteral(dataLayerInfo)};
const doubleClick = ${looseLiteral(doubleClick)};
</script>
</body>
</html>
`;
}

/** Where a posting is, as the results state and the detail page's avisoInfo both nest it: zone, city, state, country. */
function locationTree(f: PropertyFacts) {
  return {
    name: f.neighborhood,
    label: 'ZONA',
    depth: 3,
    parent: {
      name: f.city,
      label: 'CIUDAD',
      depth: 2,
      parent: {
        name: f.state,
        label: 'PROVINCIA',
        depth: 1,
        parent: { name: 'Mexico', label: 'PAIS', depth: 0, parent: null },
      },
    },
  };
}

function detailRecord(f: PropertyFacts): ListingRecord {
  return {
    ...emptyRecord(SITE, externalId(f.n), ORIGIN + detailPath(f)),
    ...statedFields(f),
    // A development's avisoInfo type is the kind of project ("horizontal-vertical"): "other".
    propertyType: f.isDevelopment ? 'other' : f.propertyType,
    state: f.state,
    address: f.address,
    description: f.descriptionParagraphs.join(' '),
    images: pictures(f, '1200x1200'),
    publishedAt: publicationDate(f),
  };
}

/** A removed listing (§1.3): a redirect to the home page (S-HP), or the page kept with status OFFLINE (S-DGL sample). */
function goneDetail(f: PropertyFacts, variant: number, markup: string): GoneDetailAnswer {
  return hash32(`${SITE}:${f.n}:gone`) % 2 === 0
    ? { redirect: `${ORIGIN}/` }
    : { html: renderDetailPage(f, variant, markup, 'OFFLINE') };
}

export const inmuebles24Mirror: MirrorSite = {
  site: SITE,
  host: HOST,
  pageSize: 30,
  pageSizes: { '2024': 20 },
  defaultSearchPaths: [
    '/casas-en-venta-en-zapopan.html',
    '/departamentos-en-renta-en-guadalajara.html',
    '/terrenos-en-venta-en-queretaro.html',
  ],
  markups: MARKUPS,
  robotsTxt: [
    'User-agent: *',
    'Disallow: /rp-api/',
    'Disallow: /rplis-api/',
    'Disallow: /panel/',
    'Allow: /',
    '',
    `Sitemap: ${ORIGIN}/sitemap.xml`,
    '',
  ].join('\n'),

  externalId,
  indexOf(id: string): number | null {
    if (!/^\d{9}$/.test(id)) return null;
    const n = Number(id) - ID_BASE;
    return n >= 0 && n < ID_LIMIT ? n : null;
  },

  route(url: URL): MirrorRoute | null {
    const detail = /^\/propiedades\/(?:clasificado|desarrollo)\/(?:[\w.-]+-)?(\d{9})\.html$/.exec(url.pathname);
    if (detail) return { kind: 'detail', externalId: detail[1] };
    const search = /^\/([a-z0-9][a-z0-9.-]*?)(?:-pagina-(\d+))?\.html$/.exec(url.pathname);
    if (!search) return null;
    return { kind: 'listing', searchPath: `/${search[1]}.html`, page: search[2] ? Number(search[2]) : 1 };
  },
  listPageUrl: (searchPath, page) => ORIGIN + pagePath(searchPath, page),

  renderListPage,
  cardRecord,
  detailUrl: (f) => ORIGIN + detailPath(f),
  renderDetailPage: (f, variant, markup) => renderDetailPage(f, variant, markup),
  detailRecord,
  goneDetail,
};
