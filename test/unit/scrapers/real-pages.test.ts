/**
 * The pages captured from the live portals (../shared/reference/real-pages/, see its SOURCES.md),
 * parsed in place: never copied into the repository. Each page is checked against what the page
 * itself carries, read here independently of the parser (cheerio for the cards, JSON.parse of the
 * embedded JSON, node:vm for a complete script literal, regular expressions for a cut one). The
 * challenge pages go through the real `orchestrator parse` executable and must exit 2 as challenges.
 * The files are discovered, not listed: every file under the folder (but SOURCES.md) must be one
 * this suite knows how to check — a results page or a block page of a known portal by its name, or
 * one of the named script fragments — and a file it cannot check fails the suite, so a page added
 * later is never left untested. Without the folder (a checkout without the shared reference), the
 * suite is skipped, saying so.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import * as cheerio from 'cheerio';
import { NotFoundError } from '../../../lib/errors';
import type { ListingRecord } from '../../../lib/record/listing-record';
import { DEFAULT_MAX_FIELD_LENGTH } from '../../../lib/record/text';
import type { ParseContext } from '../../../scrapers/adapter';
import { readScriptData } from '../../../scrapers/script-data';
import { inmuebles24Adapter } from '../../../scrapers/sites/inmuebles24';
import { lamudiAdapter } from '../../../scrapers/sites/lamudi';
import { runParse } from '../../support/cli';

const REAL_PAGES = join(__dirname, '..', '..', '..', '..', 'shared', 'reference', 'real-pages');
const read = (file: string): string => readFileSync(join(REAL_PAGES, file), 'utf8');
const context = (site: string, url: string): ParseContext => ({ site, url, maxFieldLength: DEFAULT_MAX_FIELD_LENGTH });

/** Every file under the folder, as a path relative to it ("lamudi/results-….html"), but SOURCES.md. */
function discover(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory() ? discover(join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
    )
    .filter((file) => file !== 'SOURCES.md')
    .sort();
}
const FILES = discover(REAL_PAGES);

/** The page's own address for itself: its canonical link (the real results pages all have one). */
function canonicalOf(html: string, file: string): string {
  const href = cheerio.load(html)('link[rel="canonical"]').attr('href');
  assert.ok(href, `${file}: no canonical link to take the page's address from`);
  return href;
}

type Json = Record<string, any>;

/** What docs/listing-record.md maps each type name on these pages to (every name the pages use is listed, so none passes unchecked). */
const INMUEBLES24_TYPES: Record<string, string> = {
  Casas: 'house',
  Departamentos: 'apartment',
  Oficinas: 'office',
  Terrenos: 'land',
  'Desarrollos verticales': 'other',
};
const NAVENT_OPERATIONS: Record<string, string> = { venta: 'sale', renta: 'rent' };
const LAMUDI_TYPES: Record<string, string> = { Apartment: 'apartment', SingleFamilyResidence: 'house' };

/** The record's text for a page's raw text: what docs/listing-record.md asks of text fields (tags out, entities decoded, whitespace collapsed). */
const plain = (text: string): string =>
  cheerio
    .load(`<p>${text.replace(/<br\s*\/?>/gi, ' ')}</p>`)('p')
    .text()
    .replace(/\s+/g, ' ')
    .trim();

/** Facts of the known results pages, from SOURCES.md and the pages themselves, checked besides what every results page must satisfy. */
const INMUEBLES24_RESULTS_FACTS: Record<
  string,
  { cards: number; developments: number; dual: [operation: string, price: number]; polanco: string }
