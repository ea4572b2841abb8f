/**
 * Trovit México results pages (docs/portals.md §6): the Lifull "snippet" template, one
 * `article.snippet-listing[data-id]` per ad, an `a.js-listing` Trovit redirect (tracking query
 * included) with the title in its title attribute, the title span and `<address>`, one
 * `.address_property-type` line with place and type, the features line, descriptions, agency and
 * date. The markup generations differ in pagination: 'next-button' (`a.next-button` to /{slug}/{N+1},
 * S-TRO-CO) and 'paginate' (the older `#paginate a[data-test]` links). Where the sources do not show
 * a form — the order of place and type in `.address_property-type` — both forms occur. Only
 * documented hooks are written: Trovit's redirects reveal no origin address.
 */
import { emptyRecord, type ListingRecord } from '../../lib/record/listing-record';
import { cleanText } from '../../lib/record/text';
import { hash32, TYPE_NOUN, type PropertyFacts } from '../facts';
import { formatAmount, type ListPageInput, type MirrorRoute, type MirrorSite } from '../model';
import { listingChoice } from './kit/choice';
import { steppedIds } from './kit/ids';
import { dayMonthYear, lifullSearchFacts, relativeAge, showsRelativeAge } from './kit/lifull';
import { countLabel, htmlDocument, htmlText } from './kit/markup';
import { pageLinkNumbers } from './kit/pagination';
import { shownPriceFields, unnamedArea, unnamedAreaFields } from './kit/record-fields';
import { ALLOW_ALL_ROBOTS } from './kit/robots';

const SITE = 'trovit';
const HOST = 'casas.trovit.com.mx';
const ORIGIN = `https://${HOST}`;
const PAGE_SIZE = 30; // docs/portals.md §6.1

/** Markup generations (docs/portals.md §6.1 "Next link"), the current first. */
const MARKUPS = ['next-button', 'paginate'] as const;

// Alphanumeric ids: base 36, the base making them 7 characters long.
const { externalId, indexOf } = steppedIds(36 ** 6 + 1_234_567, 11, /^[0-9a-z]{7,10}$/, 36);

const SEARCH_PATH = /^\/([a-z0-9]+(?:-[a-z0-9]+)*)(?:\/([1-9]\d{0,5}))?$/;
/** A lazy image's placeholder before the script swaps in data-src. */
const PLACEHOLDER = 'data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw==';

const pick = listingChoice(SITE);

/** The redirect path: the record's url once the tracking query is gone. */
function redirectPath(f: PropertyFacts): string {
  return `/rd/${externalId(f.n)}`;
}

/**
 * `.address_property-type` holds place and type (S-TRO-A, S-TRO-IT) in an order no source shows:
 * "Casa en venta · Colonia, Ciudad, Estado" on some cards, "Colonia, Ciudad, Estado - Casa" (no
 * operation) on others.
 */
function typeFirst(f: PropertyFacts): boolean {
  return pick(f, 'line-form', 2) === 0;
}

/** Some cards show only the clipped snippet, without the extended description. */
function shortDescriptionOnly(f: PropertyFacts): boolean {
  return pick(f, 'short-only', 4) === 0;
}

function shortDescription(f: PropertyFacts): string {
  return `${f.descriptionParagraphs.join(' ').slice(0, 110).trimEnd()}…`;
}

function imageUrls(f: PropertyFacts): string[] {
  return Array.from(
    { length: f.imageCount },
    (_, k) => `https://thumbs.trovit.com.mx/${externalId(f.n)}/${k + 1}_640x480.jpg`,
  );
}

/** "$ 1,200,000 MXN" (docs/portals.md §6.2: an MXN/USD marker); no price text is quoted for Trovit, so none is shown. */
function priceText(f: PropertyFacts): string | null {
  return f.price == null ? null : `$ ${formatAmount(f.price)} ${f.currency}`;
}

/** The features line, as §6.2 quotes it: "120 m² 3 habitaciones 2 baños". */
function featuresText(f: PropertyFacts): string {
  const area = unnamedArea(f);
  return [
    area != null ? `${formatAmount(area)} m²` : '',
    countLabel(f.bedrooms, 'habitación', 'habitaciones'),
    countLabel(f.bathrooms, 'baño', 'baños'),
  ]
    .filter(Boolean)
    .join(' ');
}

function placeAndTypeLine(f: PropertyFacts, entities: boolean): string {
  const place = htmlText(`${f.neighborhood}, ${f.city}, ${f.state}`, entities);
  return typeFirst(f)
    ? `${TYPE_NOUN[f.propertyType]} en ${f.operation === 'sale' ? 'venta' : 'renta'} · ${place}`
    : `${place} - ${TYPE_NOUN[f.propertyType]}`;
}

