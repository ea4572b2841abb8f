/**
 * Lamudi México (Lifull Connect) in the local mirror, after docs/portals.md §3 and §8.
 *
 * Results pages carry exactly one JSON-LD block (SearchResultsPage → ItemList) and the
 * `div.snippet.js-snippet` cards, in the markup generations the sources describe (§3.2, §3.4):
 *   - '2026-07' (the default): the JSON-LD items carry `geo` with latitude and longitude as strings
 *     (§3.4); some also carry `offers` (S-CIM says so, unconfirmed: both forms);
 *   - '2026-02' (the real pages of 2026-02-04, S-POLPI): items with neither price nor geo;
 *   - 'unrendered' (S-LAMJS): the page some clients get, an empty `.listings__cards` container and
 *     the JSON-LD alone.
 * As on the real 2026-02 pages, development cards (`serp-project`) are not in the JSON-LD list of a
 * rendered page. Detail pages (the same in every generation) carry a JSON-LD @graph, an
 * `initAdForm({…})` call and the DOM nodes of §3.3; some variants leave fields out of the JSON-LD so
 * that the parser's fallbacks are exercised, and some pass initAdForm a template literal or no
 * literal at all. No page declares a charset, as on the real portal (the server sends no charset).
 */
import { emptyRecord, type ListingRecord, type Operation, type PropertyType } from '../../lib/record/listing-record';
import { hash32, type PropertyFacts } from '../facts';
import { escapeHtml, formatAmount, type ListPageInput, type MirrorRoute, type MirrorSite } from '../model';
import { bare, hexDigits, jsonForScript, looseLiteral } from '../render-kit';
import { listingChoice } from './kit/choice';
import { dayMonthYear } from './kit/lifull';
import { priceFields, statedFields, unnamedArea, unnamedAreaFields } from './kit/record-fields';
import { slugify } from './kit/slugs';

const SITE = 'lamudi';
/** Markup generations of the results pages (docs/portals.md §3.2, §3.4), the current first. */
const MARKUPS = ['2026-07', '2026-02', 'unrendered'] as const;
const HOST = 'www.lamudi.com.mx';
const ORIGIN = `https://${HOST}`;
const pick = listingChoice(SITE);
/** "41032-73-d186d3fad27f-44cd-19c2717-a8fa-7239": the third hex group carries n, the rest is hash. */
const ALTERNATE_ID = /^41032-73-[0-9a-f]{12}-[0-9a-f]{4}-([0-9a-f]{7})-[0-9a-f]{4}-[0-9a-f]{4}$/;
const DESCRIPTION_PREVIEW = 120;
const AMENITIES = [
  ['security', 'Seguridad 24 horas'],
  ['terrace', 'Terraza'],
  ['gym', 'Gimnasio'],
  ['swimming_pool', 'Alberca'],
  ['garden', 'Jardín'],
] as const;

interface TypeInfo {
  /**
   * JSON-LD @type of the listing node. Sources name only Apartment and SingleFamilyResidence
   * (§3.2); for the other types the mirror uses names that say the type, as schema.org has none.
   */
  schema: string;
  /** Search-path segment (docs/portals.md §3.1). */
  slug: string;
  plural: string;
}

const TYPES: Record<PropertyType, TypeInfo> = {
  house: { schema: 'SingleFamilyResidence', slug: 'casa', plural: 'Casas' },
  apartment: { schema: 'Apartment', slug: 'departamento', plural: 'Departamentos' },
  land: { schema: 'Land', slug: 'terreno', plural: 'Terrenos' },
  office: { schema: 'Office', slug: 'offices', plural: 'Oficinas' },
  commercial: { schema: 'CommercialProperty', slug: 'comercial/venta-al-por-menor', plural: 'Locales comerciales' },
  warehouse: { schema: 'Warehouse', slug: 'comercial/industria-almacen', plural: 'Bodegas' },
  building: { schema: 'Building', slug: 'offices/edificio', plural: 'Edificios' },
  other: { schema: 'Accommodation', slug: 'inmueble', plural: 'Inmuebles' },
};

