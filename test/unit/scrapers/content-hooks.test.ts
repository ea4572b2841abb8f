/**
 * The portals' content hooks (scrapers/content-hooks.ts) against the fixture corpus: a page of a
 * portal's content stays content when a challenge vendor's piece (a Turnstile widget) sits on it,
 * by its embedded data and, without that data, by the portal's own hooks, whether the caller
 * passes the site's hooks (the adapters) or none (the fetchers). The pages whose only content is
 * their embedded data are named here, and without it they are what a challenge looks like.
 */
import { strict as assert } from 'node:assert';
import { BUILTIN_SITE_KEYS } from '../../../lib/record/sites';
import { ALL_PORTAL_CONTENT_HOOKS, contentHooksOf, PORTAL_CONTENT } from '../../../scrapers/content-hooks';
import { challengeVendor } from '../../../scrapers/page';
import { BUILTIN_ADAPTERS } from '../../../scrapers/registry';
import { loadFixtures } from './fixture-corpus';

const TURNSTILE = '<div class="cf-turnstile" data-sitekey="0x4AAAAAAADnPIDROrmt1Wwj"></div>';
const withTurnstile = (html: string): string => html.replace('</body>', `${TURNSTILE}</body>`);
/** The page without its embedded data: __NEXT_DATA__, JSON-LD and the __PRELOADED_STATE__ script. */
const withoutData = (html: string): string =>
  html
    .replace(/<script[^>]*(?:id="__NEXT_DATA__"|type="application\/ld\+json")[^>]*>[\s\S]*?<\/script>/gi, '')
    .replace(/<script[^>]*>[^<]*window\.__PRELOADED_STATE__[\s\S]*?<\/script>/g, '');

/** Pages whose content is only their embedded data (docs/portals.md §2.2, §5.2: Next.js pages; §1.2: a results state without rendered cards). */
const DATA_ONLY = [
  'casasyterrenos/last-page-240-a-page',
  'casasyterrenos/last-page-single',
  'casasyterrenos/no-results',
  'casasyterrenos/past-the-end-of-240',
  'inmuebles24/no-results-2024-state',
  'propiedades/last-page-2026-short',
  'propiedades/last-page-2026',
  'propiedades/no-results-2026',
  'propiedades/results-2026-property-without-id',
  'propiedades/results-2026',
];

describe('content hooks (scrapers/content-hooks.ts)', () => {
  it("each adapter gives its portal's hooks, its card among them, and a caller that names no site gets every portal's", () => {
    for (const site of BUILTIN_SITE_KEYS) {
      const adapter = BUILTIN_ADAPTERS[site];
      assert.deepEqual(adapter.contentHooks, contentHooksOf(site), site);
      assert.ok(adapter.contentHooks.includes(PORTAL_CONTENT[site].card), site);
      for (const hook of adapter.contentHooks) assert.ok(ALL_PORTAL_CONTENT_HOOKS.includes(hook), `${site}: ${hook}`);
    }
  });

  it("every page of content in the corpus stays content with a Turnstile widget on it; without its embedded data, by its portal's hooks", () => {
    const contentPages = loadFixtures().filter((fixture) =>
      ['results', 'last-page', 'no-results', 'detail'].includes(fixture.kind),
    );
    assert.ok(contentPages.length > 40);
    const dataOnly: string[] = [];
    for (const fixture of contentPages) {
      const label = `${fixture.site}/${fixture.name}`;
      const hooks = BUILTIN_ADAPTERS[fixture.site].contentHooks;
      assert.equal(challengeVendor(withTurnstile(fixture.html), hooks), null, label);
      assert.equal(challengeVendor(withTurnstile(fixture.html)), null, `${label} (no hooks given)`);
      const bare = withTurnstile(withoutData(fixture.html));
      const vendor = challengeVendor(bare, hooks);
      assert.equal(challengeVendor(bare), vendor, `${label}: the site's hooks and every portal's agree`);
      if (vendor !== null) dataOnly.push(label);
    }
    assert.deepEqual(dataOnly, DATA_ONLY);
  });
});
