/**
 * The page checks every adapter runs first (scrapers/page.ts): anti-bot pages are recognised by the
 * markers only block pages carry, whatever their size, without taking a page of content that embeds
 * a Turnstile widget or a vendor's script for one; and the challenge check comes before "truncated".
 * (The real AWS WAF and Distil pages are parsed in real-pages.test.ts.)
 */
import { strict as assert } from 'node:assert';
import { ChallengePageError, TruncatedPageError } from '../../../lib/errors';
import { challengeVendor, isChallengePage, loadPage } from '../../../scrapers/page';

/** Visible text of a page of content: a results page has far more. */
const CONTENT = Array.from({ length: 40 }, (_, i) => `<li><a href="/casas-en-venta-en-zona-${i}.html">Casas en venta en la zona ${i}</a></li>`).join('');
/** Bulk that is not content: a block page with a large inline script is still a block page. */
const BIG_SCRIPT = `<script>var blob = "${'x'.repeat(60_000)}";</script>`;

const page = (head: string, body: string): string => `<!DOCTYPE html><html lang="es"><head>${head}</head><body>${body}</body></html>`;

describe('challenge pages (scrapers/page.ts)', () => {
  it('names the vendor of each block page by its own markers, whatever the page size', () => {
    const cases: Array<[string, string]> = [
      ['AWS WAF', page(`<title></title><script>window.awsWafCookieDomainList = [];\nwindow.gokuProps = { "key": "AQID", "iv": "A6w", "context": "jqj" };</script><script src="https://1a2b3c.4d5e6f.us-east-2.token.awswaf.com/1a2b3c/challenge.js"></script>`, `<div id="challenge-container"></div><noscript>verify that you're not a robot</noscript>${BIG_SCRIPT}`)],
      ['Cloudflare', page('<title>Just a moment...</title>', `<h1>Verifying you are human. This may take a few seconds.</h1>${BIG_SCRIPT}`)],
      ['Cloudflare', page('<title>Un momento…</title>', '<p>Estamos verificando que usted es un ser humano.</p>')],
      ['Cloudflare', page('<title>Attention Required! | Cloudflare</title>', '<div class="cf-browser-verification cf-im-under-attack"></div>')],
      ['Cloudflare', page('<title>inmuebles24.com</title>', '<p>Checking if the site connection is secure</p><script>window._cf_chl_opt={cType:"managed"};</script>')],
      ['Distil', page('<meta content="10; url=/distil_r_captcha.html?requestId=1&amp;httpReferrer=%2F" http-equiv="refresh"/>', `<div id="distilIdentificationBlock"></div>${CONTENT}`)],
      ['ShieldSquare', page('<title>ShieldSquare Captcha</title>', '<form action="https://captcha.perfdrive.com/captcha-public/"></form>')],
    ];
    for (const [vendor, html] of cases) {
      assert.equal(challengeVendor(html), vendor, html.slice(0, 120));
      assert.equal(isChallengePage(html), true);
    }
  });

  it('takes the embeddable pieces (Turnstile, challenge-platform, AWS WAF token script) for a challenge only on a page without content', () => {
    const turnstile = '<div id="cf-turnstile" style="width:300px;height:65px;display:none"></div>';
    const platform = '<script src="/cdn-cgi/challenge-platform/scripts/jsd/main.js"></script>';
    const wafSdk = '<script src="https://1a2b3c.token.awswaf.com/1a2b3c/jsapi.js"></script><script>AwsWafIntegration.fetch("/api");</script>';
    // A results page that embeds them among its listings (portals.md §1.4: the real 2024 Inmuebles24 page has the widget).
    for (const piece of [turnstile, platform, wafSdk]) {
      assert.equal(challengeVendor(page('<title>Casas en venta en Zapopan - Inmuebles24</title>', `<main><ul>${CONTENT}</ul></main>${piece}`)), null, piece);
    }
    // The same pieces on a page with nothing else: a challenge.
    assert.equal(challengeVendor(page('<title></title>', `${turnstile}${platform}`)), 'Cloudflare');
    assert.equal(challengeVendor(page('<title></title>', `${platform}${BIG_SCRIPT}`)), 'Cloudflare');
    assert.equal(challengeVendor(page('<title></title>', wafSdk)), 'AWS WAF');
    // A Next.js page bare of text whose listings are in __NEXT_DATA__ is content, with the injected script too.
    const nextData = '<script id="__NEXT_DATA__" type="application/json">{"props":{"pageProps":{"results":{"properties":[{"id":1}]}}}}</script>';
    assert.equal(challengeVendor(page('<title></title>', `<div id="__next"></div>${nextData}${platform}`)), null);
  });

  it('does not take a page of content, an empty page or a 401 "Access Denied" body for a challenge', () => {
    assert.equal(challengeVendor(page('<title>Departamentos en Venta | Lamudi</title>', `<ul>${CONTENT}</ul>`)), null);
    assert.equal(challengeVendor(page('<title></title>', '')), null);
    assert.equal(challengeVendor('<html><head><title>Access Denied</title></head><body><h1>Access Denied</h1></body></html>'), null);
  });

  it('loadPage refuses a challenge page as a challenge before anything else: cut short, or without any listing', () => {
    const challenge = page('<title>Just a moment...</title>', '<script src="/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1?ray=8f"></script>');
    for (const html of [challenge, challenge.slice(0, challenge.length - 20)]) {
      assert.throws(
        () => loadPage(html, 'inmuebles24', 'listing', 'https://www.inmuebles24.com/casas-en-venta-en-zapopan.html'),
        (error: unknown) =>
          error instanceof ChallengePageError && error.message === 'inmuebles24 listing page not recognised: an anti-bot challenge page (Cloudflare) instead of the content',
      );
    }
    const cut = page('<title>Casas</title>', `<ul>${CONTENT}</ul>`).slice(0, 500);
    assert.throws(() => loadPage(cut, 'lamudi', 'detail'), TruncatedPageError);
    assert.equal(loadPage(page('<title>Casas</title>', `<ul>${CONTENT}</ul>`), 'lamudi', 'listing')('li').length, 40);
  });
});
