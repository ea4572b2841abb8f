/**
 * The one order every request for a site's page or robots.txt goes through, whichever client
 * sends it (HttpFetcher: got-scraping; BrowserFetcher: a Chromium page). Each stage is written
 * here once; a fetcher brings only its transport.
 *
 *   1. host policy  checkHost         the URL rules (lib/security/host-policy.ts); through the local
 *                                     mirror also the resolver override, since no socket lookup sees
 *                                     the host there. A refused URL costs no request at all.
 *   2. robots.txt   checkRobots       the site's robots.txt allows the path (not for robots.txt itself)
 *   3. rate limit   waitTurn          the site's next slot in the process's RateLimiter
 *   4. transport    Transport         one request; it takes its turn (3) at the last moment before it
 *                                     sends, because the browser first needs a page from the pool and
 *                                     a warm-up visit, which take turns of their own
 *   5. redirects    checkRedirectHop  each hop under the host policy's URL rules, no loop, at most
 *                                     maxRedirects; the next hop goes through 2, 1, 3, 4 again
 *   6. status       mapStatus         a non-2xx answer, a non-page content type or a challenge page →
 *                                     its typed error (lib/fetch/responses.ts)
 *   7. decoding     decodeBody        the declared charset, UTF-8 otherwise (lib/fetch/responses.ts)
 *
 * Chromium follows redirects itself: its transport answers with the final document, having judged
 * the hops it followed with checkRedirectHop (lib/fetch/browser-fetcher.ts).
 */
import { policyOfHosts, urlRefusal, type HostPolicy } from '../security/host-policy';
import type { FetchedPage } from './fetcher';
import { RateLimiter, type SiteRateLimit } from './rate-limiter';
import {
  nextHop,
  REDIRECT_STATUSES,
  robotsTxtOf,
  toPage,
  type ChallengeRecognizer,
  type RawResponse,
} from './responses';
import { RobotsPolicy, type RobotsOptions, type RobotsTxtLoader } from './robots';

/** The options of the chain's stages, the same for every fetcher. */
export interface ChainOptions {
  /** Base URL of the local mirror (http://127.0.0.1:PORT); null/absent → the real hosts. */
  mirrorUrl?: string | null;
  /** Redirects followed at most, all within the site's domain. */
  maxRedirects: number;
  robots: RobotsOptions;
  /** Per-site limits, or a limiter shared with other fetchers of the process. */
  rateLimit: Record<string, SiteRateLimit> | RateLimiter;
  /** Whether a page is a challenge page by its markers (scrapers/page.ts isChallengePage, with the site's content hooks). */
  recognizeChallenge: ChallengeRecognizer;
  /**
   * Which URLs and addresses each site's requests may reach (declared hosts, resolver override,
   * trusted addresses). Without it, a policy is made from `allowedHosts`.
   */
  hostPolicy?: HostPolicy;
  /**
   * Shorthand for a policy of plain sites: each site's host, whose registrable domain its requests
   * must stay on, e.g. { inmuebles24: 'www.inmuebles24.com' }. A site in neither is refused.
   */
  allowedHosts?: Record<string, string>;
}

/** What the stages of one fetcher consult. */
export interface FetchChain {
  readonly hostPolicy: HostPolicy;
  readonly robots: RobotsPolicy;
  readonly rateLimiter: RateLimiter;
  readonly maxRedirects: number;
  /**
   * Whether the host stage checks the resolver override too: requests the http fetcher sends to the
   * local mirror (no socket lookup sees their host). Requests to real hosts are checked on their
   * socket, and the browser checks each navigation's address in its route handler.
   */
  readonly checkOverride: boolean;
  /** A page's challenge markers, with the site's content hooks (the worker's scrapers/page.ts isChallengePage). */
  readonly recognizeChallenge: ChallengeRecognizer;
}

/**
 * A fetcher's chain from its options. `loadRobotsTxt` fetches robots.txt through the fetcher's own
 * transport (robotsTxtThroughChain), so robots.txt and pages share the mirror, limits and headers.
 */
export function buildChain(
  options: ChainOptions,
  { checkOverride, loadRobotsTxt }: { checkOverride: boolean; loadRobotsTxt: RobotsTxtLoader },
): FetchChain {
  return {
    hostPolicy: options.hostPolicy ?? policyOfHosts(options.allowedHosts ?? {}),
    robots: new RobotsPolicy(options.robots, loadRobotsTxt),
    rateLimiter:
      options.rateLimit instanceof RateLimiter ? options.rateLimit : new RateLimiter({ sites: options.rateLimit }),
    maxRedirects: options.maxRedirects,
    checkOverride,
    recognizeChallenge: options.recognizeChallenge,
  };
}

