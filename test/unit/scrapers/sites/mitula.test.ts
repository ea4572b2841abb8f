import assert from 'node:assert/strict';
import http from 'node:http';
import { startMirror } from '../../../../mirror/server';
import { mitulaMirror as mirror } from '../../../../mirror/sites/mitula';
import { mitulaAdapter as adapter } from '../../../../scrapers/sites/mitula';
import {
  assertLeavesOutUnreadableCard,
  assertRefusesAccessDenied,
  assertRefusesPageWithoutCards,
  assertMirrorContract,
  fixturePage,
  itReadsBackEveryMarkup,
  LIFULL_RUN,
  itReadsBackSearches,
} from '../list-page-harness';

const SEARCH = '/casas/venta-zapopan-jalisco';
const CARD = /<article class="listing-card"[\s\S]*?<\/article>/g;

/** The status the mirror answers for a path on Mitula's host, asked as a browser navigates. */
function statusOf(serverUrl: string, path: string): Promise<number> {
  const headers = { host: 'casas.mitula.mx', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' };
  return new Promise((resolve, reject) => {
    http
      .get(`${serverUrl}${path}`, { headers, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', reject);
  });
}

/** The decoded data-clickdestination values of a page, with whether each was written without "=" padding. */
function destinations(html: string): Array<{ value: string; unpadded: boolean }> {
  return [...html.matchAll(/data-clickdestination="([^"]*)"/g)].map(([, encoded]) => ({
    value: Buffer.from(encoded, 'base64').toString('utf8'),
    unpadded: encoded.length % 4 !== 0,
  }));
}

describe('Mitula mirror: the parser reads back every card it renders', () => {
  it("has the two inner-markup forms docs/portals.md §4.2 describes, S-MIT-A's data-test hooks first", () => {
    assert.deepEqual(mirror.markups, ['data-test', 'class-names']);
  });

  itReadsBackEveryMarkup(adapter, mirror, SEARCH, {
    ...LIFULL_RUN,
    quirks: () => [
      'data-floorarea=""',
      'data-city="" data-district="',
      'Hace ',
      ' en - ',
      '"@type":"SearchResultsPage"',
      '&#225;',
    ],
    check(all, markup, run) {
      const links = destinations(all);
      assert.ok(
        links.some((d) => d.value.startsWith('/adform/')),
        'relative /adform/ destinations',
      );
      assert.ok(
        links.some((d) => d.value.startsWith('https://www.inmuebles24.com/')),
        'Inmuebles24 destinations',
      );
      assert.ok(
        links.some((d) => d.value.startsWith('https://www.lamudi.com.mx/')),
        'Lamudi destinations',
      );
      assert.ok(
        links.some((d) => d.unpadded),
        'destinations without "=" padding',
      );
      assert.ok(
        run.pages.some((html) => !html.includes('SearchResultsPage')),
        'pages without JSON-LD',
      );
      // Each form writes its own hooks and none of the other's (docs/portals.md §4.2: S-MIT-A vs S-MIT-B).
      assert.equal(all.includes('data-test="snippet__title"'), markup === 'data-test');
      assert.equal(all.includes('listing-card__properties__property'), markup === 'class-names');
    },
  });

  it('ids invert and list URLs route back (?page=N); a page past the last answers 404, as Mitula does (docs/portals.md §4.1)', async () => {
    assertMirrorContract(mirror);
    assert.deepEqual(mirror.route(new URL('https://casas.mitula.mx/casas/venta-zapopan-jalisco?page=999')), {
      kind: 'listing',
      searchPath: SEARCH,
      page: 999,
    });
    assert.equal(mirror.route(new URL('https://casas.mitula.mx/adform/4100000042')), null);
    const server = await startMirror({ pagesPerSearch: 2, searches: { mitula: [SEARCH] } });
    try {
      assert.equal(await statusOf(server.url, `${SEARCH}?page=2`), 200);
      // The page after the last is not a page of results: the fetcher turns the 404 into NotFoundError.
      assert.equal(await statusOf(server.url, `${SEARCH}?page=3`), 404);
    } finally {
      await server.close();
    }
  });
});

