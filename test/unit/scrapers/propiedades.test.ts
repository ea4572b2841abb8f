import assert from 'node:assert/strict';
import { ChallengePageError, UnrecognisedMarkupError } from '../../../lib/errors';
import { propiedadesMirror as mirror } from '../../../mirror/sites/propiedades';
import { propiedadesAdapter as adapter } from '../../../scrapers/sites/propiedades';
import {
  CHALLENGE_PAGE, assertCoversVariations, assertMirrorContract, contextFor, emptyInput, pageInput, roundTrip, truncate, truncatedRefusal,
} from './list-page-harness';

const SEARCH = '/zapopan/casas-venta';
const NEXT_DATA = /<script id="__NEXT_DATA__" type="application\/json">[\s\S]*?<\/script>/;

function page(pageNumber: number, totalPages: number, variant: number) {
  const input = pageInput(mirror, { searchPath: SEARCH, page: pageNumber, totalPages, variant });
  return { input, html: mirror.renderListPage(input), context: contextFor(mirror, input) };
}

describe('Propiedades.com list pages (__NEXT_DATA__)', () => {
  it('reads every field of every listing as the mirror wrote it, on every page of several page variants', () => {
    const run = roundTrip(adapter, mirror, SEARCH, { totalPages: 5, variants: 4, firstNs: [0, 3000, 70_000] });
    assert.equal(run.facts.length, 3 * 4 * (4 * 47 + 24));
    assertCoversVariations(run.facts);
    const all = run.pages.join('\n');
    const quirks = [
      '"valid_coords":false', '"latitude":"', '"url_property":"/inmuebles/', '"url_property":"https://propiedades.com/inmuebles/',
      '\\u0026pagina=', '"municipality":""', '"price_real":null,"price_num":null', '"price_real":0,"price_num":', '"published":"2026-', ':15:00"',
      '"property_type":"Casa en condominio"', '"property_type":"Nave industrial"', '\\u0026quot;',
    ];
    for (const quirk of quirks) assert.ok(all.includes(quirk), `no page had ${quirk}`);
    // Ids of 7, 8 and 9 digits all occurred.
    for (const digits of [7, 8, 9]) assert.ok(new RegExp(`"id":\\d{${digits}},`).test(all), `no ${digits}-digit id`);
  });

  it('hand-checked values: a USD price in price_num only, and a hidden price with flagged coordinates', () => {
    const { html, context } = page(1, 2, 2);
    const { listings } = adapter.parseListingPage(html, context);
    // "id":20000016, relative url_property, sale_price_real 0 / price_real 0 / "price_num":454170, "currency":"USD".
    const usd = listings[16];
    assert.equal(usd.externalId, '20000016');
    assert.equal(usd.url, 'https://propiedades.com/inmuebles/casa-en-venta-calle-morelos-414-centro-sur-queretaro-queretaro-20000016');
    assert.equal(usd.price, 454170);
    assert.equal(usd.currency, 'USD');
    assert.equal(usd.propertyType, 'house', '"Casa en condominio"');
    assert.equal(usd.title, 'Casa "Los Álamos" & jardín en venta, Centro Sur');
    assert.equal(usd.builtAreaM2, 192);
    assert.equal(usd.landAreaM2, null);
    assert.equal(usd.lat, 20.565185);
    assert.equal(usd.publishedAt, '2026-07-10');
    assert.equal(usd.originUrl, null);
    // "id":20000028, absolute url_property with "#area=guadalajara&pagina=1&pos=29", every price 0, valid_coords false.
    const hidden = listings[28];
    assert.equal(hidden.url, 'https://propiedades.com/inmuebles/casa-en-venta-chapalita-guadalajara-jalisco-20000028');
    assert.equal(hidden.price, null);
    assert.equal(hidden.currency, null);
    assert.equal(hidden.priceOnRequest, true);
    assert.equal(hidden.lat, null);
    assert.equal(hidden.lng, null);
    assert.equal(hidden.publishedAt, '2026-08-10', '"2026-08-10 15:15:00" has no zone: its day');
    assert.equal(hidden.city, 'Guadalajara');
  });

  it('gives the next page from totalItems: ?pagina=N+1 in the middle, null on the last page', () => {
    const middle = page(2, 3, 0);
    assert.equal(adapter.parseListingPage(middle.html, middle.context).nextPageUrl, 'https://propiedades.com/zapopan/casas-venta?pagina=3');
    const last = page(3, 3, 0);
    assert.equal(adapter.parseListingPage(last.html, last.context).nextPageUrl, null);
    // A last page that happens to be full still ends the search (totalItems = 2 × 47).
    const fullLast = pageInput(mirror, { searchPath: SEARCH, page: 2, totalPages: 2, variant: 0, lastPageCount: 47 });
    assert.equal(adapter.parseListingPage(mirror.renderListPage(fullLast), contextFor(mirror, fullLast)).nextPageUrl, null);
  });

  it('a page with no results is an empty success', () => {
    const input = emptyInput(mirror, SEARCH);
    assert.deepEqual(adapter.parseListingPage(mirror.renderListPage(input), contextFor(mirror, input)), { listings: [], nextPageUrl: null, detailUrls: [] });
  });

  it('refuses a challenge page, a truncated page and a page without its listing data, naming what is missing', () => {
    const { html, context } = page(1, 2, 1);
    assert.throws(() => adapter.parseListingPage(CHALLENGE_PAGE, context), ChallengePageError);
    const shieldSquare = '<html><head><title>ShieldSquare Captcha</title></head><body><form>Verificar</form></body></html>';
    assert.throws(() => adapter.parseListingPage(shieldSquare, context), ChallengePageError);
    assert.throws(() => adapter.parseListingPage(truncate(html), context), truncatedRefusal('propiedades', 'listing'));
    assert.throws(() => adapter.parseListingPage(html.replace(NEXT_DATA, ''), context), (error: unknown) =>
      error instanceof UnrecognisedMarkupError && error.message === 'propiedades listing page not recognised: no __NEXT_DATA__ script');
    const renamed = html.replace(/"results":\{"properties":/, '"results":{"items":');
    assert.throws(() => adapter.parseListingPage(renamed, context), (error: unknown) =>
      error instanceof UnrecognisedMarkupError && error.message === 'propiedades listing page not recognised: no props.pageProps.results.properties in __NEXT_DATA__');
  });

  it('mirror: ids of 7–9 digits invert and list URLs route back (?pagina=N)', () => {
    assertMirrorContract(mirror);
    assert.equal(mirror.listPageUrl(SEARCH, 3), 'https://propiedades.com/zapopan/casas-venta?pagina=3');
    assert.deepEqual(mirror.route(new URL('https://propiedades.com/culiacan/residencial-venta/de-1000000-a-2000000-pesos')),
      { kind: 'listing', searchPath: '/culiacan/residencial-venta/de-1000000-a-2000000-pesos', page: 1 });
    assert.equal(mirror.route(new URL('https://propiedades.com/inmuebles/casa-en-venta-28729193')), null);
    for (const n of [0, 1, 2]) assert.match(mirror.externalId(n), [/^\d{7}$/, /^\d{8}$/, /^\d{9}$/][n]);
  });
});
