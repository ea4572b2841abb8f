/**
 * What an answer from a site means, whichever client fetched it: the status → typed error mapping,
 * the content-type check, charset decoding, Retry-After, robots.txt answers and the redirect rules.
 * Shared by HttpFetcher (got-scraping) and BrowserFetcher (Chromium), so both fail the same way on
 * the same answer.
 */
import http from 'node:http';
import {
  AccessDeniedError,
  ChallengePageError,
  ContentTypeError,
  FetchTimeoutError,
  HostPolicyError,
  NotFoundError,
  RateLimitedError,
  RedirectError,
  ServerError,
  type ScrapeError,
} from '../errors';
import type { UrlRefusal } from '../security/host-policy';
import type { FetchedPage } from './fetcher';

/** An answer before any interpretation. `url` is the logical (real-host) URL. */
export interface RawResponse {
  url: URL;
  status: number;
  /** Lower-case names, as the server sent them (repeated headers joined with ", "). */
  headers: Record<string, string>;
  /** Decompressed body. */
  body: Buffer;
  /** Network time (summed over redirect hops, and challenge reloads for the browser). */
  latencyMs: number;
}

/**
 * Whether a page's HTML is an anti-bot challenge or block page by its own markers, for `site`. The
 * markers and a site's content hooks belong to the scrapers (scrapers/page.ts isChallengePage), which
 * lib/ does not import: the worker hands the fetchers this function (workers/activity-deps.ts).
 */
export type ChallengeRecognizer = (html: string, site: string) => boolean;

/** A ChallengeRecognizer with its site bound: what the answer mapping below is given. */
export type PageIsChallenge = (html: string) => boolean;

const HTML_TYPES = new Set(['text/html', 'text/plain', 'application/xhtml+xml']);

/** The statuses of a redirect to follow (with its Location), for every fetcher. */
export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/**
 * Whether an answer is an anti-bot challenge or block page (AWS WAF, Cloudflare, Distil …) rather
 * than the site's content, whatever its status: the vendor's header says so outright (Cloudflare's
 * `cf-mitigated: challenge`; AWS WAF's `x-amzn-waf-action: challenge` or `captcha`, as AWS
 * documents its ChallengeAction and CaptchaAction), otherwise the page's markers do (`pageIsChallenge`).
 */
export function isChallengeAnswer(
  raw: Pick<RawResponse, 'headers' | 'body'>,
  pageIsChallenge: PageIsChallenge,
): boolean {
  return isChallenge(raw.headers, decodeBody(raw.body, raw.headers['content-type']), pageIsChallenge);
}

function isChallenge(headers: Record<string, string>, html: string, pageIsChallenge: PageIsChallenge): boolean {
  const wafAction = headers['x-amzn-waf-action']?.trim().toLowerCase();
  return (
    headers['cf-mitigated'] === 'challenge' ||
    wafAction === 'challenge' ||
    wafAction === 'captcha' ||
    pageIsChallenge(html)
  );
}

/**
 * The page an answer stands for, or the typed error of a non-2xx answer, a non-page content type,
 * or a challenge page served with 2xx (AWS WAF answers 202 with its challenge): a challenge is
 * never handed to a parser as content, so `fetcher: auto` can tell it from a page it cannot read.
 */
