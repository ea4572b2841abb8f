/**
 * Mitula México results pages (portals.md §4): Lifull Connect `article.listing-card` cards whose
 * data-* attributes carry most of the listing, a base64 data-clickdestination that is either a
 * Mitula /adform/ path or the ad's address on the portal that holds it, and on some pages a JSON-LD
 * SearchResultsPage whose about[] (aligned with the cards) alone has coordinates.
 */
import { emptyRecord, type ListingRecord, type PropertyType } from '../../lib/record/listing-record';
import { hash32, type PropertyFacts } from '../facts';
import { formatAmount, type ListPageInput, type MirrorSite } from '../model';
import {
  ALLOW_ALL_ROBOTS, TYPE_NOUN, base64, choice, countLabel, dayMonthYear, htmlDocument, htmlText, originAdUrl, priceFields,
  relativeAge, unnamedArea, unnamedAreaFields, queryPagination } from './page-kit';

const SITE = 'mitula';
const HOST = 'casas.mitula.mx';
const ORIGIN = `https://${HOST}`;
/**
 * No source states Mitula's page size. Lamudi and Trovit, the same Lifull Connect platform and
 * card template, both show 30 results per page (portals.md §3.1, §6.1), so the mirror does too.
 */
const PAGE_SIZE = 30;

const ID_BASE = 4_100_000_003;
const ID_STEP = 13;

const SEARCH_PATH = /^\/casas\/[a-z0-9-]+$/;

const SCHEMA_TYPE: Partial<Record<PropertyType, string>> = { house: 'SingleFamilyResidence', apartment: 'Apartment' };

function externalId(n: number): string {
  return String(ID_BASE + n * ID_STEP);
}

function indexOf(id: string): number | null {
  if (!/^\d{10,15}$/.test(id)) return null;
  const offset = Number(id) - ID_BASE;
  if (offset < 0 || offset % ID_STEP !== 0) return null;
  const n = offset / ID_STEP;
  return externalId(n) === id ? n : null;
}

const pick = (f: PropertyFacts, purpose: string, k: number) => choice(SITE, f.n, purpose, k);

/** Two listings in five point straight at the portal holding the ad; the rest at a Mitula /adform/ page. */
function linksOut(f: PropertyFacts): boolean {
  return pick(f, 'destination', 5) < 2;
}

/** The Mitula ad page: what a user opens from the card, and the record's url (query dropped). */
function adformPath(f: PropertyFacts): string {
  return `/adform/${externalId(f.n)}`;
}

function clickDestination(f: PropertyFacts, pageViewId: string, position: number): string {
  const target = linksOut(f)
    ? originAdUrl(SITE, f) + (pick(f, 'utm', 2) === 0 ? '?utm_source=mitula&utm_medium=aggregator&utm_campaign=serp' : '')
    : `${adformPath(f)}?pvid=${pageViewId}&pos=${position + 1}`;
  return base64(target, pick(f, 'unpadded', 2) === 0);
}

/** Dates of recent ads are relative ("Hace 2 semanas, 3 días"): no absolute date on those cards. */
function relativeDate(f: PropertyFacts): boolean {
  return pick(f, 'date-form', 4) === 0;
}

/** Pages with the JSON-LD about[] block (seen on Mitula Colombia, not confirmed for MX): every other page. */
function hasJsonLd(input: ListPageInput): boolean {
  return input.variant % 2 === 0 && input.items.length > 0;
}

function imageUrls(f: PropertyFacts): string[] {
  return Array.from({ length: f.imageCount }, (_, k) => `https://img.mitula.mx/ads/${externalId(f.n)}/${k + 1}.jpg`);
}

function priceText(f: PropertyFacts): string {
  if (f.price == null) return 'Consultar precio';
  const amount = f.currency === 'USD' ? `USD ${formatAmount(f.price)}` : `$ ${formatAmount(f.price)}`;
  return f.priceKind === 'from' ? `Desde ${amount}` : amount;
}

