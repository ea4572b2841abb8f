/**
 * The pages captured from the live portals (../shared/reference/real-pages/, see its SOURCES.md),
 * parsed in place: never copied into the repository. Each page is checked against what the page
 * itself carries, read here independently of the parser (cheerio for the cards, JSON.parse of the
 * embedded JSON, node:vm for a complete script literal, regular expressions for a cut one). The
 * challenge pages go through the real `orchestrator parse` executable and must exit 2 as challenges.
 * Without the folder (a checkout without the shared reference), the suite is skipped, saying so.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
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
import { runCli } from '../../support/cli';

const REAL_PAGES = join(__dirname, '..', '..', '..', '..', 'shared', 'reference', 'real-pages');
const read = (file: string): string => readFileSync(join(REAL_PAGES, file), 'utf8');
const context = (site: string, url: string): ParseContext => ({ site, url, maxFieldLength: DEFAULT_MAX_FIELD_LENGTH });

type Json = Record<string, any>;

/** What listing-record.md maps each type name on these pages to (every name the pages use is listed, so none passes unchecked). */
const INMUEBLES24_TYPES: Record<string, string> = { Casas: 'house', Departamentos: 'apartment', Oficinas: 'office', Terrenos: 'land', 'Desarrollos verticales': 'other' };
const NAVENT_OPERATIONS: Record<string, string> = { venta: 'sale', renta: 'rent' };
const LAMUDI_TYPES: Record<string, string> = { Apartment: 'apartment', SingleFamilyResidence: 'house' };

/** The record's text for a page's raw text: what listing-record.md asks of text fields (tags out, entities decoded, whitespace collapsed). */
const plain = (text: string): string => cheerio.load(`<p>${text.replace(/<br\s*\/?>/gi, ' ')}</p>`)('p').text().replace(/\s+/g, ' ').trim();

