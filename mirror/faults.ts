/**
 * Fault switches of the local mirror: what each one is, and what it does to a request. The server
 * (mirror/server.ts) only plumbs them; every decision about a faulty answer is made here, so the
 * behaviour a test or the benchmark switches on is readable in one place.
 *
 * Switches are set per site, in-process or as JSON over HTTP, so the schema below is also the
 * validation of what other processes send.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { hash32 } from './facts';

const positiveInt = z.number().int().positive();
const retryAfterSeconds = z.number().nonnegative().optional();

export const mirrorFaultsSchema = z.strictObject({
  /** 429 on every Nth page request (N, 2N, …) or on the first `count`, with Retry-After when given. */
  status429: z
    .strictObject({ everyNth: positiveInt.optional(), count: positiveInt.optional(), retryAfterSeconds })
    .refine((value) => (value.everyNth === undefined) !== (value.count === undefined), {
      message: 'give exactly one of everyNth or count',
    })
    .optional(),
  /** 503 on the first `burst` page requests, then the site recovers. */
  status503: z.strictObject({ burst: positiveInt, retryAfterSeconds }).optional(),
  status500Always: z.boolean().optional(),
  /** Delay before answering each page request (not robots.txt): trips client timeouts. */
  slowMs: z.number().int().nonnegative().optional(),
  /** Destroy the socket of the first `count` page requests without answering. */
  resetConnection: z.strictObject({ count: positiveInt }).optional(),
  /** Serve the first `count` pages cut in the middle (a valid HTTP answer with half the HTML). */
  truncateHtml: z.strictObject({ count: positiveInt }).optional(),
  /**
   * The site's anti-bot challenge on every page request (robots.txt exempt), in the vendor's form
   * docs/portals.md documents for the portal: AWS WAF's JavaScript challenge for Lamudi (§3.4),
   * Cloudflare's "Just a moment" page for every other site (Inmuebles24 §1.4, Propiedades §5.4).
   * With `clearanceCookie`, the challenge's script earns the vendor's cookie and reloads, and
   * requests carrying that cookie pass (a browser fetcher gets through; a plain HTTP client does
   * not); `solveMs` delays the script that long first, as a real challenge takes seconds to clear.
   * With `navigateTo`, the script sends the browser to that URL instead (a hostile challenge page:
   * `window.location = 'http://169.254.169.254/…'`). Without either it never clears.
   *
   * - Cloudflare: status 403 with `cf-mitigated: challenge`; the inline script sets cf_clearance.
   *   The challenge platform's own script (/cdn-cgi/challenge-platform/…) is served on the site,
   *   as Cloudflare serves it to challenged clients.
   * - AWS WAF: status 202 with `x-amzn-waf-action: challenge` (as AWS documents its Challenge
   *   action); the page holds `window.awsWafCookieDomainList`, `window.gokuProps = {key, iv,
   *   context}`, the challenge.js script on a `….token.awswaf.com` host, and
   *   `AwsWafIntegration.getToken().then(() => window.location.reload(true))`. The mirror serves
   *   that script under the token host (awsWafTokenHostAnswer): it reads what to do from
   *   gokuProps.context, as the real one decrypts its context, and sets the aws-waf-token cookie.
   */
  challenge: z
    .union([
      z.boolean(),
      z.strictObject({
        clearanceCookie: z.boolean().optional(),
        solveMs: z.number().int().nonnegative().optional(),
        navigateTo: z.string().min(1).optional(),
      }),
    ])
    .optional(),
  /**
   * Every occurrence of the absolute URL `from` in a served page (links, canonical, JSON-LD, embedded
   * data) reads `to` instead: a page whose next link or listing URL points somewhere else — another
   * domain, an IP address, a host that resolves to a private address.
   */
  rewriteUrls: z.array(z.strictObject({ from: z.url(), to: z.string().min(1) })).optional(),
  /** Rename every hook parsers rely on (data-* attributes, classes, ids, embedded-data scripts). */
  changedMarkup: z.boolean().optional(),
  /** Extra Disallow rules (paths) for every user agent in robots.txt. */
  robotsDisallow: z.array(z.string().startsWith('/')).optional(),
  /** 401 "Access Denied" unless Sec-Fetch-Mode: navigate and Sec-Fetch-Dest: document are sent. */
  requireBrowserHeaders: z.boolean().optional(),
  /** 302 to a host outside the portal's domain (login.portal-sso.example), or to `location` (another portal, an address …). */
  redirectOffDomain: z.union([z.boolean(), z.strictObject({ location: z.string().min(1) })]).optional(),
  /** 302 back and forth between two URLs of the page. */
  redirectLoop: z.boolean().optional(),
  /** Pad served pages past this many bytes (an HTML comment before </body>). */
  oversizeBytes: positiveInt.optional(),
  /** Answer 200 with a PNG instead of the page. */
  wrongContentType: z.boolean().optional(),
  /**
   * Serving switch rather than fault: the charset pages are encoded in and declared with.
   * null declares none (`text/html`) and sends UTF-8 bytes, as Lamudi does (docs/portals.md §8).
   */
  charset: z.enum(['utf-8', 'iso-8859-1']).nullable().optional(),
});

