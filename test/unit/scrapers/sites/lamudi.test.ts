/**
 * Lamudi: the mirror and the parser agree, in every markup generation the mirror renders (mirror
 * consistency). The parser's own tests are the hand-written fixtures (test/fixtures/pages/lamudi/,
 * fixture-pages.test.ts) and the real pages (real-pages.test.ts).
 */
import { strict as assert } from 'node:assert';
import { lamudiMirror as mirror } from '../../../../mirror/sites/lamudi';
import { lamudiAdapter as adapter } from '../../../../scrapers/sites/lamudi';
import { detailPage, detailRoundTrip, range } from '../detail-site-harness';
import {
  itReadsBackEveryPage,
  assertMirrorContract,
  assertNoResultsIsEmpty,
  assertQuirks,
  everyMarkupRoundTrip,
  pageInput,
} from '../list-page-harness';

const SEARCH = '/jalisco/zapopan/casa/for-sale/';

describe('Lamudi mirror', () => {
  it('keeps the MirrorSite contract: alternate ids that invert, ?page=N pages that route back', () => {
    assertMirrorContract(mirror);
    assert.equal(mirror.externalId(0), '41032-73-a0eb48d39feb-719b-0000000-d6bf-dc86');
    assert.equal(
      mirror.indexOf('41032-73-a0eb48d39feb-719b-0000000-d6bf-dc87'),
      null,
      'a changed hash group is not an id the mirror issued',
    );
    assert.equal(mirror.listPageUrl(SEARCH, 2), 'https://www.lamudi.com.mx/jalisco/zapopan/casa/for-sale/?page=2');
    assert.deepEqual(mirror.route(new URL(`https://www.lamudi.com.mx/desarrollo/${mirror.externalId(21)}`)), {
      kind: 'detail',
      externalId: mirror.externalId(21),
    });
  });

  it('renders the documented generations: the 2026-07 build first, the 2026-02 build, the unrendered page', () => {
    assert.deepEqual(mirror.markups, ['2026-07', '2026-02', 'unrendered']);
  });

  it('declares no charset, on list and detail pages', () => {
    for (const markup of mirror.markups) {
      assert.doesNotMatch(
        mirror.renderListPage(pageInput(mirror, { searchPath: SEARCH, page: 1, totalPages: 1, variant: 0, markup })),
        /charset/i,
      );
    }
    assert.doesNotMatch(detailPage(mirror, 0, 0).html, /charset/i);
  });
});

describe('Lamudi results pages: mirror and parser agree in every generation', () => {
  const pagesOf = itReadsBackEveryPage(
    adapter,
    mirror,
    SEARCH,
    { totalPages: 3, variants: 6, firstNs: [0, 5000, 80_000], listings: 3 * 3 * 6 * (2 * 30 + 15) },
    'listing',
  );

  it('2026-07: geo on every item, latitude and longitude as strings; offers on some', () => {
    const pages = pagesOf('2026-07');
    assert.ok(
      pages.some((page) =>
        /"geo":\{"@type":"GeoCoordinates","latitude":"\d+\.\d+","longitude":"-\d+\.\d+"\}/.test(page),
      ),
    );
    assert.ok(pages.some((page) => page.includes('"offers":{')));
  });

  it('2026-02: items with neither price nor geo; development cards first-class on the page but absent from the JSON-LD', () => {
    const pages = pagesOf('2026-02');
    assert.ok(pages.every((page) => !page.includes('"geo":') && !page.includes('"offers":')));
    const quirks = [
      '<span class="price-from">Desde</span> $ ',
      '>USD ',
      '>Consultar precios<',
      ' MXN<',
      'data-test="serp-project"',
      'href="/desarrollo/',
      'principal-amenity car_park',
      'data-islast="true"',
      '&quot;Los Álamos&quot; &amp; jardín',
    ];
    assertQuirks(pages, quirks, '2026-02 page');
    assert.ok(
      pages.every((page) => !/"url":"https:\/\/www\.lamudi\.com\.mx\/desarrollo\//.test(page)),
      'no development in the JSON-LD list',
    );
  });

  it('unrendered: an empty .listings__cards container and every listing in the JSON-LD', () => {
    const pages = pagesOf('unrendered');
    assert.ok(
      pages.every(
        (page) => page.includes('<div class="listings__cards"></div>') && page.includes('"itemListElement":[{'),
      ),
    );
    assert.ok(pages.some((page) => /"url":"https:\/\/www\.lamudi\.com\.mx\/desarrollo\//.test(page)));
  });

  it('a page with no results is an empty success in every generation', () => {
    for (const markup of mirror.markups) assertNoResultsIsEmpty(adapter, mirror, SEARCH, markup);
  });
});

describe("Lamudi: the mirror states each search's type from the documented type segments, and the parser agrees", () => {
  // docs/portals.md §3.1: casa, departamento, terreno, offices/, offices/medico-consulting/, offices/edificio/,
  // comercial/industria-almacen/, comercial/venta-al-por-menor/, comercial/comercial-agricultura/; and /{estado}/{operacion}/ without one.
  const searches = [
    '/jalisco/zapopan/casa/for-sale/',
    '/departamento/for-sale/',
    '/yucatan/merida/terreno/for-sale/',
    '/jalisco/guadalajara/offices/for-sale/',
    '/jalisco/guadalajara/offices/medico-consulting/for-sale/',
    '/distrito-federal/offices/edificio/for-sale/',
    '/nuevo-leon/monterrey/comercial/industria-almacen/for-sale/',
    '/jalisco/zapopan/comercial/venta-al-por-menor/for-sale/',
    '/jalisco/comercial/comercial-agricultura/for-sale/',
    '/distrito-federal/for-sale/',
  ];
  for (const search of searches) {
    it(`${search}: development cards (no JSON-LD item) take the type the search names`, () => {
      const run = everyMarkupRoundTrip(adapter, mirror, search, {
        totalPages: 1,
        variants: 1,
        firstNs: [0, 3000, 6000, 9000],
        markups: ['2026-02'],
      });
      assert.ok(
        run.facts.some((f) => f.isDevelopment),
        'a development card among the listings',
      );
    });
  }
});

describe('Lamudi detail pages: mirror and parser agree', () => {
  it('reads every field as the mirror wrote it, whichever of the JSON-LD, initAdForm and the DOM holds it', () => {
    const run = detailRoundTrip(adapter, mirror, [...range(0, 60), ...range(80_000, 80_030)], range(0, 6));
    assert.ok(
      run.pages.some((page) => !page.includes('"geo":')),
      'a page with coordinates in initAdForm only',
    );
    assert.ok(
      run.pages.some((page) => !page.includes('"description":')),
      'a page with the description in the DOM only',
    );
    assert.ok(
      run.pages.some((page) => /whatsappMessage: `Hola, me interesa \$\{document\.title\}/.test(page)),
      'an initAdForm literal holding a template literal',
    );
    assert.ok(
      run.pages.some((page) => page.includes('initAdForm(adFormOptions);')),
      'an initAdForm call without a literal',
    );
  });
});
