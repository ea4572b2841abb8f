import { strict as assert } from 'node:assert';
import * as cheerio from 'cheerio';
import { ChallengePageError, UnrecognisedMarkupError } from '../../../lib/errors';
import { lamudiMirror as mirror } from '../../../mirror/sites/lamudi';
import { JsLiteralError, readCallArgument } from '../../../scrapers/js-literal';
import { lamudiAdapter as adapter } from '../../../scrapers/sites/lamudi';
import { detailPage, detailRoundTrip, listRoundTrip, range } from './detail-site-harness';
import { CHALLENGE_PAGE, assertCoversVariations, assertMirrorContract, contextFor, emptyInput, pageInput, truncate, truncatedRefusal } from './list-page-harness';

const SEARCH = '/jalisco/zapopan/casa/for-sale/';
/** The mirror serves the "unrendered" page (cards container empty, JSON-LD only) when variant % 7 === 6. */
const UNRENDERED = 6;
const JSON_LD = /<script type="application\/ld\+json">[\s\S]*?<\/script>/g;

function listPage(page: number, totalPages: number, variant: number, searchPath = SEARCH) {
  const input = pageInput(mirror, { searchPath, page, totalPages, variant });
  return { input, html: mirror.renderListPage(input), context: contextFor(mirror, input) };
}

/** A predicate for assert.throws: the error class and the words of its message. */
function unrecognised(kind: 'listing' | 'detail', missing: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof UnrecognisedMarkupError, `expected UnrecognisedMarkupError, got ${String(error)}`);
    assert.match(error.message, new RegExp(`^lamudi ${kind} page not recognised: `));
    assert.match(error.message, missing);
    return true;
  };
}

describe('Lamudi mirror', () => {
  it('keeps the MirrorSite contract: alternate ids that invert, ?page=N pages that route back', () => {
    assertMirrorContract(mirror);
    assert.equal(mirror.externalId(0), '41032-73-a0eb48d39feb-719b-0000000-d6bf-dc86');
    assert.equal(mirror.indexOf('41032-73-a0eb48d39feb-719b-0000000-d6bf-dc87'), null, 'a changed hash group is not an id the mirror issued');
    assert.equal(mirror.listPageUrl(SEARCH, 2), 'https://www.lamudi.com.mx/jalisco/zapopan/casa/for-sale/?page=2');
    assert.deepEqual(mirror.route(new URL(`https://www.lamudi.com.mx/desarrollo/${mirror.externalId(21)}`)), { kind: 'detail', externalId: mirror.externalId(21) });
  });

  it('declares no charset, on list and detail pages', () => {
    assert.doesNotMatch(listPage(1, 1, 0).html, /charset/i);
    assert.doesNotMatch(detailPage(mirror, 0, 0).html, /charset/i);
  });
});

