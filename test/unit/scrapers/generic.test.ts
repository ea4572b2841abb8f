/**
 * A new portal with no code: Vivanuncios added to config/config.yaml with `adapter: generic` and
 * selectors, plus a URL CSV; its results page is then read by the generic adapter built from that
 * config alone.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findProjectRoot, parseConfigText } from '../../../lib/config/load';
import type { AppConfig, SiteConfig } from '../../../lib/config/types';
import { ChallengePageError, TruncatedPageError, UnrecognisedMarkupError } from '../../../lib/errors';
import { emptyRecord, type ListingRecord } from '../../../lib/record/listing-record';
import { parseStartUrlCsv, StartUrlError } from '../../../lib/urls/start-urls';
import type { ParseContext } from '../../../scrapers/adapter';
import { createGenericAdapter } from '../../../scrapers/generic';

const ROOT = findProjectRoot(__dirname);
const SHIPPED = fs.readFileSync(path.join(ROOT, 'config', 'config.yaml'), 'utf8');

/** What a user appends under `sites:` in config/config.yaml to add the portal. */
const VIVANUNCIOS_YAML = `
  vivanuncios:
    enabled: true
    priority: 7
    base_url: https://www.vivanuncios.com.mx
    adapter: generic
    rate_limit_seconds: 3
    selectors:
      card: section.results article.listing
      external_id: { attr: data-id }
      url: { selector: a.listing-link, attr: href }
      next_page: nav a.pagination-next
      no_results: No encontramos resultados
      fields:
        title: h2
        price: .price
        operation: .operation
        property_type: .type
        bedrooms: .bedrooms
        bathrooms: .bathrooms
        parking_spaces: .parking
        built_area_m2: .built-area
        land_area_m2: .land-area
        neighborhood: .neighborhood
        city: .city
        state: .state
        address: { selector: address }
        description: .description
        images: { selector: .gallery img }
        publisher: .publisher
        published_at: { selector: time, attr: datetime }
        lat: { attr: data-lat }
        lng: { attr: data-lng }
`;

const VIVANUNCIOS_CSV = `url,max_pages,label
https://www.vivanuncios.com.mx/s-casas-en-venta/zapopan/v1c1293l10567p1,3,Casas en venta · Zapopan
https://vivanuncios.com.mx/s-departamentos-en-renta/guadalajara/v1c1299l10567p1,2,Departamentos en renta · Guadalajara
`;

const PAGE_URL = 'https://www.vivanuncios.com.mx/s-casas-en-venta/zapopan/v1c1293l10567p1';