/**
 * The type segments of Lamudi's search paths (docs/portals.md §3.1: `casa`, `departamento`, `terreno`,
 * `offices/`, `offices/medico-consulting/`, `offices/edificio/`, `comercial/industria-almacen/`,
 * `comercial/venta-al-por-menor/`, `comercial/comercial-agricultura/`) and the type each names under
 * docs/listing-record.md's rules (oficina/consultorio → office, edificio → building, bodega/nave
 * (almacén) → warehouse, local (venta al por menor) → commercial, any other type → other). Stated
 * here, not read through scrapers/: the mirror is an independent oracle of what a correct parser
 * reads, so this small documented mapping is duplicated on purpose. Longest first, so
 * `offices/edificio` is not read as `offices`.
 */
const SEARCH_TYPE_SEGMENTS: ReadonlyArray<readonly [segments: string, type: PropertyType]> = [
  ['offices/medico-consulting', 'office'],
  ['offices/edificio', 'building'],
  ['comercial/industria-almacen', 'warehouse'],
  ['comercial/venta-al-por-menor', 'commercial'],
  ['comercial/comercial-agricultura', 'other'],
  ['departamento', 'apartment'],
  ['terreno', 'land'],
  ['offices', 'office'],
  ['casa', 'house'],
];

/** The type a search path names: the type segments just before its operation segment (`/{estado}/{ciudad}/{tipo}/{operacion}/`, `/{tipo}/{operacion}/`); none in `/{estado}/{operacion}/`. */
function searchType(searchPath: string): PropertyType | null {
  const beforeOperation = /^(.*)\/for-(?:sale|rent)\/?$/.exec(searchPath)?.[1] ?? '';
  return SEARCH_TYPE_SEGMENTS.find(([segments]) => `${beforeOperation}/`.endsWith(`/${segments}/`))?.[1] ?? null;
}

/** Lamudi's state slugs differ from the name in one case (§3.1). */
const stateSlug = (state: string): string => (state === 'Ciudad de México' ? 'distrito-federal' : slugify(state));

function externalId(n: number): string {
  const h = (salt: string, length: number): string => hexDigits(`${SITE}:${n}:${salt}`, length);
  return `41032-73-${h('a', 12)}-${h('b', 4)}-${n.toString(16).padStart(7, '0')}-${h('d', 4)}-${h('e', 4)}`;
}

/** data-idanuncio: the second, UUID-shaped id of a listing (not the one in URLs). */
function uuid(n: number): string {
  const h = (salt: string, length: number): string => hexDigits(`${SITE}:${n}:uuid:${salt}`, length);
  return `019c${h('a', 4)}-${h('b', 4)}-7${h('c', 3)}-a${h('d', 3)}-${h('e', 12)}`;
}

const detailPath = (f: PropertyFacts): string => `/${f.isDevelopment ? 'desarrollo' : 'detalle'}/${externalId(f.n)}`;
const opSlug = (operation: Operation): string => (operation === 'sale' ? 'for-sale' : 'for-rent');
const searchPathOf = (f: PropertyFacts): string =>
  `/${stateSlug(f.state)}/${slugify(f.city)}/${TYPES[f.propertyType].slug}/${opSlug(f.operation)}/`;
const pageUrl = (searchPath: string, page: number): string =>
  `${ORIGIN}${searchPath}${page > 1 ? `?page=${page}` : ''}`;

/** Photos are served by an image proxy whose path is base64 JSON (bucket, key, resize) (§3.2). */
function imageUrl(f: PropertyFacts, index: number, size: 'card' | 'detail'): string {
  const resize = size === 'card' ? { width: 360, height: 270 } : { width: 1024, height: 768 };
  const spec = {
    bucket: 'lamudi-mx-listings',
    key: `listings/${externalId(f.n)}/${index}.jpg`,
    edits: { resize: { ...resize, fit: 'cover' } },
  };
  return `https://img.lamudi.com.mx/${Buffer.from(JSON.stringify(spec)).toString('base64url')}`;
}

