import assert from 'node:assert/strict';
import { ChallengePageError, UnrecognisedMarkupError } from '../../../lib/errors';
import { trovitMirror as mirror } from '../../../mirror/sites/trovit';
import { trovitAdapter as adapter } from '../../../scrapers/sites/trovit';
import {
  ACCESS_DENIED_PAGE,
  assertCoversVariations,
  assertMirrorContract,
  contextFor,
  emptyInput,
  fixturePage,
  roundTrip,
} from './list-page-harness';

const SEARCH = '/venta-casas-zapopan';
const CARD = /<article class="snippet-listing"[\s\S]*?<\/article>/g;

describe('Trovit mirror: the parser reads back every card it renders', () => {
  it('has the two pagination generations docs/portals.md §6.1 names, a.next-button first', () => {
    assert.deepEqual(mirror.markups, ['next-button', 'paginate']);
  });

  for (const markup of mirror.markups) {
    it(`${markup}: every field of every card, on every page of several page variants`, () => {
      const run = roundTrip(adapter, mirror, SEARCH, {
        totalPages: 4,
        variants: 4,
        firstNs: [0, 5000],
        markup,
        nextPage: 'page-links',
      });
      assert.equal(run.facts.length, 2 * 4 * (3 * 30 + 15));
      assertCoversVariations(run.facts);
      const all = run.pages.join('\n');
      const quirks = [
        'href="/rd/',
        'href="https://casas.trovit.com.mx/rd/',
        '?pvid=',
        'Hace ',
        'Actualizado el ',
        'src="data:image/gif',
        'class="snippet-ad"',
        '&#233;',
        ' USD</span>',
        '<address>',
        ' en venta · ',
        ' en renta · ',
        ' - Casa</p>',
      ];
      for (const quirk of quirks) assert.ok(all.includes(quirk), `no page had ${quirk}`);
      // Some cards have only the clipped snippet, no extended description.
      assert.ok(
        (all.match(/class="snippet-listing-content-header-description"/g) ?? []).length >
          (all.match(/class="extended-description-content"/g) ?? []).length,
      );
      assert.equal(all.includes('class="next-button"'), markup === 'next-button');
      assert.equal(all.includes('<div id="paginate">'), markup === 'paginate');
    });

    it(`${markup}: a page with no results is an empty success`, () => {
      const input = emptyInput(mirror, SEARCH, 0, markup);
      assert.deepEqual(adapter.parseListingPage(mirror.renderListPage(input), contextFor(mirror, input)), {
        listings: [],
        nextPageUrl: null,
        detailUrls: [],
      });
    });
  }

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
  for (const [search, words] of [
    ['/renta-oficinas-zapopan', 'operation, type, place'],
    ['/venta-zapopan', 'operation, place'],
    ['/terreno-mazatlan', 'type, place: no operation'],
  ] as const) {
    it(`${search} (${words}): cards whose line names no operation read it as the mirror says`, () => {
      const run = roundTrip(adapter, mirror, search, {
        totalPages: 1,
        variants: 1,
        firstNs: [0, 700],
        markup: 'next-button',
        nextPage: 'page-links',
      });
      assert.ok(run.facts.length > 0);
    });
  }
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

  it('refuses the Access Denied page by its markers, whatever its size', () => {
    const { context } = fixturePage('trovit', 'results-next-button');
    const padded = ACCESS_DENIED_PAGE.replace('</body>', `<div>${'<p>Lifull Connect</p>'.repeat(3000)}</div></body>`);
    assert.ok(padded.length > 40_000);
    for (const page of [ACCESS_DENIED_PAGE, padded]) {
      assert.throws(
        () => adapter.parseListingPage(page, context),
        (error: unknown) =>
          error instanceof ChallengePageError &&
          error.message === 'trovit listing page is an "Access Denied" block page (browser headers required)',
      );
    }
  });

  it('refuses a page without cards or a "no results" message', () => {
    const { html, context } = fixturePage('trovit', 'results-next-button');
    assert.throws(
      () => adapter.parseListingPage(html.replace(CARD, ''), context),
      (error: unknown) =>
        error instanceof UnrecognisedMarkupError &&
        error.message ===
          'trovit listing page not recognised: no article.snippet-listing cards and no "no results" message',
    );
  });

  it('leaves out a card without its link and keeps the others in order; refuses a page none of whose cards can be read', () => {
    const { html, context } = fixturePage('trovit', 'results-next-button');
    const cards = html.match(CARD)!;
    const unlink = (card: string): string => card.replace('class="js-listing"', 'class="listing-link"');
    const whole = adapter.parseListingPage(html, context).listings;
    const oneUnlinked = adapter.parseListingPage(html.replace(cards[0], unlink(cards[0])), context).listings;
    assert.equal(oneUnlinked.length, whole.length - 1);
    assert.deepEqual(oneUnlinked, whole.slice(1));
    const allUnlinked = cards.reduce((page, card) => page.replace(card, unlink(card)), html);
    assert.throws(
      () => adapter.parseListingPage(allUnlinked, context),
      (error: unknown) =>
        error instanceof UnrecognisedMarkupError &&
        error.message.startsWith(
          `trovit listing page not recognised: none of the ${cards.length} article.snippet-listing cards can be read (card 2a8fk3x has no a.js-listing link; `,
        ),
    );
  });
});
