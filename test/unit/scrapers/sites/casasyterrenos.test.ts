import assert from 'node:assert/strict';
import { pageSizeOf } from '../../../../mirror/model';
import { casasyterrenosMirror as mirror } from '../../../../mirror/sites/casasyterrenos';
import { casasyterrenosAdapter as adapter } from '../../../../scrapers/sites/casasyterrenos';
import {
  assertMirrorContract,
  assertOnlyDocumentedFields,
  assertUnrecognisedListingPage,
  contextFor,
  fixturePage,
  pageInput,
  itReadsBackEveryMarkup,
  NEXT_DATA,
  truncate,
  truncatedRefusal,
} from '../list-page-harness';

const SEARCH = '/jalisco/zapopan/casas/venta';
/** The property fields docs/portals.md §2.2 documents: the mirror writes no others. */
const DOCUMENTED_FIELDS = [
  'id',
  'name',
  'canonical',
  'slugs',
  'isSale',
  'isRent',
  'priceSale',
  'priceRent',
  'currency',
  'surface',
  'construction',
  'rooms',
  'bathrooms',
  'parkingLots',
  '_geo',
  'municipality',
  'neighborhood',
  'lastUpdate',
  'broker',
  'images',
];

function mirrorPage(markup: string, pageNumber = 1, totalPages = 2, variant = 0) {
  const input = pageInput(mirror, { searchPath: SEARCH, page: pageNumber, totalPages, variant, markup });
  return { input, html: mirror.renderListPage(input), context: contextFor(mirror, input) };
}

