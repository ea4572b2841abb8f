import assert from 'node:assert/strict';
import { ChallengePageError, UnrecognisedMarkupError } from '../../../lib/errors';
import { mitulaMirror as mirror } from '../../../mirror/sites/mitula';
import { mitulaAdapter as adapter } from '../../../scrapers/sites/mitula';
import {
  ACCESS_DENIED_PAGE, CHALLENGE_PAGE, assertCoversVariations, assertMirrorContract, contextFor, emptyInput, pageInput, roundTrip, truncate, truncatedRefusal,
} from './list-page-harness';

const SEARCH = '/casas/venta-zapopan-jalisco';
const CARD = /<article class="listing-card[\s\S]*?<\/article>/g;

function page(pageNumber: number, totalPages: number, variant: number) {
  const input = pageInput(mirror, { searchPath: SEARCH, page: pageNumber, totalPages, variant });
  return { input, html: mirror.renderListPage(input), context: contextFor(mirror, input) };
}

/** The decoded data-clickdestination values of a page, with whether each was written without "=" padding. */
function destinations(html: string): Array<{ value: string; unpadded: boolean }> {
  return [...html.matchAll(/data-clickdestination="([^"]*)"/g)].map(([, encoded]) => ({
    value: Buffer.from(encoded, 'base64').toString('utf8'),
    unpadded: encoded.length % 4 !== 0,
  }));
}