const detailImages = (f: PropertyFacts): string[] =>
  Array.from({ length: f.imageCount }, (_, i) => imageUrl(f, i, 'detail'));
const description = (f: PropertyFacts): string => f.descriptionParagraphs.join(' ');

function priceText(f: PropertyFacts): string {
  if (f.price == null) return 'Consultar precios';
  return f.currency === 'USD' ? `USD ${formatAmount(f.price)}` : `$ ${formatAmount(f.price)} MXN`;
}

/** The page a client without JavaScript rendering gets: cards container empty, JSON-LD only (S-LAMJS). */
const isUnrendered = (input: ListPageInput): boolean => input.markup === 'unrendered';
/** The 2026-07 build: every JSON-LD item carries geo, latitude and longitude as strings (§3.4). */
const hasGeo = (input: ListPageInput): boolean => input.markup === '2026-07';
/** 2026-07 items carrying `offers` too (S-CIM saw them; unconfirmed, so only some). */
const hasOffers = (f: PropertyFacts, input: ListPageInput): boolean =>
  hasGeo(input) && f.price != null && pick(f, 'rich-item', 4) === 0;
/** Items of the JSON-LD list: on a rendered page the development cards are left out, as on the real 2026-02 pages. */
const inJsonLd = (f: PropertyFacts, input: ListPageInput): boolean => isUnrendered(input) || !f.isDevelopment;

/** Operation of a whole results page: Lamudi puts it only in the search path (for-sale / for-rent). */
function searchOperation(searchPath: string): Operation | null {
  return /\/for-sale\//.test(searchPath) ? 'sale' : /\/for-rent\//.test(searchPath) ? 'rent' : null;
}

function searchTitle(searchPath: string): string {
  const type = Object.values(TYPES).find((t) => searchPath.includes(`/${t.slug}/`));
  const op = searchOperation(searchPath);
  return `${type?.plural ?? 'Inmuebles'} en ${op === 'rent' ? 'Renta' : 'Venta'}`;
}

/** The JSON-LD node of a listing; `extra` adds or overrides properties (offers, geo, amenities …). */
function listingNode(f: PropertyFacts, images: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  const area = unnamedArea(f);
  return {
    '@type': TYPES[f.propertyType].schema,
    '@id': ORIGIN + detailPath(f),
    url: ORIGIN + detailPath(f),
    name: f.title,
    description: f.descriptionParagraphs.join('\n'),
    image: images.length > 0 ? images : undefined,
    numberOfBedrooms: f.bedrooms ?? undefined,
    numberOfBathroomsTotal: f.bathrooms ?? undefined,
    floorSize: area != null ? { '@type': 'QuantitativeValue', value: area, unitCode: 'MTK' } : undefined,
    address: {
      '@type': 'PostalAddress',
      streetAddress: f.address ?? undefined,
      addressLocality: f.city,
      addressRegion: f.state,
      addressCountry: 'MX',
    },
    ...extra,
  };
}