export function toPage(raw: RawResponse, pageIsChallenge: PageIsChallenge): FetchedPage {
  const failure = statusError(raw, pageIsChallenge);
  if (failure) throw failure;
  const type = (raw.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  // A missing Content-Type is read as HTML, as browsers sniff it; a declared non-page type is refused.
  if (type && !HTML_TYPES.has(type)) {
    throw new ContentTypeError(`${raw.url.host} answered ${type} where an HTML page was expected`, raw.url.href);
  }
  const html = decodeBody(raw.body, raw.headers['content-type']);
  if (isChallenge(raw.headers, html, pageIsChallenge)) {
    throw new ChallengePageError(
      `${raw.url.host} answered ${raw.status} with an anti-bot challenge page`,
      raw.url.href,
    );
  }
  return {
    url: raw.url.href,
    status: raw.status,
    html,
    bytes: raw.body.length,
    latencyMs: raw.latencyMs,
    headers: raw.headers,
  };
}

/** The error a non-2xx answer stands for; null for 2xx. */
export function statusError(raw: Omit<RawResponse, 'latencyMs'>, pageIsChallenge: PageIsChallenge): ScrapeError | null {
  const { status } = raw;
  const url = raw.url.href;
  const host = raw.url.host;
  if (status >= 200 && status < 300) return null;
  const retryAfterMs = parseRetryAfter(raw.headers['retry-after']);
  const waitHint = retryAfterMs === undefined ? '' : ` (Retry-After ${Math.round(retryAfterMs)} ms)`;
  if (status === 404 || status === 410)
    return new NotFoundError(
      `${host} answered ${status}: ${raw.url.pathname}${raw.url.search} does not exist`,
      url,
      status,
    );
  if (status === 429)
    return new RateLimitedError(`${host} answered 429 Too Many Requests${waitHint}`, url, retryAfterMs);
  if (status === 401 || status === 403 || status === 405) {
    if (isChallengeAnswer(raw, pageIsChallenge))
      return new ChallengePageError(`${host} answered ${status} with an anti-bot challenge page`, url);
  }
  if (status === 401 || status === 403) {
    const html = decodeBody(raw.body, raw.headers['content-type']);
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(html)?.[1].trim() || http.STATUS_CODES[status];
    const why = status === 401 ? 'the site requires browser navigation headers' : 'the site refuses this client';
    return new AccessDeniedError(`${host} answered ${status} ${title}: ${why}`, url, status);
  }
  if (status === 408) return new FetchTimeoutError(`${host} answered 408 Request Timeout`, url);
  if (status >= 500)
    return new ServerError(
      `${host} answered ${status} ${http.STATUS_CODES[status] ?? ''}${waitHint}`.trim(),
      url,
      status,
      retryAfterMs,
    );
  if (status >= 400)
    return new AccessDeniedError(
      `${host} answered ${status} ${http.STATUS_CODES[status] ?? ''}: the site refuses this request`,
      url,
      status,
    );
  return new RedirectError(`${host} answered ${status}, which is neither a page nor a redirect to follow`, url);
}

/**
 * The text of a robots.txt answer: its body for 2xx, null for 4xx (the site has no robots.txt for
 * us, RFC 9309 §2.3.1.3). 429 and 5xx mean "ask later": the typed (retryable) error is thrown.
 */
export function robotsTxtOf(raw: Omit<RawResponse, 'latencyMs'>, pageIsChallenge: PageIsChallenge): string | null {
  if (raw.status >= 200 && raw.status < 300) return decodeBody(raw.body, raw.headers['content-type']);
  if (raw.status >= 400 && raw.status < 500 && raw.status !== 429) return null;
  throw statusError(raw, pageIsChallenge)!; // non-null: the status is not 2xx
}

/**
 * The next hop of a redirect. A target the host policy refuses (`refusalOf`: off the site's
 * domain, another scheme, an IP literal …) is a HostPolicyError with the policy's reason, `byPage`
 * (the page itself tried to go there), so every URL the policy refuses is recorded as such; a
 * redirect that cannot be followed for its own sake (no Location, not a URL, a loop, more than
 * `maxRedirects`) is a RedirectError. `visited` holds the URLs so far and receives the next one;
 * `hop` counts from 0.
 */
export function nextHop(
  raw: Pick<RawResponse, 'url' | 'status' | 'headers'>,
  refusalOf: (next: URL) => UrlRefusal | null,
  visited: Set<string>,
  hop: number,
  maxRedirects: number,
): URL {
  const from = raw.url;
  const location = raw.headers.location;
  if (!location) throw new RedirectError(`${from.host} answered ${raw.status} without a Location header`, from.href);
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    throw new RedirectError(`${from.host} redirected to ${JSON.stringify(location)}, which is not a URL`, from.href);
  }
  const refusal = refusalOf(next);
  if (refusal) {
    const where = refusal.reason === 'off-domain' ? 'off its domain to' : 'to';
    throw new HostPolicyError(
      `${from.host} redirected ${where} ${next.href}, refused by the host policy: ${refusal.message}`,
      from.href,
      refusal.reason,
      true,
    );
  }
  if (visited.has(next.href))
    throw new RedirectError(`redirect loop: ${from.href} leads back to ${next.href}`, from.href);
  if (hop + 1 > maxRedirects)
    throw new RedirectError(`more than ${maxRedirects} redirects from ${from.href}`, from.href);
  visited.add(next.href);
  return next;
}

/** Retry-After in ms: delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Decode with the Content-Type charset; UTF-8 when none is declared (Lamudi) or the label is unknown. */
export function decodeBody(body: Buffer, contentType: string | undefined): string {
  const label = /charset\s*=\s*["']?([\w.:-]+)/i.exec(contentType ?? '')?.[1];
  if (label) {
    try {
      return new TextDecoder(label).decode(body);
    } catch {
      // An unknown label (RangeError) falls through to UTF-8, which the portals all use.
    }
  }
  return new TextDecoder('utf-8').decode(body);
}

/** Headers as [name, value] pairs (Node rawHeaders, Playwright headersArray) → lower-case names, repeats joined with ", ". */
export function joinHeaders(pairs: Iterable<readonly [string, string]>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [rawName, value] of pairs) {
    const name = rawName.toLowerCase();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return headers;
}