describe('Lamudi list pages (JSON-LD joined with snippet cards)', () => {
  it('reads every field of every listing as the mirror wrote it, rendered or JSON-LD only', () => {
    const run = listRoundTrip(adapter, mirror, SEARCH, { totalPages: 3, variants: range(0, 14), firstNs: [0, 5000, 80_000] });
    assert.equal(run.facts.length, 3 * 14 * (2 * 30 + 15));
    assertCoversVariations(run.facts);
    const all = run.pages.join('\n');
    const quirks = [
      '<span class="price-from">Desde</span> $ ', '>USD ', '>Consultar precios<', ' MXN<', 'data-test="serp-project"', 'href="/desarrollo/',
      'principal-amenity car_park', 'principal-amenity gym', '"offers":{', '"geo":{', '"name":"Propiedades similares"', '"@type":"FAQPage"',
      'data-islast="true"', 'snippet__content__agency__name', '&quot;Los Álamos&quot; &amp; jardín',
    ];
    for (const quirk of quirks) assert.ok(all.includes(quirk), `no page had ${quirk}`);
    assert.ok(run.pages.some((page) => page.includes('<div class="listings__cards"></div>') && page.includes('"itemListElement":[{')), 'an unrendered page');
  });

  it('hand-checked values: MXN, USD, "Desde" and "Consultar precios" prices, and a tricky title', () => {
    const { html, context } = listPage(1, 2, 0);
    const { listings } = adapter.parseListingPage(html, context);
    // n=0: "$ 2,087,000 MXN", Ciudad Universitaria, Culiacán, Sinaloa; the operation comes from ".../for-sale/".
    const first = listings[0];
    assert.equal(first.url, 'https://www.lamudi.com.mx/detalle/41032-73-a0eb48d39feb-719b-0000000-d6bf-dc86');
    assert.equal(first.externalId, '41032-73-a0eb48d39feb-719b-0000000-d6bf-dc86');
    assert.deepEqual([first.price, first.currency, first.priceOnRequest, first.operation, first.propertyType], [2087000, 'MXN', false, 'sale', 'apartment']);
    assert.deepEqual([first.neighborhood, first.city, first.state], ['Ciudad Universitaria', 'Culiacán', 'Sinaloa']);
    assert.deepEqual([first.bedrooms, first.bathrooms, first.parkingSpaces, first.builtAreaM2], [5, 1, 2, 167]);
    // n=3: "USD 4,210", a plot: its one card area is land.
    assert.deepEqual([listings[3].price, listings[3].currency, listings[3].landAreaM2, listings[3].builtAreaM2], [4210, 'USD', 938, null]);
    // n=2: the title keeps its quotes and ampersand.
    assert.equal(listings[2].title, 'Departamento "Los Álamos" & jardín en venta, Temozón Norte');
    // n=21: a development, "Desde $ 12,563,000 MXN", under /desarrollo/.
    assert.equal(listings[21].url, 'https://www.lamudi.com.mx/desarrollo/41032-73-a2d8f55ca3d8-8d25-0000015-8bc7-673d');
    assert.deepEqual([listings[21].price, listings[21].currency], [12563000, 'MXN']);
    // n=33: "Consultar precios".
    const second = listPage(2, 2, 0);
    const onRequest = adapter.parseListingPage(second.html, second.context).listings[3];
    assert.equal(onRequest.externalId, mirror.externalId(33));
    assert.deepEqual([onRequest.price, onRequest.currency, onRequest.priceOnRequest], [null, null, true]);
  });

  it('on an unrendered page, keeps what JSON-LD alone gives: no price, parking, colonia or agency', () => {
    const { html, context } = listPage(1, 2, UNRENDERED);
    assert.ok(html.includes('<div class="listings__cards"></div>'));
    const first = adapter.parseListingPage(html, context).listings[0];
    assert.deepEqual([first.title, first.city, first.bedrooms, first.builtAreaM2], ['Departamento en venta en Ciudad Universitaria, Culiacán', 'Culiacán', 5, 167]);
    assert.deepEqual([first.price, first.priceOnRequest, first.parkingSpaces, first.neighborhood, first.publisher], [null, false, null, null, null]);
  });

  it('without JSON-LD, still reads the cards, minus what only JSON-LD gives (type, street, coordinates)', () => {
    const { input, html, context } = listPage(1, 2, 1);
    const { listings } = adapter.parseListingPage(html.replace(JSON_LD, ''), context);
    assert.equal(listings.length, 30);
    input.items.forEach((facts, i) => {
      const expected = mirror.cardRecord(facts, input);
      const area = expected.builtAreaM2 ?? expected.landAreaM2;
      // Without the type, the one card area is filed as built area (listing-record.md).
      assert.deepEqual(listings[i], { ...expected, propertyType: null, address: null, lat: null, lng: null, builtAreaM2: area, landAreaM2: null }, `n=${facts.n}`);
    });
  });

  it('takes the operation from the for-sale / for-rent segment only ("venta-al-por-menor" is a type)', () => {
    const { html, context } = listPage(1, 1, 0, '/jalisco/zapopan/comercial/venta-al-por-menor/for-rent/');
    assert.ok(adapter.parseListingPage(html, context).listings.every((listing) => listing.operation === 'rent'));
  });

  it('follows a#pagination-next, and stops on the last page whether the link is gone or marked data-islast', () => {
    const middle = listPage(2, 3, 0);
    const parsed = adapter.parseListingPage(middle.html, middle.context);
    assert.equal(parsed.nextPageUrl, 'https://www.lamudi.com.mx/jalisco/zapopan/casa/for-sale/?page=3');
    assert.deepEqual(parsed.detailUrls, middle.input.items.map((f) => mirror.detailUrl!(f)));
    for (const variant of [0, 1]) {
      const last = listPage(3, 3, variant);
      assert.equal(last.html.includes('data-islast="true"'), variant === 0);
      assert.equal(adapter.parseListingPage(last.html, last.context).nextPageUrl, null, `variant ${variant}`);
    }
  });

  it('a page with no results is an empty success', () => {
    const input = emptyInput(mirror, SEARCH);
    assert.deepEqual(adapter.parseListingPage(mirror.renderListPage(input), contextFor(mirror, input)), { listings: [], nextPageUrl: null, detailUrls: [] });
  });

  it('refuses a challenge page, a truncated page and a page without JSON-LD and cards, naming what is missing', () => {
    const { html, context } = listPage(1, 2, 1);
    assert.throws(() => adapter.parseListingPage(CHALLENGE_PAGE, context), ChallengePageError);
    assert.throws(() => adapter.parseListingPage(truncate(html), context), truncatedRefusal('lamudi', 'listing'));
    const $ = cheerio.load(html.replace(JSON_LD, ''));
    $('div.snippet').remove();
    assert.throws(() => adapter.parseListingPage($.html(), context), unrecognised('listing', /no JSON-LD ItemList items, no div\.snippet\.js-snippet cards/));
  });
});