const RESULTS_PAGE = `<!doctype html>
<html lang="es">
<head><meta charset="utf-8"><title>Casas en venta en Zapopan | Vivanuncios</title></head>
<body>
<main>
  <h1>245 casas en venta en Zapopan</h1>
  <section class="results">
    <article class="listing" data-id="VIV-1001" data-lat="20.7214" data-lng="-103.3918">
      <a class="listing-link" href="/a-venta-inmuebles/zapopan/casa-en-venta-en-valle-real/1001?utm_source=list#gallery">
        <h2>Casa en Valle Real con jardín &amp; alberca</h2>
      </a>
      <p class="price">$ 6,500,000 MXN</p>
      <ul class="facts">
        <li class="operation">Venta</li>
        <li class="type">Casa en condominio</li>
        <li class="bedrooms">3 recámaras</li>
        <li class="bathrooms">2.5 baños</li>
        <li class="parking">2 estac.</li>
        <li class="built-area">280 m² construidos</li>
        <li class="land-area">1,250 m² terreno</li>
      </ul>
      <p class="location"><span class="neighborhood">Valle Real</span>, <span class="city">Zapopan</span>, <span class="state">Jalisco</span></p>
      <address>Av. Valle Real 123</address>
      <div class="description"><p>Amplia casa <b>remodelada</b>.</p><p>Cerca de Andares.</p></div>
      <div class="gallery">
        <img src="https://img.vivanuncios.com.mx/1001/1.jpg" alt="">
        <img src="/img/1001/2.jpg" alt="">
        <img src="https://img.vivanuncios.com.mx/1001/1.jpg" alt="">
      </div>
      <p class="publisher">Inmobiliaria Tapatía</p>
      <time datetime="2024-05-23">hace 3 días</time>
    </article>
    <article class="listing" data-id="VIV-1002">
      <a class="listing-link" href="https://www.vivanuncios.com.mx/a-renta-inmuebles/guadalajara/departamento-en-providencia/1002">
        <h2>Departamento amueblado en Providencia</h2>
      </a>
      <p class="price">USD 1,800</p>
      <ul class="facts">
        <li class="operation">Renta</li>
        <li class="type">Departamento</li>
        <li class="bedrooms">2 recámaras</li>
        <li class="bathrooms">1 baño</li>
        <li class="built-area">95 m²</li>
      </ul>
      <p class="location"><span class="neighborhood">Providencia</span>, <span class="city">Guadalajara</span>, <span class="state">Jalisco</span></p>
      <div class="description">Piso 8, vista a la ciudad.<br>Incluye mantenimiento.</div>
      <div class="gallery"><img src="//img.vivanuncios.com.mx/1002/1.jpg" alt=""></div>
      <time datetime="15/04/2024">15/04/2024</time>
    </article>
    <article class="listing" data-id="VIV-1003" data-lat="no disponible">
      <a class="listing-link" href="/a-venta-inmuebles/tlajomulco/terreno-en-tlajomulco/1003"><h2>Terreno en Tlajomulco &lt;script&gt;alert(1)&lt;/script&gt;</h2></a>
      <p class="price">Precio a consultar</p>
      <ul class="facts"><li class="type">Terreno habitacional</li></ul>
    </article>
    <article class="listing featured" data-id="VIV-1001">
      <a class="listing-link" href="/a-venta-inmuebles/zapopan/casa-en-venta-en-valle-real/1001"><h2>Casa en Valle Real (destacado)</h2></a>
    </article>
  </section>
  <nav><a class="pagination-prev" href="#">Anterior</a> <a class="pagination-next" href="?page=2">Siguiente</a></nav>
</main>
</body>
</html>
`;

const NO_RESULTS_PAGE = `<!doctype html>
<html lang="es"><head><title>Casas en venta en Zapopan | Vivanuncios</title></head>
<body><main><h1>0 casas en venta</h1><section class="results"></section>
<p class="empty">No encontramos   resultados para tu búsqueda.</p></main></body></html>
`;

const UNKNOWN_PAGE = `<!doctype html>
<html lang="es"><head><title>Vivanuncios</title></head>
<body><main><div class="new-layout"><div class="card-v2" data-id="VIV-1001">Casa en Valle Real</div></div></main></body></html>
`;