function listJsonLd(input: ListPageInput): string {
  const url = pageUrl(input.searchPath, input.page);
  const items = input.items
    .filter((f) => inJsonLd(f, input))
    .map((f, i) => {
      const offers = hasOffers(f, input) ? { '@type': 'Offer', price: f.price, priceCurrency: f.currency } : undefined;
      const geo = hasGeo(input)
        ? { '@type': 'GeoCoordinates', latitude: String(f.lat), longitude: String(f.lng) }
        : undefined;
      const image = f.imageCount > 0 ? [imageUrl(f, 0, 'card')] : [];
      return { '@type': 'ListItem', position: i + 1, item: listingNode(f, image, { offers, geo }) };
    });
  // S-LAMJS: mainEntity may also hold a list of "similar" ads (not on this page) and a FAQPage.
  const similar = input.items.slice(0, 3).map((f, i) => ({
    '@type': 'ListItem',
    position: i + 1,
    item: {
      '@type': 'Accommodation',
      url: `${ORIGIN}/detalle/${externalId(f.n + 5_000_000)}`,
      name: `Propiedad similar en ${f.city}`,
    },
  }));
  const extraEntities =
    input.variant % 2 === 0 && similar.length > 0
      ? [
          { '@type': 'ItemList', name: 'Propiedades similares', itemListElement: similar },
          {
            '@type': 'FAQPage',
            mainEntity: [
              {
                '@type': 'Question',
                name: `¿Cuántas ${searchTitle(input.searchPath).toLowerCase()} hay?`,
                acceptedAnswer: { '@type': 'Answer', text: `Hay ${formatAmount(input.totalCount)} anuncios.` },
              },
            ],
          },
        ]
      : [];
  const data = [
    {
      '@context': 'https://schema.org',
      '@graph': [
        {
          '@type': 'SearchResultsPage',
          '@id': `${url}#webpage`,
          url,
          name: searchTitle(input.searchPath),
          breadcrumb: {
            '@type': 'BreadcrumbList',
            itemListElement: [{ '@type': 'ListItem', position: 1, name: 'Inicio', item: `${ORIGIN}/` }],
          },
          mainEntity: [{ '@type': 'ItemList', numberOfItems: items.length, itemListElement: items }, ...extraEntities],
        },
      ],
    },
  ];
  return `<script type="application/ld+json">${jsonForScript(data)}</script>`;
}

function renderCard(f: PropertyFacts): string {
  const id = externalId(f.n);
  const href = detailPath(f);
  const title = escapeHtml(f.title);
  const area = unnamedArea(f);
  const full = description(f);
  const preview = full.length > DESCRIPTION_PREVIEW ? `${full.slice(0, DESCRIPTION_PREVIEW).trimEnd()}...` : full;
  const price =
    f.isDevelopment && f.price != null ? `<span class="price-from">Desde</span> ${priceText(f)}` : priceText(f);
  const properties = [
    f.bedrooms != null
      ? `<span class="property"><span class="property__number bedrooms" data-test="bedrooms-value">${f.bedrooms}</span> Recámaras</span>`
      : '',
    f.bathrooms != null
      ? `<span class="property"><span class="property__number bathrooms" data-test="full-bathrooms-value">${f.bathrooms}</span> Baños</span>`
      : '',
    area != null
      ? `<span class="property"><span class="property__number area" data-test="area-value">${formatAmount(area)} m²</span></span>`
      : '',
  ];
  // The "principal amenity" slot shows parking when there is any, else another amenity (not parking).
  if (f.parkingSpaces != null) {
    properties.push(
      `<span class="property"><span class="property__number principal-amenity car_park" data-test="amenity-value">${f.parkingSpaces} ${f.parkingSpaces === 1 ? 'Estacionamiento' : 'Estacionamientos'}</span></span>`,
    );
  } else if (pick(f, 'amenity-shown', 2) === 0) {
    const [type, label] = AMENITIES[pick(f, 'amenity', AMENITIES.length)];
    properties.push(
      `<span class="property"><span class="property__number principal-amenity ${type}" data-test="amenity-value">${label}</span></span>`,
    );
  }
  const tags = [
    pick(f, 'new', 3) === 0 ? 'Recién publicado' : '',
    pick(f, 'featured', 5) === 0 ? 'Destacado' : '',
    f.isDevelopment ? 'Entrega Enero 2027' : '',
  ]
    .filter(Boolean)
    .map((tag) => `<span class="listing-tag">${tag}</span>`)
    .join('');
  const premium = f.publisher != null && pick(f, 'premium', 3) === 0;
  const agency = f.publisher
    ? `<div class="agency"><img class="agency__logo" src="https://img.lamudi.com.mx/agencies/${hexDigits(f.publisher, 8)}.png" alt=""><div class="agency__text"><span class="agency__text__name" data-test="agency-name">${escapeHtml(f.publisher)}</span><span class="agency__text__since">Miembro desde ${2010 + pick(f, 'since', 14)}</span></div></div>${premium ? `<div class="snippet__content__agency__name"><i class="icon-crown"></i>${escapeHtml(f.publisher)}</div>` : ''}`
    : '';
  return `<div class="snippet js-snippet ${f.isDevelopment ? 'project' : 'normal'}" data-test="${f.isDevelopment ? 'serp-project' : 'normal-listing'}" data-idanuncio="${uuid(f.n)}" data-alternateid="${id}">
<div class="snippet__image"><a href="${href}">${f.imageCount > 0 ? `<img src="${imageUrl(f, 0, 'card')}" alt="${title}" loading="lazy">` : '<div class="snippet__image--placeholder"></div>'}</a><div class="swiper-pagination"><span class="swiper-pagination-current">1</span> / <span class="swiper-pagination-total">${f.imageCount}</span></div><wl-favorite listingId="${id}"></wl-favorite></div>
<div class="listing-tags">${tags}</div>
<div class="snippet__content">
<a href="${href}" class="snippet__content__link"><span class="snippet__content__title" itemprop="name" content="${title}">${title}</span></a>
<div class="snippet__content__location"><span data-test="snippet-content-location">${escapeHtml(`${f.neighborhood}, ${f.city}, ${f.state}`)}</span></div>
<div class="snippet__content__price" data-test="price">${price}</div>
<div class="snippet__content__properties">${properties.join('')}</div>
<div class="snippet__content__description" data-itemdescription="true" content="${escapeHtml(full)}">${escapeHtml(preview)}</div>
${agency}
<button class="js-whatsapp" value="https://api.whatsapp.com/send?phone=+5233${String(hash32(`${id}:phone`))
    .padStart(8, '0')
    .slice(-8)}">WhatsApp</button>
</div>
</div>`;
}

