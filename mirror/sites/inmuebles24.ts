/**
 * Inmuebles24 (Navent platform) in the local mirror, after portals.md §1 and §8.
 *
 * Results pages carry the 2024 `data-qa` hooks (the stable part) inside hashed class names that
 * change with the page variant (styled-components "sc-…" or CSS-module "…-module__…___hash"), plus
 * the noise of the real page: ad slots, a Turnstile widget, an SEO link block. Detail pages carry
 * the inline `avisoInfo` object as a loose JavaScript literal, base64 coordinates and the DOM nodes
 * older scrapers read. cardRecord/detailRecord state exactly what those pages show.
 */
import { emptyRecord, type ListingRecord, type PropertyType } from '../../lib/record/listing-record';
import { hash32, PLACES, type PropertyFacts } from '../facts';
import { escapeHtml, formatAmount, type ListPageInput, type MirrorRoute, type MirrorSite } from '../model';
import { bare, hexDigits, jsonForScript, looseLiteral } from '../render-kit';
import { priceFields, slugify, TYPE_NOUN } from './page-kit';

const SITE = 'inmuebles24';
const HOST = 'www.inmuebles24.com';
const ORIGIN = `https://${HOST}`;
/** Listing ids are 9-digit numbers (portals.md §1.2 shows 142082805). */
const ID_BASE = 140_000_000;
const ID_LIMIT = 1_000_000_000 - ID_BASE;
const CARD_IMAGES = 3;
/** "Today" for the relative "Publicado hace N días" line, so pages stay deterministic. */
const MIRROR_TODAY = Date.UTC(2026, 10, 1);

interface TypeWords {
  /** Plural slug of search paths, e.g. /casas-en-venta-en-zapopan.html */
  plural: string;
  /** Two letters of the Navent detail-URL prefix ("veclcain" = venta, clasificado, casa). */
  code: string;
}

const TYPE_SLUGS: Record<PropertyType, TypeWords> = {
  house: { plural: 'casas', code: 'ca' },
  apartment: { plural: 'departamentos', code: 'ap' },
  land: { plural: 'terrenos', code: 'te' },
  office: { plural: 'oficinas', code: 'of' },
  commercial: { plural: 'locales-comerciales', code: 'lc' },
  warehouse: { plural: 'bodegas-comerciales', code: 'bo' },
  building: { plural: 'edificios', code: 'ed' },
  other: { plural: 'inmuebles', code: 'in' },
};

/** The two forms of a hidden price; both mean "on request" (S-EPS skips prices that say "ocultar"). */
const HIDDEN_PRICE = ['Consultar precio', 'Precio oculto'];

const externalId = (n: number): string => String(ID_BASE + n);
const opWord = (f: PropertyFacts): string => (f.operation === 'sale' ? 'venta' : 'renta');