describe('a new portal added by config alone (generic adapter)', () => {
  const config: AppConfig = parseConfigText(
    `${SHIPPED.trimEnd()}\n${VIVANUNCIOS_YAML}`,
    'config/config.yaml',
    ROOT,
    {},
  );
  const site: SiteConfig = config.sites.find((candidate) => candidate.key === 'vivanuncios')!;
  const adapter = createGenericAdapter(site.key, site.genericSelectors!);
  const context: ParseContext = {
    url: PAGE_URL,
    site: site.key,
    maxFieldLength: config.security.dataValidation.maxFieldLength,
  };

  it('loads as a seventh site with its selectors in record field names', () => {
    assert.deepEqual(config.sites.map((candidate) => candidate.key).slice(-1), ['vivanuncios']);
    assert.equal(site.adapter, 'generic');
    assert.equal(site.hasDetailScraper, false);
    assert.equal(site.rateLimitSeconds, 3);
    assert.equal(site.retry.maximumAttempts, 5); // inherited from defaults
    assert.deepEqual(site.genericSelectors, {
      card: 'section.results article.listing',
      externalId: { attr: 'data-id' },
      url: { selector: 'a.listing-link', attr: 'href' },
      nextPage: 'nav a.pagination-next',
      noResults: 'No encontramos resultados',
      fields: {
        title: { selector: 'h2' },
        price: { selector: '.price' },
        operation: { selector: '.operation' },
        propertyType: { selector: '.type' },
        bedrooms: { selector: '.bedrooms' },
        bathrooms: { selector: '.bathrooms' },
        parkingSpaces: { selector: '.parking' },
        builtAreaM2: { selector: '.built-area' },
        landAreaM2: { selector: '.land-area' },
        neighborhood: { selector: '.neighborhood' },
        city: { selector: '.city' },
        state: { selector: '.state' },
        address: { selector: 'address' },
        description: { selector: '.description' },
        images: { selector: '.gallery img' },
        publisher: { selector: '.publisher' },
        publishedAt: { selector: 'time', attr: 'datetime' },
        lat: { attr: 'data-lat' },
        lng: { attr: 'data-lng' },
      },
    });
  });

  it('takes its start URLs from a CSV checked against its own domain', () => {
    const urls = parseStartUrlCsv(VIVANUNCIOS_CSV, 'urls/vivanuncios.csv', site);
    assert.deepEqual(
      urls.map((start) => [start.url, start.maxPages, start.line]),
      [
        ['https://www.vivanuncios.com.mx/s-casas-en-venta/zapopan/v1c1293l10567p1', 3, 2],
        ['https://vivanuncios.com.mx/s-departamentos-en-renta/guadalajara/v1c1299l10567p1', 2, 3],
      ],
    );
    assert.throws(
      () =>
        parseStartUrlCsv(
          'url,max_pages\nhttps://www.inmuebles24.com/casas-en-venta-en-zapopan.html,3\n',
          'urls/vivanuncios.csv',
          site,
        ),
      (error: unknown) =>
        error instanceof StartUrlError &&
        error.message.startsWith(
          'urls/vivanuncios.csv: line 2: host www.inmuebles24.com is not on the domain of site vivanuncios',
        ),
    );
  });

  it('reads every field of every card, in page order, with the shared normalizers', () => {
    const page = adapter.parseListingPage(RESULTS_PAGE, context);
    const expected: ListingRecord[] = [
      {
        ...emptyRecord(
          'vivanuncios',
          'VIV-1001',
          'https://www.vivanuncios.com.mx/a-venta-inmuebles/zapopan/casa-en-venta-en-valle-real/1001',
        ),
        title: 'Casa en Valle Real con jardín & alberca',
        operation: 'sale',
        propertyType: 'house',
        price: 6_500_000,
        currency: 'MXN',
        priceOnRequest: false,
        bedrooms: 3,
        bathrooms: 2,
        parkingSpaces: 2,
        builtAreaM2: 280,
        landAreaM2: 1250,
        neighborhood: 'Valle Real',
        city: 'Zapopan',
        state: 'Jalisco',
        address: 'Av. Valle Real 123',
        lat: 20.7214,
        lng: -103.3918,
        description: 'Amplia casa remodelada. Cerca de Andares.',
        images: ['https://img.vivanuncios.com.mx/1001/1.jpg', 'https://www.vivanuncios.com.mx/img/1001/2.jpg'],
        publisher: 'Inmobiliaria Tapatía',
        publishedAt: '2024-05-23',
        originUrl: null,
      },
      {
        ...emptyRecord(
          'vivanuncios',
          'VIV-1002',
          'https://www.vivanuncios.com.mx/a-renta-inmuebles/guadalajara/departamento-en-providencia/1002',
        ),
        title: 'Departamento amueblado en Providencia',
        operation: 'rent',
        propertyType: 'apartment',
        price: 1800,
        currency: 'USD',
        bedrooms: 2,
        bathrooms: 1,
        builtAreaM2: 95,
        neighborhood: 'Providencia',
        city: 'Guadalajara',
        state: 'Jalisco',
        description: 'Piso 8, vista a la ciudad. Incluye mantenimiento.',
        images: ['https://img.vivanuncios.com.mx/1002/1.jpg'],
        publishedAt: '2024-04-15',
      },
      {
        ...emptyRecord(
          'vivanuncios',
          'VIV-1003',
          'https://www.vivanuncios.com.mx/a-venta-inmuebles/tlajomulco/terreno-en-tlajomulco/1003',
        ),
        // The escaped script in the title is decoded, then dropped: it never reaches exports.
        title: 'Terreno en Tlajomulco',
        propertyType: 'land',
        priceOnRequest: true,
      },
    ];
    assert.deepEqual(page.listings, expected); // the promoted copy of VIV-1001 is not a fourth listing
    assert.equal(page.nextPageUrl, `${PAGE_URL}?page=2`);
    assert.deepEqual(page.detailUrls, []);
  });

  it('truncates text fields to security.data_validation.max_field_length', () => {
    const page = adapter.parseListingPage(RESULTS_PAGE, { ...context, maxFieldLength: 12 });
    assert.equal(page.listings[0].title, 'Casa en Vall');
    assert.equal(page.listings[0].description, 'Amplia casa');
  });

  it('has no next page on the last page, or when "next" points back at the page itself', () => {
    const last = RESULTS_PAGE.replace('<a class="pagination-next" href="?page=2">Siguiente</a>', '');
    assert.equal(adapter.parseListingPage(last, context).nextPageUrl, null);
    const selfLink = RESULTS_PAGE.replace('href="?page=2"', `href="${PAGE_URL}#top"`);
    assert.equal(adapter.parseListingPage(selfLink, context).nextPageUrl, null);
  });

  it('returns no listings for a page that says it has no results (a text marker)', () => {
    assert.deepEqual(adapter.parseListingPage(NO_RESULTS_PAGE, context), {
      listings: [],
      nextPageUrl: null,
      detailUrls: [],
    });
  });

  it('accepts a CSS selector as the no-results marker', () => {
    const bySelector = createGenericAdapter('vivanuncios', { ...site.genericSelectors!, noResults: 'main p.empty' });
    assert.deepEqual(bySelector.parseListingPage(NO_RESULTS_PAGE, context).listings, []);
  });

  it('does not take the marker inside a script for a no-results page', () => {
    const withBundle = UNKNOWN_PAGE.replace(
      '</body>',
      '<script>window.i18n = { empty: "No encontramos resultados" };</script></body>',
    );
    assert.throws(() => adapter.parseListingPage(withBundle, context), UnrecognisedMarkupError);
  });

  it('refuses a page with neither cards nor the no-results marker, naming the site and the card selector', () => {
    assert.throws(
      () => adapter.parseListingPage(UNKNOWN_PAGE, context),
      (error: unknown) =>
        error instanceof UnrecognisedMarkupError &&
        error.site === 'vivanuncios' &&
        error.message ===
          'vivanuncios listing page not recognised: no listing card matches "section.results article.listing" and no "no results" marker (No encontramos resultados)',
    );
  });

  it('refuses a card without an id or a link rather than invent one', () => {
    const noId = RESULTS_PAGE.replace('data-id="VIV-1002"', '');
    assert.throws(
      () => adapter.parseListingPage(noId, context),
      (error: unknown) =>
        error instanceof UnrecognisedMarkupError &&
        error.message === 'vivanuncios listing page not recognised: card 2 has no listing id at (the card)[data-id]',
    );
    const noLink = RESULTS_PAGE.replace(
      '<a class="listing-link" href="/a-venta-inmuebles/tlajomulco/terreno-en-tlajomulco/1003">',
      '<a class="listing-link">',
    );
    assert.throws(
      () => adapter.parseListingPage(noLink, context),
      (error: unknown) =>
        error instanceof UnrecognisedMarkupError &&
        error.message === 'vivanuncios listing page not recognised: card 3 has no listing URL at a.listing-link[href]',
    );
  });

  it('refuses truncated HTML and anti-bot challenge pages like every adapter', () => {
    assert.throws(
      () => adapter.parseListingPage(RESULTS_PAGE.slice(0, RESULTS_PAGE.indexOf('VIV-1003')), context),
      TruncatedPageError,
    );
    const challenge =
      '<!doctype html><html><head><title>Just a moment...</title></head><body><div id="challenge-platform"></div></body></html>';
    assert.throws(() => adapter.parseListingPage(challenge, context), ChallengePageError);
  });
});