> = {
  'inmuebles24/results-inmuebles-miguel-hidalgo-2024-07-12.html': {
    cards: 20,
    developments: 5,
    dual: ['sale', 13_850_000],
    polanco: '143041226',
  },
};
const LAMUDI_RESULTS_FACTS: Record<string, { cards: number; items: number; projects: number }> = {
  'lamudi/results-departamento-for-sale-p1-2026-02-04.html': { cards: 32, items: 30, projects: 2 },
  'lamudi/results-casa-for-sale-p1-2026-02-04.html': { cards: 32, items: 30, projects: 2 },
};
/** The vendor each known block page is from (SOURCES.md). */
const BLOCK_PAGE_VENDORS: Record<string, string> = {
  'lamudi/blocked-detail-awswaf-challenge-2026-07.html': 'AWS WAF',
  'lamudi/blocked-legacy-2018-distil-captcha.html': 'Distil',
};
/** docs/listing-record.md's words for the type of a Lamudi search path (§3.1 type segments). */
const LAMUDI_SEARCH_TYPES: Record<string, string> = { casa: 'house', departamento: 'apartment', terreno: 'land' };

/** The area a 2024 card's feature line shows with a unit ("231 m² tot.", "… m² lote", "120 m² cub."), read here with a regular expression. */
function cardArea(features: string[], unit: RegExp): number | null {
  const shown = features
    .map((text) => new RegExp(`([\\d.,]+)\\s*m²\\s*(?:${unit.source})`, 'i').exec(text))
    .find((match) => match != null);
  return shown ? Number(shown[1].replace(/,/g, '')) : null;
}

/** The listings are the page's cards in page order, each with the card's id and its link resolved against the page's address. */
function assertCardsInOrder(
  listings: readonly ListingRecord[],
  cards: ReadonlyArray<{ id: string; href: string }>,
  pageUrl: string,
): void {
  assert.deepEqual(
    listings.map((listing) => listing.externalId),
    cards.map((card) => card.id),
  );
  assert.deepEqual(
    listings.map((listing) => listing.url),
    cards.map((card) => new URL(card.href, pageUrl).href),
  );
}

