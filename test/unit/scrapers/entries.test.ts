/**
 * scrapers/entries.ts on every portal with cards or embedded items: one entry that cannot be read is
 * left out (the fixtures `*-broken-card` and `*-property-without-id` show it, with the other
 * listings kept in order), but a page whose entries all cannot be read is not understood: it fails
 * with UnrecognisedMarkupError naming what is missing, never an empty success. (Mitula and Trovit:
 * mitula.test.ts, trovit.test.ts.)
 */
import { strict as assert } from 'node:assert';
import { UnrecognisedMarkupError } from '../../../lib/errors';
import type { BuiltinSiteKey } from '../../../lib/record/sites';
import { BUILTIN_ADAPTERS } from '../../../scrapers/registry';
import { fixturePage } from './list-page-harness';

function refused(site: BuiltinSiteKey, name: string, breakAll: (html: string) => string, message: string): void {
  const { html, context } = fixturePage(site, name);
  assert.ok(BUILTIN_ADAPTERS[site].parseListingPage(html, context).listings.length > 0, `${site}/${name} reads as is`);
  assert.throws(
    () => BUILTIN_ADAPTERS[site].parseListingPage(breakAll(html), context),
    (error: unknown) => {
      assert.ok(error instanceof UnrecognisedMarkupError, String(error));
      assert.equal(error.message, message);
      return true;
    },
  );
}

describe('a results page none of whose entries can be read is refused, naming what is missing', () => {
  it('Casas y Terrenos: properties without an id and no card to stand in; cards without an id', () => {
    refused(
      'casasyterrenos',
      'results-2024-property-without-id',
      (html) =>
        html
          .replace(/"id":\d+,/g, '')
          .replace(/"canonical":"[^"]*",/g, '')
          .replace(/<div class="mx-2 w-\[320px\][\s\S]*?<\/a><\/div>\n/g, ''),
      'casasyterrenos listing page not recognised: none of the 4 props.pageProps.initialState.propertyData.properties can be read (property 0 has no id (nor a canonical path ending in one) and no card stands in for it; property 1 has no id (nor a canonical path ending in one) and no card stands in for it; property 2 has no id (nor a canonical path ending in one) and no card stands in for it)',
    );
    refused(
      'casasyterrenos',
      'results-2024-cards-without-data',
      (html) => html.replace(/-jal-\d+"/g, '-jal"').replace(/Código: \d+/g, ''),
      'casasyterrenos listing page not recognised: none of the 2 Tailwind cards (div.mx-2[class*="w-[320px]"]) can be read (a card without an id ("Código" or a link ending in one) or a link)',
    );
  });

  it('Propiedades: properties with neither id nor url_property', () => {
    refused(
      'propiedades',
      'results-2026-property-without-id',
      (html) => html.replace(/"id":\d+,/g, '').replace(/"url_property":"[^"]*",/g, ''),
      'propiedades listing page not recognised: none of the 3 props.pageProps.results.properties can be read (property 0 has no id (nor a url_property ending in one) and no card stands in for it; property 1 has no id (nor a url_property ending in one) and no card stands in for it; property 2 has no id (nor a url_property ending in one) and no card stands in for it)',
    );
  });

  it('Lamudi: cards without a link or id and no JSON-LD item with a url', () => {
    refused(
      'lamudi',
      'results-2026-02-broken-card',
      (html) =>
        html
          .replace(/<script type="application\/ld\+json">[\s\S]*?<\/script>/, '')
          .replace(/ href="\/detalle\/[^"]*"/g, '')
          .replace(/ data-alternateid="[^"]*"/g, ''),
      'lamudi listing page not recognised: none of the 3 listings (div.snippet.js-snippet cards and JSON-LD items) can be read (a card without a /detalle/ or /desarrollo/ URL)',
    );
  });

  it('Inmuebles24: cards without a detail address and no state posting', () => {
    refused(
      'inmuebles24',
      'results-2024-broken-card',
      (html) => html.replace(/ data-to-posting="[^"]*"/g, ''),
      "inmuebles24 listing page not recognised: none of the 3 postings (cards and __PRELOADED_STATE__ entries) can be read (card 144200311 without a detail URL (data-to-posting, its description link or the posting's url); card 144200324 without a detail URL (data-to-posting, its description link or the posting's url); card 144200337 without a detail URL (data-to-posting, its description link or the posting's url))",
    );
  });
});
