/**
 * Listing and image URLs: resolved to absolute http(s), stripped of fragments and tracking
 * parameters, so that the same listing has one URL whichever page or portal link it was found by.
 */

/** An absolute http(s) URL resolved against base; anything else (javascript:, data:, junk) → null. */
export function absoluteUrl(href: string | null | undefined, base: string): string | null {
  if (!href) return null;
  try {
    const url = new URL(href.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

const TRACKING_PARAM = /^(utm_[a-z]+|gclid|fbclid|msclkid|mc_[a-z]+|ref|referrer|tracking|origin|source|pos|area)$/i;

/**
 * A listing URL without its #fragment and tracking parameters. `dropQuery` removes the whole
 * query, for portals whose listing links carry nothing but tracking (Trovit's redirects).
 */
export function canonicalListingUrl(
  href: string | null | undefined,
  base: string,
  options: { dropQuery?: boolean } = {},
): string | null {
  const absolute = absoluteUrl(href, base);
  if (!absolute) return null;
  const url = new URL(absolute);
  url.hash = '';
  if (options.dropQuery) url.search = '';
  else for (const key of [...url.searchParams.keys()]) if (TRACKING_PARAM.test(key)) url.searchParams.delete(key);
  return url.href;
}

/** Absolute image URLs in page order, without duplicates or non-http(s) sources. */
export function uniqueUrls(hrefs: Iterable<string | null | undefined>, base: string): string[] {
  const seen = new Set<string>();
  for (const href of hrefs) {
    const url = absoluteUrl(href, base);
    if (url) seen.add(url);
  }
  return [...seen];
}
