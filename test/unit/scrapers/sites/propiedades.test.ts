import assert from 'node:assert/strict';
import { propiedadesMirror as mirror } from '../../../../mirror/sites/propiedades';
import { propiedadesAdapter as adapter } from '../../../../scrapers/sites/propiedades';
import {
  assertMirrorContract,
  assertOnlyDocumentedFields,
  assertUnrecognisedListingPage,
  fixturePage,
  pageInput,
  itReadsBackEveryMarkup,
  NEXT_DATA,
  type NextPageSignal,
} from '../list-page-harness';

const SEARCH = '/zapopan/casas-venta';
/** The property fields docs/portals.md §5.2 documents: the mirror writes no others. */
const DOCUMENTED_FIELDS = [
  'id',
  'url_property',
  'latitude',
  'longitude',
  'valid_coords',
  'colony',
  'municipality',
  'city',
  'zipcode',
  'bedrooms',
  'bathrooms',
  'size_m2',
  'parking_num',
  'sale_price_real',
  'rental_price_real',
  'price_real',
  'price_num',
  'currency',
  'property_type',
  'purpose_str',
  'published',
  'days_ago',
];
/** 2026 pages give only a total; 2022 pages link their pages (docs/portals.md §5.1). */
const NEXT_PAGE: Record<string, NextPageSignal> = { 2026: 'total', 2022: 'page-links' };

describe('Propiedades.com mirror: the parser reads back every listing it renders', () => {
  it('has the two generations docs/portals.md §5 describes, the 2026 one first', () => {
    assert.deepEqual(mirror.markups, ['2026', '2022']);
  });

  itReadsBackEveryMarkup(adapter, mirror, SEARCH, {
    totalPages: 4,
    variants: 3,
    firstNs: [0, 3000, 70_000],
    nextPage: (markup) => NEXT_PAGE[markup],
    listings: () => 3 * 3 * (3 * 47 + 24),
    quirks: (markup) =>
      markup === '2026'
        ? [
            '"valid_coords":false',
            '"latitude":"',
            '"url_property":"/inmuebles/',
            '"url_property":"https://propiedades.com/inmuebles/',
            '\\u0026pagina=',
            '"municipality":""',
            '"price_real":null,"price_num":null',
            '"price_real":0,"price_num":',
            ':15:00"',
            '"property_type":"Casa en condominio"',
          ]
        : ['<section data-id="filtros"', 'itemprop="latitude"', 'aria-label="page-2"', 'data-testid="counter-wrapper"'],
    check(_all, markup, run) {
      // Listings whose coordinates the feed flags invalid have no geo microdata in 2022.
      if (markup === '2022')
        assert.ok(run.pages.some((html) => /<section data-id="\d+"[^>]*>\n<meta itemprop="url"[^>]*>\n/.test(html)));
    },
  });

  it('2026: writes only the documented property fields; 2022: no listing data script', () => {
    const page = (markup: string) =>
      mirror.renderListPage(pageInput(mirror, { searchPath: SEARCH, page: 1, totalPages: 2, variant: 0, markup }));
    const data = JSON.parse(NEXT_DATA.exec(page('2026'))![1]);
    assert.deepEqual(Object.keys(data.props.pageProps).sort(), ['results', 'totalItems']);
    assertOnlyDocumentedFields(data.props.pageProps.results.properties, DOCUMENTED_FIELDS);
    assert.doesNotMatch(page('2022'), /__NEXT_DATA__/);
  });

  it('ids of 7–9 digits invert and list URLs route back (?pagina=N)', () => {
    assertMirrorContract(mirror);
    assert.equal(mirror.listPageUrl(SEARCH, 3), 'https://propiedades.com/zapopan/casas-venta?pagina=3');
    assert.deepEqual(
      mirror.route(new URL('https://propiedades.com/culiacan/residencial-venta/de-1000000-a-2000000-pesos')),
      { kind: 'listing', searchPath: '/culiacan/residencial-venta/de-1000000-a-2000000-pesos', page: 1 },
    );
    assert.equal(mirror.route(new URL('https://propiedades.com/inmuebles/casa-en-venta-28729193')), null);
    for (const n of [0, 1, 2]) assert.match(mirror.externalId(n), [/^\d{7}$/, /^\d{8}$/, /^\d{9}$/][n]);
  });
});

describe('Propiedades.com parser: sources in order (beyond the fixture corpus)', () => {
  it('with both sources, the data leads and the microdata cards fill what it leaves empty', () => {
    const cards = fixturePage('propiedades', 'results-2022').html;
    const section = /<section data-id="18723311"[\s\S]*?<\/section>/.exec(cards)![0];
    const { html, context } = fixturePage('propiedades', 'results-2026');
    // The same listing in both: the data has no coordinates it trusts (valid_coords false), the card has them.
    const merged = html
      .replace('"id":28729193', '"id":18723311')
      .replace('"valid_coords":true', '"valid_coords":false')
      .replace('<div id="results-list"></div>', `<div id="results-list">${section}</div>`);
    const first = adapter.parseListingPage(merged, context).listings[0];
    assert.equal(first.externalId, '18723311');
    assert.deepEqual([first.lat, first.lng], [25.7291, -100.3994]);
    assert.equal(first.price, 9800000, 'the data still gives every field it has');
    assert.equal(first.url, 'https://propiedades.com/inmuebles/casa-en-venta-valle-real-zapopan-jalisco-28729193');
  });

  it('reads the microdata cards when __NEXT_DATA__ is there but not valid JSON', () => {
    const { html, context } = fixturePage('propiedades', 'results-2022');
    const withBrokenData = html.replace(
      '</main>',
      '</main><script id="__NEXT_DATA__" type="application/json">{"props":</script>',
    );
    assert.deepEqual(
      adapter.parseListingPage(withBrokenData, context).listings.map((r) => r.externalId),
      ['18723311', '9034518', '21100457'],
    );
  });

  it('refuses a page with neither readable data nor cards, naming both', () => {
    const { html, context } = fixturePage('propiedades', 'results-2026');
    const renamed = html.replace('"results":{"properties":', '"results":{"items":');
    assertUnrecognisedListingPage(adapter, renamed, context, {
      message:
        'propiedades listing page not recognised: no props.pageProps.results.properties in __NEXT_DATA__, and no section[data-id] cards with microdata',
    });
    const older = fixturePage('propiedades', 'results-2022');
    const noCards = older.html.replace(/<section data-id="\d+"[\s\S]*?<\/section>/g, '');
    assertUnrecognisedListingPage(adapter, noCards, older.context, {
      startsWith: 'propiedades listing page not recognised: no __NEXT_DATA__ script, and no section[data-id]',
    });
  });

  it('without page links, the older count gives the next page', () => {
    const { html, context } = fixturePage('propiedades', 'results-2022');
    const unlinked = html.replace(/<ul aria-label="items-pagination">[\s\S]*?<\/ul>/, '');
    assert.equal(
      adapter.parseListingPage(unlinked, context).nextPageUrl,
      'https://propiedades.com/nuevo-leon/residencial-venta?pagina=3',
    );
  });
});