function detailPath(f: PropertyFacts): string {
  const type = TYPE_SLUGS[f.propertyType];
  const slug = slugify(`${TYPE_NOUN[f.propertyType]} en ${opWord(f)} ${f.neighborhood} ${f.city}`);
  // Older URLs start with a Navent code (operation, kind, type); newer ones have none (§1.3).
  const prefix = f.n % 5 === 0 ? '' : `${f.operation === 'sale' ? 've' : 'al'}${f.isDevelopment ? 'em' : 'cl'}${type.code}in-`;
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

function priceText(f: PropertyFacts, variant: number): string {
  if (f.price == null) return HIDDEN_PRICE[(f.n + variant) % HIDDEN_PRICE.length];
  return `${f.currency === 'USD' ? 'USD' : 'MN'} ${formatAmount(f.price)}`;
}

/** Card features in the portal's order and wording: "835 m² tot.", "120 m² cub.", "3 rec." … */
function cardFeatures(f: PropertyFacts, modernMarkup: boolean): string[] {
  const features: string[] = [];
  if (f.isDevelopment) features.push(`${20 + (f.n % 280)} un.`);
  // The 2025-26 cards label the land of a plot "lote" (§1.2).
  if (f.landAreaM2 != null) features.push(`${formatAmount(f.landAreaM2)} m² ${modernMarkup && f.propertyType === 'land' ? 'lote' : 'tot.'}`);
  if (f.builtAreaM2 != null) features.push(`${formatAmount(f.builtAreaM2)} m² cub.`);
  // Developments show a range of unit sizes; the record keeps the low end.
  if (f.bedrooms != null) features.push(f.isDevelopment ? `${f.bedrooms} a ${f.bedrooms + 1} rec.` : `${f.bedrooms} rec.`);
  if (f.bathrooms != null) features.push(`${f.bathrooms} ${f.bathrooms === 1 ? 'baño' : 'baños'}`);
  if (f.parkingSpaces != null) features.push(`${f.parkingSpaces} estac.`);
  return features;
}

/** Whether the card's publisher logo carries the agency name in its alt text (not every logo does). */
const logoNamesPublisher = (f: PropertyFacts): boolean => f.publisher != null && hash32(`${SITE}:${f.n}:logo`) % 4 !== 0;

/**
 * Hashed class names: the suffix depends on the page variant, so a parser that relies on them
 * breaks on the next page. Odd variants use 2025-26 CSS modules, even ones 2024 styled-components.
 */
function classNamer(variant: number): (block: string, element: string) => string {
  const modules = variant % 2 === 1;
  return (block, element) => {
    const hash = hexDigits(`${variant}:${block}:${element}`, 6);
    return modules ? `${block}-module__${element}___${hash.slice(0, 5)}` : `sc-${hash.slice(0, 5)}-0 ${hash.slice(1)}`;
  };
}

function searchLabel(searchPath: string): string {
  const words = searchPath.replace(/^\//, '').replace(/\.html$/, '').replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * The SEO block of related searches Navent results pages end with (S-DGL). It also keeps even a
 * "no results" page as large as real ones, so its Turnstile widget is not taken for a challenge
 * page (scrapers/page.ts counts challenge markers on small pages only).
 */
const RELATED_SEARCHES = PLACES.flatMap((place) =>
  [place.city, ...place.neighborhoods.map((hood) => `${hood} ${place.city}`)].flatMap((where) =>
    Object.values(TYPE_SLUGS).slice(0, 7).flatMap((type) =>
      ['venta', 'renta'].map((op) => {
        const path = `/${type.plural}-en-${op}-en-${slugify(where)}.html`;
        return `<li><a href="${path}">${escapeHtml(`${searchLabel(`/${type.plural}-en-${op}-en`)} ${where}`)}</a></li>`;
      }),
    ),
  ),
).join('\n');

function renderCard(f: PropertyFacts, index: number, input: ListPageInput): string {
  const cls = classNamer(input.variant);
  const modern = input.variant % 2 === 1;
  const kind = f.isDevelopment ? 'DEVELOPMENT' : 'PROPERTY';
  const href = detailPath(f);
  const caption = `${TYPE_NOUN[f.propertyType]}${f.bedrooms != null ? ` de ${f.bedrooms} recámaras` : ''}, ${f.city} · ${f.neighborhood}`;
  const images = pictures(f, '360x266', CARD_IMAGES);
  // Some carousels repeat their first slide at the end (a loop clone): the record must not.
  if (images.length > 1 && input.variant % 3 === 0) images.push(images[0]);
  const gallery = images.map((src) => `<img src="${src}" alt="${escapeHtml(caption)}" loading="lazy">`).join('');
  const addressClass = modern ? cls('postingLocations', 'location-address') : `${cls('postingLocations', 'location-address')} postingAddress`;
  const publisherQa = f.isDevelopment ? 'POSTING_CARD_PUBLISHER_DEV' : 'POSTING_CARD_PUBLISHER';
  const logo = f.publisher
    ? `<img data-qa="${publisherQa}" src="https://img10.naventcdn.com/empresas/logos/${hexDigits(f.publisher, 8)}.jpg" alt="${logoNamesPublisher(f) ? escapeHtml(f.publisher) : ''}">`
    : '';
  const expenses = f.propertyType === 'apartment' && f.n % 3 === 0 ? `<div data-qa="expensas" class="${cls('postingPrices', 'expenses')}">MN ${formatAmount(1000 + (f.n % 20) * 100)} Mantenimiento</div>` : '';
  return `<div class="${cls('postingsList', 'card-container')}">
<div data-qa="posting ${kind}" data-id="${externalId(f.n)}" data-to-posting="${href}" data-posting-type="${kind}" class="${cls('postingCardLayout', 'posting-card-layout')}">
<div data-qa="POSTING_CARD_GALLERY" class="${cls('postingGallery', 'gallery')}">${gallery}</div>
<div class="${cls('postingCard', 'posting-card-data')}">
${index % 7 === 0 ? `<div class="${cls('postingCard', 'highlight')}">Super destacado</div>` : ''}
<div class="${cls('postingPrices', 'prices')}">${f.isDevelopment && f.price != null ? `<span class="${cls('postingPrices', 'from')}">Precios desde</span>` : ''}<div data-qa="POSTING_CARD_PRICE" class="${cls('postingPrices', 'price')}">${priceText(f, input.variant)}</div>${expenses}</div>
${f.address ? `<div class="${addressClass}">${escapeHtml(f.address)}</div>` : ''}
<h2 data-qa="POSTING_CARD_LOCATION" class="${cls('postingLocations', 'location-text')}">${escapeHtml(`${f.neighborhood}, ${f.city}`)}</h2>
<h3 data-qa="POSTING_CARD_FEATURES" class="${cls('postingMainFeatures', 'main-features')}">${cardFeatures(f, modern).map((text) => `<span><i class="icon-feature"></i>${text}</span>`).join('')}</h3>
<h3 data-qa="POSTING_CARD_DESCRIPTION" class="${cls('postingCard', 'posting-description')}"><a href="${href}">${f.descriptionParagraphs.map(escapeHtml).join('<br>')}</a></h3>
<div class="${cls('postingPublisher', 'container-logo-publisher')}">${logo}</div>
<button data-qa="CARD_FAV" class="${cls('postingCard', 'fav')}" aria-label="Favorito"></button><button data-qa="CARD_WHATSAPP">WhatsApp</button><button data-qa="CARD_CONTACT_MODAL">Contactar</button>
</div>
</div>
</div>`;
}

function adSlot(index: number, cls: (block: string, element: string) => string): string {
  return `<div class="${cls('adsense', 'slot')}" id="div-gpt-ad-listado-${index}"><span>Publicidad</span><iframe title="anuncio" src="about:blank"></iframe></div>`;
}

function pagination(input: ListPageInput, cls: (block: string, element: string) => string): string {
  const first = Math.max(1, Math.min(input.page - 2, input.totalPages - 4));
  const last = Math.min(input.totalPages, first + 4);
  const links: string[] = [];
  for (let page = first; page <= last; page++) {
    const current = page === input.page ? ' aria-current="page"' : '';
    links.push(`<a data-qa="PAGING_${page}" href="${pagePath(input.searchPath, page)}" class="${cls('paging', 'page-item')}"${current}>${page}</a>`);
  }
  if (input.page < input.totalPages) {
    links.push(`<a data-qa="PAGING_NEXT" href="${pagePath(input.searchPath, input.page + 1)}" class="${cls('paging', 'page-arrow')}">Siguiente</a>`);
  }
  return `<div class="${cls('paging', 'container')}">${links.join('')}</div>`;
}

/** JSON-LD blocks: always WebSite; on some pages also the 2026 mainEntity list of listing URLs (S-EPS). */
function jsonLd(input: ListPageInput): string {
  const blocks: unknown[] = [
    { '@context': 'https://schema.org', '@type': 'WebSite', name: 'Inmuebles24', url: `${ORIGIN}/` },
  ];
  if (input.variant % 3 !== 1 && input.items.length > 0) {
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
  const cls = classNamer(input.variant);
  const label = searchLabel(input.searchPath);
  const body = input.items.length
    ? input.items.map((f, i) => (i === 4 || i === 14 ? adSlot(i, cls) : '') + renderCard(f, i, input)).join('\n')
    : `<div class="${cls('noResults', 'container')}"><h2>No encontramos resultados para tu búsqueda</h2><p>Prueba con otra ubicación o quita algunos filtros.</p></div>`;
  return `<!DOCTYPE html>
<html lang="es-MX">
<head>
<meta charset="utf-8">
<title>${escapeHtml(label)} - Inmuebles24</title>
<link rel="canonical" href="${ORIGIN}${pagePath(input.searchPath, input.page)}">
${jsonLd(input)}
</head>
<body>
<header class="${cls('header', 'container')}"><a href="/">Inmuebles24</a></header>
<main class="${cls('layout', 'main')}">
<h1 class="${cls('postingsTitle', 'title')}">${formatAmount(input.totalCount)} ${escapeHtml(label)}</h1>
<div class="${cls('turnstile', 'container')}"><div class="cf-turnstile" data-sitekey="0x4AAAAAAADnPIDROrmt1Wwj"></div><script src="https://challenges.cloudflare.com/turnstile/v0/api.js" async defer></script></div>
<div class="${cls('postingsList', 'postings-container')}">
${body}
</div>
${pagination(input, cls)}
</main>
<footer class="${cls('seo', 'related')}"><h3>Búsquedas relacionadas</h3><ul>
${RELATED_SEARCHES}
</ul></footer>
</body>
</html>
`;
}

function cardRecord(f: PropertyFacts): ListingRecord {
  return {
    ...emptyRecord(SITE, externalId(f.n), ORIGIN + detailPath(f)),
    // The card has no title of its own (the image alt is a generated caption); operation and
    // type are the words of the detail URL slug.
    operation: f.operation,
    propertyType: f.propertyType,
    ...priceFields(f),
    bedrooms: f.bedrooms,
    bathrooms: f.bathrooms,
    parkingSpaces: f.parkingSpaces,
    builtAreaM2: f.builtAreaM2,
    landAreaM2: f.landAreaM2,
    neighborhood: f.neighborhood,
    city: f.city,
    address: f.address,
    description: f.descriptionParagraphs.join(' '),
    images: pictures(f, '360x266', CARD_IMAGES),
    publisher: logoNamesPublisher(f) ? f.publisher : null,
  };
}

// ── Detail page ────────────────────────────────────────────────────────────────────────────────

interface Feature {
  label: string;
  measure?: string;
  value: string;
}

/** mainFeatures keyed by the Navent CFT codes (§1.3): CFT100 total m², CFT101 built m², CFT2 rec., CFT3 baños, CFT7 estac. */
function mainFeatures(f: PropertyFacts): Record<string, Feature> {
  const features: Record<string, Feature> = {};
  if (f.landAreaM2 != null) features.CFT100 = { label: 'Superficie total', measure: 'm²', value: String(f.landAreaM2) };
  if (f.builtAreaM2 != null) features.CFT101 = { label: 'Superficie construida', measure: 'm²', value: String(f.builtAreaM2) };
  if (f.bedrooms != null) features.CFT2 = { label: 'Recámaras', value: f.isDevelopment ? `${f.bedrooms} a ${f.bedrooms + 1}` : String(f.bedrooms) };
  if (f.bathrooms != null) features.CFT3 = { label: 'Baños', value: String(f.bathrooms) };
  // "Medio baño" is not a full bath: a parser that reads it as bathrooms is wrong.
  if (f.bathrooms != null && f.n % 3 === 0) features.CFT4 = { label: 'Medio baño', value: '1' };
  if (f.parkingSpaces != null) features.CFT7 = { label: 'Estacionamientos', value: String(f.parkingSpaces) };
  features.CFT5 = { label: 'Antigüedad', value: f.n % 4 === 0 ? 'A estrenar' : String(1 + (f.n % 30)) };
  return features;
}

function publicationDate(f: PropertyFacts): string {
  const seconds = hash32(`${SITE}:${f.n}:time`) % 86_400;
  const time = new Date(seconds * 1000).toISOString().slice(11, 19);
  return `${f.publishedAt}T${time}Z`;
}

function publisherId(name: string): string {
  return String(50_000_000 + (hash32(name) % 9_000_000));
}

/**
 * The inline `avisoInfo` object. Some variants leave fields out, as other page versions do, so
 * the parser's fallbacks are exercised: variant % 3 === 1 has no mainFeatures (only the
 * generalFeatures groups), variant % 3 === 2 has no description and no pictures (DOM only).
 */
function avisoInfo(f: PropertyFacts, variant: number): Record<string, unknown> {
  const type = TYPE_SLUGS[f.propertyType];
  const name = TYPE_NOUN[f.propertyType];
  const id = externalId(f.n);
  const features = mainFeatures(f);
  const sale = f.operation === 'sale';
  return {
    idAviso: id,
    postingCode: `INM-${hexDigits(id, 6).toUpperCase()}`,
    postingType: f.isDevelopment ? 'DEVELOPMENT' : 'PROPERTY',
    status: 'ONLINE',
    reserved: false,
    premier: f.n % 4 === 0,
    duplicated: false,
    [variant % 2 === 0 ? 'postingTitle' : 'title']: f.title,
    // Navent's own caption; not the advertiser's title.
    generatedTitle: `${name} · ${f.neighborhood}, ${f.city}`,
    realEstateType: { realEstateTypeId: type.code, name },
    pricesData: [
      {
        operationType: { operationTypeId: sale ? '1' : '2', name: sale ? 'Venta' : 'Renta' },
        prices: f.price == null ? [] : [{ isoCode: f.currency, currency: f.currency === 'USD' ? 'USD' : 'MN', amount: f.price, formattedAmount: formatAmount(f.price) }],
        hidePrice: f.price == null,
      },
    ],
    price: priceText(f, variant),
    expenses: f.propertyType === 'apartment' ? `MN ${formatAmount(1000 + (f.n % 20) * 100)}` : null,
    mainFeatures: variant % 3 === 1 ? undefined : features,
    generalFeatures: {
      'Características generales': features,
      Servicios: { 1000001: { label: 'Agua corriente', value: null }, 1000002: { label: 'Gas natural', value: null } },
    },
    location: {
      label: 'ZONA',
      name: f.neighborhood,
      parent: { label: 'CIUDAD', name: f.city, parent: { label: 'PROVINCIA', name: f.state, parent: { label: 'PAIS', name: 'México' } } },
    },
    address: f.address ? { name: f.address, visibility: 'EXACT' } : { name: '', visibility: 'HIDDEN' },
    mapLat: bare('mapLatOf'),
    mapLng: bare('mapLngOf'),
    staticMap: bare('urlMapOf'),
    description: variant % 3 === 2 ? undefined : f.descriptionParagraphs.map(escapeHtml).join('<br>'),
    publisher: f.publisher
      ? { publisherId: publisherId(f.publisher), name: f.publisher, url: publisherPath(f.publisher), urlLogo: `https://img10.naventcdn.com/empresas/logos/${hexDigits(f.publisher, 8)}.jpg`, premium: true, license: '', partialPhone: '33 18', publisherTypeId: '1' }
      : undefined,
    whatsApp: f.publisher ? '52 33 1800' : undefined,
    pictures:
      variant % 3 === 2
        ? undefined
        : pictures(f, '1200x1200').map((url, i) => ({ url1200x1200: url, resizeUrl1200x1200: url, url730x532: pictureUrl(f, i, '730x532'), url360x266: pictureUrl(f, i, '360x266'), title: `Foto ${i + 1}` })),
    publicationDateFormatted: publicationDate(f),
    // Unit prices are higher than the "desde" price: the listing's price is pricesData, not these.
    units: f.isDevelopment && f.price != null ? [{ title: 'Modelo A', price: `MN ${formatAmount(f.price * 2)}` }] : undefined,
  };
}

function publisherPath(name: string): string {
  return `/inmobiliarias/${slugify(name)}_${publisherId(name)}-inmuebles.html`;
}

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

function renderDetailPage(f: PropertyFacts, variant: number): string {
  const name = TYPE_NOUN[f.propertyType];
  const id = externalId(f.n);
  const days = Math.round((MIRROR_TODAY - Date.parse(f.publishedAt)) / 86_400_000);
  const mapUrl = `https://maps.googleapis.com/maps/api/staticmap?center=${f.lat},${f.lng}&zoom=15&size=600x300&markers=${f.lat},${f.lng}`;
  const area = f.builtAreaM2 ?? f.landAreaM2;
  const typeLine = [name, area != null ? `${area} m²` : null, f.bedrooms != null ? `${f.bedrooms} rec.` : null].filter(Boolean).join(' · ');
  const dataLayerInfo = {
    operationType: f.operation === 'sale' ? 'Venta' : 'Renta',
    propertyType: name,
    listingCategory: f.isDevelopment ? 'Desarrollo' : 'Clasificado',
    neighborhood: f.neighborhood,
    city: f.city,
    province: f.state,
    sellPrice: f.operation === 'sale' && f.price != null ? String(f.price) : '',
    rentalPrice: f.operation === 'rent' && f.price != null ? String(f.price) : '',
  };
  const doubleClick = { provinceId: String(hash32(f.state) % 100), cityId: String(hash32(f.city) % 10000), price: f.price ?? '', currencyId: f.currency === 'USD' ? '2' : '10', operationTypeId: f.operation === 'sale' ? '1' : '2' };
  const expenses = f.propertyType === 'apartment' ? `<div class="price-extra"><span class="price-expenses">Mantenimiento MN ${formatAmount(1000 + (f.n % 20) * 100)}</span></div>` : '';
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
<div class="price-container-property"><div class="price-items"><div class="price-value"><span>${opWord(f)}${f.isDevelopment && f.price != null ? ' desde' : ''} ${priceText(f, variant)}</span></div></div>${expenses}</div>
<section id="map-section" class="section-location-property"><h4>${escapeHtml([f.address, f.neighborhood, f.city, f.state].filter(Boolean).join(', '))}</h4><img class="static-map" src="${escapeHtml(mapUrl)}" alt="Mapa"></section>
<div id="new-gallery-portal">${pictures(f, '1200x1200').map((src, i) => `<img src="${src}" alt="Foto ${i + 1}">`).join('')}</div>
<section class="article-section-description"><div id="longDescription">${f.descriptionParagraphs.map(escapeHtml).join('<br>')}</div></section>
${f.publisher ? `<section id="reactPublisherData"><img src="https://img10.naventcdn.com/empresas/logos/${hexDigits(f.publisher, 8)}.jpg" alt="${escapeHtml(f.publisher)}"><a data-qa="linkMicrositioAnunciante" href="${publisherPath(f.publisher)}">${escapeHtml(f.publisher)}</a></section>` : ''}
<ul id="reactPublisherCodes"><li>Cód. del anunciante: INM-${hexDigits(id, 6).toUpperCase()}</li><li>Cód. Inmuebles24: ${id}</li></ul>
<div id="user-views"><p>Publicado hace ${days} días</p><p>${hash32(`${id}:views`) % 5000} visualizaciones</p></div>
</main>
</div>
<script>
const mapLatOf = "${base64(String(f.lat))}";
const mapLngOf = "${base64(String(f.lng))}";
const urlMapOf = "${base64(mapUrl)}";
const avisoInfo = ${looseLiteral(avisoInfo(f, variant))};
const antiquity = 'Publicado hace ${days} días';
const usersViews = ${hash32(`${id}:views`) % 5000};
const dataLayerInfo = ${looseLiteral(dataLayerInfo)};
const doubleClick = ${looseLiteral(doubleClick)};
</script>
</body>
</html>
`;
}

function detailRecord(f: PropertyFacts): ListingRecord {
  return {
    ...emptyRecord(SITE, externalId(f.n), ORIGIN + detailPath(f)),
    title: f.title,
    operation: f.operation,
    propertyType: f.propertyType,
    ...priceFields(f),
    bedrooms: f.bedrooms,
    bathrooms: f.bathrooms,
    parkingSpaces: f.parkingSpaces,
    builtAreaM2: f.builtAreaM2,
    landAreaM2: f.landAreaM2,
    neighborhood: f.neighborhood,
    city: f.city,
    state: f.state,
    address: f.address,
    lat: f.lat,
    lng: f.lng,
    description: f.descriptionParagraphs.join(' '),
    images: pictures(f, '1200x1200'),
    publisher: f.publisher,
    publishedAt: publicationDate(f),
  };
}

export const inmuebles24Mirror: MirrorSite = {
  site: SITE,
  host: HOST,
  pageSize: 30,
  defaultSearchPaths: ['/casas-en-venta-en-zapopan.html', '/departamentos-en-renta-en-guadalajara.html', '/terrenos-en-venta-en-queretaro.html'],
  markups: ['current'],
  robotsTxt: ['User-agent: *', 'Disallow: /rp-api/', 'Disallow: /rplis-api/', 'Disallow: /panel/', 'Allow: /', '', `Sitemap: ${ORIGIN}/sitemap.xml`, ''].join('\n'),

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
  renderDetailPage,
  detailRecord,
};