describe('Mitula list pages (article.listing-card)', () => {
  it('reads every field of every card as the mirror wrote it, on every page of several page variants', () => {
    const run = roundTrip(adapter, mirror, SEARCH, { totalPages: 6, variants: 4, firstNs: [0, 5000] });
    assert.equal(run.facts.length, 2 * 4 * (5 * 30 + 15));
    assertCoversVariations(run.facts);
    const all = run.pages.join('\n');
    const links = destinations(all);
    assert.ok(links.some((d) => d.value.startsWith('/adform/')), 'relative /adform/ destinations');
    assert.ok(links.some((d) => d.value.startsWith('https://www.inmuebles24.com/')), 'Inmuebles24 destinations');
    assert.ok(links.some((d) => d.value.startsWith('https://www.lamudi.com.mx/')), 'Lamudi destinations');
    assert.ok(links.some((d) => d.unpadded), 'destinations without "=" padding');
    const quirks = [
      'data-floorarea=""', 'data-city="" data-district="', 'Hace ', ' en - ', 'swiper-slide-duplicate', 'src="//img.mitula.mx',
      '"@type":"SearchResultsPage"', 'listing-card--banner', '&#225;', 'Desde $ ', 'Consultar precio',
    ];
    for (const quirk of quirks) assert.ok(all.includes(quirk), `no page had ${quirk}`);
    assert.ok(run.pages.some((html) => !html.includes('SearchResultsPage')), 'pages without JSON-LD');
    // Some /adform/ cards have no link around the button: the decoded destination alone gives their url.
    assert.ok(/data-test="snippet__view-detail-button">Ver detalle<\/button>\n<\/div><\/article>/.test(all));
  });

  it('hand-checked values: a USD rental, an ad held by Inmuebles24 and one by Lamudi, a hidden price', () => {
    const { html, context } = page(1, 4, 2);
    const { listings } = adapter.parseListingPage(html, context);
    // data-listingid="4100000042" data-price="3270" data-currency="USD" data-operation-type="rent"; bathrooms only in JSON-LD.
    const usd = listings[3];
    assert.equal(usd.externalId, '4100000042');
    assert.equal(usd.url, 'https://casas.mitula.mx/adform/4100000042');
    assert.equal(usd.price, 3270);
    assert.equal(usd.currency, 'USD');
    assert.equal(usd.operation, 'rent');
    assert.equal(usd.title, 'Casa "Los Álamos" & jardín en renta, Montebello');
    assert.equal(usd.bedrooms, 5);
    assert.equal(usd.bathrooms, 2);
    assert.equal(usd.builtAreaM2, 104);
    assert.equal(usd.state, 'Yucatán');
    assert.equal(usd.publisher, 'RE/MAX Élite');
    assert.equal(usd.publishedAt, '2026-10-10');
    assert.equal(usd.originUrl, null);
    // data-clickdestination decodes to an Inmuebles24 URL with utm_* parameters: originUrl without them, url on Mitula.
    assert.equal(listings[1].externalId, '4100000016');
    assert.equal(listings[1].originUrl, 'https://www.inmuebles24.com/propiedades/clasificado/departamento-en-venta-lafayette-guadalajara-147981426.html');
    assert.equal(listings[1].url, 'https://casas.mitula.mx/adform/4100000016');
    assert.equal(listings[2].originUrl, 'https://www.lamudi.com.mx/detalle/41032-73-0ac08526e40e-2fb6-c5fc89d-15d0-ee5e');
    // "Consultar precio", data-price="" and data-floorarea="" while the card text shows "234 m²".
    const hidden = listings[11];
    assert.equal(hidden.externalId, '4100000146');
    assert.equal(hidden.price, null);
    assert.equal(hidden.currency, null);
    assert.equal(hidden.priceOnRequest, true);
    assert.equal(hidden.builtAreaM2, 234);
  });

  it('uses JSON-LD about[] only when it lines up with the cards', () => {
    const { html, context } = page(1, 2, 0);
    assert.ok(adapter.parseListingPage(html, context).listings.every((record) => record.lat != null));
    // One entry short: no listing may borrow another one's coordinates.
    const shifted = html.replace(/"about":\[\{.*?\},\{/, '"about":[{');
    assert.notEqual(shifted, html);
    assert.ok(adapter.parseListingPage(shifted, context).listings.every((record) => record.lat == null && record.lng == null));
  });

  it('gives the .pagination__page link to page N+1, and null on the last page', () => {
    const first = page(1, 3, 1);
    assert.equal(adapter.parseListingPage(first.html, first.context).nextPageUrl, 'https://casas.mitula.mx/casas/venta-zapopan-jalisco?page=2');
    const middle = page(2, 3, 1);
    assert.equal(adapter.parseListingPage(middle.html, middle.context).nextPageUrl, 'https://casas.mitula.mx/casas/venta-zapopan-jalisco?page=3');
    const last = page(3, 3, 1);
    assert.match(last.html, /class="pagination__page"/, 'the last page still has page links');
    assert.equal(adapter.parseListingPage(last.html, last.context).nextPageUrl, null);
  });

  it('a page with no results is an empty success', () => {
    const input = emptyInput(mirror, SEARCH);
    assert.deepEqual(adapter.parseListingPage(mirror.renderListPage(input), contextFor(mirror, input)), { listings: [], nextPageUrl: null, detailUrls: [] });
  });

  it('refuses block pages, a truncated page, a page without cards and a card without a link', () => {
    const { html, context } = page(1, 2, 3);
    assert.throws(() => adapter.parseListingPage(CHALLENGE_PAGE, context), ChallengePageError);
    assert.throws(() => adapter.parseListingPage(ACCESS_DENIED_PAGE, context), (error: unknown) =>
      error instanceof ChallengePageError && error.message.includes('Access Denied'));
    assert.throws(() => adapter.parseListingPage(truncate(html), context), truncatedRefusal('mitula', 'listing'));
    assert.throws(() => adapter.parseListingPage(html.replace(CARD, ''), context), (error: unknown) =>
      error instanceof UnrecognisedMarkupError
      && error.message === 'mitula listing page not recognised: no article.listing-card cards and no "no results" message');
    const firstCard = html.match(CARD)![0];
    const unlinked = firstCard.replace(/data-clickdestination="[^"]*"/, 'data-clickdestination="%%%"').replace(/<a href="[^"]*"[^>]*>|<\/a>/g, '');
    assert.throws(() => adapter.parseListingPage(html.replace(firstCard, unlinked), context), (error: unknown) =>
      error instanceof UnrecognisedMarkupError && /^mitula listing page not recognised: card \d+ has no Mitula link/.test(error.message));
  });

  it('mirror: ids invert, list URLs route back (?page=N), and any page number routes (the server 404s past the end)', () => {
    assertMirrorContract(mirror);
    assert.deepEqual(mirror.route(new URL('https://casas.mitula.mx/casas/venta-zapopan-jalisco?page=999')), { kind: 'listing', searchPath: SEARCH, page: 999 });
    assert.equal(mirror.route(new URL('https://casas.mitula.mx/adform/4100000042')), null);
    assert.equal(mirror.pageSize, 30);
  });
});
