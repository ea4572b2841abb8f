/**
 * Mitula México results pages (docs/portals.md §4): Lifull Connect `article.listing-card` cards whose
 * data-* attributes carry most of the listing, a base64 data-clickdestination (padded or not) that
 * is either a Mitula /adform/ path or the ad's address on the portal that holds it, dates as
 * "dd/mm/yyyy" or "Hace X semanas, Y días", and on every other page a JSON-LD SearchResultsPage whose
 * about[] (aligned with the cards; seen in Colombia, unconfirmed for MX) alone has coordinates. The
 * cards' inner content comes in two documented forms, the markup generations 'data-test' and
 * 'class-names'. Only documented hooks are written; a page past the last answers 404 (the server).
 */
import { emptyRecord, type ListingRecord, type PropertyType } from '../../lib/record/listing-record';
import { hash32, TYPE_NOUN, type PropertyFacts } from '../facts';
import { formatAmount, type ListPageInput, type MirrorSite } from '../model';
import { listingChoice } from './kit/choice';
import { steppedIds } from './kit/ids';
import { base64, dayMonthYear, lifullSearchFacts, originAdUrl, relativeAge, showsRelativeAge } from './kit/lifull';
import { countLabel, htmlDocument, htmlText } from './kit/markup';
import { pageLinkNumbers, queryPagination } from './kit/pagination';
import { shownPriceFields, unnamedArea } from './kit/record-fields';
import { ALLOW_ALL_ROBOTS } from './kit/robots';

const SITE = 'mitula';
const HOST = 'casas.mitula.mx';
const ORIGIN = `https://${HOST}`;
/**
 * No source states Mitula's page size. Lamudi and Trovit, the same Lifull Connect platform and
 * card template, both show 30 results per page (docs/portals.md §3.1, §6.1), so the mirror does too.
 */
const PAGE_SIZE = 30;

/** Markup generations of the card's inner content (docs/portals.md §4.2: S-MIT-A's hooks, S-MIT-B's classes). */
const MARKUPS = ['data-test', 'class-names'] as const;

const { externalId, indexOf } = steppedIds(4_100_000_003, 13, /^\d{10,15}$/);

const SEARCH_PATH = /^\/casas\/[a-z0-9-]+$/;

const SCHEMA_TYPE: Partial<Record<PropertyType, string>> = { house: 'SingleFamilyResidence', apartment: 'Apartment' };

const pick = listingChoice(SITE);

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
    ? originAdUrl(SITE, f) +
      (pick(f, 'utm', 2) === 0 ? '?utm_source=mitula&utm_medium=aggregator&utm_campaign=serp' : '')
    : `${adformPath(f)}?pvid=${pageViewId}&pos=${position + 1}`;
  return base64(target, pick(f, 'unpadded', 2) === 0);
}

/** Pages with the JSON-LD about[] block (seen on Mitula Colombia, not confirmed for MX): every other page. */
function hasJsonLd(input: ListPageInput): boolean {
  return input.variant % 2 === 0 && input.items.length > 0;
}

function imageUrls(f: PropertyFacts): string[] {
  return Array.from({ length: f.imageCount }, (_, k) => `https://img.mitula.mx/ads/${externalId(f.n)}/${k + 1}.jpg`);
}

/** The card's price text; a listing without a price shows none (no source quotes Mitula's wording). */
function priceText(f: PropertyFacts): string | null {
  if (f.price == null) return null;
  return f.currency === 'USD' ? `USD ${formatAmount(f.price)}` : `$ ${formatAmount(f.price)}`;
}

/** The 'class-names' cards carry the type tag (S-MIT-B); the 'data-test' cards show no type. */
function showsTypeTag(input: ListPageInput): boolean {
  return input.markup === 'class-names';
}

