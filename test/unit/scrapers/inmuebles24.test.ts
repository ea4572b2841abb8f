import { strict as assert } from 'node:assert';
import * as cheerio from 'cheerio';
import { ChallengePageError, NotFoundError, UnrecognisedMarkupError } from '../../../lib/errors';
import { inmuebles24Mirror as mirror } from '../../../mirror/sites/inmuebles24';
import { JsLiteralError, parseJsLiteral, readAssignedLiteral } from '../../../scrapers/js-literal';
import { inmuebles24Adapter as adapter } from '../../../scrapers/sites/inmuebles24';
import { detailPage, detailRoundTrip, listRoundTrip, range } from './detail-site-harness';
import { CHALLENGE_PAGE, assertCoversVariations, assertMirrorContract, contextFor, emptyInput, pageInput, truncate, truncatedRefusal } from './list-page-harness';

const SEARCH = '/casas-en-venta-en-zapopan.html';

function listPage(page: number, totalPages: number, variant: number) {
  const input = pageInput(mirror, { searchPath: SEARCH, page, totalPages, variant });
  return { input, html: mirror.renderListPage(input), context: contextFor(mirror, input) };
}

/** A predicate for assert.throws: the error class and the words of its message. */
function unrecognised(kind: 'listing' | 'detail', missing: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof UnrecognisedMarkupError, `expected UnrecognisedMarkupError, got ${String(error)}`);
    assert.match(error.message, new RegExp(`^inmuebles24 ${kind} page not recognised: `));
    assert.match(error.message, missing);
    return true;
  };
}

describe('Inmuebles24 mirror', () => {
  it('keeps the MirrorSite contract: 9-digit ids that invert, -pagina-N.html pages that route back', () => {
    assertMirrorContract(mirror);
    assert.equal(mirror.externalId(0), '140000000');
    assert.equal(mirror.indexOf('1400000'), null, 'not 9 digits');
    assert.equal(mirror.listPageUrl(SEARCH, 3), 'https://www.inmuebles24.com/casas-en-venta-en-zapopan-pagina-3.html');
    const detail = new URL('https://www.inmuebles24.com/propiedades/desarrollo/veemapin-departamento-en-venta-garcia-gineres-merida-140000014.html');
    assert.deepEqual(mirror.route(detail), { kind: 'detail', externalId: '140000014' });
  });
});

