/**
 * Inmuebles24: the mirror and the parser agree, in every markup generation the mirror renders
 * (mirror consistency). The parser's own tests are the hand-written fixtures
 * (test/fixtures/pages/inmuebles24/, fixture-pages.test.ts) and the real pages (real-pages.test.ts).
 */
import { strict as assert } from 'node:assert';
import http from 'node:http';
import { NotFoundError } from '../../../../lib/errors';
import { DEFAULT_MAX_FIELD_LENGTH } from '../../../../lib/record/text';
import { generateFacts, isRemoved } from '../../../../mirror/facts';
import { pageSizeOf } from '../../../../mirror/model';
import { startMirror } from '../../../../mirror/server';
import { inmuebles24Mirror as mirror } from '../../../../mirror/sites/inmuebles24';
import { inmuebles24Adapter as adapter } from '../../../../scrapers/sites/inmuebles24';
import { detailContext, detailPage, detailRoundTrip, range } from '../detail-site-harness';
import {
  itReadsBackEveryPage,
  assertMirrorContract,
  assertNoResultsIsEmpty,
  assertQuirks,
  SEED,
} from '../list-page-harness';

const SEARCH = '/casas-en-venta-en-zapopan.html';

function get(url: string, host: string): Promise<{ status: number; location?: string; text: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { host }, agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, text }));
      })
      .on('error', reject);
  });
}

describe('Inmuebles24 mirror', () => {
  it('keeps the MirrorSite contract: 9-digit ids that invert, -pagina-N.html pages that route back', () => {
    assertMirrorContract(mirror);
    assert.equal(mirror.externalId(0), '140000000');
    assert.equal(mirror.indexOf('1400000'), null, 'not 9 digits');
    assert.equal(mirror.listPageUrl(SEARCH, 3), 'https://www.inmuebles24.com/casas-en-venta-en-zapopan-pagina-3.html');
    const detail = new URL(
      'https://www.inmuebles24.com/propiedades/desarrollo/veemapin-departamento-en-venta-garcia-gineres-merida-140000014.html',
    );
    assert.deepEqual(mirror.route(detail), { kind: 'detail', externalId: '140000014' });
  });

  it('renders the two documented generations, 2025-26 (30 a page) first and 2024 (20 a page)', () => {
    assert.deepEqual(mirror.markups, ['2025-26', '2024']);
    assert.deepEqual(
      mirror.markups.map((markup) => pageSizeOf(mirror, markup)),
      [30, 20],
    );
  });
});

