/**
 * `orchestrator parse` as a user runs it, on pages saved from the local mirror: the records the
 * mirror says it served, exit 2 with one line for pages that are not understood, exit 0 and no
 * listings for a no-results page.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MirrorCatalog } from '../../../../mirror/catalog';
import { MIRROR_SITES } from '../../../../mirror/sites';
import { runParse, type CliResult } from '../../../support/cli';

const dir = mkdtempSync(join(tmpdir(), 'parse-cli-'));
const catalog = new MirrorCatalog({ sites: MIRROR_SITES, seed: 7, pagesPerSearch: 2 });

function save(name: string, html: string): string {
  const file = join(dir, name);
  writeFileSync(file, html);
  return file;
}

function firstPage(site: string) {
  const mirrorSite = catalog.site(site);
  const input = catalog.page(site, catalog.searches(site)[0], 1)!;
  return { mirrorSite, input, html: mirrorSite.renderListPage(input) };
}

/** What parse prints for the detail page of a removed listing: exit 0, no listings, and why it is gone. */
function assertGone(result: CliResult, gone: string): void {
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), { listings: [], nextPageUrl: null, detailUrls: [], gone });
}

describe('orchestrator parse', function () {
  this.timeout(60_000);

  for (const site of ['inmuebles24', 'casasyterrenos', 'lamudi', 'mitula', 'propiedades', 'trovit']) {
    it(`prints ${site}'s listing page as the mirror's records, with the next page`, async () => {
      const { mirrorSite, input, html } = firstPage(site);
      const url = mirrorSite.listPageUrl(input.searchPath, 1);
      const result = await runParse({ site, kind: 'listing', url, file: save(`${site}.html`, html) });
      assert.equal(result.code, 0, result.stderr);
      const parsed = JSON.parse(result.stdout);
      assert.deepEqual(
        parsed.listings,
        input.items.map((facts) => mirrorSite.cardRecord(facts, input)),
      );
      assert.equal(parsed.nextPageUrl, mirrorSite.listPageUrl(input.searchPath, 2));
      assert.equal(parsed.detailUrls.length, mirrorSite.detailUrl ? input.items.length : 0);
    });
  }

  it('prints a detail page as its one record', async () => {
    const site = catalog.site('lamudi');
    const facts = catalog.page('lamudi', catalog.searches('lamudi')[0], 1)!.items[3];
    const url = site.detailUrl!(facts);
    const result = await runParse({
      site: 'lamudi',
      kind: 'detail',
      url,
      file: save('detail.html', site.renderDetailPage!(facts, 0, site.markups[0])),
    });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), {
      listings: [site.detailRecord!(facts, site.markups[0])],
      nextPageUrl: null,
      detailUrls: [],
    });
  });

  it('exits 0 with no listings for a no-results page', async () => {
    const { mirrorSite, input } = firstPage('trovit');
    const empty = mirrorSite.renderListPage({ ...input, items: [], totalCount: 0, totalPages: 0 });
    const result = await runParse({ site: 'trovit', kind: 'listing', file: save('empty.html', empty) });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { listings: [], nextPageUrl: null, detailUrls: [] });
  });

  it('exits 0 with no listings and the reason for the detail page of a removed listing', async () => {
    const fixture = join(__dirname, '..', '..', '..', 'fixtures', 'pages', 'inmuebles24', 'removed-offline.html');
    const url =
      'https://www.inmuebles24.com/propiedades/clasificado/alclapin-departamento-en-renta-en-juarez-146600200.html';
    const result = await runParse({ site: 'inmuebles24', kind: 'detail', url, file: fixture });
    assertGone(result, 'inmuebles24 listing 146600200 is no longer published (avisoInfo status OFFLINE)');
  });

  it('without --url (the base address), a home page saved as a detail page is a removed listing: exit 0, gone', async () => {
    const fixture = join(__dirname, '..', '..', '..', 'fixtures', 'pages', 'inmuebles24', 'removed-redirect-home.html');
    const result = await runParse({ site: 'inmuebles24', kind: 'detail', file: fixture });
    assertGone(
      result,
      'inmuebles24 listing is gone: the detail page redirected to the home page (https://www.inmuebles24.com)',
    );
  });

  it('without --url, a detail page of unknown markup is not recognised (exit 2), not a removed listing', async () => {
    const drift = readFileSync(
      join(__dirname, '..', '..', '..', 'fixtures', 'pages', 'lamudi', 'unrecognised-detail-at-base-address.html'),
      'utf8',
    );
    const result = await runParse({ site: 'lamudi', kind: 'detail', file: save('drift.html', drift) });
    assert.equal(result.code, 2, result.stdout);
    assert.equal(result.stdout, '');
    assert.match(
      result.stderr,
      /^lamudi detail page not recognised: no JSON-LD listing node and no \.main-title h1, at https:\/\/www\.lamudi\.com\.mx, which is neither the home page /,
    );
    assert.equal(result.stderr.trim().split('\n').length, 1);
  });

  const notUnderstood: Array<[string, string, () => string, RegExp]> = [
    [
      'a challenge page',
      'inmuebles24',
      () =>
        '<!DOCTYPE html><html><head><title>Just a moment...</title></head><body><div id="challenge-platform"></div><div class="cf-turnstile"></div></body></html>',
      /^inmuebles24 listing page not recognised: an anti-bot challenge page/,
    ],
    // A hand-written AWS WAF page (test/fixtures/pages/lamudi/), so the check runs where the real one (real-pages.test.ts) is absent.
    [
      'an AWS WAF challenge page',
      'lamudi',
      () =>
        readFileSync(
          join(__dirname, '..', '..', '..', 'fixtures', 'pages', 'lamudi', 'challenge-aws-waf.html'),
          'utf8',
        ),
      /^lamudi listing page not recognised: an anti-bot challenge page \(AWS WAF\) instead of the content$/m,
    ],
    [
      'a truncated page',
      'lamudi',
      () => {
        const html = firstPage('lamudi').html;
        return html.slice(0, Math.floor(html.length / 2));
      },
      /^lamudi listing page not recognised: the HTML is truncated/,
    ],
    [
      'a page without its embedded data',
      'casasyterrenos',
      () => firstPage('casasyterrenos').html.replace(/<script id="__NEXT_DATA__"[\s\S]*?<\/script>/, ''),
      /^casasyterrenos listing page not recognised: .*__NEXT_DATA__/,
    ],
  ];
  for (const [what, site, page, message] of notUnderstood) {
    it(`exits 2 with one line naming the site, the page kind and what is missing, for ${what}`, async () => {
      const result = await runParse({ site, kind: 'listing', file: save(`${site}-bad.html`, page()) });
      assert.equal(result.code, 2);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, message);
      assert.equal(result.stderr.trim().split('\n').length, 1);
    });
  }

  it('refuses an unknown site and a missing file as user errors, without a stack trace', async () => {
    const unknown = await runParse({ site: 'nope', kind: 'listing', file: save('x.html', '<html></html>') });
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^error: unknown site "nope": the sites in .*config\.yaml are inmuebles24, /);
    const missing = await runParse({ site: 'lamudi', kind: 'listing', file: join(dir, 'absent.html') });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^error: cannot read .*absent\.html: ENOENT/);
    assert.doesNotMatch(unknown.stderr + missing.stderr, /\n\s+at /);
  });
});