describe('Casas y Terrenos mirror: the parser reads back every listing it renders', () => {
  it('has the two generations docs/portals.md §2.2 describes, the 2026 one first, with their page sizes (§2.1: 240, and 40 in an older test)', () => {
    assert.deepEqual(mirror.markups, ['2026', '2024']);
    assert.deepEqual(
      mirror.markups.map((markup) => pageSizeOf(mirror, markup)),
      [240, 40],
    );
  });

  itReadsBackEveryMarkup(adapter, mirror, SEARCH, {
    totalPages: 3,
    variants: 2,
    firstNs: [0, 10_000],
    nextPage: () => 'total',
    listings: (markup) => {
      const size = markup === '2024' ? 40 : 240;
      return 2 * 2 * (size + size + size / 2);
    },
    quirks: () => [
      '"slugs":{"canonical"',
      '"canonical":"/propiedad/',
      '"broker":"',
      '"broker":{"id"',
      '"surface":0',
      '"surface":null',
      '\\u0026amp;',
    ],
    // The Tailwind cards are the 2024 generation's (S-CYT-OLD); no source describes 2026 cards.
    check: (all, markup) => assert.equal(all.includes('w-[320px] shrink-0'), markup === '2024'),
  });

  for (const markup of mirror.markups) {
    it(`${markup}: writes only the documented property fields, in __NEXT_DATA__ as the page's last script`, () => {
      const { html } = mirrorPage(markup, 1, 1, 1);
      assert.equal(html.lastIndexOf('<script'), html.indexOf('<script id="__NEXT_DATA__"'));
      const data = JSON.parse(NEXT_DATA.exec(html)![1]);
      const propertyData = data.props.pageProps.initialState.propertyData;
      assert.deepEqual(Object.keys(propertyData).sort(), ['estimatedTotalHits', 'properties']);
      assertOnlyDocumentedFields(propertyData.properties, DOCUMENTED_FIELDS);
    });
  }

  it('ids invert and list URLs route back (?page=N, page 1 without it)', () => {
    assertMirrorContract(mirror);
    assert.equal(mirror.listPageUrl(SEARCH, 1), 'https://www.casasyterrenos.com/jalisco/zapopan/casas/venta');
    assert.equal(mirror.route(new URL('https://www.casasyterrenos.com/jalisco/zapopan/casas/venta?page=0')), null);
    assert.match(mirror.robotsTxt, /Disallow: \/api\//);
  });
});

describe('Casas y Terrenos parser: sources in order (beyond the fixture corpus)', () => {
  it('reads the Tailwind cards when __NEXT_DATA__ is not valid JSON, and stops there without a total', () => {
    const { html, context } = fixturePage('casasyterrenos', 'results-2024-page2');
    const broken = html.replace('{"props":{"pageProps":', '{"props":{"pageProps"');
    const result = adapter.parseListingPage(broken, context);
    assert.deepEqual(
      result.listings.map((r) => r.externalId),
      ['3021904', '3030118', '3044502'],
    );
    // What the card shows (§2.2): title, place, price, the four facts, the photo; no coordinates or dates.
    const usd = result.listings[2];
    assert.deepEqual(
      [
        usd.title,
        usd.price,
        usd.currency,
        usd.bedrooms,
        usd.parkingSpaces,
        usd.neighborhood,
        usd.city,
        usd.operation,
        usd.propertyType,
        usd.lat,
        usd.publishedAt,
      ],
      [
        'Departamento con vista en Chapalita',
        1500,
        'USD',
        3,
        2,
        'Chapalita',
        'Guadalajara',
        'rent',
        'apartment',
        null,
        null,
      ],
    );
    assert.equal(result.nextPageUrl, null);
  });

  it('refuses a page with neither readable data nor cards, naming both', () => {
    const { html, context } = fixturePage('casasyterrenos', 'results-2026');
    const noData = html.replace(
      NEXT_DATA,
      '<script id="__NEXT_DATA__" type="application/json">{"props":{"pageProps":{"statusCode":500}},"page":"/_error"}</script>',
    );
    assertUnrecognisedListingPage(adapter, noData, context, {
      message:
        'casasyterrenos listing page not recognised: no props.pageProps.initialState.propertyData.properties in __NEXT_DATA__, and no Tailwind cards (div.mx-2[class*="w-[320px]"])',
    });
    assertUnrecognisedListingPage(adapter, html.replace(NEXT_DATA, ''), context, {
      startsWith: 'casasyterrenos listing page not recognised: no __NEXT_DATA__ script, and no Tailwind cards',
    });
  });

  it('a listing offered for sale and for rent takes the operation its search names', () => {
    const { html } = fixturePage('casasyterrenos', 'results-2026');
    const rentSearch = {
      url: 'https://www.casasyterrenos.com/jalisco/zapopan/casas/renta',
      site: 'casasyterrenos',
      maxFieldLength: 1000,
    };
    const both = adapter.parseListingPage(html, rentSearch).listings.find((r) => r.externalId === '3718620')!;
    assert.deepEqual([both.operation, both.price, both.currency], ['rent', 2500, 'USD']);
    // The listing with neither flag nor canonical path follows the search's words too.
    const unflagged = adapter.parseListingPage(html, rentSearch).listings.find((r) => r.externalId === '3800041')!;
    assert.equal(unflagged.operation, 'rent');
  });

  it("the next page keeps the search's other parameters and resolves against the address the page came from", () => {
    const { html } = fixturePage('casasyterrenos', 'results-2026');
    const local = adapter.parseListingPage(html, {
      url: 'http://127.0.0.1:8731/jalisco/zapopan/casas/venta?orden=reciente',
      site: 'casasyterrenos',
      maxFieldLength: 1000,
    });
    assert.equal(local.nextPageUrl, 'http://127.0.0.1:8731/jalisco/zapopan/casas/venta?orden=reciente&page=2');
    assert.match(local.listings[0].url, /^http:\/\/127\.0\.0\.1:8731\/propiedad\//);
  });

  it('refuses a page cut anywhere, with the retryable truncation error', () => {
    const { html, context } = fixturePage('casasyterrenos', 'results-2024-page2');
    assert.throws(
      () => adapter.parseListingPage(truncate(html), context),
      truncatedRefusal('casasyterrenos', 'listing'),
    );
  });
});
