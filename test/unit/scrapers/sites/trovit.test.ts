import assert from 'node:assert/strict';
import { trovitMirror as mirror } from '../../../../mirror/sites/trovit';
import { trovitAdapter as adapter } from '../../../../scrapers/sites/trovit';
import {
  assertLeavesOutUnreadableCard,
  assertRefusesAccessDenied,
  assertRefusesPageWithoutCards,
  assertMirrorContract,
  emptyInput,
  fixturePage,
  itReadsBackEveryMarkup,
  LIFULL_RUN,
  itReadsBackSearches,
  roundTrip,
} from '../list-page-harness';

const SEARCH = '/venta-casas-zapopan';
const CARD = /<article class="snippet-listing"[\s\S]*?<\/article>/g;

describe('Trovit mirror: the parser reads back every card it renders', () => {
  it('has the two pagination generations docs/portals.md §6.1 names, a.next-button first', () => {
    assert.deepEqual(mirror.markups, ['next-button', 'paginate']);
  });

  itReadsBackEveryMarkup(adapter, mirror, SEARCH, {
    ...LIFULL_RUN,
    quirks: () => [
      'href="/rd/',
      'href="https://casas.trovit.com.mx/rd/',
      '?pvid=',
      'Hace ',
      'Actualizado el ',
      'src="data:image/gif',
      '&#233;',
      ' USD</span>',
      '<address>',
      ' en venta · ',
      ' en renta · ',
      ' - Casa</p>',
    ],
    check(all, markup) {
      // Some cards have only the clipped snippet, no extended description.
      assert.ok(
        (all.match(/class="snippet-listing-content-header-description"/g) ?? []).length >
          (all.match(/class="extended-description-content"/g) ?? []).length,
      );
      assert.equal(all.includes('class="next-button"'), markup === 'next-button');
      assert.equal(all.includes('<div id="paginate">'), markup === 'paginate');
    },
  });

  it('renders .address_property-type as one line of text, without child elements no source documents (docs/portals.md §6.2)', () => {
    const all =
      mirror.renderListPage(emptyInput(mirror, SEARCH)) +
      roundTrip(adapter, mirror, SEARCH, {
        totalPages: 1,
        variants: 1,
        firstNs: [0],
        markup: 'next-button',
        nextPage: 'page-links',
      }).pages.join('');
    const lines = [...all.matchAll(/<p class="address_property-type">([\s\S]*?)<\/p>/g)].map((match) => match[1]);
    assert.ok(lines.length > 0);
    for (const line of lines) assert.doesNotMatch(line, /</, line);
  });

  it('ids invert and list URLs route back (/{slug}/{N})', () => {
    assertMirrorContract(mirror);
    assert.equal(mirror.listPageUrl(SEARCH, 2), 'https://casas.trovit.com.mx/venta-casas-zapopan/2');
    assert.equal(mirror.route(new URL('https://casas.trovit.com.mx/venta-casas-zapopan/0')), null);
    assert.equal(mirror.route(new URL('https://casas.trovit.com.mx/rd/100qgow')), null);
  });
});

describe("Trovit: the mirror states each search's operation from the documented URL grammar, and the parser agrees", () => {
  // docs/portals.md §6.1: /{operacion}-{tipo}-{lugar}, /{operacion}-{lugar}, /{tipo}-{lugar}.
  itReadsBackSearches(
    adapter,
    mirror,
    [
      ['/renta-oficinas-zapopan', 'operation, type, place'],
      ['/venta-zapopan', 'operation, place'],
      ['/terreno-mazatlan', 'type, place: no operation'],
    ],
    { variants: 1, firstNs: [0, 700], markup: 'next-button' },
    'cards whose line names no operation read it as the mirror says',
  );
});

describe('Trovit parser: sources in order (beyond the fixture corpus)', () => {
  it('reads place and type from .address_property-type in either order, and the operation from the search URL when the line has none', () => {
    const { html } = fixturePage('trovit', 'results-next-button');
    const parse = (url: string) =>
      adapter.parseListingPage(html, { url, site: 'trovit', maxFieldLength: 1000 }).listings;
    // "Puerta de Hierro, Zapopan, Jalisco - Departamento": no operation on the card.
    assert.equal(parse('https://casas.trovit.com.mx/renta-departamentos-zapopan')[1].operation, 'rent');
    assert.equal(parse('https://casas.trovit.com.mx/departamento-zapopan')[1].operation, null);
    // "Casa en venta · …": the card's own operation wins over the search's.
    assert.equal(parse('https://casas.trovit.com.mx/renta-departamentos-zapopan')[0].operation, 'sale');
    const single = html.replace('Casa en venta · Valle Real, Zapopan, Jalisco', 'Zapopan');
    const first = adapter.parseListingPage(single, {
      url: 'https://casas.trovit.com.mx/venta-casas-zapopan',
      site: 'trovit',
      maxFieldLength: 1000,
    }).listings[0];
    assert.deepEqual(
      [first.neighborhood, first.city, first.state, first.propertyType],
      [null, 'Zapopan', null, 'house'],
      'the type from the search URL',
    );
  });

  it('takes the title from a.js-listing[title] when the card has no title span', () => {
    const { html, context } = fixturePage('trovit', 'results-next-button');
    const untitled = html.replace('<span>Casa con jardín en Valle Real</span>', '');
    assert.equal(adapter.parseListingPage(untitled, context).listings[0].title, 'Casa con jardín en Valle Real');
  });

  it('refuses the Access Denied page by its markers, whatever its size', () =>
    assertRefusesAccessDenied(
      adapter,
      fixturePage('trovit', 'results-next-button').context,
      `<div>${'<p>Lifull Connect</p>'.repeat(3000)}</div>`,
    ));

  it('refuses a page without cards or a "no results" message', () =>
    assertRefusesPageWithoutCards(
      adapter,
      fixturePage('trovit', 'results-next-button'),
      CARD,
      'article.snippet-listing',
    ));

  it('leaves out a card without its link and keeps the others in order; refuses a page none of whose cards can be read', () => {
    const unlink = (card: string): string => card.replace('class="js-listing"', 'class="listing-link"');
    assertLeavesOutUnreadableCard(
      adapter,
      fixturePage('trovit', 'results-next-button'),
      CARD,
      unlink,
      (message, cards) =>
        assert.ok(
          message.startsWith(
            `trovit listing page not recognised: none of the ${cards.length} article.snippet-listing cards can be read (card 2a8fk3x has no a.js-listing link; `,
          ),
          message,
        ),
    );
  });
});