export type MirrorFaults = z.infer<typeof mirrorFaultsSchema>;

/** Validate switches received as JSON; throws a ZodError naming the bad field. */
export function parseFaults(value: unknown): MirrorFaults {
  return mirrorFaultsSchema.parse(value);
}

/**
 * What the real portals do without being asked (docs/portals.md §4.4, §6.4, §8): Mitula and Trovit
 * refuse plain HTTP clients, Lamudi declares no charset. Set switches are merged over these, so
 * `{ requireBrowserHeaders: false }` turns a default off.
 */
const HOST_DEFAULTS: Readonly<Record<string, MirrorFaults>> = {
  'www.lamudi.com.mx': { charset: null },
  'casas.mitula.mx': { requireBrowserHeaders: true },
  'casas.trovit.com.mx': { requireBrowserHeaders: true },
};

export function effectiveFaults(host: string, overrides: MirrorFaults = {}): MirrorFaults {
  return { ...HOST_DEFAULTS[host], ...overrides };
}

/** robots.txt with the robotsDisallow rules prepended as their own `User-agent: *` group (RFC 9309 merges groups of one agent). */
export function robotsTxtWith(base: string, disallow: readonly string[] | undefined): string {
  if (!disallow?.length) return base;
  const group = ['User-agent: *', ...disallow.map((path) => `Disallow: ${path}`)].join('\n');
  return `${group}\n\n${base}`;
}

export interface FaultRequest {
  host: string;
  /** Path and query as requested, e.g. "/casas.html?page=2". */
  pathAndQuery: string;
  headers: IncomingHttpHeaders;
}

export type FaultAction =
  { kind: 'respond'; status: number; headers: Record<string, string>; body: string | Buffer } | { kind: 'reset' };

const HTML = 'text/html; charset=utf-8';
/** Where the challenge page loads its platform script from (as on Cloudflare). */
const CHALLENGE_PLATFORM = '/cdn-cgi/challenge-platform/';
/** The platform script: it marks the page as being verified (the mirror's "solving" is the inline script). */
const CHALLENGE_SCRIPT = 'window._cf_chl_opt = { cType: "managed", cRay: "mirror" };\n';
const LOOP_PARAM = 'mirror-loop';
/** The 8-byte PNG signature plus an IHDR chunk start: enough for any sniffer to say "image". */
const PNG_BYTES = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');

/**
 * The switches of one site plus their counters. Counters advance only for requests that reach the
 * switch, in the order a real edge applies them (WAF headers, bot challenge, then origin errors),
 * so `status503 { burst: 2 }` means exactly two 503s however other switches are combined.
 */
export class SiteFaultState {
  private served429 = 0;
  private seen429 = 0;
  private served503 = 0;
  private resets = 0;
  private truncations = 0;

  constructor(readonly faults: MirrorFaults) {}

  get delayMs(): number {
    return this.faults.slowMs ?? 0;
  }

  /** undefined → UTF-8 declared; null → no charset declared (UTF-8 bytes). */
  get charset(): 'utf-8' | 'iso-8859-1' | null {
    return this.faults.charset === undefined ? 'utf-8' : this.faults.charset;
  }

