import assert from 'node:assert/strict';
import { ChallengePageError, UnrecognisedMarkupError } from '../../../lib/errors';
import { trovitMirror as mirror } from '../../../mirror/sites/trovit';
import { trovitAdapter as adapter } from '../../../scrapers/sites/trovit';
import {
  ACCESS_DENIED_PAGE, CHALLENGE_PAGE, assertCoversVariations, assertMirrorContract, contextFor, emptyInput, pageInput, roundTrip, truncate, truncatedRefusal,
} from './list-page-harness';

const SEARCH = '/venta-casas-zapopan';
const CARD = /<article class="snippet-listing"[\s\S]*?<\/article>/g;

function page(pageNumber: number, totalPages: number, variant: number) {
  const input = pageInput(mirror, { searchPath: SEARCH, page: pageNumber, totalPages, variant });
  return { input, html: mirror.renderListPage(input), context: contextFor(mirror, input) };
}

describe('Trovit list pages (article.snippet-listing)', () => {
  it('reads every field of every card as the mirror wrote it, on every page of several page variants', () => {
    const run = roundTrip(adapter, mirror, SEARCH, { totalPages: 6, variants: 4, firstNs: [0, 5000] });
    assert.equal(run.facts.length, 2 * 4 * (5 * 30 + 15));
    assertCoversVariations(run.facts);
    const all = run.pages.join('\n');
    const quirks = [
      'href="/rd/', 'href="https://casas.trovit.com.mx/rd/', '?pvid=', 'Ver en Lamudi', 'Ver en Inmuebles24', 'Hace ', 'Actualizado el ',
      'src="data:image/gif', 'class="snippet-ad"', '&#233;', 'Desde $ ', 'US$ ', 'Consultar precio', '<address>',
    ];
    for (const quirk of quirks) assert.ok(all.includes(quirk), `no page had ${quirk}`);
    // Some cards have only the clipped snippet, no extended description.
    assert.ok((all.match(/class="snippet-listing-content-header-description"/g) ?? []).length > (all.match(/class="extended-description-content"/g) ?? []).length);
  });

  it('hand-checked values: a USD sale, a hidden price, and an ad that reveals its origin', () => {
    const { html, context } = page(1, 4, 2);
    const { listings } = adapter.parseListingPage(html, context);
    // data-id="100qgow", "US$ 103,940 USD", a.js-listing href with ?pvid=…&pos=12&origin=serp&section=snippet.
    const usd = listings[11];
    assert.equal(usd.externalId, '100qgow');
    assert.equal(usd.url, 'https://casas.trovit.com.mx/rd/100qgow');
    assert.equal(usd.price, 103940);
    assert.equal(usd.currency, 'USD');
    assert.equal(usd.operation, 'sale');
    assert.equal(usd.propertyType, 'house');
    assert.equal(usd.address, 'Blvd. Puerta de Hierro 794');
    assert.deepEqual([usd.neighborhood, usd.city, usd.state], ['Contry', 'Monterrey', 'Nuevo León']);
    assert.equal(usd.builtAreaM2, 310, '"310 m²", one unnamed area on a house');
    assert.equal(usd.bathrooms, 2);
    assert.equal(usd.bedrooms, null);
    assert.equal(usd.publishedAt, '2026-07-09', '"Actualizado el 09/07/2026"');
    assert.equal(usd.publisher, null);
    assert.equal(usd.originUrl, null);
    // "Consultar precio"; the title holds a quote and an ampersand.
    const hidden = listings[0];
    assert.equal(hidden.externalId, '100qglj');
    assert.equal(hidden.price, null);
    assert.equal(hidden.currency, null);
    assert.equal(hidden.priceOnRequest, true);
    assert.equal(hidden.title, 'Casa "Los Álamos" & jardín en venta, Narvarte Poniente');
    assert.equal(hidden.publisher, 'Inmobiliaria Álvarez & Asociados');
    // "Ver en Inmuebles24" with ?utm_source=trovit&utm_medium=cpc.
    assert.equal(listings[3].externalId, '100qgmg');
    assert.equal(listings[3].originUrl, 'https://www.inmuebles24.com/propiedades/clasificado/edificio-en-venta-chapalita-guadalajara-142731864.html');
  });

  it('takes the operation from the search URL when the card label does not say it', () => {
    const { html } = page(1, 1, 0);
    const card = html.match(CARD)![0];
    const unlabeled = card.replace(/(<span class="property-type">[^<]*?) en (venta|renta)</, '$1<');
    assert.notEqual(unlabeled, card);
    const single = html.replace(CARD, '').replace('<div class="snippet-list">', `<div class="snippet-list">${unlabeled}`);
    const parse = (url: string) => adapter.parseListingPage(single, { url, site: 'trovit', maxFieldLength: 1000 }).listings[0].operation;
    assert.equal(parse('https://casas.trovit.com.mx/renta-casas-zapopan'), 'rent');
    assert.equal(parse('https://casas.trovit.com.mx/venta-casas-zapopan/2'), 'sale');
    assert.equal(parse('https://casas.trovit.com.mx/casa-colima'), null);
  });

  it('gives a.next-button as the next page (/{slug}/{N+1}), and null on the last page', () => {
    const middle = page(2, 3, 1);
    assert.equal(adapter.parseListingPage(middle.html, middle.context).nextPageUrl, 'https://casas.trovit.com.mx/venta-casas-zapopan/3');
    const last = page(3, 3, 1);
    assert.match(last.html, /<span class="next-button/, 'the last page shows a disabled next button');
    assert.equal(adapter.parseListingPage(last.html, last.context).nextPageUrl, null);
  });

  it('a page with no results is an empty success', () => {
    const input = emptyInput(mirror, SEARCH);
    assert.deepEqual(adapter.parseListingPage(mirror.renderListPage(input), contextFor(mirror, input)), { listings: [], nextPageUrl: null, detailUrls: [] });
  });

  it('refuses block pages, a truncated page, a page without cards and a card without its link', () => {
    const { html, context } = page(1, 2, 1);
    assert.throws(() => adapter.parseListingPage(CHALLENGE_PAGE, context), ChallengePageError);
    assert.throws(() => adapter.parseListingPage(ACCESS_DENIED_PAGE, context), (error: unknown) =>
      error instanceof ChallengePageError && error.message.includes('Access Denied'));
    assert.throws(() => adapter.parseListingPage(truncate(html), context), truncatedRefusal('trovit', 'listing'));
    assert.throws(() => adapter.parseListingPage(html.replace(CARD, ''), context), (error: unknown) =>
      error instanceof UnrecognisedMarkupError
      && error.message === 'trovit listing page not recognised: no article.snippet-listing cards and no "no results" message');
    const card = html.match(CARD)![0];
    assert.throws(() => adapter.parseListingPage(html.replace(card, card.replace('class="js-listing"', 'class="listing-link"')), context), (error: unknown) =>
      error instanceof UnrecognisedMarkupError && /^trovit listing page not recognised: card \w+ has no a\.js-listing link/.test(error.message));
  });

  it('mirror: ids invert and list URLs route back (/{slug}/{N})', () => {
    assertMirrorContract(mirror);
    assert.equal(mirror.listPageUrl(SEARCH, 2), 'https://casas.trovit.com.mx/venta-casas-zapopan/2');
    assert.equal(mirror.route(new URL('https://casas.trovit.com.mx/venta-casas-zapopan/0')), null);
    assert.equal(mirror.route(new URL('https://casas.trovit.com.mx/rd/100qgow')), null);
  });
});
