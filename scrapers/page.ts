/**
 * Page-level checks and embedded-data readers shared by the portal adapters: every adapter first
 * refuses challenge pages and truncated HTML, then prefers the data the portal embeds.
 */
import * as cheerio from '../lib/cheerio-load';
import type { CheerioAPI } from 'cheerio';
import { ChallengePageError, TruncatedPageError, UnrecognisedMarkupError } from '../lib/errors';
import type { PageKind } from './adapter';
import { ALL_PORTAL_CONTENT_HOOKS } from './content-hooks';

/**
 * Anti-bot vendors and the markers only their block pages carry, recognised whatever the page's
 * size (docs/portals.md §1.4, §3.4, §5.4, §8; the real AWS WAF and Distil pages in real-pages/lamudi/).
 */
const BLOCK_PAGE_MARKERS: ReadonlyArray<readonly [vendor: string, marker: RegExp]> = [
  // AWS WAF's JavaScript challenge (Lamudi detail pages, 2026-07): the challenge's own setup.
  ['AWS WAF', /awsWafCookieDomainList|gokuProps/],
  // Cloudflare's interstitials: the managed / JS challenge and the older "I'm under attack" page.
  [
    'Cloudflare',
    /<title[^>]*>\s*(just a moment|un momento|attention required)|_cf_chl_opt|cf-browser-verification|id="challenge-form"|checking (your browser|if the site connection is secure)|verificar que usted es un ser humano/i,
  ],
  // Distil Networks (Lamudi, 2018): a meta refresh to its captcha page and its identification block.
  ['Distil', /distil_r_captcha|distilIdentificationBlock|distil_referrer/],
  // ShieldSquare (Propiedades.com, ~2022).
  ['ShieldSquare', /<title[^>]*>\s*shieldsquare captcha|captcha\.perfdrive\.com/i],
];

/**
 * Pieces that real pages carry too, so they mean a challenge only on a page without content of its
 * own: Cloudflare's Turnstile widget (the 2024 Inmuebles24 results page embeds one, docs/portals.md
 * §1.4) and the challenge-platform script Cloudflare injects into ordinary pages; AWS WAF's token
 * script and its integration object, which sites also load on their own pages.
 */
const EMBEDDABLE_MARKERS: ReadonlyArray<readonly [vendor: string, marker: RegExp]> = [
  ['Cloudflare', /cf-turnstile|challenges\.cloudflare\.com\/turnstile|\/cdn-cgi\/challenge-platform\//i],
  ['AWS WAF', /token\.awswaf\.com|AwsWafIntegration/],
];

/**
 * Data a page renders from, which is content however little or much text it shows: a Next.js page
 * whose listings are only in `__NEXT_DATA__` (Casas y Terrenos, Propiedades) can be almost bare of
 * text, and Cloudflare injects its challenge-platform script into such pages too. No challenge
 * page carries any of them.
 */
const EMBEDDED_CONTENT =
  /<script[^>]*\bid=["']?__NEXT_DATA__|window\.__PRELOADED_STATE__\s*=|<script[^>]*\btype=["']?application\/ld\+json/i;

/** Whether any hook matches an element of the page (a selector cheerio cannot read matches nothing). */
function hasContentHook(html: string, hooks: readonly string[]): boolean {
  if (hooks.length === 0) return false;
  const $ = cheerio.load(html);
  return hooks.some((hook) => {
    try {
      return $(hook).length > 0;
    } catch {
      return false;
    }
  });
}

/**
 * The anti-bot vendor whose challenge or block page this is ("AWS WAF", "Cloudflare" …), or null
 * for a page of content. Decided by markers and content, never by size: a block page's own markers
 * say so at once; the pieces real pages embed too (Turnstile, challenge-platform, AWS WAF's token
 * script) say so only on a page without content — no embedded data (`__NEXT_DATA__`,
 * `__PRELOADED_STATE__`, JSON-LD) and none of the content hooks (the adapter's own, else the
 * built-in portals'), however much text it has.
 */
export function challengeVendor(html: string, contentHooks?: readonly string[]): string | null {
  for (const [vendor, marker] of BLOCK_PAGE_MARKERS) if (marker.test(html)) return vendor;
  const embedded = EMBEDDABLE_MARKERS.find(([, marker]) => marker.test(html));
  if (!embedded || EMBEDDED_CONTENT.test(html)) return null;
  return hasContentHook(html, contentHooks ?? ALL_PORTAL_CONTENT_HOOKS) ? null : embedded[0];
}

/**
 * Whether a page is an anti-bot challenge or block page. `contentHooks`: selectors of the site's
 * own content (SiteAdapter.contentHooks); without them, the built-in portals' hooks.
 */
export function isChallengePage(html: string, contentHooks?: readonly string[]): boolean {
  return challengeVendor(html, contentHooks) !== null;
}

/**
 * Parse HTML after refusing pages that cannot be understood: challenge pages first (a block page
 * is a challenge even when it is cut or has no cards), then truncated documents (no closing
 * </html>, TruncatedPageError, retryable), so a half page never passes as a short one.
 * `contentHooks`: the adapter's own (SiteAdapter.contentHooks), for the challenge check.
 */
export function loadPage(
  html: string,
  site: string,
  kind: PageKind,
  url?: string,
  contentHooks?: readonly string[],
): CheerioAPI {
  const vendor = challengeVendor(html, contentHooks);
  if (vendor !== null) {
    throw new ChallengePageError(
      `${site} ${kind} page not recognised: an anti-bot challenge page (${vendor}) instead of the content`,
      url,
    );
  }
  if (!/<\/html\s*>\s*$/i.test(html.trimEnd())) {
    // Retryable: a cut answer (connection closed early) is whole when asked again.
    throw new TruncatedPageError(site, kind, url);
  }
  return cheerio.load(html);
}

/** Every JSON-LD block of the page, parsed; blocks that are not valid JSON are skipped. */
export function readJsonLd($: CheerioAPI): unknown[] {
  const blocks: unknown[] = [];
  $('script[type="application/ld+json"]').each((_, element) => {
    try {
      blocks.push(JSON.parse($(element).text()));
    } catch {
      // A broken block is ignored: the HTML fallback still applies.
    }
  });
  return blocks;
}

/** The Next.js `__NEXT_DATA__` payload, or an UnrecognisedMarkupError naming what is missing. */
export function readNextData($: CheerioAPI, site: string, kind: PageKind, url?: string): unknown {
  const script = $('script#__NEXT_DATA__');
  if (script.length === 0) throw new UnrecognisedMarkupError(site, kind, 'no __NEXT_DATA__ script', url);
  try {
    return JSON.parse(script.text());
  } catch {
    throw new UnrecognisedMarkupError(site, kind, '__NEXT_DATA__ is not valid JSON', url);
  }
}

/** Walk a dotted path ("props.pageProps.results") through parsed JSON; undefined when absent. */
export function getPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const key of path.split('.')) {
    if (current == null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