  /** An answer that replaces the page, or null to serve the page. */
  intercept(request: FaultRequest): FaultAction | null {
    const f = this.faults;
    if (f.challenge && request.pathAndQuery.startsWith(CHALLENGE_PLATFORM)) {
      return {
        kind: 'respond',
        status: 200,
        headers: { 'content-type': 'application/javascript; charset=utf-8', 'cache-control': 'no-store' },
        body: CHALLENGE_SCRIPT,
      };
    }
    if (f.requireBrowserHeaders && !hasNavigationHeaders(request.headers)) {
      return html(401, accessDeniedPage(request), { server: 'AkamaiGHost' });
    }
    if (f.challenge && !hasClearance(f.challenge, request)) {
      const options = typeof f.challenge === 'object' ? f.challenge : {};
      const script: ChallengeScript | null = options.navigateTo
        ? { navigateTo: options.navigateTo, solveMs: options.solveMs ?? 0 }
        : options.clearanceCookie
          ? { token: clearanceToken(request.host), solveMs: options.solveMs ?? 0 }
          : null;
      if (challengeVendorOf(request.host) === 'aws-waf') {
        return html(202, awsWafChallengePage(request.host, script), {
          'x-amzn-waf-action': 'challenge',
          'cache-control': 'no-store',
        });
      }
      return html(403, challengePage(script), {
        server: 'cloudflare',
        'cf-mitigated': 'challenge',
        'cache-control': 'no-store',
      });
    }
    if (f.resetConnection && this.resets < f.resetConnection.count) {
      this.resets++;
      return { kind: 'reset' };
    }
    if (f.status500Always) return html(500, errorPage(500, 'Internal Server Error'));
    if (f.status503 && this.served503 < f.status503.burst) {
      this.served503++;
      return html(503, errorPage(503, 'Service Unavailable'), retryAfter(f.status503.retryAfterSeconds));
    }
    if (f.status429 && this.takes429(f.status429)) {
      return html(429, errorPage(429, 'Too Many Requests'), retryAfter(f.status429.retryAfterSeconds));
    }
    if (f.redirectOffDomain) {
      const location =
        typeof f.redirectOffDomain === 'object'
          ? f.redirectOffDomain.location
          : `https://login.portal-sso.example/continue?from=${encodeURIComponent(request.pathAndQuery)}`;
      return { kind: 'respond', status: 302, headers: { location }, body: '' };
    }
    if (f.redirectLoop)
      return { kind: 'respond', status: 302, headers: { location: loopPartner(request.pathAndQuery) }, body: '' };
    if (f.wrongContentType)
      return { kind: 'respond', status: 200, headers: { 'content-type': 'image/png' }, body: PNG_BYTES };
    return null;
  }

  /** Alterations of a page the portal rendered (200 pages only). Truncation comes last: it cuts what would have been sent. */
  alterPage(page: string): string {
    const f = this.faults;
    let out = f.changedMarkup ? changeMarkup(page) : page;
    for (const { from, to } of f.rewriteUrls ?? []) out = rewriteUrl(out, from, to);
    if (f.oversizeBytes) out = padPast(out, f.oversizeBytes);
    if (f.truncateHtml && this.truncations < f.truncateHtml.count) {
      this.truncations++;
      out = out.slice(0, Math.floor(out.length / 2));
    }
    return out;
  }

  private takes429(rule: NonNullable<MirrorFaults['status429']>): boolean {
    this.seen429++;
    const hit = rule.everyNth !== undefined ? this.seen429 % rule.everyNth === 0 : this.served429 < (rule.count ?? 0);
    if (hit) this.served429++;
    return hit;
  }
}

function html(status: number, body: string, headers: Record<string, string> = {}): FaultAction {
  return { kind: 'respond', status, headers: { 'content-type': HTML, ...headers }, body };
}

function retryAfter(seconds: number | undefined): Record<string, string> {
  return seconds === undefined ? {} : { 'retry-after': String(seconds) };
}

function hasNavigationHeaders(headers: IncomingHttpHeaders): boolean {
  return headers['sec-fetch-mode'] === 'navigate' && headers['sec-fetch-dest'] === 'document';
}

/** The cookie value the challenge script sets; deterministic per host so another process can predict it. */
export function clearanceToken(host: string): string {
  return `mirror-${hash32(`clearance:${host}`).toString(16)}`;
}

function hasClearance(challenge: NonNullable<MirrorFaults['challenge']>, request: FaultRequest): boolean {
  if (typeof challenge !== 'object' || !challenge.clearanceCookie) return false;
  const cookies = String(request.headers.cookie ?? '').split(/;\s*/);
  const name = challengeVendorOf(request.host) === 'aws-waf' ? AWS_WAF_COOKIE : 'cf_clearance';
  return cookies.includes(`${name}=${clearanceToken(request.host)}`);
}