function cardHtml(f: PropertyFacts, position: number, pageViewId: string, input: ListPageInput): string {
  const id = externalId(f.n);
  const area = unnamedArea(f);
  const entities = pick(f, 'entities', 4) === 0;
  const cityInDistrict = pick(f, 'city-in-district', 5) === 0;
  const images = imageUrls(f);
  // Swiper in loop mode repeats the first slide at the end.
  const slides = images.length > 1 && pick(f, 'loop', 3) === 0 ? [...images, images[0]] : images;
  const slideHtml = slides.map((src, k) => {
    // Some templates write protocol-relative image addresses.
    const shown = pick(f, 'protocol-relative', 3) === 0 ? src.replace(/^https:/, '') : src;
    return k === 0
      ? `<div class="swiper-slide"><img src="${shown}" alt="${htmlText(f.title)}"></div>`
      : `<div class="swiper-slide${k === images.length ? ' swiper-slide-duplicate' : ''}"><img class="swiper-lazy" data-src="${shown}" alt=""></div>`;
  }).join('');
  const properties = [
    f.bedrooms != null ? `<p class="listing-card__properties__property" data-test="bedrooms"><span class="listing-card__icon__bedrooms"></span>${countLabel(f.bedrooms, 'recámara', 'recámaras')}</p>` : '',
    // Where the page has JSON-LD the card may leave bathrooms to it, as on Mitula Colombia.
    f.bathrooms != null && (!hasJsonLd(input) || pick(f, 'bath-on-card', 3) === 0)
      ? `<p class="listing-card__properties__property" data-test="bathrooms"><span class="listing-card__icon__bathrooms"></span>${countLabel(f.bathrooms, 'baño', 'baños')}</p>` : '',
    area != null ? `<p class="listing-card__properties__property" data-test="floor-area"><span class="listing-card__icon__area"></span>${formatAmount(area)} m²</p>` : '',
  ].join('');
  const date = relativeDate(f) ? relativeAge(SITE, f.n) : dayMonthYear(f.publishedAt);
  const dateAndAgency = f.publisher == null ? date : `${date} en - ${f.publisher}`;
  // Cards that link out still have a Mitula link around the button; some /adform/ cards rely on the script alone.
  const anchored = linksOut(f) || pick(f, 'anchor', 4) !== 0;
  const button = '<button class="listing-card__button" data-test="snippet__view-detail-button">Ver detalle</button>';
  const attrs = {
    'data-listingid': id,
    'data-pageviewid': pageViewId,
    'data-clickdestination': clickDestination(f, pageViewId, position),
    'data-price': f.price == null ? '' : String(f.price),
    'data-currency': f.price == null ? '' : f.currency,
    'data-operation-type': f.operation === 'sale' ? 'sell' : 'rent',
    'data-location': `${f.neighborhood}, ${f.city}`,
    'data-neighbourhood': f.neighborhood,
    'data-city': cityInDistrict ? '' : f.city,
    'data-district': cityInDistrict ? f.city : '',
    'data-region': f.state,
    // data-floorarea is empty on some cards although the card text shows the area.
    'data-floorarea': area == null || pick(f, 'floorarea-empty', 4) === 0 ? '' : `${formatAmount(area)} m²`,
    'data-rooms': f.bedrooms == null ? '' : String(f.bedrooms),
  };
  return `<article class="listing-card listing-card--with-images" ${Object.entries(attrs).map(([k, v]) => `${k}="${htmlText(v)}"`).join(' ')}>
<div class="listing-card__images swiper"><div class="swiper-wrapper">${slideHtml}</div></div>
<div class="listing-card__content">
<div class="listing-card__tags"><span class="tag tag--listing tag--listing--property-type">${TYPE_NOUN[f.propertyType]}</span>${f.isDevelopment ? '<span class="tag tag--listing tag--listing--special-characteristic">Desarrollo</span>' : ''}</div>
<span class="listing-card__title" data-test="snippet__title">${htmlText(f.title, entities)}</span>
<div class="listing-card__price"><span class="price__actual" data-test="price__actual">${htmlText(priceText(f))}</span></div>
<div class="listing-card__location__geo" data-test="snippet__location">${htmlText(`${f.neighborhood}, ${f.city}, ${f.state}`, entities)}</div>
<div class="listing-card__properties">${properties}</div>
${f.parkingSpaces != null ? '<div class="listing-card__facilities"><span class="listing-card__facilities__facility">Estacionamiento</span><span class="listing-card__facilities__facility">Seguridad 24 h</span></div>' : ''}
<div class="listing-card__description__text" data-test="snippet__description">${f.descriptionParagraphs.map((p) => htmlText(p, entities)).join('<br>')}</div>
<p class="listing-card__information__bottom__published-date-and-agency" data-test="snippet__published-date-and-agency">${htmlText(dateAndAgency)}</p>
${anchored ? `<a href="${htmlText(`${adformPath(f)}?pvid=${pageViewId}&pos=${position + 1}`)}" rel="nofollow" target="_blank">${button}</a>` : button}
</div></article>`;
}

function jsonLd(input: ListPageInput): string {
  const about = input.items.map((f) => ({
    '@type': SCHEMA_TYPE[f.propertyType] ?? 'Place',
    name: f.title,
    ...(f.bedrooms != null ? { numberOfBedrooms: f.bedrooms } : {}),
    ...(f.bathrooms != null ? { numberOfBathroomsTotal: f.bathrooms } : {}),
    address: { '@type': 'PostalAddress', addressLocality: f.city, addressRegion: f.state, addressCountry: 'MX' },
    ...(unnamedArea(f) != null ? { floorSize: { '@type': 'QuantitativeValue', value: unnamedArea(f), unitCode: 'MTK' } } : {}),
    geo: { '@type': 'GeoCoordinates', latitude: f.lat, longitude: f.lng },
  }));
  const page = { '@context': 'https://schema.org', '@type': 'SearchResultsPage', name: searchTitle(input.searchPath), about };
  return `<script type="application/ld+json">${JSON.stringify(page).replace(/</g, '\\u003c')}</script>`;
}

