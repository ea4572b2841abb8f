/**
 * Trovit México results pages (portals.md §6): the Lifull "snippet" template, one
 * `article.snippet-listing[data-id]` per ad, an `a.js-listing` Trovit redirect (tracking query
 * included) with the title in its title attribute, and `a.next-button` to /{slug}/{N+1}.
 * Trovit re-lists other portals' ads; a "Ver en Lamudi/Inmuebles24" link on some cards reveals where.
 */
import { emptyRecord, type ListingRecord } from '../../lib/record/listing-record';
import { cleanText } from '../../lib/record/text';
import { hash32, type PropertyFacts } from '../facts';
import { formatAmount, type ListPageInput, type MirrorRoute, type MirrorSite } from '../model';
import {
  ALLOW_ALL_ROBOTS, TYPE_NOUN, choice, countLabel, dayMonthYear, htmlDocument, htmlText, originAdUrl, originPortalName, priceFields,
  relativeAge, unnamedArea, unnamedAreaFields,
} from './page-kit';

const SITE = 'trovit';
const HOST = 'casas.trovit.com.mx';
const ORIGIN = `https://${HOST}`;
const PAGE_SIZE = 30; // portals.md §6.1

// Alphanumeric ids; the base makes them 7 characters long.
const ID_BASE = 36 ** 6 + 1_234_567;
const ID_STEP = 11;

const SEARCH_PATH = /^\/([a-z0-9]+(?:-[a-z0-9]+)*)(?:\/([1-9]\d{0,5}))?$/;
/** A lazy image's placeholder before the script swaps in data-src. */
const PLACEHOLDER = 'data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw==';

function externalId(n: number): string {
  return (ID_BASE + n * ID_STEP).toString(36);
}

function indexOf(id: string): number | null {
  if (!/^[0-9a-z]{7,10}$/.test(id)) return null;
  const offset = parseInt(id, 36) - ID_BASE;
  if (offset < 0 || offset % ID_STEP !== 0) return null;
  const n = offset / ID_STEP;
  return externalId(n) === id ? n : null;
}

const pick = (f: PropertyFacts, purpose: string, k: number) => choice(SITE, f.n, purpose, k);

/** The redirect path: the record's url once the tracking query is gone. */
function redirectPath(f: PropertyFacts): string {
  return `/rd/${externalId(f.n)}`;
}

function hasOriginLink(f: PropertyFacts): boolean {
  return pick(f, 'origin-link', 3) === 0;
}

function relativeDate(f: PropertyFacts): boolean {
  return pick(f, 'date-form', 4) === 0;
}

/** Some cards show only the clipped snippet, without the extended description. */
function shortDescriptionOnly(f: PropertyFacts): boolean {
  return pick(f, 'short-only', 4) === 0;
}

function shortDescription(f: PropertyFacts): string {
  return `${f.descriptionParagraphs.join(' ').slice(0, 110).trimEnd()}…`;
}

function imageUrls(f: PropertyFacts): string[] {
  return Array.from({ length: f.imageCount }, (_, k) => `https://thumbs.trovit.com.mx/${externalId(f.n)}/${k + 1}_640x480.jpg`);
}

function priceHtml(f: PropertyFacts): string {
  if (f.price == null) return 'Consultar precio';
  const amount = `${f.currency === 'USD' ? 'US$' : '$'} ${formatAmount(f.price)} <span class="price__currency">${f.currency}</span>`;
  return f.priceKind === 'from' ? `Desde ${amount}` : amount;
}

function featuresHtml(f: PropertyFacts): string {
  const area = unnamedArea(f);
  return [
    area != null ? `<span class="icon-area">${formatAmount(area)} m²</span>` : '',
    f.bedrooms != null ? `<span class="icon-rooms">${countLabel(f.bedrooms, 'habitación', 'habitaciones')}</span>` : '',
    f.bathrooms != null ? `<span class="icon-baths">${countLabel(f.bathrooms, 'baño', 'baños')}</span>` : '',
  ].filter(Boolean).join(' ');
}