/** Alternate between the page and the page with ?mirror-loop=1, both relative. */
function loopPartner(pathAndQuery: string): string {
  const url = new URL(pathAndQuery, 'http://loop.invalid');
  if (url.searchParams.has(LOOP_PARAM)) url.searchParams.delete(LOOP_PARAM);
  else url.searchParams.set(LOOP_PARAM, '1');
  return url.pathname + url.search;
}

/**
 * Every hook a parser might use, renamed: data-* attributes, class and id tokens (hashed, so
 * substring selectors such as [class*=postingCard] fail too), __NEXT_DATA__ and JSON-LD scripts.
 */
function changeMarkup(page: string): string {
  const rename = (token: string): string => `m${hash32(`changed:${token}`).toString(36)}`;
  return page
    .replace(/\sdata-([\w-]+)=/g, ' data-v2-$1=')
    .replace(
      /\s(class|id)=(["'])(.*?)\2/g,
      (_, attr: string, quote: string, value: string) =>
        ` ${attr}=${quote}${value.split(/\s+/).filter(Boolean).map(rename).join(' ')}${quote}`,
    )
    .replace(/application\/ld\+json/g, 'application/x-ld+json-v2');
}

/** `from` replaced by `to` wherever it appears whole (not as the start of a longer URL), also HTML-escaped. */
function rewriteUrl(page: string, from: string, to: string): string {
  const forms: Array<[string, string]> = from.includes('&')
    ? [
        [from, to],
        [from.replace(/&/g, '&amp;'), to.replace(/&/g, '&amp;')],
      ]
    : [[from, to]];
  let out = page;
  for (const [a, b] of forms) {
    const whole = new RegExp(`${a.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(?=["'\\s<>)\\]]|$)`, 'g');
    out = out.replace(whole, () => b);
  }
  return out;
}

function padPast(page: string, limitBytes: number): string {
  const missing = limitBytes + 1 - Buffer.byteLength(page);
  if (missing <= 0) return page;
  const padding = `<!-- ${'x'.repeat(missing)} -->`;
  const at = page.lastIndexOf('</body>');
  return at < 0 ? page + padding : page.slice(0, at) + padding + page.slice(at);
}

function accessDeniedPage(request: FaultRequest): string {
  const url = `http://${request.host}${request.pathAndQuery}`.replace(/[<>&"]/g, '');
  return `<html><head><title>Access Denied</title></head><body><h1>Access Denied</h1>
<p>You don't have permission to access "${url}" on this server.</p>
<p>Reference #18.${hash32(url).toString(16)}</p></body></html>`;
}

/** What the challenge page's inline script does: set the clearance cookie and reload, or navigate elsewhere. */
type ChallengeScript = { token: string; solveMs: number } | { navigateTo: string; solveMs: number };

function challengePage(script: ChallengeScript | null): string {
  // The script sets the clearance cookie and reloads, as Cloudflare's managed challenge does once
  // the browser passes, or (a hostile page) sends the browser elsewhere; without either it only
  // loads the challenge platform and stays.
  const set = !script
    ? ''
    : 'token' in script
      ? `document.cookie = "cf_clearance=${script.token}; path=/; max-age=1800"; location.reload();`
      : `window.location = ${JSON.stringify(script.navigateTo).replace(/</g, '\\u003c')};`;
  const solve = !script
    ? ''
    : script.solveMs > 0
      ? `<script>setTimeout(function () { ${set} }, ${script.solveMs});</script>`
      : `<script>${set}</script>`;
  return `<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8"><meta name="robots" content="noindex,nofollow">
</head><body><div class="main-wrapper" role="main"><div class="main-content">
<h1 class="zone-name-title h1">Verifying you are human. This may take a few seconds.</h1>
<div class="cf-turnstile" data-sitekey="0x4AAAAAAAmirror"></div>
<noscript><div class="h2">Enable JavaScript and cookies to continue</div></noscript>
</div></div>
<script src="/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1?ray=mirror"></script>${solve}
</body></html>`;
}

// ── AWS WAF (Lamudi, docs/portals.md §3.4) ──────────────────────────────────────────────────

/** Which vendor's challenge a portal puts up (docs/portals.md §1.4, §3.4, §5.4); Cloudflare's where none is documented. */
type ChallengeVendor = 'cloudflare' | 'aws-waf';
const CHALLENGE_VENDORS: Readonly<Record<string, ChallengeVendor>> = { 'www.lamudi.com.mx': 'aws-waf' };

function challengeVendorOf(host: string): ChallengeVendor {
  return CHALLENGE_VENDORS[host] ?? 'cloudflare';
}

/** The cookie AWS WAF's challenge script earns (docs/portals.md §3.4). */
const AWS_WAF_COOKIE = 'aws-waf-token';
/** The parent of AWS WAF's token hosts (`<id>.<region>.token.awswaf.com`), which serve challenge.js and its calls. */
const AWS_WAF_TOKEN_DOMAIN = 'token.awswaf.com';

/** Whether the mirror plays AWS WAF's token host for `host` (any `….token.awswaf.com`). */
export function isAwsWafTokenHost(host: string): boolean {
  return host.endsWith(`.${AWS_WAF_TOKEN_DOMAIN}`);
}

/** The token host and script path a site's challenge page loads challenge.js from. */
function awsWafScriptUrl(host: string): string {
  const id = hash32(`awswaf:${host}`).toString(16).padStart(8, '0');
  return `https://${id}.us-east-1.${AWS_WAF_TOKEN_DOMAIN}/${id}/challenge.js`;
}

/**
 * The challenge page as docs/portals.md §3.4 documents it (and nothing else): the cookie domain
 * list, gokuProps {key, iv, context}, challenge.js from the token host, getToken() then a reload,
 * and the <noscript> asking to verify that you're not a robot. The context carries, in the clear,
 * what the mirror's challenge.js is to do (the real one carries an encrypted challenge).
 */
function awsWafChallengePage(host: string, script: ChallengeScript | null): string {
  const context = Buffer.from(JSON.stringify(script ?? {})).toString('base64');
  const props = {
    key: Buffer.from(`mirror-key:${host}`).toString('base64'),
    iv: hash32(`iv:${host}`).toString(16),
    context,
  };
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<script type="text/javascript">
window.awsWafCookieDomainList = [];
window.gokuProps = ${JSON.stringify(props)};
</script>
<script src="${awsWafScriptUrl(host)}"></script>
</head><body>
<script type="text/javascript">
AwsWafIntegration.getToken().then(() => window.location.reload(true));
</script>
<noscript>To continue, please verify that you're not a robot: enable JavaScript and reload the page.</noscript>
</body></html>`;
}

/**
 * The mirror's challenge.js: AwsWafIntegration.getToken() does what the page's gokuProps.context
 * says (after solveMs): sets the aws-waf-token cookie for the page's host and resolves, sends the
 * browser elsewhere (a hostile page), or never resolves (a challenge that does not clear).
 */
const AWS_WAF_SCRIPT = `(function () {
  var todo = {};
  try { todo = JSON.parse(atob(window.gokuProps.context)); } catch (e) {}
  window.AwsWafIntegration = {
    getToken: function () {
      return new Promise(function (resolve) {
        setTimeout(function () {
          if (todo.navigateTo) { window.location = todo.navigateTo; return; }
          if (!todo.token) return;
          document.cookie = "${AWS_WAF_COOKIE}=" + todo.token + "; path=/; max-age=1800";
          resolve(todo.token);
        }, todo.solveMs || 0);
      });
    }
  };
})();
`;

/** What the mirror answers for AWS WAF's token host (`host` is one, isAwsWafTokenHost): challenge.js, else 404. */
export function awsWafTokenHostAnswer(pathAndQuery: string): {
  status: number;
  headers: Record<string, string>;
  body: string;
} {
  if (new URL(pathAndQuery, 'https://token.invalid').pathname.endsWith('/challenge.js')) {
    return {
      status: 200,
      headers: { 'content-type': 'application/javascript; charset=utf-8', 'cache-control': 'no-store' },
      body: AWS_WAF_SCRIPT,
    };
  }
  return { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'not found' };
}

function errorPage(status: number, text: string): string {
  return `<!DOCTYPE html><html><head><title>${status} ${text}</title></head><body><h1>${status} ${text}</h1></body></html>`;
}