function pagination(input: ListPageInput): string {
  if (input.items.length === 0) return '';
  const prev =
    input.page > 1
      ? `<a id="pagination-prev" data-test="pagination-prev" href="${pageUrl(input.searchPath, input.page - 1)}">Anterior</a>`
      : '';
  const last = input.page >= input.totalPages;
  // On the last page the next link either disappears or stays with data-islast="true" and an
  // href to the page itself: only data-islast tells that it leads nowhere.
  const next = !last
    ? `<a id="pagination-next" data-test="pagination-next" href="${pageUrl(input.searchPath, input.page + 1)}" data-islast="false">Siguiente</a>`
    : input.variant % 2 === 0
      ? `<a id="pagination-next" data-test="pagination-next" href="${pageUrl(input.searchPath, input.page)}" data-islast="true">Siguiente</a>`
      : '';
  return `<div class="pagination">${prev}<span class="sort-text">Página ${input.page} de ${input.totalPages}</span>${next}</div>`;
}

function renderListPage(input: ListPageInput): string {
  const cards = isUnrendered(input) ? '' : input.items.map(renderCard).join('\n');
  const noResults =
    input.items.length === 0
      ? '<div class="no-results"><h2>No encontramos resultados para tu búsqueda</h2><p>Intenta con otros filtros.</p></div>'
      : '';
  // No <meta charset>: Lamudi declares none (§3.2, S-CIM), the bytes are UTF-8.
  return `<!DOCTYPE html>
<html lang="es-MX">
<head>
<title>${escapeHtml(searchTitle(input.searchPath))} | Lamudi</title>
<link rel="canonical" href="${pageUrl(input.searchPath, input.page)}">
${listJsonLd(input)}
</head>
<body>
<header class="header"><a href="/" class="header__logo">Lamudi</a></header>
<main class="listings">
<div class="title-section"><h1 class="title-section__title">${escapeHtml(searchTitle(input.searchPath))}</h1><span class="title-section__result-number" data-test="title-section-result-number">${formatAmount(input.totalCount)}</span></div>
<div class="listings__cards">${cards}</div>
${noResults}
${pagination(input)}
</main>
<footer class="footer"><a href="https://www.lifullconnect.com/global-privacy-policy-region6/">Política de privacidad</a></footer>
</body>
</html>
`;
}