function cardHtml(f: PropertyFacts, position: number, pageViewId: string): string {
  const id = externalId(f.n);
  const entities = pick(f, 'entities', 4) === 0;
  const tracking = `?pvid=${pageViewId}&pos=${position + 1}&origin=serp&section=snippet`;
  // Most links are absolute; some cards write them relative to the page.
  const href = (pick(f, 'relative-href', 3) === 0 ? '' : ORIGIN) + redirectPath(f) + tracking;
  const images = imageUrls(f).map((src, k) => k === 0
    ? `<img class="swiper-lazy swiper-lazy-loaded" src="${src}" alt="${htmlText(f.title)}">`
    : `<img class="swiper-lazy" src="${PLACEHOLDER}" data-src="${src}" alt="">`);
  const operationWord = f.operation === 'sale' ? 'en venta' : 'en renta';
  const date = relativeDate(f) ? relativeAge(SITE, f.n) : `Actualizado el ${dayMonthYear(f.publishedAt)}`;
  const origin = hasOriginLink(f) ? originAdUrl(SITE, f) : null;
  const description = shortDescriptionOnly(f)
    ? ''
    : `<div class="extended-description"><p class="extended-description-content">${f.descriptionParagraphs.map((p) => htmlText(p, entities)).join('<br>')}</p></div>`;
  return `<article class="snippet-listing" data-id="${id}" data-test="snippet-listing">
<a class="js-listing" href="${htmlText(href)}" title="${htmlText(f.title)}" target="_blank" rel="nofollow noopener">
<div class="snippet-listing-image swiper"><div class="swiper-wrapper">${images.map((img) => `<div class="swiper-slide">${img}</div>`).join('')}</div></div></a>
<div class="snippet-listing-content"><div class="snippet-listing-content-header">
<div class="snippet-listing-content-header-title"><div class="snippet-listing-content-header-title-left">
<span class="title">${htmlText(f.title, entities)}</span>${f.address ? `<address>${htmlText(f.address, entities)}</address>` : ''}</div>
<div class="snippet-listing-content-header-title-right"><div class="price"><span class="price__actual">${priceHtml(f)}</span></div></div></div>
<p class="address_property-type"><span class="property-type">${TYPE_NOUN[f.propertyType]} ${operationWord}</span> · <span class="address">${htmlText(`${f.neighborhood}, ${f.city}, ${f.state}`, entities)}</span></p>
<div class="snippet-listing-content-header-icons">${featuresHtml(f)}</div>
<p class="snippet-listing-content-header-description">${htmlText(shortDescription(f))}</p></div>
${description}
<div class="date-publisher-wrapper">${f.publisher ? `<span class="date-publisher-wrapper-agency">${htmlText(f.publisher)}</span>` : ''}<span class="updated-date">${htmlText(date)}</span></div>
${origin ? `<a class="snippet-listing-origin" href="${htmlText(`${origin}?utm_source=trovit&utm_medium=cpc`)}" target="_blank" rel="nofollow">Ver en ${originPortalName(origin)}</a>` : ''}
</div></article>`;
}

function searchTitle(searchPath: string): string {
  const words = searchPath.slice(1).split('-');
  return words.map((w, i) => (i === 0 ? w.charAt(0).toUpperCase() + w.slice(1) : w)).join(' ');
}

function renderListPage(input: ListPageInput): string {
  const pageViewId = hash32(`${SITE}:pageview:${input.variant}`).toString(36);
  const cards = input.items.map((f, i) => cardHtml(f, i, pageViewId));
  // A sponsored block in the list on some pages: an article, but not a snippet-listing.
  if (input.variant % 3 === 0 && cards.length > 5) {
    cards.splice(5, 0, '<article class="snippet-ad" data-id="ad-slot-1"><a href="https://ads.example-partner.mx/c?id=9">Créditos hipotecarios &amp; seguros</a></article>');
  }
  const results = input.items.length === 0
    ? '<div class="no-results"><p class="no-results__title">No hay resultados para tu búsqueda</p><p>Revisa la ortografía o amplía la zona.</p></div>'
    : `<div class="snippet-list">${cards.join('\n')}</div>`;
  const next = input.page < input.totalPages
    ? `<a class="next-button" href="${input.searchPath}/${input.page + 1}" rel="next">Siguiente</a>`
    : '<span class="next-button next-button--disabled">Siguiente</span>';
  const prev = input.page > 1 ? `<a class="prev-button" href="${input.searchPath}${input.page > 2 ? `/${input.page - 1}` : ''}">Anterior</a>` : '';
  const body = `<header class="header"><a class="logo" href="/">trovit casas</a><form class="searchbox" action="/index.php/cod.search_homes"><input name="what_d" value=""></form></header>
<main class="results"><h1 class="results-title">${htmlText(searchTitle(input.searchPath))}</h1><p class="results-counter">${formatAmount(input.totalCount)} casas</p>
${results}
${input.totalPages > 1 ? `<div class="pagination">${prev}<span class="pagination-current">Página ${input.page}</span>${next}</div>` : ''}</main>
<footer class="footer">Trovit, parte de Lifull Connect</footer>
<script>window.trovitData={pageViewId:"${pageViewId}",page:${input.page}};</script>`;
  return htmlDocument({ title: `${searchTitle(input.searchPath)} - Trovit`, body });
}

function cardRecord(f: PropertyFacts, input: ListPageInput): ListingRecord {
  return {
    ...emptyRecord(SITE, externalId(f.n), new URL(redirectPath(f), input.searchUrl).href),
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
    address: f.address,
    description: shortDescriptionOnly(f) ? cleanText(shortDescription(f)) : f.descriptionParagraphs.join(' '),
    images: imageUrls(f),
    publisher: f.publisher,
    publishedAt: relativeDate(f) ? null : f.publishedAt,
    originUrl: hasOriginLink(f) ? originAdUrl(SITE, f) : null,
  };
}

export const trovitMirror: MirrorSite = {
  site: SITE,
  host: HOST,
  pageSize: PAGE_SIZE,
  defaultSearchPaths: ['/venta-casas-zapopan', '/renta-departamentos-guadalajara', '/venta-terrenos-zapopan'],
  markups: ['current'],
  robotsTxt: ALLOW_ALL_ROBOTS,
  externalId,
  indexOf,
  route(url: URL): MirrorRoute | null {
    const match = SEARCH_PATH.exec(url.pathname);
    if (!match) return null;
    return { kind: 'listing', searchPath: `/${match[1]}`, page: match[2] ? Number(match[2]) : 1 };
  },
  listPageUrl(searchPath: string, page: number): string {
    return `${ORIGIN}${searchPath}${page > 1 ? `/${page}` : ''}`;
  },
  renderListPage,
  cardRecord,
};