describe('Lamudi detail pages (JSON-LD → initAdForm → DOM)', () => {
  it('reads every field as the mirror wrote it, whichever of the three sources holds it', () => {
    const run = detailRoundTrip(adapter, mirror, [...range(0, 120), ...range(80_000, 80_060)], range(0, 3));
    assertCoversVariations(run.facts);
    assert.ok(run.pages.some((page) => !page.includes('"geo":')), 'a page with coordinates in initAdForm only');
    assert.ok(run.pages.some((page) => !page.includes('"description":')), 'a page with the description in the DOM only');
  });

  it('hand-checked values: breadcrumb operation, named areas, coordinates and the dd/mm/yyyy date', () => {
    // n=49 is a rented shop: its breadcrumb links to ".../comercial/venta-al-por-menor/for-rent/".
    const shop = detailPage(mirror, 49, 0);
    assert.ok(shop.html.includes('/comercial/venta-al-por-menor/for-rent/'));
    const shopRecord = adapter.parseDetailPage!(shop.html, shop.context);
    assert.deepEqual([shopRecord.operation, shopRecord.propertyType], ['rent', 'commercial']);
    // n=4: a house for rent, "$ 66,300 MXN", 40 m² built on a 142 m² plot.
    const house = detailPage(mirror, 4, 1);
    const record = adapter.parseDetailPage!(house.html, house.context);
    assert.deepEqual([record.operation, record.price, record.currency, record.builtAreaM2, record.landAreaM2], ['rent', 66300, 'MXN', 40, 142]);
    assert.deepEqual([record.address, record.neighborhood, record.publisher], ['Av. Patria 2790', 'Chapultepec', 'Century 21 Diamante']);
    assert.equal(record.lat, house.facts.lat);
    const date = /<span class="date">(\d\d)\/(\d\d)\/(\d{4}) - /.exec(house.html)!;
    assert.equal(record.publishedAt, `${date[3]}-${date[2]}-${date[1]}`);
    assert.equal(record.images.length, 7);
  });

  it('without JSON-LD, falls back to initAdForm and the DOM for everything but the property type', () => {
    const { facts, html, context } = detailPage(mirror, 16, 0);
    const record = adapter.parseDetailPage!(html.replace(JSON_LD, ''), context);
    assert.deepEqual(record, { ...mirror.detailRecord!(facts, mirror.markups[0]), propertyType: null });
  });

  it('refuses a challenge page, a truncated page, a page without listing data and a broken initAdForm', () => {
    const { html, context } = detailPage(mirror, 5, 0);
    assert.throws(() => adapter.parseDetailPage!(CHALLENGE_PAGE, context), ChallengePageError);
    assert.throws(() => adapter.parseDetailPage!(truncate(html), context), truncatedRefusal('lamudi', 'detail'));
    const $ = cheerio.load(html.replace(JSON_LD, ''));
    $('.main-title').remove();
    assert.throws(() => adapter.parseDetailPage!($.html(), context), unrecognised('detail', /no JSON-LD listing node and no \.main-title h1/));
    const broken = html.replace('initAdForm({', 'initAdForm({ adUrl: ,');
    assert.throws(() => adapter.parseDetailPage!(broken, context), unrecognised('detail', /initAdForm is not a readable literal/));
  });
});

describe('reading a call argument (scrapers/js-literal.ts)', () => {
  it('skips definitions and calls without a literal, and reads the first literal argument', () => {
    const source = `function initAdForm(options) { return options; }
      initAdForm(config);
      initAdForm({ province: 'Jalisco', mapData: { adLocationData: { coordinates: { latitude: 20.67, longitude: -103.35, }, }, }, onSubmit: send, });`;
    assert.deepEqual(readCallArgument(source, 'initAdForm'), {
      province: 'Jalisco',
      mapData: { adLocationData: { coordinates: { latitude: 20.67, longitude: -103.35 } } },
      onSubmit: undefined,
    });
    assert.equal(readCallArgument('initAdForm(); other({ a: 1 });', 'initAdForm'), undefined);
    assert.throws(() => readCallArgument("initAdForm({ a: 'open );", 'initAdForm'), JsLiteralError);
  });
});