function cardRecord(f: PropertyFacts, input: ListPageInput): ListingRecord {
  const rendered = !isUnrendered(input);
  const item = inJsonLd(f, input);
  // Without the card, the price is only known from an item's offers, and "Consultar precios" is
  // not shown at all.
  const price =
    rendered || hasOffers(f, input) ? priceFields(f) : { price: null, currency: null, priceOnRequest: false };
  // A card with no JSON-LD item (a development) has no type but the search path's word, which
  // also decides where its one unnamed area goes.
  const propertyType = item ? f.propertyType : searchType(input.searchPath);
  const area = unnamedArea(f);
  return {
    ...emptyRecord(SITE, externalId(f.n), ORIGIN + detailPath(f)),
    title: f.title,
    operation: searchOperation(input.searchPath),
    propertyType,
    ...price,
    bedrooms: f.bedrooms,
    bathrooms: f.bathrooms,
    parkingSpaces: rendered ? f.parkingSpaces : null,
    ...(item
      ? unnamedAreaFields(f)
      : propertyType === 'land'
        ? { builtAreaM2: null, landAreaM2: area }
        : { builtAreaM2: area, landAreaM2: null }),
    neighborhood: rendered ? f.neighborhood : null,
    city: f.city,
    state: f.state,
    address: item ? f.address : null,
    lat: item && hasGeo(input) ? f.lat : null,
    lng: item && hasGeo(input) ? f.lng : null,
    description: description(f),
    images: f.imageCount > 0 ? [imageUrl(f, 0, 'card')] : [],
    publisher: rendered ? f.publisher : null,
  };
}

// ── Detail page ────────────────────────────────────────────────────────────────────────────────

/**
 * The detail JSON-LD. variant % 3 === 1 leaves out geo and the street (→ initAdForm);
 * variant % 3 === 2 leaves out description, images and the key facts (→ DOM).
 */
function detailJsonLd(f: PropertyFacts, variant: number): string {
  const search = searchPathOf(f);
  const breadcrumb = [
    ['Inicio', '/'],
    [f.state, `/${stateSlug(f.state)}/`],
    [f.city, `/${stateSlug(f.state)}/${slugify(f.city)}/`],
    [`${TYPES[f.propertyType].plural} en ${f.operation === 'sale' ? 'venta' : 'renta'}`, search],
  ];
  const amenities = [
    ...(f.parkingSpaces != null
      ? [{ '@type': 'LocationFeatureSpecification', name: 'Estacionamientos', value: f.parkingSpaces }]
      : []),
    {
      '@type': 'LocationFeatureSpecification',
      name: AMENITIES[pick(f, 'amenity', AMENITIES.length)][1],
      value: true,
    },
  ];
  let node = listingNode(f, detailImages(f), {
    // Detail pages name their areas: floorSize is the built area, the plot is in the DOM only.
    floorSize:
      f.builtAreaM2 != null ? { '@type': 'QuantitativeValue', value: f.builtAreaM2, unitCode: 'MTK' } : undefined,
    geo: { '@type': 'GeoCoordinates', latitude: f.lat, longitude: f.lng },
    amenityFeature: amenities,
  });
  if (variant % 3 === 1)
    node = { ...node, geo: undefined, address: { ...(node.address as object), streetAddress: undefined } };
  if (variant % 3 === 2) {
    node = {
      ...node,
      description: undefined,
      image: undefined,
      numberOfBedrooms: undefined,
      numberOfBathroomsTotal: undefined,
      floorSize: undefined,
      amenityFeature: undefined,
    };
  }
  const graph = [
    {
      '@type': 'BreadcrumbList',
      itemListElement: [
        ...breadcrumb.map(([name, path], i) => ({ '@type': 'ListItem', position: i + 1, name, item: ORIGIN + path })),
        { '@type': 'ListItem', position: breadcrumb.length + 1, name: f.title },
      ],
    },
    { '@type': 'Organization', name: 'Lamudi', url: `${ORIGIN}/`, logo: `${ORIGIN}/static/logo.svg` },
    node,
  ];
  return `<script type="application/ld+json">${jsonForScript({ '@context': 'https://schema.org', '@graph': graph })}</script>`;
}

