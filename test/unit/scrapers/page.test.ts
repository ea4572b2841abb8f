/**
 * The page checks every adapter runs first (scrapers/page.ts): anti-bot pages are recognised by the
 * markers only block pages carry, whatever their size; the pieces that real pages embed too (a
 * Turnstile widget, a vendor's script) mean a challenge only on a page without content (no embedded
 * data, none of the site's content hooks), whatever its size; and the challenge check comes before
 * "truncated". (The real AWS WAF and Distil pages are parsed in real-pages.test.ts.)
 */
import { strict as assert } from 'node:assert';
import { ChallengePageError, TruncatedPageError } from '../../../lib/errors';
import { challengeVendor, isChallengePage, loadPage } from '../../../scrapers/page';
import { BUILTIN_ADAPTERS } from '../../../scrapers/registry';

/** Plain links, a site's content only by that site's own hooks (`ul.results`): no built-in portal's. */
const CONTENT = Array.from(
  { length: 40 },
  (_, i) => `<li><a href="/casas-en-venta-en-zona-${i}.html">Casas en venta en la zona ${i}</a></li>`,
).join('');
/** Cards of a built-in portal (Inmuebles24's 2025-26 card, docs/portals.md §1.2), a few words of text in all. */
const PORTAL_CARDS =
  '<div class="postingsList-module__postings-container___Wm"><div data-id="145911001" data-to-posting="/propiedades/clasificado/departamento-145911001.html">MN 19,000</div></div>';
/** Bulk that is not content: a block page with a large inline script is still a block page. */
const BIG_SCRIPT = `<script>var blob = "${'x'.repeat(60_000)}";</script>`;
/** Much text that is not the site's content: what an interstitial explains while it verifies. */
const LONG_EXPLANATION = Array.from(
  { length: 60 },
  (_, i) =>
    `<p>Paso ${i + 1}: estamos comprobando que la conexión es segura antes de continuar; este proceso es automático y su navegador será redirigido en breve al contenido solicitado.</p>`,
).join('');

const page = (head: string, body: string): string =>
  `<!DOCTYPE html><html lang="es"><head>${head}</head><body>${body}</body></html>`;