describe('Inmuebles24 list pages (data-qa cards)', () => {
  it('reads every field of every card as the mirror wrote it, across markup eras, hashed classes and noise', () => {
    const run = listRoundTrip(adapter, mirror, SEARCH, { totalPages: 4, variants: range(0, 6), firstNs: [0, 4000, 90_000] });
    assert.equal(run.facts.length, 3 * 6 * (3 * 30 + 15));
    assertCoversVariations(run.facts);
    const all = run.pages.join('\n');
    const quirks = [
      'data-qa="posting DEVELOPMENT"', 'Precios desde', '>USD ', '>Consultar precio<', '>Precio oculto<', ' a ', 'm² lote', 'm² tot.',
      'data-qa="expensas"', 'alt=""', 'class="cf-turnstile"', 'div-gpt-ad-listado-', '"@type":"CollectionPage"', '-module__', 'class="sc-',
      '/propiedades/clasificado/ve', '/propiedades/clasificado/casa-en-',
    ];
    for (const quirk of quirks) assert.ok(all.includes(quirk), `no page had ${quirk}`);
  });

  it('hand-checked values: a USD card, a development "desde" card, a hidden price and a prefix-less URL', () => {
    const { html, context } = listPage(1, 2, 3);
    const { listings } = adapter.parseListingPage(html, context);
    // n=5: "USD 438,720", "149 m² cub.", "2 rec.", "4 baños", "2 estac.", Mitras Centro, Monterrey.
    const usd = listings[5];
    assert.equal(usd.externalId, '140000005');
    assert.equal(usd.url, 'https://www.inmuebles24.com/propiedades/clasificado/departamento-en-venta-mitras-centro-monterrey-140000005.html');
    assert.deepEqual([usd.price, usd.currency, usd.priceOnRequest], [438720, 'USD', false]);
    assert.deepEqual([usd.operation, usd.propertyType], ['sale', 'apartment']);
    assert.deepEqual([usd.bedrooms, usd.bathrooms, usd.parkingSpaces, usd.builtAreaM2, usd.landAreaM2], [2, 4, 2, 149, null]);
    assert.deepEqual([usd.neighborhood, usd.city, usd.state, usd.address], ['Mitras Centro', 'Monterrey', null, null]);
    assert.deepEqual([usd.title, usd.lat, usd.publishedAt], [null, null, null], 'cards show no title, coordinates or date');
    // n=14: a development card, "Precios desde" + "MN 12,154,000", "4 a 5 rec.", no photos.
    const development = listings[14];
    assert.equal(development.url, 'https://www.inmuebles24.com/propiedades/desarrollo/veemapin-departamento-en-venta-garcia-gineres-merida-140000014.html');
    assert.deepEqual([development.price, development.currency, development.bedrooms, development.images], [12154000, 'MXN', 4, []]);
    // n=8: a hidden price.
    assert.deepEqual([listings[8].price, listings[8].currency, listings[8].priceOnRequest], [null, null, true]);
    // n=0: a newer URL without the Navent prefix; a rented office.
    assert.equal(listings[0].url, 'https://www.inmuebles24.com/propiedades/clasificado/oficina-en-renta-las-quintas-culiacan-140000000.html');
    assert.deepEqual([listings[0].operation, listings[0].propertyType, listings[0].price], ['rent', 'office', 40100]);
  });

  it('gives PAGING_NEXT as the next page, null on the last page, and every card as a detail URL', () => {
    const middle = listPage(2, 3, 0);
    const parsed = adapter.parseListingPage(middle.html, middle.context);
    assert.equal(parsed.nextPageUrl, 'https://www.inmuebles24.com/casas-en-venta-en-zapopan-pagina-3.html');
    assert.equal(parsed.detailUrls.length, 30);
    assert.equal(parsed.detailUrls[0], mirror.detailUrl!(middle.input.items[0]));
    const last = listPage(3, 3, 0);
    assert.equal(adapter.parseListingPage(last.html, last.context).nextPageUrl, null);
  });

  it('adds the detail URLs of the JSON-LD mainEntity list to those of the cards', () => {
    const { input, html, context } = listPage(1, 2, 0);
    assert.ok(html.includes('"mainEntity"'));
    const $ = cheerio.load(html);
    $('[data-qa="posting PROPERTY"]').first().remove();
    const parsed = adapter.parseListingPage($.html(), context);
    assert.equal(parsed.listings.length, 29);
    assert.deepEqual(new Set(parsed.detailUrls), new Set(input.items.map((f) => mirror.detailUrl!(f))));
  });

  it('a page with no results is an empty success, although it carries a Turnstile widget', () => {
    const input = emptyInput(mirror, SEARCH);
    const html = mirror.renderListPage(input);
    assert.ok(html.includes('cf-turnstile') && html.includes('No encontramos resultados'));
    assert.deepEqual(adapter.parseListingPage(html, contextFor(mirror, input)), { listings: [], nextPageUrl: null, detailUrls: [] });
  });

  it('refuses a challenge page, a truncated page and a page whose cards are gone, naming what is missing', () => {
    const { html, context } = listPage(1, 2, 1);
    assert.throws(() => adapter.parseListingPage(CHALLENGE_PAGE, context), ChallengePageError);
    assert.throws(() => adapter.parseListingPage(truncate(html), context), truncatedRefusal('inmuebles24', 'listing'));
    const $ = cheerio.load(html);
    $('[data-qa^="posting "]').remove();
    assert.throws(() => adapter.parseListingPage($.html(), context), unrecognised('listing', /no posting cards \(div\[data-qa="posting PROPERTY"\]/));
    // Renamed hooks (a markup change) are the same as missing cards.
    const renamed = html.replace(/data-qa="posting /g, 'data-test="card ');
    assert.throws(() => adapter.parseListingPage(renamed, context), unrecognised('listing', /no posting cards/));
  });
});

describe('Inmuebles24 detail pages (avisoInfo)', () => {
  it('reads every field as the mirror wrote it, with and without mainFeatures, description and pictures in avisoInfo', () => {
    const run = detailRoundTrip(adapter, mirror, [...range(0, 120), ...range(90_000, 90_060)], range(0, 6));
    assertCoversVariations(run.facts);
    const all = run.pages.join('\n');
    for (const quirk of ["postingTitle: '", "title: '", 'mapLat: mapLatOf,', '},\n', "label: 'Medio baño'", "status: 'ONLINE'", "postingType: 'DEVELOPMENT'"]) {
      assert.ok(all.includes(quirk), `no page had ${quirk}`);
    }
    assert.ok(run.pages.some((page) => !page.includes('mainFeatures:')), 'a page without mainFeatures');
    assert.ok(run.pages.some((page) => !page.includes('pictures:') && page.includes('id="new-gallery-portal"><img')), 'a page with DOM photos only');
  });

  it('hand-checked values: base64 coordinates, a tricky title, a development price and the publication date', () => {
    const { html, context } = detailPage(mirror, 9, 0);
    assert.ok(html.includes(`postingTitle: 'Departamento "Los Álamos" & jardín en venta, Chapultepec'`));
    const record = adapter.parseDetailPage!(html, context);
    assert.equal(record.title, 'Departamento "Los Álamos" & jardín en venta, Chapultepec');
    assert.deepEqual([record.price, record.currency, record.bedrooms, record.bathrooms], [4586000, 'MXN', 3, null]);
    assert.deepEqual([record.neighborhood, record.city, record.state], ['Chapultepec', 'Culiacán', 'Sinaloa']);
    const latBase64 = /const mapLatOf = "([^"]+)"/.exec(html)![1];
    assert.equal(record.lat, Number(Buffer.from(latBase64, 'base64').toString()));
    assert.ok(record.lat! > 24 && record.lat! < 25.5 && record.lng! < -107, 'Culiacán coordinates');
    assert.match(record.publishedAt!, /^2026-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const developmentPage = detailPage(mirror, 14, 1);
    const development = adapter.parseDetailPage!(developmentPage.html, developmentPage.context);
    assert.deepEqual([development.price, development.bedrooms, development.propertyType, development.operation], [12154000, 4, 'apartment', 'sale']);
    assert.deepEqual(development.images, [], 'a listing without photos');
  });

  it('treats status OFFLINE as a listing that is gone: NotFoundError naming the id', () => {
    const { html, context } = detailPage(mirror, 3, 0);
    const offline = html.replace("status: 'ONLINE'", "status: 'OFFLINE'");
    assert.throws(
      () => adapter.parseDetailPage!(offline, context),
      (error: unknown) => error instanceof NotFoundError && error.message.includes('140000003') && error.retryable === false,
    );
  });

  it('refuses a challenge page, a truncated page, and a page without (or with a broken) avisoInfo', () => {
    const { html, context } = detailPage(mirror, 4, 0);
    assert.throws(() => adapter.parseDetailPage!(CHALLENGE_PAGE, context), ChallengePageError);
    assert.throws(() => adapter.parseDetailPage!(truncate(html), context), truncatedRefusal('inmuebles24', 'detail'));
    const withoutAviso = html.replace(/const avisoInfo = [\s\S]*?\n};\n/, '');
    assert.notEqual(withoutAviso, html);
    assert.throws(() => adapter.parseDetailPage!(withoutAviso, context), unrecognised('detail', /no inline avisoInfo object/));
    const broken = html.replace("  pricesData: [\n", "  pricesData: [\n    { operationType: 'Venta' pices: [] },\n");
    assert.throws(() => adapter.parseDetailPage!(broken, context), unrecognised('detail', /avisoInfo is not a readable literal/));
  });
});