describe("Mitula: the mirror states each search's type from the documented URL grammar, and the parser agrees", () => {
  // docs/portals.md §4.1: /casas/{operacion}-{tipo}-{lugar}, /casas/{operacion}-{lugar}, /casas/{tipo}-{operacion}-{lugar}, /casas/{tipo}-{lugar}.
  itReadsBackSearches(
    adapter,
    mirror,
    [
      ['/casas/venta-oficinas-zapopan', 'operation, type, place'],
      ['/casas/bodegas-renta-guadalajara', 'type, operation, place'],
      ['/casas/terrenos-mazatlan', 'type, place'],
      ['/casas/renta-guadalajara', 'operation, place: no type'],
    ],
    { variants: 2, firstNs: [0, 700], markup: 'data-test' },
    'the data-test cards, which show no type tag, read as the mirror says',
  );
});

describe('Mitula parser: sources in order (beyond the fixture corpus)', () => {
  it('uses JSON-LD about[] only when it lines up with the cards', () => {
    const { html, context } = fixturePage('mitula', 'results-data-test');
    assert.deepEqual(
      adapter.parseListingPage(html, context).listings.map((r) => r.lat),
      [20.7381, 20.7098, 20.7214],
    );
    // One entry short: no card may borrow another one's coordinates.
    const shifted = html.replace(/"about":\[\{.*?\}\},\{/, '"about":[{');
    assert.notEqual(shifted, html);
    assert.deepEqual(
      adapter.parseListingPage(shifted, context).listings.map((r) => r.lat),
      [null, null, null],
    );
    // Same length but another card's entry (names differ): that card takes nothing from it.
    const swapped = html.replace('"name":"Casa en venta en Valle Real con jardín"', '"name":"Casa en otra colonia"');
    const first = adapter.parseListingPage(swapped, context).listings[0];
    assert.deepEqual([first.lat, first.propertyType, first.bathrooms], [null, null, 3]);
  });

  it('the data attributes win over the card text, the card text over JSON-LD', () => {
    const { html, context } = fixturePage('mitula', 'results-data-test');
    const attributesEmptied = html
      .replace('data-price="4250000" data-currency="MXN"', 'data-price="" data-currency=""')
      .replace('data-rooms="4"', 'data-rooms=""');
    const first = adapter.parseListingPage(attributesEmptied, context).listings[0];
    assert.deepEqual(
      [first.price, first.currency, first.bedrooms],
      [4250000, 'MXN', 4],
      'from "$ 4,250,000" and "4 recámaras"',
    );
    const textEmptied = attributesEmptied
      .replace('<p data-test="bedrooms">4 recámaras</p>', '')
      .replace('<p data-test="bathrooms">3 baños</p>', '');
    const fromLd = adapter.parseListingPage(textEmptied, context).listings[0];
    assert.deepEqual([fromLd.bedrooms, fromLd.bathrooms], [4, 3], 'numberOfBedrooms and numberOfBathroomsTotal');
  });

  it('refuses the Access Denied page by its markers, whatever its size', () =>
    assertRefusesAccessDenied(
      adapter,
      fixturePage('mitula', 'results-data-test').context,
      `<script>${'var x=1;'.repeat(8000)}</script>`,
    ));

  it('refuses a page without cards or a "no results" message', () =>
    assertRefusesPageWithoutCards(adapter, fixturePage('mitula', 'results-data-test'), CARD, 'article.listing-card'));

  it('leaves out a card with no link at all and keeps the others in order; refuses a page none of whose cards can be read', () => {
    const unlink = (card: string): string =>
      card
        .replace(/data-clickdestination="[^"]*"/, 'data-clickdestination="%%%"')
        .replace(/<a href="[^"]*"[^>]*>|<\/a>/g, '');
    const kept = assertLeavesOutUnreadableCard(
      adapter,
      fixturePage('mitula', 'results-data-test'),
      CARD,
      unlink,
      (message) =>
        assert.equal(
          message,
          'mitula listing page not recognised: none of the 3 article.listing-card cards can be read (card 4100007311 has no link (data-clickdestination or a[href]); card 4100007324 has no link (data-clickdestination or a[href]); card 4100007337 has no link (data-clickdestination or a[href]))',
        ),
    );
    assert.deepEqual(
      kept.map((listing) => listing.externalId),
      ['4100007324', '4100007337'],
    );
  });
});
