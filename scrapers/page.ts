/**
 * Page-level checks and embedded-data readers shared by the portal adapters: every adapter first
 * refuses challenge pages and truncated HTML, then prefers the data the portal embeds.
 */
import * as cheerio from 'cheerio';
import type { CheerioAPI } from 'cheerio';
import { ChallengePageError, TruncatedPageError, UnrecognisedMarkupError } from '../lib/errors';
import type { PageKind } from './adapter';

/** Markers of anti-bot pages (Cloudflare, Turnstile, ShieldSquare), from portals.md §1.4 and §5.4. */
const CHALLENGE_MARKERS = [
  /<title>\s*(just a moment|un momento|attention required|shieldsquare captcha)/i,
  /challenge-platform/i,
  /cf-browser-verification/i,
  /cf-turnstile/i,
  /verificar que usted es un ser humano/i,
  /checking (your browser|if the site connection is secure)/i,
];

export function isChallengePage(html: string): boolean {
  // Inmuebles24 results pages embed a Turnstile widget next to real cards (portals.md §1.4), so a
  // marker only counts as a challenge when the page is small, as block pages are.
  return html.length < 40_000 && CHALLENGE_MARKERS.some((marker) => marker.test(html));
}

/**
 * Parse HTML after refusing pages that cannot be understood: challenge pages and truncated
 * documents (no closing </html>, TruncatedPageError, retryable), so a half page never passes as
 * a short one.
 */
export function loadPage(html: string, site: string, kind: PageKind, url?: string): CheerioAPI {
  if (isChallengePage(html)) {
    throw new ChallengePageError(`${site} ${kind} page not recognised: an anti-bot challenge page instead of the content`, url);
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