/** Inmuebles24 results page (2024, the server's HTML: data-qa cards and window.__PRELOADED_STATE__). */
function inmuebles24Results(file: string): void {
  describe(`Inmuebles24 results page ${file} (data-qa cards, window.__PRELOADED_STATE__)`, () => {
    const facts = INMUEBLES24_RESULTS_FACTS[file];
    let html: string;
    let url: string;
    let listings: ListingRecord[];
    let nextPageUrl: string | null;
    let detailUrls: string[];
    let cards: Array<{ id: string; href: string; price: string; features: string[]; development: boolean }>;
    let postings: Map<string, Json>;

    before(() => {
      html = read(file);
      url = canonicalOf(html, file);
      ({ listings, nextPageUrl, detailUrls } = inmuebles24Adapter.parseListingPage(html, context('inmuebles24', url)));
      const $ = cheerio.load(html);
      cards = $('div[data-qa^="posting "]')
        .map((_, card) => ({
          id: $(card).attr('data-id')!,
          href: $(card).attr('data-to-posting')!,
          price: $(card).find('[data-qa="POSTING_CARD_PRICE"]').text(),
          features: $(card)
            .find('[data-qa="POSTING_CARD_FEATURES"] span')
            .map((_, span) => $(span).text())
            .get(),
          development: $(card).attr('data-qa') === 'posting DEVELOPMENT',
        }))
        .get();
      // The state is valid JSON up to the statement's end, where window.__SITE_DATA__ follows (docs/portals.md §1.2).
      const script = $('#preloadedData').text();
      const start = script.indexOf('window.__PRELOADED_STATE__ = ') + 'window.__PRELOADED_STATE__ = '.length;
      const state = JSON.parse(script.slice(start, script.indexOf(';\n', start))) as Json;
      postings = new Map(
        (state.listStore.listPostings as Json[]).map((posting) => [posting.postingId as string, posting]),
      );
    });

    it("finds every listing in page order, with the cards' data-ids, the next page and every detail URL", () => {
      assert.ok(cards.length > 0, 'cards');
      assert.equal(postings.size, cards.length, 'one posting per card');
      if (facts)
        assert.deepEqual(
          [cards.length, cards.filter((card) => card.development).length],
          [facts.cards, facts.developments],
        );
      assertCardsInOrder(listings, cards, url);
      assert.deepEqual(
        detailUrls,
        listings.map((listing) => listing.url),
      );
      const paging = cheerio.load(html)('a[data-qa="PAGING_NEXT"]').attr('href');
      assert.equal(nextPageUrl, paging ? new URL(paging, url).href : null);
    });

    it("title, operation, property type, coordinates, areas, price and publisher equal the state's, for every listing", () => {
      for (const listing of listings) {
        const posting = postings.get(listing.externalId)!;
        const label = `listing ${listing.externalId}`;
        // A posting offered for rent and for sale shows one price on its card: that operation is the record's.
        const card = cards.find((c) => c.id === listing.externalId)!;
        const options = posting.priceOperationTypes as Json[];
        const shown =
          options.find((option) => card.price.replace(/\D/g, '') === String(option.prices[0].amount)) ?? options[0];
        assert.ok(
          posting.realEstateType.name in INMUEBLES24_TYPES,
          `${label}: a type name this test does not map: ${posting.realEstateType.name}`,
        );
        const geo = posting.postingLocation.postingGeolocation.geolocation;
        const features = posting.mainFeatures as Record<string, Json | undefined>;
        assert.deepEqual(
          {
            title: listing.title,
            operation: listing.operation,
            propertyType: listing.propertyType,
            lat: listing.lat,
            lng: listing.lng,
          },
          {
            title: posting.title,
            operation: NAVENT_OPERATIONS[(shown.operationType.name as string).toLowerCase()],
            propertyType: INMUEBLES24_TYPES[posting.realEstateType.name],
            lat: geo.latitude,
            lng: geo.longitude,
          },
          label,
        );
        // Areas: the state's CFT101 (built) and CFT100 (land) when it has them, else what the card's feature line shows ("m² cub.", "m² tot." / "m² lote"), else none.
        assert.equal(
          listing.builtAreaM2,
          features.CFT101 ? Number(features.CFT101.value) : cardArea(card.features, /cub/),
          `${label}: built`,
        );
        assert.equal(
          listing.landAreaM2,
          features.CFT100 ? Number(features.CFT100.value) : cardArea(card.features, /tot|lote/),
          `${label}: land`,
        );
        assert.deepEqual([listing.price, listing.currency], [shown.prices[0].amount, 'MXN'], `${label}: price`);
        assert.equal(listing.publisher, posting.publisher.name, `${label}: publisher`);
      }
      if (facts) {
        // The dual-operation posting: rent first in the state, its card shows the sale price.
        const dual = listings.filter(
          (listing) => (postings.get(listing.externalId)!.priceOperationTypes as Json[]).length > 1,
        );
        assert.deepEqual(
          dual.map((listing) => [listing.operation, listing.price]),
          [facts.dual],
        );
      }
    });

    it("takes the colonia from the most specific level of the state's location chain, and the city and state above it", () => {
      for (const listing of listings) {
        const chain: Record<string, string> = {};
        for (let node = postings.get(listing.externalId)!.postingLocation.location; node; node = node.parent)
          chain[node.label] = node.name;
        assert.deepEqual(
          [listing.neighborhood, listing.city, listing.state],
          [chain.SUBZONA ?? chain.ZONA, chain.CIUDAD, chain.PROVINCIA],
          listing.externalId,
        );
      }
      // The card of 143041226 reads "Polanco V Sección, Polanco": Polanco is its ZONA, the city is Miguel Hidalgo.
      if (facts)
        assert.deepEqual(
          listings.filter((l) => l.externalId === facts.polanco).map((l) => [l.neighborhood, l.city]),
          [['Polanco V Sección', 'Miguel Hidalgo']],
        );
    });

    it('is not a challenge page although it may embed a Turnstile widget (docs/portals.md §1.4)', () => {
      if (facts) assert.match(html, /cf-turnstile/);
      assert.equal(listings.length, cards.length);
    });
  });
}

