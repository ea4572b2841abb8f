import assert from 'node:assert/strict';
import { ChallengePageError, UnrecognisedMarkupError } from '../../../lib/errors';
import { casasyterrenosMirror as mirror } from '../../../mirror/sites/casasyterrenos';
import { casasyterrenosAdapter as adapter } from '../../../scrapers/sites/casasyterrenos';
import {
  CHALLENGE_PAGE, assertCoversVariations, assertMirrorContract, contextFor, emptyInput, pageInput, roundTrip, truncate, truncatedRefusal,
} from './list-page-harness';

const SEARCH = '/jalisco/zapopan/casas/venta';
const NEXT_DATA = /<script id="__NEXT_DATA__" type="application\/json">[\s\S]*?<\/script>/;

function page(pageNumber: number, totalPages: number, variant: number) {
  const input = pageInput(mirror, { searchPath: SEARCH, page: pageNumber, totalPages, variant });
  return { input, html: mirror.renderListPage(input), context: contextFor(mirror, input) };
}

describe('Casas y Terrenos list pages (__NEXT_DATA__)', () => {
  it('reads every field of every listing as the mirror wrote it, on every page of several page variants', () => {
    const run = roundTrip(adapter, mirror, SEARCH, { totalPages: 3, variants: 4, firstNs: [0, 10_000] });
    assert.equal(run.facts.length, 2 * 4 * (240 + 240 + 120));
    assertCoversVariations(run.facts);
    // The feed quirks the parser must cope with all occurred.
    const all = run.pages.join('\n');
    for (const quirk of ['"slugs":{"canonical"', '"canonical":"/propiedad/', '"broker":"', '"broker":{"id"', '"surface":0', '"surface":null', '\\u0026amp;', '"priceSale":0,"priceRent":0']) {
      assert.ok(all.includes(quirk), `no page had ${quirk}`);
    }
    // Client-rendered pages (skeletons, no cards) and server-rendered ones were both parsed.
    assert.ok(run.pages.some((html) => html.includes('animate-pulse')) && run.pages.some((html) => html.includes('w-[320px] shrink-0')));
  });

  it('hand-checked values: a USD listing with a duplicated photo, and a listing without a price', () => {
    const { html, context } = page(1, 2, 2);
    const { listings } = adapter.parseListingPage(html, context);
    // In the page's JSON: "id":2400087, "priceSale":59670, "currency":"USD", broker {"name": …}, the first photo listed twice.
    const usd = listings[10];
    assert.equal(usd.externalId, '2400087');
    assert.equal(usd.url, 'https://www.casasyterrenos.com/propiedad/departamento-venta-las-quintas-culiacan-sin-2400087');
    assert.equal(usd.price, 59670);
    assert.equal(usd.currency, 'USD');
    assert.equal(usd.priceOnRequest, false);
    assert.equal(usd.propertyType, 'apartment');
    assert.equal(usd.operation, 'sale');
    assert.equal(usd.builtAreaM2, 159);
    assert.equal(usd.landAreaM2, null, '"surface": null');
    assert.equal(usd.publisher, 'Bienes Raíces del Bajío');
    assert.equal(usd.publishedAt, '2026-06-10T22:52:00.000Z');
    assert.equal(usd.images.length, 2);
    assert.equal(usd.originUrl, null);
    // "id":2400059, "priceSale":0, "surface":0, broker as a plain string.
    const hidden = listings[6];
    assert.equal(hidden.externalId, '2400059');
    assert.equal(hidden.price, null);
    assert.equal(hidden.currency, null);
    assert.equal(hidden.priceOnRequest, true);
    assert.equal(hidden.landAreaM2, null, '"surface": 0 is "not given"');
    assert.equal(hidden.publisher, 'Propiedades Peña "La Casa"');
    assert.equal(hidden.state, null);
  });

  it('decodes entities the feed carries in titles', () => {
    const html = page(1, 1, 0).html.replace(/"name":"[^"]*"/, '"name":"Casa \\u0026quot;Los Pinos\\u0026quot; \\u0026amp; alberca"');
    const { listings } = adapter.parseListingPage(html, page(1, 1, 0).context);
    assert.equal(listings[0].title, 'Casa "Los Pinos" & alberca');
  });

  it('falls back to the short /propiedad/-{id} form when a listing has no canonical path', () => {
    const { html, context } = page(1, 1, 0);
    const stripped = html.replace(/"canonical":"[^"]*",|"slugs":\{"canonical":"[^"]*"\},/, '');
    const first = adapter.parseListingPage(stripped, context).listings[0];
    assert.equal(first.url, `https://www.casasyterrenos.com/propiedad/-${first.externalId}`);
    assert.equal(first.propertyType, null, 'the type is only in the canonical path');
  });

  it('gives the next page from estimatedTotalHits: ?page=N+1 in the middle, null on the last page', () => {
    const middle = page(2, 3, 1);
    assert.equal(adapter.parseListingPage(middle.html, middle.context).nextPageUrl, 'https://www.casasyterrenos.com/jalisco/zapopan/casas/venta?page=3');
    const last = page(3, 3, 1);
    assert.equal(adapter.parseListingPage(last.html, last.context).nextPageUrl, null);
    // Links and the next page resolve against the address the page came from (--url), e.g. the local mirror.
    const local = adapter.parseListingPage(middle.html, { ...middle.context, url: 'http://127.0.0.1:8731/jalisco/zapopan/casas/venta?page=2&orden=reciente' });
    assert.equal(local.nextPageUrl, 'http://127.0.0.1:8731/jalisco/zapopan/casas/venta?page=3&orden=reciente');
    assert.match(local.listings[0].url, /^http:\/\/127\.0\.0\.1:8731\/propiedad\//);
  });

  it('a page with no results is an empty success', () => {
    const input = emptyInput(mirror, SEARCH);
    assert.deepEqual(adapter.parseListingPage(mirror.renderListPage(input), contextFor(mirror, input)), { listings: [], nextPageUrl: null, detailUrls: [] });
  });

  it('refuses a challenge page, a truncated page and a page without its listing data, naming what is missing', () => {
    const { html, context } = page(1, 2, 0);
    assert.throws(() => adapter.parseListingPage(CHALLENGE_PAGE, context), ChallengePageError);
    assert.throws(() => adapter.parseListingPage(truncate(html), context), truncatedRefusal('casasyterrenos', 'listing'));
    assert.throws(() => adapter.parseListingPage(html.replace(NEXT_DATA, ''), context), (error: unknown) =>
      error instanceof UnrecognisedMarkupError && error.message === 'casasyterrenos listing page not recognised: no __NEXT_DATA__ script');
    // A Next.js error page has __NEXT_DATA__ but no propertyData.
    const errorPage = html.replace(NEXT_DATA, '<script id="__NEXT_DATA__" type="application/json">{"props":{"pageProps":{"statusCode":500}},"page":"/_error"}</script>');
    assert.throws(() => adapter.parseListingPage(errorPage, context), (error: unknown) =>
      error instanceof UnrecognisedMarkupError && error.message.includes('casasyterrenos listing') && error.message.includes('props.pageProps.initialState.propertyData.properties'));
  });

  it('mirror: ids invert and list URLs route back (?page=N, page 1 without it)', () => {
    assertMirrorContract(mirror);
    assert.equal(mirror.listPageUrl(SEARCH, 1), 'https://www.casasyterrenos.com/jalisco/zapopan/casas/venta');
    assert.equal(mirror.route(new URL('https://www.casasyterrenos.com/jalisco/zapopan/casas/venta?page=0')), null);
    assert.match(mirror.robotsTxt, /Disallow: \/api\//);
    assert.ok(page(1, 1, 0).html.trimEnd().endsWith('</html>'));
    // __NEXT_DATA__ is the last script of the page.
    const html = page(1, 1, 1).html;
    assert.equal(html.lastIndexOf('<script'), html.indexOf('<script id="__NEXT_DATA__"'));
  });
});