/**
 * The `initAdForm({…})` call (§3.3). On variant % 6 === 0 the literal also holds a template literal
 * (code, not data: a reader must skip it, not fail); on variant % 6 === 3 the call passes a variable,
 * so nothing in it can be read. Both happen only where the JSON-LD carries every field
 * (variant % 3 === 0, see detailJsonLd).
 */
function initAdFormScript(f: PropertyFacts, variant: number): string {
  const options = {
    adUrl: detailPath(f),
    adId: uuid(f.n),
    province: f.state,
    district: f.city,
    country: 'México',
    mapData: {
      adLocationData: {
        address: f.address ?? '',
        locality: f.neighborhood,
        coordinates: { latitude: f.lat, longitude: f.lng },
      },
      zoom: 15,
    },
    onSubmit: bare('handleLeadSubmit'),
    // bare() writes its text as is: here a template literal.
    ...(variant % 6 === 0
      ? { whatsappMessage: bare('`Hola, me interesa ${document.title} (${window.location.href})`') }
      : {}),
  };
  if (variant % 6 === 3) {
    return `<script>
var adFormOptions = ${looseLiteral(options)};
window.addEventListener('DOMContentLoaded', function () {
  initAdForm(adFormOptions);
});
</script>`;
  }
  return `<script>
window.addEventListener('DOMContentLoaded', function () {
  initAdForm(${looseLiteral(options, '  ')});
});
</script>`;
}

function renderDetailPage(f: PropertyFacts, variant: number): string {
  const title = escapeHtml(f.title);
  const price = f.isDevelopment && f.price != null ? `Desde ${priceText(f)}` : priceText(f);
  const details = [
    f.bedrooms != null
      ? `<div class="details-item"><span class="details-item-value">${f.bedrooms}</span> Recámaras</div>`
      : '',
    f.bathrooms != null
      ? `<div class="details-item"><span class="details-item-value">${f.bathrooms}</span> Baños</div>`
      : '',
    f.parkingSpaces != null
      ? `<div class="details-item"><span class="details-item-value">${f.parkingSpaces}</span> Estacionamientos</div>`
      : '',
    f.landAreaM2 != null
      ? `<div class="details-item">Terreno <span class="details-item-value" data-test="plot-area-value">${formatAmount(f.landAreaM2)} m²</span></div>`
      : '',
    f.builtAreaM2 != null
      ? `<div class="details-item">Construcción <span class="details-item-value" data-test="floor-value">${formatAmount(f.builtAreaM2)} m²</span></div>`
      : '',
  ].join('');
  const full = f.descriptionParagraphs.map(escapeHtml).join('<br>');
  const crumbs = [
    `<a href="/${stateSlug(f.state)}/">${escapeHtml(f.state)}</a>`,
    `<a href="/${stateSlug(f.state)}/${slugify(f.city)}/">${escapeHtml(f.city)}</a>`,
    `<a href="${searchPathOf(f)}">${TYPES[f.propertyType].plural} en ${f.operation === 'sale' ? 'venta' : 'renta'}</a>`,
  ];
  const fees =
    f.propertyType === 'apartment'
      ? `<div class="prices-and-fees__community-fees"><span class="prices-and-fees__community-fees__community-price">$ ${formatAmount(1500 + (f.n % 10) * 100)} MXN</span></div>`
      : '';
  return `<!DOCTYPE html>
<html lang="es-MX">
<head>
<title>${title} | Lamudi</title>
<meta property="og:title" content="${title}">
<link rel="canonical" href="${ORIGIN}${detailPath(f)}">
${detailJsonLd(f, variant)}
</head>
<body>
<div class="detail-page__main-content">
<ul class="breadcrumb"><li><a href="/">Inicio</a></li>${crumbs.map((crumb) => `<li>${crumb}</li>`).join('')}</ul>
<div class="main-title"><h1>${title}</h1></div>
<div class="photos"><div class="swiper-wrapper">${detailImages(f)
    .map((src, i) => `<div class="swiper-slide"><img src="${src}" alt="${title} ${i + 1}"></div>`)
    .join('')}</div></div>
<div class="prices-and-fees"><div class="prices-and-fees__price">${price}</div>${fees}</div>
<div class="details">${details}</div>
<div class="place-features"><div class="condition"><span>Estado</span><span>${f.n % 2 ? 'Excelente' : 'Bueno'}</span></div><div class="year"><span>Año de construcción</span><span>${1990 + (f.n % 35)}</span></div></div>
<div id="description-text" class="description" data-expandeddescription="${escapeHtml(full)}">${escapeHtml(f.descriptionParagraphs[0])}...</div>
<div class="facilities"><div class="facilities__item">${AMENITIES[pick(f, 'amenity', AMENITIES.length)][1]}</div></div>
<div class="view-map"><span class="view-map__text">${escapeHtml(`${f.neighborhood}, ${f.city}, ${f.state}`)}</span></div>
<div class="left-details"><span class="date">${dayMonthYear(f.publishedAt)} - Anuncio actualizado</span></div>
${f.publisher ? `<div class="agency"><span data-test="agency-name">${escapeHtml(f.publisher)}</span><a class="agency__phone" href="tel:+523300000000">33 **** ****</a></div>` : ''}
</div>
${initAdFormScript(f, variant)}
</body>
</html>
`;
}