/** Lamudi results page `lamudi/results-{tipo}-{operacion}-p{N}-{date}.html` (div.snippet cards, JSON-LD SearchResultsPage). */
function lamudiResults(file: string): void {
  describe(`Lamudi results page ${file} (div.snippet cards, JSON-LD items)`, () => {
    const facts = LAMUDI_RESULTS_FACTS[file];
    let search: string;
    let listings: ListingRecord[];
    let nextPageUrl: string | null;
    let cards: Array<{ id: string; href: string; price: string; project: boolean }>;
    let items: Map<string, Json>;
    let next: string | undefined;

    before(() => {
      const html = read(file);
      search = canonicalOf(html, file);
      ({ listings, nextPageUrl } = lamudiAdapter.parseListingPage(html, context('lamudi', search)));
      const $ = cheerio.load(html);
      cards = $('div.snippet.js-snippet')
        .map((_, card) => ({
          id: $(card).attr('data-alternateid')!,
          href: $(card).find('a[href]').first().attr('href')!,
          price: $(card).find('.snippet__content__price').text().replace(/\s+/g, ' ').trim(),
          project: $(card).attr('data-test') === 'serp-project',
        }))
        .get();
      const blocks = JSON.parse($('script[type="application/ld+json"]').text()) as Json[];
      const list = (blocks[0]['@graph'][0].mainEntity as Json[]).find((entity) => entity['@type'] === 'ItemList')!;
      items = new Map(
        (list.itemListElement as Json[]).map((element) => [
          (element.item.url as string).split('/').pop()!,
          element.item as Json,
        ]),
      );
      const link = $('a#pagination-next');
      next = link.attr('data-islast') === 'true' ? undefined : link.attr('href');
    });

    it('finds every card in page order, ids and URLs as the cards give them, and the next page', () => {
      assert.ok(cards.length > 0, 'cards');
      if (facts) assert.deepEqual([cards.length, items.size], [facts.cards, facts.items]);
      assertCardsInOrder(listings, cards, search);
      assert.equal(nextPageUrl, next ? new URL(next, search).href : null);
      if (facts) assert.equal(nextPageUrl, `${search}?page=2`);
      const operation = /\/for-(sale|rent)\//.exec(new URL(search).pathname)![1];
      assert.ok(
        listings.every((listing) => listing.operation === operation),
        `for-${operation}`,
      );
    });

    it('agrees with the JSON-LD item of every card that has one, field by field', () => {
      for (const listing of listings) {
        const item = items.get(listing.externalId);
        if (!item) continue;
        assert.ok(item['@type'] in LAMUDI_TYPES, `a type this test does not map: ${item['@type']}`);
        assert.deepEqual(
          {
            title: listing.title,
            propertyType: listing.propertyType,
            bedrooms: listing.bedrooms,
            bathrooms: listing.bathrooms,
            builtAreaM2: listing.builtAreaM2,
            city: listing.city,
            state: listing.state,
            address: listing.address,
            description: listing.description,
            firstImage: listing.images[0],
          },
          {
            title: plain(item.name),
            propertyType: LAMUDI_TYPES[item['@type']],
            bedrooms: item.numberOfBedrooms ?? null,
            bathrooms: item.numberOfBathroomsTotal ?? null,
            builtAreaM2: item.floorSize ? Number(item.floorSize.value) : null,
            city: item.address.addressLocality ?? null,
            state: item.address.addressRegion ?? null,
            address: plain(item.address.streetAddress),
            description: plain(item.description).slice(0, DEFAULT_MAX_FIELD_LENGTH).trimEnd(),
            firstImage: item.image,
          },
          listing.externalId,
        );
        const geo = item.geo as Json | undefined;
        assert.deepEqual(
          [listing.lat, listing.lng],
          geo ? [Number(geo.latitude), Number(geo.longitude)] : [null, null],
          `${listing.externalId}: geo as the item has it`,
        );
      }
    });

    it("reads the price each card shows, and gives the development cards (not in the JSON-LD) the search path's type", () => {
      const typeWord = new URL(search).pathname
        .split('/')
        .filter(Boolean)
        .find((segment) => segment in LAMUDI_SEARCH_TYPES);
      for (const [i, card] of cards.entries()) {
        const listing = listings[i];
        const amount = Number(card.price.replace(/\D/g, ''));
        const expected = /consultar/i.test(card.price)
          ? [null, null, true]
          : [amount, /USD/.test(card.price) ? 'USD' : 'MXN', false];
        assert.deepEqual(
          [listing.price, listing.currency, listing.priceOnRequest],
          expected,
          `${card.id}: ${card.price}`,
        );
        if (card.project && !items.has(card.id)) {
          assert.ok(typeWord, `${file}: a search path without a type word this test maps`);
          assert.equal(listing.propertyType, LAMUDI_SEARCH_TYPES[typeWord], card.id);
        }
      }
      if (facts) assert.equal(cards.filter((card) => card.project && !items.has(card.id)).length, facts.projects);
    });
  });
}