describe('Inmuebles24 results pages: mirror and parser agree in every generation', () => {
  const pagesOf = itReadsBackEveryPage(
    adapter,
    mirror,
    SEARCH,
    { totalPages: 3, variants: 12, firstNs: [0, 4000, 90_000], listings: 3 * 12 * (2 * 30 + 15 + 2 * 20 + 10) },
    'card',
  );

  it('2024 pages: data-qa card roots, styled-components classes, the hidden Turnstile widget, with and without __PRELOADED_STATE__', () => {
    const pages = pagesOf('2024');
    const quirks = [
      'data-qa="posting DEVELOPMENT"',
      'data-qa="posting PROPERTY"',
      '-sc-',
      'id="cf-turnstile"',
      'alt="logo publisher"',
      '>Ocultar precio<',
      '>USD ',
      ' a ',
      'm² tot.',
      'desde</div>',
    ];
    assertQuirks(pages, quirks, '2024 page');
    assert.ok(
      pages.some((page) => page.includes('window.__PRELOADED_STATE__ = ')),
      'a page with the state',
    );
    assert.ok(
      pages.some((page) => !page.includes('window.__PRELOADED_STATE__')),
      'a page without the state (a rendered DOM)',
    );
    assert.ok(pages.every((page) => !page.includes('-module__')));
  });

  it('2025-26 pages: CSS-module cards with and without data-qa="posting …", "m² lote", with and without the state and the JSON-LD list', () => {
    const pages = pagesOf('2025-26');
    const quirks = [
      'postingsList-module__card-container___',
      'postingCardLayout-module__posting-card-layout___',
      'postingsTitle-module__title___',
      'm² lote',
      'm² cub.',
      '"@type":"CollectionPage"',
    ];
    assertQuirks(pages, quirks, '2025-26 page');
    assert.ok(
      pages.some((page) => /<div data-id="\d+" data-posting-type/.test(page)),
      'a card without data-qa="posting …"',
    );
    assert.ok(
      pages.some((page) => /<h3 class="postingCard-module__posting-description___/.test(page)),
      'a description without data-qa',
    );
    assert.ok(
      pages.some((page) => page.includes('window.__PRELOADED_STATE__ = ')) &&
        pages.some((page) => !page.includes('window.__PRELOADED_STATE__')),
    );
    assert.ok(pages.every((page) => !page.includes('cf-turnstile') && !page.includes('-sc-')));
  });

  it('a page with no results is an empty success in every generation, the 2024 one despite its Turnstile widget', () => {
    for (const markup of mirror.markups)
      for (const variant of [0, 4]) assertNoResultsIsEmpty(adapter, mirror, SEARCH, markup, variant);
  });
});

describe('Inmuebles24 detail pages: mirror and parser agree', () => {
  it('reads every field as the mirror wrote it, with and without mainFeatures, description, pictures and a title in avisoInfo', () => {
    const run = detailRoundTrip(adapter, mirror, [...range(0, 60), ...range(90_000, 90_030)], range(0, 6));
    assertQuirks(run.pages, [
      "postingTitle: '",
      "status: 'ONLINE'",
      "postingType: 'DEVELOPMENT'",
      'developmentData: {',
      'mapLat: mapLatOf,',
      "label: 'Medio baño'",
      'const usersViews =  ',
    ]);
    assert.ok(
      run.pages.some((page) => !page.includes('mainFeatures:')),
      'a page without mainFeatures',
    );
    assert.ok(
      run.pages.some((page) => !page.includes('pictures:') && page.includes('id="new-gallery-portal"><img')),
      'a page with DOM photos only',
    );
  });

  it('answers a removed listing as documented (§1.3): a redirect to the home page, or the page with status OFFLINE; the parser calls both gone', () => {
    const answers = range(0, 40).map((n) => ({
      n,
      gone: mirror.goneDetail!(generateFacts(SEED, mirror.site, n), 0, mirror.markups[0]),
    }));
    const redirect = answers.find(({ gone }) => 'redirect' in gone)!;
    const offline = answers.find(({ gone }) => 'html' in gone)!;
    assert.ok(redirect && offline, 'both forms');
    assert.deepEqual(redirect.gone, { redirect: 'https://www.inmuebles24.com/' });
    const facts = generateFacts(SEED, mirror.site, offline.n);
    assert.throws(
      () => adapter.parseDetailPage!((offline.gone as { html: string }).html, detailContext(mirror, facts)),
      (error: unknown) =>
        error instanceof NotFoundError &&
        error.message ===
          `inmuebles24 listing ${mirror.externalId(offline.n)} is no longer published (avisoInfo status OFFLINE)`,
    );
  });

  it('the mirror server answers a removed listing that way, and the redirect lands on a home page the parser calls gone', async () => {
    const server = await startMirror({ pagesPerSearch: 4, epoch: 1, seed: SEED });
    try {
      const removed = range(0, server.catalog.listingsPerSearch('inmuebles24') * 3).filter((n) =>
        isRemoved(SEED, 'inmuebles24', n, 1),
      );
      assert.ok(removed.length >= 2, 'the catalogue removes listings at epoch 1');
      const answers = await Promise.all(
        removed.map((n) =>
          get(`${server.url}${new URL(mirror.detailUrl!(generateFacts(SEED, mirror.site, n))).pathname}`, mirror.host),
        ),
      );
      assert.ok(
        answers.every(
          (answer) =>
            (answer.status === 302 && answer.location === 'https://www.inmuebles24.com/') ||
            (answer.status === 200 && answer.text.includes("status: 'OFFLINE'")),
        ),
      );
      assert.ok(
        answers.some((answer) => answer.status === 302),
        'a redirect',
      );
      const home = await get(`${server.url}/`, mirror.host);
      assert.throws(
        () =>
          adapter.parseDetailPage!(home.text, {
            url: 'https://www.inmuebles24.com/',
            site: 'inmuebles24',
            maxFieldLength: DEFAULT_MAX_FIELD_LENGTH,
          }),
        (error: unknown) =>
          error instanceof NotFoundError &&
          /^inmuebles24 listing is gone: the detail page redirected to the home page/.test(error.message),
      );
    } finally {
      await server.close();
    }
  });

  it('a saved detail page parsed without its address (the site base URL) is still the listing, not a redirect', () => {
    const { facts, html } = detailPage(mirror, 7, 0);
    const record = adapter.parseDetailPage!(html, {
      url: 'https://www.inmuebles24.com/',
      site: 'inmuebles24',
      maxFieldLength: DEFAULT_MAX_FIELD_LENGTH,
    });
    assert.deepEqual(record, mirror.detailRecord!(facts, mirror.markups[0]));
  });
});