export interface ChainRequest {
  site: string;
  signal?: AbortSignal;
}

/** One request for `url` and its answer, redirect or not; `takeTurn` (stage 3) is awaited right before sending. */
export type Transport = (url: URL, request: ChainRequest & { takeTurn: () => Promise<void> }) => Promise<RawResponse>;

/** Stage 1: the host policy. `url` parsed, or the HostPolicyError saying why it is refused. */
export async function checkHost(chain: FetchChain, url: string | URL, site: string): Promise<URL> {
  return chain.checkOverride ? chain.hostPolicy.checkMirrorRequest(url, site) : chain.hostPolicy.checkUrl(url, site);
}

/** Stage 2: RobotsDisallowedError when the site's robots.txt forbids `url`. */
export function checkRobots(chain: FetchChain, url: URL, { site, signal }: ChainRequest): Promise<void> {
  return chain.robots.assertAllowed(url.href, site, signal);
}

/** Stage 3: resolves when the site's rate limit lets the next request go; rejects with the signal's reason. */
export function waitTurn(chain: FetchChain, { site, signal }: ChainRequest): Promise<void> {
  return chain.rateLimiter.acquire(site, signal);
}

/**
 * Stage 5: the next hop of a redirect answer, or its error: a target off the site's rules is a
 * HostPolicyError (`byPage`), no Location, a loop or too many hops a RedirectError. `visited`
 * receives the hop; `hop` counts from 0.
 */
export function checkRedirectHop(
  chain: Pick<FetchChain, 'hostPolicy' | 'maxRedirects'>,
  raw: Pick<RawResponse, 'url' | 'status' | 'headers'>,
  site: string,
  visited: Set<string>,
  hop: number,
): URL {
  const siteHosts = chain.hostPolicy.site(site);
  return nextHop(raw, (next) => urlRefusal(next, siteHosts), visited, hop, chain.maxRedirects);
}

/** Stages 6 and 7 for a page: its typed error, or the page with its body decoded. */
export function mapStatus(chain: FetchChain, raw: RawResponse, site: string): FetchedPage {
  return toPage(raw, (html) => chain.recognizeChallenge(html, site));
}

/** A page through every stage. */
export async function fetchThroughChain(
  chain: FetchChain,
  url: string,
  transport: Transport,
  request: ChainRequest,
): Promise<FetchedPage> {
  return mapStatus(chain, await answerThroughChain(chain, url, transport, request, { robots: true }), request.site);
}

/**
 * robots.txt through the same stages but the robots.txt check: its text, null when the site has
 * none for us (4xx), or the typed error of an answer that means "ask later" (429, 5xx).
 */
export async function robotsTxtThroughChain(
  chain: FetchChain,
  robotsUrl: string,
  transport: Transport,
  request: ChainRequest,
): Promise<string | null> {
  const raw = await answerThroughChain(chain, robotsUrl, transport, request, { robots: false });
  return robotsTxtOf(raw, (html) => chain.recognizeChallenge(html, request.site));
}

/** Stages 1–5, hop after hop, to the first answer that is not a redirect. Latency is summed over hops. */
async function answerThroughChain(
  chain: FetchChain,
  start: string,
  transport: Transport,
  request: ChainRequest,
  { robots }: { robots: boolean },
): Promise<RawResponse> {
  const takeTurn = (): Promise<void> => waitTurn(chain, request);
  let url = await checkHost(chain, start, request.site);
  const visited = new Set([url.href]);
  let latencyMs = 0;
  for (let hop = 0; ; hop++) {
    // Checked on every hop: a redirect may lead to a disallowed path of the same site.
    if (robots) await checkRobots(chain, url, request);
    // A redirect's target passed the URL rules in checkRedirectHop; the host stage adds the override
    // check through the mirror, after robots.txt as it always came (hop 0 was checked before anything).
    if (hop > 0) url = await checkHost(chain, url, request.site);
    const raw = await transport(url, { ...request, takeTurn });
    latencyMs += raw.latencyMs;
    if (!REDIRECT_STATUSES.has(raw.status)) return { ...raw, latencyMs };
    url = checkRedirectHop(chain, raw, request.site, visited, hop);
  }
}