/** A block page `{site}/blocked-….html`, through the real executable: exit 2 as a challenge, never as drift. */
function blockPage(file: string): void {
  const site = file.split('/')[0];
  const kind = /-detail-/.test(file) ? 'detail' : 'listing';
  describe(`block page ${file} through \`orchestrator parse\` (the real executable)`, function () {
    this.timeout(120_000);
    it(`exits 2 as a challenge (${site} ${kind} page)`, async () => {
      const result = await runParse({ site, kind, file: join(REAL_PAGES, file) });
      assert.equal(result.code, 2, result.stderr);
      assert.equal(result.stdout, '');
      const vendor = BLOCK_PAGE_VENDORS[file];
      if (vendor)
        assert.equal(
          result.stderr,
          `${site} ${kind} page not recognised: an anti-bot challenge page (${vendor}) instead of the content\n`,
        );
      else
        assert.match(
          result.stderr,
          new RegExp(
            `^${site} ${kind} page not recognised: an anti-bot challenge page \\([^)]+\\) instead of the content\\n$`,
          ),
        );
    });
  });
}

/**
 * The fragments are inline scripts of detail pages, not pages: each goes into a <script> of a
 * minimal page written here; the parse context gives the listing's address (made up around its
 * id: the fragments do not carry it). Each fragment says something else, so each has its own check.
 */
const fragmentPage = (script: string): string =>
  `<!DOCTYPE html><html lang="es-MX"><head><meta charset="utf-8"><title>Inmuebles24</title></head><body><main id="article-container"></main><script>${script}</script></body></html>`;