function pagination(input: ListPageInput): string {
  if (input.totalPages <= 1) return '';
  const href = (p: number) => `${input.searchPath}${p > 1 ? `?page=${p}` : ''}`;
  const item = (p: number, label = String(p)) => p === input.page && label === String(p)
    ? `<span class="pagination__page pagination__page--current">${p}</span>`
    : `<span class="pagination__page"><a href="${href(p)}">${label}</a></span>`;
  const numbers = [...new Set([1, input.page - 2, input.page - 1, input.page, input.page + 1, input.page + 2, input.totalPages])]
    .filter((p) => p >= 1 && p <= input.totalPages).sort((a, b) => a - b);
  return `<nav class="pagination" data-test="pagination">${input.page > 1 ? item(input.page - 1, '‹') : ''}${numbers.map((p) => item(p)).join('')}${
    input.page < input.totalPages ? item(input.page + 1, '›') : ''}</nav>`;
}

function searchTitle(searchPath: string): string {
  return `Casas ${searchPath.split('/')[2].replace(/-/g, ' ')}`;
}

function renderListPage(input: ListPageInput): string {
  const pageViewId = hash32(`${SITE}:pageview:${input.variant}`).toString(16).padStart(8, '0') + '-' + input.page.toString(16).padStart(4, '0');
  const cards = input.items.map((f, i) => cardHtml(f, i, pageViewId, input));
  // A banner styled as a card sits among the results on some pages; it is not an article.
  if (input.variant % 3 === 1 && cards.length > 3) {
    cards.splice(3, 0, '<div class="listing-card listing-card--banner" data-test="banner"><p>¿Quieres vender tu casa? Publica gratis &amp; recibe ofertas</p></div>');
  }
  const results = input.items.length === 0
    ? '<div class="no-results" data-test="no-results"><h2>No encontramos anuncios para tu búsqueda</h2><p>Prueba con otra zona o quita filtros.</p></div>'
    : `<section class="listing-list">${cards.join('\n')}</section>`;
  const breadcrumb = { '@context': 'https://schema.org', '@type': 'BreadcrumbList', itemListElement: [
    { '@type': 'ListItem', position: 1, name: 'Mitula', item: `${ORIGIN}/` },
    { '@type': 'ListItem', position: 2, name: searchTitle(input.searchPath), item: input.searchUrl },
  ] };
  const head = `<script type="application/ld+json">${JSON.stringify(breadcrumb)}</script>${hasJsonLd(input) ? jsonLd(input) : ''}`;
  const body = `<header class="header"><a class="header__logo" href="/">Mitula Casas</a><form class="search-form" action="/find"><input name="text" value=""></form></header>
<main class="serp"><h1 class="serp__title">${htmlText(searchTitle(input.searchPath))}</h1><p class="serp__count">${formatAmount(input.totalCount)} casas</p>
${results}
${pagination(input)}
<aside class="related-searches"><h3>Búsquedas relacionadas</h3><a href="/casas/renta-zapopan">Casas en renta Zapopan</a> <a href="/casas/terrenos-venta-zapopan">Terrenos en venta Zapopan</a></aside></main>
<footer class="footer">Mitula es parte de Lifull Connect</footer>
<script>window.lifullAnalytics={pageViewId:"${pageViewId}",results:${input.items.length}};</script>`;
  return htmlDocument({ title: `${searchTitle(input.searchPath)} - Mitula Casas`, head, body });
}

function cardRecord(f: PropertyFacts, input: ListPageInput): ListingRecord {
  const ld = hasJsonLd(input);
  return {
    ...emptyRecord(SITE, externalId(f.n), new URL(adformPath(f), input.searchUrl).href),
    title: f.title,
    operation: f.operation,
    propertyType: f.propertyType,
    ...priceFields(f),
    bedrooms: f.bedrooms,
    bathrooms: f.bathrooms,
    ...unnamedAreaFields(f),
    neighborhood: f.neighborhood,
    city: f.city,
    state: f.state,
    lat: ld ? f.lat : null,
    lng: ld ? f.lng : null,
    description: f.descriptionParagraphs.join(' '),
    images: imageUrls(f),
    publisher: f.publisher,
    publishedAt: relativeDate(f) ? null : f.publishedAt,
    originUrl: linksOut(f) ? originAdUrl(SITE, f) : null,
  };
}

export const mitulaMirror: MirrorSite = {
  site: SITE,
  host: HOST,
  pageSize: PAGE_SIZE,
  defaultSearchPaths: ['/casas/venta-zapopan-jalisco', '/casas/renta-departamentos-guadalajara', '/casas/terrenos-venta-zapopan'],
  markups: ['current'],
  robotsTxt: ALLOW_ALL_ROBOTS,
  externalId,
  indexOf,
  // Any page number is a listing route; the server answers 404 past the last page, as Mitula does.
  ...queryPagination(ORIGIN, SEARCH_PATH, 'page'),
  renderListPage,
  cardRecord,
};