/** What a correct parser reads as the type: the tag, else the JSON-LD node's type, else the search's words. */
function typeRead(f: PropertyFacts, input: ListPageInput): PropertyType | null {
  if (showsTypeTag(input)) return f.propertyType;
  if (hasJsonLd(input) && SCHEMA_TYPE[f.propertyType]) return f.propertyType;
  // The search's own type word, by the documented grammar (kit/lifull.ts), without the /casas/ section every search has.
  return lifullSearchFacts(input.searchPath.replace(/^\/casas\//, '')).propertyType;
}

/** A card fact in the generation's form: `p[data-test]` (S-MIT-A) or a property with its icon (S-MIT-B). */
function factHtml(input: ListPageInput, dataTest: string, icon: string, text: string): string {
  return input.markup === 'data-test'
    ? `<p data-test="${dataTest}">${htmlText(text)}</p>`
    : `<div class="listing-card__properties__property"><span class="listing-card__icon__${icon}"></span>${htmlText(text)}</div>`;
}

/**
 * One `article.listing-card` (docs/portals.md §4.2): the data-* set, then the inner markup of the page's
 * generation — 'data-test' hooks (S-MIT-A: title, price, place, facts, description, date and
 * agency, the "Ver detalle" button inside a Mitula link) or 'class-names' (S-MIT-B: images, type
 * tag, price, place, facts with icons, amenities, description, date and agency; no title, no link).
 */
function cardHtml(f: PropertyFacts, position: number, pageViewId: string, input: ListPageInput): string {
  const id = externalId(f.n);
  const area = unnamedArea(f);
  const entities = pick(f, 'entities', 4) === 0;
  const cityInDistrict = pick(f, 'city-in-district', 5) === 0;
  const dataTest = input.markup === 'data-test';
  const images = imageUrls(f);
  // Swiper in loop mode repeats the first slide at the end.
  const slides = images.length > 1 && pick(f, 'loop', 3) === 0 ? [...images, images[0]] : images;
  const slideHtml = slides
    .map((src, k) => {
      // Some templates write protocol-relative image addresses.
      const shown = pick(f, 'protocol-relative', 3) === 0 ? src.replace(/^https:/, '') : src;
      return k === 0
        ? `<div class="swiper-slide"><img src="${shown}" alt="${htmlText(f.title)}"></div>`
        : `<div class="swiper-slide${k === images.length ? ' swiper-slide-duplicate' : ''}"><img class="swiper-lazy" data-src="${shown}" alt=""></div>`;
    })
    .join('');
  const facts = [
    f.bedrooms != null ? factHtml(input, 'bedrooms', 'bedrooms', countLabel(f.bedrooms, 'recámara', 'recámaras')) : '',
    // Where the page has JSON-LD the card may leave bathrooms to it, as on Mitula Colombia (S-MIT-CO).
    f.bathrooms != null && (!hasJsonLd(input) || pick(f, 'bath-on-card', 3) === 0)
      ? factHtml(input, 'bathrooms', 'bathrooms', countLabel(f.bathrooms, 'baño', 'baños'))
      : '',
    area != null ? factHtml(input, 'floor-area', 'area', `${formatAmount(area)} m²`) : '',
  ].join('');
  const date = showsRelativeAge(SITE, f.n) ? relativeAge(SITE, f.n) : dayMonthYear(f.publishedAt);
  const dateAndAgency = f.publisher == null ? date : `${date} en - ${f.publisher}`;
  const price = priceText(f);
  const location = htmlText(`${f.neighborhood}, ${f.city}, ${f.state}`, entities);
  const description = f.descriptionParagraphs.map((p) => htmlText(p, entities)).join('<br>');
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
  const open = `<article class="listing-card" ${Object.entries(attrs)
    .map(([k, v]) => `${k}="${htmlText(v)}"`)
    .join(' ')}>`;
  if (dataTest) {
    // Cards that link out still have a Mitula link around the button; some /adform/ cards rely on the script alone.
    const anchored = linksOut(f) || pick(f, 'anchor', 4) !== 0;
    const button = '<button data-test="snippet__view-detail-button">Ver detalle</button>';
    return `${open}
<div><span data-test="snippet__title">${htmlText(f.title, entities)}</span>
${price ? `<span data-test="price__actual">${htmlText(price)}</span>` : ''}
<div data-test="snippet__location">${location}</div>
<div>${facts}</div>
<div data-test="snippet__description">${description}</div>
<p data-test="snippet__published-date-and-agency">${htmlText(dateAndAgency)}</p>
${anchored ? `<a href="${htmlText(`${adformPath(f)}?pvid=${pageViewId}&pos=${position + 1}`)}" rel="nofollow" target="_blank">${button}</a>` : button}
</div></article>`;
  }
  return `${open}
<div class="swiper"><div class="swiper-wrapper">${slideHtml}</div></div>
<div><span class="tag tag--listing tag--listing--property-type">${TYPE_NOUN[f.propertyType]}</span>${f.isDevelopment ? '<span class="tag tag--listing tag--listing--special-characteristic">Desarrollo</span>' : ''}</div>
${price ? `<span class="price__actual">${htmlText(price)}</span>` : ''}
<div class="listing-card__location__geo">${location}</div>
<div>${facts}</div>
${f.parkingSpaces != null ? '<div><span class="listing-card__facilities__facility">Estacionamiento</span><span class="listing-card__facilities__facility">Seguridad 24 h</span></div>' : ''}
<div class="listing-card__description__text">${description}</div>
<p class="listing-card__information__bottom__published-date-and-agency">${htmlText(dateAndAgency)}</p>
</article>`;
}

function jsonLd(input: ListPageInput): string {
  const about = input.items.map((f) => ({
    '@type': SCHEMA_TYPE[f.propertyType] ?? 'Place',
    name: f.title,
    ...(f.bedrooms != null ? { numberOfBedrooms: f.bedrooms } : {}),
    ...(f.bathrooms != null ? { numberOfBathroomsTotal: f.bathrooms } : {}),
    address: { '@type': 'PostalAddress', addressLocality: f.city, addressRegion: f.state, addressCountry: 'MX' },
    ...(unnamedArea(f) != null
      ? { floorSize: { '@type': 'QuantitativeValue', value: unnamedArea(f), unitCode: 'MTK' } }
      : {}),
    geo: { '@type': 'GeoCoordinates', latitude: f.lat, longitude: f.lng },
  }));
  const page = {
    '@context': 'https://schema.org',
    '@type': 'SearchResultsPage',
    name: searchTitle(input.searchPath),
    about,
  };
  return `<script type="application/ld+json">${JSON.stringify(page).replace(/</g, '\\u003c')}</script>`;
}

function pagination(input: ListPageInput): string {
  if (input.totalPages <= 1) return '';
  const href = (p: number) => `${input.searchPath}${p > 1 ? `?page=${p}` : ''}`;
  const item = (p: number, label = String(p)) =>
    p === input.page && label === String(p)
      ? `<span class="pagination__page pagination__page--current">${p}</span>`
      : `<span class="pagination__page"><a href="${href(p)}">${label}</a></span>`;
  const previous = input.page > 1 ? item(input.page - 1, '‹') : '';
  const next = input.page < input.totalPages ? item(input.page + 1, '›') : '';
  const numbers = pageLinkNumbers(input, 2).map((p) => item(p));
  return `<nav class="pagination" data-test="pagination">${previous}${numbers.join('')}${next}</nav>`;
}

function searchTitle(searchPath: string): string {
  return `Casas ${searchPath.split('/')[2].replace(/-/g, ' ')}`;
}

function renderListPage(input: ListPageInput): string {
  const pageViewId =
    hash32(`${SITE}:pageview:${input.variant}`).toString(16).padStart(8, '0') +
    '-' +
    input.page.toString(16).padStart(4, '0');
  const cards = input.items.map((f, i) => cardHtml(f, i, pageViewId, input));
  const results =
    input.items.length === 0
      ? '<div class="no-results" data-test="no-results"><h2>No encontramos anuncios para tu búsqueda</h2><p>Prueba con otra zona o quita filtros.</p></div>'
      : `<section class="listing-list">${cards.join('\n')}</section>`;
  const breadcrumb = {
    '@context': 'https://schema.org',
    '@type': 'BreadcrumbList',
    itemListElement: [
      { '@type': 'ListItem', position: 1, name: 'Mitula', item: `${ORIGIN}/` },
      { '@type': 'ListItem', position: 2, name: searchTitle(input.searchPath), item: input.searchUrl },
    ],
  };
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
  const dataTest = input.markup === 'data-test';
  const propertyType = typeRead(f, input);
  const area = unnamedArea(f);
  // 'class-names' cards have no Mitula link: one that links out is known by the ad's own address.
  const url = linksOut(f) && !dataTest ? originAdUrl(SITE, f) : new URL(adformPath(f), input.searchUrl).href;
  return {
    ...emptyRecord(SITE, externalId(f.n), url),
    // 'class-names' cards show no title: the JSON-LD node's name, when the page has one.
    title: dataTest || ld ? f.title : null,
    operation: f.operation,
    propertyType,
    ...shownPriceFields(f),
    bedrooms: f.bedrooms,
    bathrooms: f.bathrooms,
    builtAreaM2: propertyType === 'land' ? null : area,
    landAreaM2: propertyType === 'land' ? area : null,
    neighborhood: f.neighborhood,
    city: f.city,
    state: f.state,
    lat: ld ? f.lat : null,
    lng: ld ? f.lng : null,
    description: f.descriptionParagraphs.join(' '),
    images: dataTest ? [] : imageUrls(f),
    publisher: f.publisher,
    publishedAt: showsRelativeAge(SITE, f.n) ? null : f.publishedAt,
    originUrl: linksOut(f) ? originAdUrl(SITE, f) : null,
  };
}

export const mitulaMirror: MirrorSite = {
  site: SITE,
  host: HOST,
  pageSize: PAGE_SIZE,
  defaultSearchPaths: [
    '/casas/venta-zapopan-jalisco',
    '/casas/renta-departamentos-guadalajara',
    '/casas/terrenos-venta-zapopan',
  ],
  markups: MARKUPS,
  robotsTxt: ALLOW_ALL_ROBOTS,
  externalId,
  indexOf,
  // Any page number is a listing route; the server answers 404 past the last page, as Mitula does.
  ...queryPagination(ORIGIN, SEARCH_PATH, 'page'),
  renderListPage,
  cardRecord,
};