function cardHtml(f: PropertyFacts, position: number, pageViewId: string): string {
  const id = externalId(f.n);
  const entities = pick(f, 'entities', 4) === 0;
  const tracking = `?pvid=${pageViewId}&pos=${position + 1}&origin=serp&section=snippet`;
  // Most links are absolute; some cards write them relative to the page.
  const href = (pick(f, 'relative-href', 3) === 0 ? '' : ORIGIN) + redirectPath(f) + tracking;
  const images = imageUrls(f).map((src, k) =>
    k === 0
      ? `<img class="swiper-lazy swiper-lazy-loaded" src="${src}" alt="${htmlText(f.title)}">`
      : `<img class="swiper-lazy" src="${PLACEHOLDER}" data-src="${src}" alt="">`,
  );
  const date = showsRelativeAge(SITE, f.n) ? relativeAge(SITE, f.n) : `Actualizado el ${dayMonthYear(f.publishedAt)}`;
  const price = priceText(f);
  const description = shortDescriptionOnly(f)
    ? ''
    : `<div><p class="extended-description-content">${f.descriptionParagraphs.map((p) => htmlText(p, entities)).join('<br>')}</p></div>`;
  return `<article class="snippet-listing" data-id="${id}">
<a class="js-listing" href="${htmlText(href)}" title="${htmlText(f.title)}" target="_blank" rel="nofollow noopener">
<div class="swiper"><div class="swiper-wrapper">${images.map((img) => `<div class="swiper-slide">${img}</div>`).join('')}</div></div></a>
<div><div class="snippet-listing-content-header-title-left">
<span>${htmlText(f.title, entities)}</span>${f.address ? `<address>${htmlText(f.address, entities)}</address>` : ''}</div>
${price ? `<div><span class="price__actual">${htmlText(price)}</span></div>` : ''}
<p class="address_property-type">${placeAndTypeLine(f, entities)}</p>
<div class="snippet-listing-content-header-icons">${htmlText(featuresText(f))}</div>
<p class="snippet-listing-content-header-description">${htmlText(shortDescription(f))}</p>
${description}
<div>${f.publisher ? `<span class="date-publisher-wrapper-agency">${htmlText(f.publisher)}</span>` : ''}<span class="updated-date">${htmlText(date)}</span></div>
</div></article>`;
}

/** 'next-button': `a.next-button`, a disabled span on the last page (S-TRO-CO). */
function nextButton(input: ListPageInput): string {
  const next =
    input.page < input.totalPages
      ? `<a class="next-button" href="${input.searchPath}/${input.page + 1}" rel="next">Siguiente</a>`
      : '<span class="next-button next-button--disabled">Siguiente</span>';
  const prev =
    input.page > 1
      ? `<a class="prev-button" href="${input.searchPath}${input.page > 2 ? `/${input.page - 1}` : ''}">Anterior</a>`
      : '';
  return `<div class="pagination">${prev}<span>Página ${input.page}</span>${next}</div>`;
}

/** 'paginate': the older `#paginate` block of `a[data-test]` page links (docs/portals.md §6.1). */
function paginateLinks(input: ListPageInput): string {
  const link = (p: number) =>
    p === input.page
      ? `<span class="current">${p}</span>`
      : `<a data-test="paginate-link" href="${input.searchPath}${p > 1 ? `/${p}` : ''}">${p}</a>`;
  return `<div id="paginate">${pageLinkNumbers(input, 1).map(link).join(' ')}</div>`;
}

function searchTitle(searchPath: string): string {
  const words = searchPath.slice(1).split('-');
  return words.map((w, i) => (i === 0 ? w.charAt(0).toUpperCase() + w.slice(1) : w)).join(' ');
}

function renderListPage(input: ListPageInput): string {
  const pageViewId = hash32(`${SITE}:pageview:${input.variant}`).toString(36);
  const cards = input.items.map((f, i) => cardHtml(f, i, pageViewId));
  const results =
    input.items.length === 0
      ? '<div class="no-results"><p>No hay resultados para tu búsqueda</p><p>Revisa la ortografía o amplía la zona.</p></div>'
      : `<div class="snippet-list">${cards.join('\n')}</div>`;
  const pagination =
    input.totalPages <= 1 ? '' : input.markup === 'paginate' ? paginateLinks(input) : nextButton(input);
  const body = `<header class="header"><a class="logo" href="/">trovit casas</a><form class="searchbox" action="/index.php/cod.search_homes"><input name="what_d" value=""></form></header>
<main class="results"><h1>${htmlText(searchTitle(input.searchPath))}</h1><p>${formatAmount(input.totalCount)} casas</p>
${results}
${pagination}</main>
<footer class="footer">Trovit, parte de Lifull Connect</footer>
<script>window.trovitData={pageViewId:"${pageViewId}",page:${input.page}};</script>`;
  return htmlDocument({ title: `${searchTitle(input.searchPath)} - Trovit`, body });
}

function cardRecord(f: PropertyFacts, input: ListPageInput): ListingRecord {
  return {
    ...emptyRecord(SITE, externalId(f.n), new URL(redirectPath(f), input.searchUrl).href),
    title: f.title,
    // A line without the operation leaves it to the search URL's words (docs/portals.md §7).
    operation: typeFirst(f) ? f.operation : lifullSearchFacts(input.searchPath).operation,
    propertyType: f.propertyType,
    ...shownPriceFields(f),
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
    publishedAt: showsRelativeAge(SITE, f.n) ? null : f.publishedAt,
  };
}

export const trovitMirror: MirrorSite = {
  site: SITE,
  host: HOST,
  pageSize: PAGE_SIZE,
  defaultSearchPaths: ['/venta-casas-zapopan', '/renta-departamentos-guadalajara', '/venta-terrenos-zapopan'],
  markups: MARKUPS,
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