const FRAGMENT_CHECKS: Record<string, { title: string; check: (file: string) => void }> = {
  'inmuebles24/detail-fragment-avisoInfo-143531609-2024-07.js.txt': {
    title:
      'a literal cut short in its source (143531609) degrades: every property before the cut is read, the page parses',
    check: (file) => {
      const fragment = read(file);
      assert.match(fragment.trimEnd(), /…$/, 'the fragment ends cut short');
      const aviso = readScriptData(fragment, { declaration: 'avisoInfo' })!;
      assert.equal(aviso.complete, false);
      const url =
        'https://www.inmuebles24.com/propiedades/clasificado/veclterin-terreno-en-venta-en-playa-del-carmen-143531609.html';
      const record = inmuebles24Adapter.parseDetailPage!(fragmentPage(fragment), context('inmuebles24', url));
      // What the fragment says, read with regular expressions.
      const base64 = (name: string): number =>
        Number(Buffer.from(new RegExp(`const ${name} =\\s*"([^"]+)"`).exec(fragment)![1], 'base64').toString());
      const location = JSON.parse(/'location': (\{.*\}),\n/.exec(fragment)![1]) as Json;
      assert.equal(record.externalId, /'idAviso': '(\d+)'/.exec(fragment)![1]);
      assert.equal(record.price, Number(/'price': 'MN ([\d,]+)'/.exec(fragment)![1].replace(/,/g, '')));
      assert.equal(record.currency, 'MXN');
      assert.equal(record.operation, NAVENT_OPERATIONS[/"operationType":\{"name":"(\w+)"/.exec(fragment)![1]]);
      // No realEstateType before the cut: the type is the words of the listing's search (similarLink "/terrenos-en-venta-en-…").
      assert.match(fragment, /"similarLink": '\/terrenos-en-venta-en-/);
      assert.equal(record.propertyType, 'land');
      assert.deepEqual(
        [record.neighborhood, record.city, record.state],
        [location.name, location.parent.name, location.parent.parent.name],
      );
      assert.equal(record.address, JSON.parse(/'address': (\{.*\}),\n/.exec(fragment)![1]).name);
      assert.deepEqual([record.lat, record.lng], [base64('mapLatOf'), base64('mapLngOf')]);
      assert.equal(record.publisher, plain(/'name': '([^']+)'/.exec(fragment)![1]));
      assert.ok(
        record.description?.startsWith('Vendo Terreno en Playa del Carmen'),
        record.description ?? 'no description',
      );
      assert.deepEqual(record.images, [], 'the pictures are the part cut off');
    },
  },
  'inmuebles24/detail-fragment-avisoInfo-development-142647256-2024-07.js.txt': {
    title: 'a development (142647256): developmentData for price and ranges, the search words for the operation',
    check: (file) => {
      const fragment = read(file);
      // The fragment is complete JavaScript: node:vm runs it (its bare identifiers defined as nothing) to read it independently of acorn.
      const sandbox: Json = { urlMapOf: undefined, mapLatOf: undefined, mapLngOf: undefined };
      vm.runInNewContext(`${fragment}\n;globalThis.read = { avisoInfo, dataLayerInfo };`, sandbox, { timeout: 1000 });
      // Through JSON: the sandbox's objects belong to another realm (other prototypes).
      const { avisoInfo, dataLayerInfo } = JSON.parse(JSON.stringify(sandbox.read)) as {
        avisoInfo: Json;
        dataLayerInfo: Json;
      };
      const url = 'https://www.inmuebles24.com/propiedades/desarrollo/ememvein-epika-americana-142647256.html';
      const record = inmuebles24Adapter.parseDetailPage!(fragmentPage(fragment), context('inmuebles24', url));
      assert.equal(avisoInfo.pricesData, undefined, 'a development has no pricesData');
      assert.equal(dataLayerInfo.operationType, '', 'nor an operation in dataLayerInfo');
      assert.equal(avisoInfo.similarLink, '/departamentos-en-venta-en-americana.html');
      assert.deepEqual(
        {
          externalId: record.externalId,
          operation: record.operation,
          propertyType: record.propertyType,
          price: record.price,
          currency: record.currency,
        },
        {
          externalId: avisoInfo.idAviso,
          operation: 'sale',
          propertyType: 'other',
          price: avisoInfo.developmentData.prices.tuple0.amount,
          currency: avisoInfo.developmentData.prices.tuple0.isoCode,
        },
      );
      assert.equal(
        avisoInfo.realEstateType.name,
        'horizontal-vertical',
        'a kind of project, not a property type: "other"',
      );
      assert.deepEqual(
        [record.bedrooms, record.bathrooms, record.builtAreaM2],
        [
          avisoInfo.developmentData.rooms.tuple0,
          avisoInfo.developmentData.bathrooms.tuple0,
          avisoInfo.developmentData.coveredArea.tuple0,
        ],
      );
      assert.deepEqual(
        [record.neighborhood, record.city, record.state],
        [avisoInfo.location.name, avisoInfo.location.parent.name, avisoInfo.location.parent.parent.name],
      );
      assert.deepEqual(
        [record.address, record.publisher, record.publishedAt],
        [avisoInfo.address.name, avisoInfo.publisher.name, avisoInfo.publicationDateFormatted],
      );
      assert.deepEqual(
        record.images,
        (avisoInfo.pictures as Json[]).map((picture) => picture.url1200x1200),
      );
      assert.equal(record.description, plain(avisoInfo.description).slice(0, DEFAULT_MAX_FIELD_LENGTH).trimEnd());
    },
  },
  'inmuebles24/detail-fragment-script-143611198-2024-07.js.txt': {
    title: 'an OFFLINE listing (143611198, a script whose last constant is cut) is gone: NotFoundError',
    check: (file) => {
      // This fragment is the object itself ("{ … }") followed by other constants: wrapped as `const avisoInfo = …` here.
      const fragment = read(file);
      assert.match(fragment, /^\{/);
      assert.match(fragment, /'status': 'OFFLINE'/);
      const url = 'https://www.inmuebles24.com/propiedades/clasificado/alclapin-departamento-juarez-143611198.html';
      assert.throws(
        () =>
          inmuebles24Adapter.parseDetailPage!(
            fragmentPage(`const avisoInfo = ${fragment}`),
            context('inmuebles24', url),
          ),
        (error: unknown) =>
          error instanceof NotFoundError &&
          error.message === 'inmuebles24 listing 143611198 is no longer published (avisoInfo status OFFLINE)',
      );
    },
  },
};

/** What this suite knows how to check, by the file's path under real-pages/. */
const CHECKERS: ReadonlyArray<{ pattern: RegExp; describe: (file: string) => void }> = [
  { pattern: /^inmuebles24\/results-[^/]+\.html$/, describe: inmuebles24Results },
  { pattern: /^lamudi\/results-[^/]+\.html$/, describe: lamudiResults },
  {
    pattern: /^(inmuebles24|casasyterrenos|lamudi|mitula|propiedades|trovit)\/blocked-[^/]+\.html$/,
    describe: blockPage,
  },
  {
    pattern: /^inmuebles24\/detail-fragment-[^/]+\.js\.txt$/,
    describe: (file) => {
      describe(`Inmuebles24 detail-page script ${file} (wrapped here in a minimal page of our own)`, () => {
        const known = FRAGMENT_CHECKS[file];
        it(known?.title ?? 'has a check of its own (each fragment says something else)', () => {
          assert.ok(known, `${file}: a fragment this suite has no check for: add one to FRAGMENT_CHECKS`);
          known.check(file);
        });
      });
    },
  },
];

describe('the real pages of ../shared/reference/real-pages, parsed in place', function () {
  before(function () {
    if (!existsSync(REAL_PAGES)) {
      console.log(
        `      (skipped: ${REAL_PAGES} is absent; the real pages live in the shared reference, not in this repository)`,
      );
      this.skip();
    }
  });

  it('checks every file of the folder: none is one this suite does not know how to check', () => {
    assert.ok(FILES.length > 0, 'the folder holds pages');
    const uncheckedOf = (files: string[]): string[] =>
      files.filter((file) => !CHECKERS.some((checker) => checker.pattern.test(file)));
    // A page of a kind this suite has no check for would be named here (and a fragment without its own check fails in its own test).
    assert.deepEqual(
      uncheckedOf([
        'lamudi/results-terreno-for-rent-p2-2026-09-01.html',
        'propiedades/detail-12345678-2026.html',
        'mitula/results.json',
      ]),
      ['propiedades/detail-12345678-2026.html', 'mitula/results.json'],
    );
    const unchecked = uncheckedOf(FILES);
    assert.deepEqual(
      unchecked,
      [],
      `files under ${REAL_PAGES} this suite does not know how to check: ${unchecked.join(', ')}`,
    );
    // Every named check still has its file (a renamed page is not silently left out).
    for (const file of [
      ...Object.keys(INMUEBLES24_RESULTS_FACTS),
      ...Object.keys(LAMUDI_RESULTS_FACTS),
      ...Object.keys(BLOCK_PAGE_VENDORS),
      ...Object.keys(FRAGMENT_CHECKS),
    ]) {
      assert.ok(FILES.includes(file), `${file} is named here but absent from the folder`);
    }
  });

  for (const file of FILES) CHECKERS.find((checker) => checker.pattern.test(file))?.describe(file);

  describe('the real results pages through the same executable: exit 0, every card', function () {
    this.timeout(120_000);
    for (const file of FILES.filter((f) => /^(inmuebles24|lamudi)\/results-[^/]+\.html$/.test(f))) {
      it(file, async () => {
        const html = read(file);
        const site = file.split('/')[0];
        const cards = cheerio.load(html)(
          site === 'inmuebles24' ? 'div[data-qa^="posting "]' : 'div.snippet.js-snippet',
        ).length;
        const result = await runParse({
          site,
          kind: 'listing',
          url: canonicalOf(html, file),
          file: join(REAL_PAGES, file),
        });
        assert.equal(result.code, 0, result.stderr);
        assert.equal((JSON.parse(result.stdout) as { listings: unknown[] }).listings.length, cards);
      });
    }
  });
});