describe('challenge pages (scrapers/page.ts)', () => {
  it('names the vendor of each block page by its own markers, whatever the page size', () => {
    const cases: Array<[string, string]> = [
      [
        'AWS WAF',
        page(
          `<title></title><script>window.awsWafCookieDomainList = [];\nwindow.gokuProps = { "key": "AQID", "iv": "A6w", "context": "jqj" };</script><script src="https://1a2b3c.4d5e6f.us-east-2.token.awswaf.com/1a2b3c/challenge.js"></script>`,
          `<div id="challenge-container"></div><noscript>verify that you're not a robot</noscript>${BIG_SCRIPT}`,
        ),
      ],
      [
        'Cloudflare',
        page(
          '<title>Just a moment...</title>',
          `<h1>Verifying you are human. This may take a few seconds.</h1>${BIG_SCRIPT}`,
        ),
      ],
      ['Cloudflare', page('<title>Un momento…</title>', '<p>Estamos verificando que usted es un ser humano.</p>')],
      [
        'Cloudflare',
        page(
          '<title>Attention Required! | Cloudflare</title>',
          '<div class="cf-browser-verification cf-im-under-attack"></div>',
        ),
      ],
      [
        'Cloudflare',
        page(
          '<title>inmuebles24.com</title>',
          '<p>Checking if the site connection is secure</p><script>window._cf_chl_opt={cType:"managed"};</script>',
        ),
      ],
      [
        'Distil',
        page(
          '<meta content="10; url=/distil_r_captcha.html?requestId=1&amp;httpReferrer=%2F" http-equiv="refresh"/>',
          `<div id="distilIdentificationBlock"></div>${CONTENT}`,
        ),
      ],
      [
        'ShieldSquare',
        page(
          '<title>ShieldSquare Captcha</title>',
          '<form action="https://captcha.perfdrive.com/captcha-public/"></form>',
        ),
      ],
    ];
    for (const [vendor, html] of cases) {
      assert.equal(challengeVendor(html), vendor, html.slice(0, 120));
      assert.equal(isChallengePage(html), true);
    }
  });

  it('takes the embeddable pieces (Turnstile, challenge-platform, AWS WAF token script) for a challenge only on a page without content', () => {
    const turnstile = '<div id="cf-turnstile" style="width:300px;height:65px;display:none"></div>';
    const platform = '<script src="/cdn-cgi/challenge-platform/scripts/jsd/main.js"></script>';
    const wafSdk =
      '<script src="https://1a2b3c.token.awswaf.com/1a2b3c/jsapi.js"></script><script>AwsWafIntegration.fetch("/api");</script>';
    for (const piece of [turnstile, platform, wafSdk]) {
      // A results page that embeds them among its listings (docs/portals.md §1.4: the real 2024 Inmuebles24 page has the widget):
      // a built-in portal's cards are content for any caller, a site's own content by the hooks it passes.
      assert.equal(
        challengeVendor(
          page('<title>Departamentos en renta - Inmuebles24</title>', `<main>${PORTAL_CARDS}</main>${piece}`),
        ),
        null,
        piece,
      );
      const ownContent = page(
        '<title>Casas en venta</title>',
        `<main><ul class="results">${CONTENT}</ul></main>${piece}`,
      );
      assert.equal(challengeVendor(ownContent, ['ul.results li']), null, piece);
      assert.equal(isChallengePage(ownContent, ['ul.results li']), false, piece);
    }
    // The same pieces on a page with nothing else: a challenge.
    assert.equal(challengeVendor(page('<title></title>', `${turnstile}${platform}`)), 'Cloudflare');
    assert.equal(challengeVendor(page('<title></title>', `${platform}${BIG_SCRIPT}`)), 'Cloudflare');
    assert.equal(challengeVendor(page('<title></title>', wafSdk)), 'AWS WAF');
    // A Next.js page bare of text whose listings are in __NEXT_DATA__ is content, with the injected script too.
    const nextData =
      '<script id="__NEXT_DATA__" type="application/json">{"props":{"pageProps":{"results":{"properties":[{"id":1}]}}}}</script>';
    assert.equal(challengeVendor(page('<title></title>', `<div id="__next"></div>${nextData}${platform}`)), null);
    // So are pages whose data is __PRELOADED_STATE__ or JSON-LD.
    assert.equal(
      challengeVendor(
        page('<title></title>', `${turnstile}<script>window.__PRELOADED_STATE__ = {"listStore":{}};</script>`),
      ),
      null,
    );
    assert.equal(
      challengeVendor(
        page('<title></title><script type="application/ld+json">{"@type":"SearchResultsPage"}</script>', turnstile),
      ),
      null,
    );
  });

  it('decides by content, not size: a long Turnstile interstitial full of text is a challenge; a short page of content is not', () => {
    const interstitial = page(
      '<title>Verificación de seguridad</title><script src="https://challenges.cloudflare.com/turnstile/v0/api.js" async defer></script>',
      `<main class="verify"><h1>Verificando su navegador</h1>${LONG_EXPLANATION}<form action="/verify" method="post"><div class="cf-turnstile" data-sitekey="0x4AAAAAAADnPIDROrmt1Wwj"></div><button>Continuar</button></form><a href="/ayuda">¿Necesita ayuda?</a></main>`,
    );
    assert.ok(interstitial.replace(/<[^>]+>/g, '').length > 8_000, 'lots of visible text');
    assert.equal(challengeVendor(interstitial), 'Cloudflare', "without hooks: the built-in portals' hooks");
    for (const [site, adapter] of Object.entries(BUILTIN_ADAPTERS))
      assert.equal(challengeVendor(interstitial, adapter.contentHooks), 'Cloudflare', site);
    assert.throws(
      () =>
        loadPage(interstitial, 'inmuebles24', 'listing', 'https://www.inmuebles24.com/casas-en-venta-en-zapopan.html'),
      ChallengePageError,
    );
    // And its opposite: a results page of a few words with the same widget is content.
    const short = page('<title>x</title>', `${PORTAL_CARDS}<div class="cf-turnstile"></div>`);
    assert.ok(short.replace(/<[^>]+>/g, '').length < 50);
    assert.equal(challengeVendor(short), null);
  });

  it('does not take a page of content, an empty page or a 401 "Access Denied" body for a challenge', () => {
    assert.equal(challengeVendor(page('<title>Departamentos en Venta | Lamudi</title>', `<ul>${CONTENT}</ul>`)), null);
    assert.equal(challengeVendor(page('<title></title>', '')), null);
    assert.equal(
      challengeVendor('<html><head><title>Access Denied</title></head><body><h1>Access Denied</h1></body></html>'),
      null,
    );
  });

  it('loadPage refuses a challenge page as a challenge before anything else: cut short, or without any listing', () => {
    const challenge = page(
      '<title>Just a moment...</title>',
      '<script src="/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1?ray=8f"></script>',
    );
    for (const html of [challenge, challenge.slice(0, challenge.length - 20)]) {
      assert.throws(
        () => loadPage(html, 'inmuebles24', 'listing', 'https://www.inmuebles24.com/casas-en-venta-en-zapopan.html'),
        (error: unknown) =>
          error instanceof ChallengePageError &&
          error.message ===
            'inmuebles24 listing page not recognised: an anti-bot challenge page (Cloudflare) instead of the content',
      );
    }
    const cut = page('<title>Casas</title>', `<ul>${CONTENT}</ul>`).slice(0, 500);
    assert.throws(() => loadPage(cut, 'lamudi', 'detail'), TruncatedPageError);
    assert.equal(loadPage(page('<title>Casas</title>', `<ul>${CONTENT}</ul>`), 'lamudi', 'listing')('li').length, 40);
  });
});