function detailRecord(f: PropertyFacts): ListingRecord {
  return {
    ...emptyRecord(SITE, externalId(f.n), ORIGIN + detailPath(f)),
    ...statedFields(f),
    state: f.state,
    address: f.address,
    description: description(f),
    images: detailImages(f),
    publishedAt: f.publishedAt,
  };
}

export const lamudiMirror: MirrorSite = {
  site: SITE,
  host: HOST,
  pageSize: 30,
  defaultSearchPaths: [
    '/jalisco/zapopan/casa/for-sale/',
    '/distrito-federal/departamento/for-rent/',
    '/nuevo-leon/monterrey/terreno/for-sale/',
  ],
  // §3.4: listing pages allowed; forms, prefetch and search-filter/action/version URLs not.
  markups: MARKUPS,
  robotsTxt: [
    'User-agent: *',
    'Disallow: /*search-filter*',
    'Disallow: /*action=*',
    'Disallow: /*version=*',
    'Disallow: /formulario/',
    'Disallow: /prefetch/',
    '',
    `Sitemap: ${ORIGIN}/sitemap.xml`,
    '',
  ].join('\n'),

  externalId,
  indexOf(id: string): number | null {
    const match = ALTERNATE_ID.exec(id);
    if (!match) return null;
    const n = parseInt(match[1], 16);
    return externalId(n) === id ? n : null;
  },

  route(url: URL): MirrorRoute | null {
    const detail = /^\/(?:detalle|desarrollo)\/([0-9a-f-]+)\/?$/.exec(url.pathname);
    if (detail) return { kind: 'detail', externalId: detail[1] };
    if (!/^\/(?:[a-z0-9-]+\/)*for-(?:sale|rent)\/$/.test(url.pathname)) return null;
    const page = url.searchParams.get('page') ?? '1';
    return /^[1-9]\d*$/.test(page) ? { kind: 'listing', searchPath: url.pathname, page: Number(page) } : null;
  },
  listPageUrl: pageUrl,

  renderListPage,
  cardRecord,
  detailUrl: (f) => ORIGIN + detailPath(f),
  renderDetailPage,
  detailRecord,
};
