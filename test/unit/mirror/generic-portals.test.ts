/**
 * The bench portals of the generic adapter (mirror/sites/generic-portals.ts) read by that adapter,
 * configured with the selectors block the mirror exports, exactly as a bench config carries it: a
 * results page gives the mirror's own cardRecords, the next link walks every page of the search and
 * the last page has none. A self-test of the mirror, which is fine for a bench site (no real portal
 * stands behind it); the real portals' parsers are held to hand-written pages elsewhere.
 */
import assert from 'node:assert/strict';
import robotsParser from 'robots-parser';
import { SITE_KEY_PATTERN, selectorsSchema } from '../../../lib/config/schema';
import { DEFAULT_MAX_FIELD_LENGTH } from '../../../lib/record/text';
import { urlRefusal } from '../../../lib/security/host-policy';
import { MirrorCatalog } from '../../../mirror/catalog';
import type { MirrorSite } from '../../../mirror/model';
import {
  GENERIC_PORTAL_PAGE_SIZE,
  GENERIC_PORTAL_SEARCH_PATH,
  GENERIC_PORTAL_SELECTORS,
  genericPortals,
} from '../../../mirror/sites/generic-portals';
import { adapterFor } from '../../../scrapers/registry';

const PAGES = 4;
const SITES = genericPortals(3);
const catalog = new MirrorCatalog({ sites: SITES, seed: 7, pagesPerSearch: PAGES });

function adapterOf(site: MirrorSite) {
  return adapterFor({
    key: site.site,
    adapter: 'generic',
    genericSelectors: selectorsSchema.parse(GENERIC_PORTAL_SELECTORS),
  });
}

/** Page `url` of a site as the mirror renders it, parsed by the generic adapter, with the cards the mirror put there. */
function fetchAndParse(site: MirrorSite, url: string) {
  const route = site.route(new URL(url));
  assert.ok(route?.kind === 'listing', `${url} is a results page of ${site.site}`);
  const input = catalog.page(site.site, route.searchPath, route.page);
  assert.ok(input, `${url} is within the search`);
  const parsed = adapterOf(site).parseListingPage(site.renderListPage(input), {
    url,
    site: site.site,
    maxFieldLength: DEFAULT_MAX_FIELD_LENGTH,
  });
  return { input, parsed, expected: input.items.map((facts) => site.cardRecord(facts, input)) };
}

describe('mirror generic portals (the generic adapter on the mirror)', () => {
  it('names each portal with a key and host the config and the host policy accept', () => {
    assert.deepEqual(
      SITES.map((site) => [site.site, site.host]),
      [
        ['portal01', 'www.portal01.example.mx'],
        ['portal02', 'www.portal02.example.mx'],
        ['portal03', 'www.portal03.example.mx'],
      ],
    );
    for (const site of SITES) {
      assert.match(site.site, SITE_KEY_PATTERN);
      const start = new URL(site.listPageUrl(GENERIC_PORTAL_SEARCH_PATH, 1));
      assert.equal(urlRefusal(start, { key: site.site, baseUrl: `https://${site.host}` }), null);
      const robots = robotsParser(`https://${site.host}/robots.txt`, site.robotsTxt);
      assert.equal(robots.isAllowed(start.href, 'Mozilla/5.0'), true, `robots.txt allows ${start.href}`);
      assert.equal(robots.isAllowed(site.listPageUrl(GENERIC_PORTAL_SEARCH_PATH, PAGES), 'Mozilla/5.0'), true);
    }
  });

  it('a results page parses into the records the mirror states for its cards', () => {
    const site = SITES[1];
    const { parsed, expected } = fetchAndParse(site, site.listPageUrl(GENERIC_PORTAL_SEARCH_PATH, 2));
    assert.equal(expected.length, GENERIC_PORTAL_PAGE_SIZE);
    assert.deepEqual(parsed.listings, expected);
    // The page states enough for these to be read, not left null.
    assert.ok(parsed.listings.every((record) => record.site === 'portal02' && record.title && record.lat !== null));
    assert.ok(parsed.listings.some((record) => record.price !== null && record.images.length > 0));
  });

  it('the next link walks every page of the search, and the last page has none', () => {
    for (const site of SITES) {
      let url: string | null = site.listPageUrl(GENERIC_PORTAL_SEARCH_PATH, 1);
      const visited: string[] = [];
      const records = [];
      while (url !== null) {
        assert.ok(visited.length < PAGES, `${site.site}: the walk stops after ${PAGES} pages`);
        visited.push(url);
        const { parsed, expected } = fetchAndParse(site, url);
        assert.deepEqual(parsed.listings, expected);
        records.push(...parsed.listings);
        url = parsed.nextPageUrl;
      }
      assert.deepEqual(
        visited,
        Array.from({ length: PAGES }, (_, i) => site.listPageUrl(GENERIC_PORTAL_SEARCH_PATH, i + 1)),
      );
      const all = catalog.expectedListings(site.site, GENERIC_PORTAL_SEARCH_PATH);
      // The last page is half full: the walk ends on the missing link, not on an empty page.
      assert.equal(all.length, (PAGES - 1) * GENERIC_PORTAL_PAGE_SIZE + GENERIC_PORTAL_PAGE_SIZE / 2);
      assert.deepEqual(
        records.map((record) => record.externalId),
        all.map((facts) => site.externalId(facts.n)),
      );
    }
  });

  it('a page without results is read as empty, not as unknown markup', () => {
    const site = SITES[0];
    const html = site.renderListPage({
      searchUrl: site.listPageUrl(GENERIC_PORTAL_SEARCH_PATH, 1),
      searchPath: GENERIC_PORTAL_SEARCH_PATH,
      page: 1,
      totalPages: 1,
      totalCount: 0,
      items: [],
      variant: 0,
      markup: site.markups[0],
    });
    const parsed = adapterOf(site).parseListingPage(html, {
      url: site.listPageUrl(GENERIC_PORTAL_SEARCH_PATH, 1),
      site: site.site,
      maxFieldLength: DEFAULT_MAX_FIELD_LENGTH,
    });
    assert.deepEqual(parsed, { listings: [], nextPageUrl: null, detailUrls: [] });
  });

  it('refuses a portal count it cannot name, naming the value', () => {
    assert.throws(() => genericPortals(0), /generic portal count must be an integer from 1 to 99, got 0/);
    assert.throws(() => genericPortals(100), /got 100/);
    assert.throws(() => genericPortals(2.5), /got 2.5/);
  });
});