describe('the tolerant JavaScript literal reader (scrapers/js-literal.ts)', () => {
  it('reads single and double quotes, bare keys and identifiers, comments, trailing commas and escapes', () => {
    const source = `var x = 1; const avisoInfo = {
      idAviso: '142082805', "title": "Casa \\"Jurica\\" & jardín", 'it\\'s': 'l\\u00e1',
      // a comment
      mapLat: mapLatOf, /* another */ list: [1, -2.5, 3e2, true, null, undefined,],
      nested: { a: { b: 'c', }, }, 7: 'seven',
    }; const next = 2;`;
    assert.deepEqual(readAssignedLiteral(source, 'avisoInfo'), {
      idAviso: '142082805',
      title: 'Casa "Jurica" & jardín',
      "it's": 'lá',
      mapLat: undefined,
      list: [1, -2.5, 300, true, null, undefined],
      nested: { a: { b: 'c' } },
      7: 'seven',
    });
    assert.equal(readAssignedLiteral(source, 'missing'), undefined);
    assert.equal(parseJsLiteral("  'abc'  ").end, 7);
  });

  it('throws JsLiteralError for malformed literals instead of returning part of them', () => {
    for (const bad of ["{ a: 'unterminated }", '{ a 1 }', '{ a: 1 b: 2 }', '[1, 2', '{ a: @ }']) {
      assert.throws(() => parseJsLiteral(bad), JsLiteralError, bad);
    }
  });
});