describe('the real pages of ../shared/reference/real-pages, parsed in place', function () {
  before(function () {
    if (!existsSync(REAL_PAGES)) {
      console.log(`      (skipped: ${REAL_PAGES} is absent; the real pages live in the shared reference, not in this repository)`);
      this.skip();
    }
  });

  describe('Inmuebles24 results page of 2024-07-12 (20 cards, window.__PRELOADED_STATE__)', () => {
    const FILE = 'inmuebles24/results-inmuebles-miguel-hidalgo-2024-07-12.html';
    const URL = 'https://www.inmuebles24.com/inmuebles-en-miguel-hidalgo.html';
    let html: string;
    let listings: ListingRecord[];
    let nextPageUrl: string | null;
    let detailUrls: string[];
    let cards: Array<{ id: string; href: string; price: string }>;
    let postings: Map<string, Json>;

    before(() => {
      html = read(FILE);
      ({ listings, nextPageUrl, detailUrls } = inmuebles24Adapter.parseListingPage(html, context('inmuebles24', URL)));
      const $ = cheerio.load(html);
      cards = $('div[data-qa^="posting "]')
        .map((_, card) => ({ id: $(card).attr('data-id')!, href: $(card).attr('data-to-posting')!, price: $(card).find('[data-qa="POSTING_CARD_PRICE"]').text() }))
        .get();
      // The state is valid JSON up to the statement's end, where window.__SITE_DATA__ follows (portals.md §1.2).
      const script = $('#preloadedData').text();
      const start = script.indexOf('window.__PRELOADED_STATE__ = ') + 'window.__PRELOADED_STATE__ = '.length;
      const state = JSON.parse(script.slice(start, script.indexOf(';\n', start))) as Json;
      postings = new Map((state.listStore.listPostings as Json[]).map((posting) => [posting.postingId as string, posting]));
    });

    it('finds the 20 listings in page order, with the cards\' data-ids, the next page and every detail URL', () => {
      assert.equal(cards.length, 20);
      assert.equal(postings.size, 20);
      assert.deepEqual(listings.map((listing) => listing.externalId), cards.map((card) => card.id));
      assert.deepEqual(listings.map((listing) => listing.url), cards.map((card) => `https://www.inmuebles24.com${card.href}`));
      assert.deepEqual(detailUrls, listings.map((listing) => listing.url));
      assert.equal(nextPageUrl, 'https://www.inmuebles24.com/inmuebles-en-miguel-hidalgo-pagina-2.html');
    });

    it('title, operation, property type, coordinates and built area equal the state\'s, for all 20', () => {
      for (const listing of listings) {
        const posting = postings.get(listing.externalId)!;
        const label = `listing ${listing.externalId}`;
        // A posting offered for rent and for sale (one on this page) shows one price on its card: that operation is the record's.
        const card = cards.find((c) => c.id === listing.externalId)!;
        const options = posting.priceOperationTypes as Json[];
        const shown = options.find((option) => card.price.replace(/\D/g, '') === String(option.prices[0].amount)) ?? options[0];
        assert.ok(posting.realEstateType.name in INMUEBLES24_TYPES, `${label}: a type name this test does not map: ${posting.realEstateType.name}`);
        const geo = posting.postingLocation.postingGeolocation.geolocation;
        assert.deepEqual(
          { title: listing.title, operation: listing.operation, propertyType: listing.propertyType, lat: listing.lat, lng: listing.lng, builtAreaM2: listing.builtAreaM2 },
          {
            title: posting.title,
            operation: NAVENT_OPERATIONS[(shown.operationType.name as string).toLowerCase()],
            propertyType: INMUEBLES24_TYPES[posting.realEstateType.name],
            lat: geo.latitude,
            lng: geo.longitude,
            builtAreaM2: posting.mainFeatures.CFT101 ? Number(posting.mainFeatures.CFT101.value) : null,
          },
          label,
        );
        assert.deepEqual([listing.price, listing.currency], [shown.prices[0].amount, 'MXN'], `${label}: price`);
        assert.equal(listing.landAreaM2, posting.mainFeatures.CFT100 ? Number(posting.mainFeatures.CFT100.value) : listing.landAreaM2, `${label}: land`);
        assert.equal(listing.publisher, posting.publisher.name, `${label}: publisher`);
      }
      // The dual-operation posting: rent first in the state, its card shows the sale price.
      const dual = listings.find((listing) => (postings.get(listing.externalId)!.priceOperationTypes as Json[]).length > 1)!;
      assert.deepEqual([dual.operation, dual.price], ['sale', 13_850_000]);
    });

    it('takes the colonia from the most specific level of the state\'s location chain, and the city and state above it', () => {
      for (const listing of listings) {
        const chain: Record<string, string> = {};
        for (let node = postings.get(listing.externalId)!.postingLocation.location; node; node = node.parent) chain[node.label] = node.name;
        assert.deepEqual([listing.neighborhood, listing.city, listing.state], [chain.SUBZONA ?? chain.ZONA, chain.CIUDAD, chain.PROVINCIA], listing.externalId);
      }
      // The card of 143041226 reads "Polanco V Sección, Polanco": Polanco is its ZONA, the city is Miguel Hidalgo.
      assert.deepEqual(listings.filter((l) => l.externalId === '143041226').map((l) => [l.neighborhood, l.city]), [['Polanco V Sección', 'Miguel Hidalgo']]);
    });

    it('is not a challenge page although it embeds a Turnstile widget (portals.md §1.4)', () => {
      assert.match(html, /cf-turnstile/);
      assert.equal(listings.length, 20);
    });
  });

  describe('Inmuebles24 detail-page scripts (fragments, each wrapped here in a minimal page of our own)', () => {
    /**
     * The fragments are inline scripts of detail pages, not pages: each goes into a <script> of a
     * minimal page written here; the parse context gives the listing's address (made up around
     * its id: the fragments do not carry it).
     */
    const page = (script: string): string => `<!DOCTYPE html><html lang="es-MX"><head><meta charset="utf-8"><title>Inmuebles24</title></head><body><main id="article-container"></main><script>${script}</script></body></html>`;

    it('a literal cut short in its source (143531609) degrades: every property before the cut is read, the page parses', () => {
      const fragment = read('inmuebles24/detail-fragment-avisoInfo-143531609-2024-07.js.txt');
      assert.match(fragment.trimEnd(), /…$/, 'the fragment ends cut short');
      const aviso = readScriptData(fragment, { declaration: 'avisoInfo' })!;
      assert.equal(aviso.complete, false);
      const url = 'https://www.inmuebles24.com/propiedades/clasificado/veclterin-terreno-en-venta-en-playa-del-carmen-143531609.html';
      const record = inmuebles24Adapter.parseDetailPage!(page(fragment), context('inmuebles24', url));
      // What the fragment says, read with regular expressions.
      const base64 = (name: string): number => Number(Buffer.from(new RegExp(`const ${name} =\\s*"([^"]+)"`).exec(fragment)![1], 'base64').toString());
      const location = JSON.parse(/'location': (\{.*\}),\n/.exec(fragment)![1]) as Json;
      assert.equal(record.externalId, /'idAviso': '(\d+)'/.exec(fragment)![1]);
      assert.equal(record.price, Number(/'price': 'MN ([\d,]+)'/.exec(fragment)![1].replace(/,/g, '')));
      assert.equal(record.currency, 'MXN');
      assert.equal(record.operation, NAVENT_OPERATIONS[/"operationType":\{"name":"(\w+)"/.exec(fragment)![1]]);
      // No realEstateType before the cut: the type is the words of the listing's search (similarLink "/terrenos-en-venta-en-…").
      assert.match(fragment, /"similarLink": '\/terrenos-en-venta-en-/);
      assert.equal(record.propertyType, 'land');
      assert.deepEqual([record.neighborhood, record.city, record.state], [location.name, location.parent.name, location.parent.parent.name]);
      assert.equal(record.address, JSON.parse(/'address': (\{.*\}),\n/.exec(fragment)![1]).name);
      assert.deepEqual([record.lat, record.lng], [base64('mapLatOf'), base64('mapLngOf')]);
      assert.equal(record.publisher, plain(/'name': '([^']+)'/.exec(fragment)![1]));
      assert.ok(record.description?.startsWith('Vendo Terreno en Playa del Carmen'), record.description ?? 'no description');
      assert.deepEqual(record.images, [], 'the pictures are the part cut off');
    });

    it('a development (142647256): developmentData for price and ranges, the search words for the operation', () => {
      const fragment = read('inmuebles24/detail-fragment-avisoInfo-development-142647256-2024-07.js.txt');
      // The fragment is complete JavaScript: node:vm runs it (its bare identifiers defined as nothing) to read it independently of acorn.
      const sandbox: Json = { urlMapOf: undefined, mapLatOf: undefined, mapLngOf: undefined };
      vm.runInNewContext(`${fragment}\n;globalThis.read = { avisoInfo, dataLayerInfo };`, sandbox, { timeout: 1000 });
      // Through JSON: the sandbox's objects belong to another realm (other prototypes).
      const { avisoInfo, dataLayerInfo } = JSON.parse(JSON.stringify(sandbox.read)) as { avisoInfo: Json; dataLayerInfo: Json };
      const url = 'https://www.inmuebles24.com/propiedades/desarrollo/ememvein-epika-americana-142647256.html';
      const record = inmuebles24Adapter.parseDetailPage!(page(fragment), context('inmuebles24', url));
      assert.equal(avisoInfo.pricesData, undefined, 'a development has no pricesData');
      assert.equal(dataLayerInfo.operationType, '', 'nor an operation in dataLayerInfo');
      assert.equal(avisoInfo.similarLink, '/departamentos-en-venta-en-americana.html');
      assert.deepEqual(
        { externalId: record.externalId, operation: record.operation, propertyType: record.propertyType, price: record.price, currency: record.currency },
        { externalId: avisoInfo.idAviso, operation: 'sale', propertyType: 'other', price: avisoInfo.developmentData.prices.tuple0.amount, currency: avisoInfo.developmentData.prices.tuple0.isoCode },
      );
      assert.equal(avisoInfo.realEstateType.name, 'horizontal-vertical', 'a kind of project, not a property type: "other"');
      assert.deepEqual([record.bedrooms, record.bathrooms, record.builtAreaM2], [avisoInfo.developmentData.rooms.tuple0, avisoInfo.developmentData.bathrooms.tuple0, avisoInfo.developmentData.coveredArea.tuple0]);
      assert.deepEqual([record.neighborhood, record.city, record.state], [avisoInfo.location.name, avisoInfo.location.parent.name, avisoInfo.location.parent.parent.name]);
      assert.deepEqual([record.address, record.publisher, record.publishedAt], [avisoInfo.address.name, avisoInfo.publisher.name, avisoInfo.publicationDateFormatted]);
      assert.deepEqual(record.images, (avisoInfo.pictures as Json[]).map((picture) => picture.url1200x1200));
      assert.equal(record.description, plain(avisoInfo.description).slice(0, DEFAULT_MAX_FIELD_LENGTH).trimEnd());
    });

    it('an OFFLINE listing (143611198, a script whose last constant is cut) is gone: NotFoundError', () => {
      // This fragment is the object itself ("{ … }") followed by other constants: wrapped as `const avisoInfo = …` here.
      const fragment = read('inmuebles24/detail-fragment-script-143611198-2024-07.js.txt');
      assert.match(fragment, /^\{/);
      assert.match(fragment, /'status': 'OFFLINE'/);
      const url = 'https://www.inmuebles24.com/propiedades/clasificado/alclapin-departamento-juarez-143611198.html';
      assert.throws(
        () => inmuebles24Adapter.parseDetailPage!(page(`const avisoInfo = ${fragment}`), context('inmuebles24', url)),
        (error: unknown) => error instanceof NotFoundError && error.message === 'inmuebles24 listing 143611198 is no longer published (avisoInfo status OFFLINE)',
      );
    });
  });

  for (const [file, search, type] of [
    ['lamudi/results-departamento-for-sale-p1-2026-02-04.html', 'https://www.lamudi.com.mx/departamento/for-sale/', 'apartment'],
    ['lamudi/results-casa-for-sale-p1-2026-02-04.html', 'https://www.lamudi.com.mx/casa/for-sale/', 'house'],
  ] as const) {
    describe(`Lamudi results page ${file.split('/')[1]} (32 cards, 30 JSON-LD items)`, () => {
      let listings: ListingRecord[];
      let nextPageUrl: string | null;
      let cards: Array<{ id: string; href: string; price: string; project: boolean }>;
      let items: Map<string, Json>;

      before(() => {
        const html = read(file);
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
        items = new Map((list.itemListElement as Json[]).map((element) => [(element.item.url as string).split('/').pop()!, element.item as Json]));
      });

      it('finds the 32 cards in page order, ids and URLs as the cards give them, and the next page', () => {
        assert.equal(cards.length, 32);
        assert.equal(items.size, 30);
        assert.deepEqual(listings.map((listing) => listing.externalId), cards.map((card) => card.id));
        assert.deepEqual(listings.map((listing) => listing.url), cards.map((card) => `https://www.lamudi.com.mx${card.href}`));
        assert.equal(nextPageUrl, `${search}?page=2`);
        assert.ok(listings.every((listing) => listing.operation === 'sale'), 'for-sale');
      });

      it('agrees with the JSON-LD item of every card that has one, field by field', () => {
        for (const listing of listings) {
          const item = items.get(listing.externalId);
          if (!item) continue;
          assert.ok(item['@type'] in LAMUDI_TYPES, `a type this test does not map: ${item['@type']}`);
          assert.deepEqual(
            {
              title: listing.title, propertyType: listing.propertyType, bedrooms: listing.bedrooms, bathrooms: listing.bathrooms, builtAreaM2: listing.builtAreaM2,
              city: listing.city, state: listing.state, address: listing.address, description: listing.description, firstImage: listing.images[0],
            },
            {
              title: plain(item.name), propertyType: LAMUDI_TYPES[item['@type']], bedrooms: item.numberOfBedrooms ?? null, bathrooms: item.numberOfBathroomsTotal ?? null,
              builtAreaM2: item.floorSize ? Number(item.floorSize.value) : null, city: item.address.addressLocality ?? null, state: item.address.addressRegion ?? null,
              address: plain(item.address.streetAddress), description: plain(item.description).slice(0, DEFAULT_MAX_FIELD_LENGTH).trimEnd(), firstImage: item.image,
            },
            listing.externalId,
          );
          assert.deepEqual([listing.lat, listing.lng], [null, null], 'the 2026-02 build carries no geo');
        }
      });

      it('reads the price each card shows, and gives the development cards (not in the JSON-LD) the search path\'s type', () => {
        for (const [i, card] of cards.entries()) {
          const listing = listings[i];
          const amount = Number(card.price.replace(/\D/g, ''));
          const expected = /consultar/i.test(card.price) ? [null, null, true] : [amount, /USD/.test(card.price) ? 'USD' : 'MXN', false];
          assert.deepEqual([listing.price, listing.currency, listing.priceOnRequest], expected, `${card.id}: ${card.price}`);
          if (card.project) {
            assert.equal(items.has(card.id), false);
            assert.equal(listing.propertyType, type, card.id);
          }
        }
        assert.equal(cards.filter((card) => card.project).length, 2);
      });
    });
  }

  describe('block pages through `orchestrator parse` (the real executable): exit 2 as challenges', function () {
    this.timeout(120_000);

    it('the AWS WAF challenge a Lamudi detail request got (2026-07)', async () => {
      const result = await runCli(['parse', '--site', 'lamudi', '--page', 'detail', '--url', 'https://www.lamudi.com.mx/detalle/41032-73-d186d3fad27f-44cd-19c2717-a8fa-7239', join(REAL_PAGES, 'lamudi/blocked-detail-awswaf-challenge-2026-07.html')]);
      assert.equal(result.code, 2, result.stderr);
      assert.equal(result.stdout, '');
      assert.equal(result.stderr, 'lamudi detail page not recognised: an anti-bot challenge page (AWS WAF) instead of the content\n');
    });

    it('the Distil Networks block page of 2018 (a results page request)', async () => {
      const result = await runCli(['parse', '--site', 'lamudi', '--page', 'listing', '--url', 'https://www.lamudi.com.mx/distrito-federal/departamento/for-sale/?page=1', join(REAL_PAGES, 'lamudi/blocked-legacy-2018-distil-captcha.html')]);
      assert.equal(result.code, 2, result.stderr);
      assert.equal(result.stdout, '');
      assert.equal(result.stderr, 'lamudi listing page not recognised: an anti-bot challenge page (Distil) instead of the content\n');
    });

    it('and the real results page through the same executable: exit 0, 20 listings', async () => {
      const result = await runCli(['parse', '--site', 'inmuebles24', '--page', 'listing', '--url', 'https://www.inmuebles24.com/inmuebles-en-miguel-hidalgo.html', join(REAL_PAGES, 'inmuebles24/results-inmuebles-miguel-hidalgo-2024-07-12.html')]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal((JSON.parse(result.stdout) as { listings: unknown[] }).listings.length, 20);
    });
  });
});
