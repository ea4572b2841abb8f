/**
 * PageFetcher over a real Chromium (lib/fetch/browser-pool.ts), for portals behind Cloudflare
 * (Inmuebles24, Propiedades.com): a plain HTTP client gets a challenge page there, a browser runs
 * the challenge's script, receives the clearance cookie and then the page.
 *
 * Per page, in the order of the fetch chain (lib/fetch/chain.ts), whose transport this fetcher is:
 * the host policy, robots.txt (RobotsPolicy, read through the browser too), a page from the pool
 * in the site's own context, a warm-up visit to the site's home page once per browser session, the
 * site's rate limit (the RateLimiter shared with the http fetchers), the navigation, and then the
 * main document's answer. While that answer is a challenge page, the fetcher waits (bounded by
 * `challengeWaitMs`) for the page to reload into the real one; past that it fails with the
 * non-retryable ChallengePageError. The HTML returned is the document as the server sent it (the
 * response body, not the DOM after scripts), so parsers see what the http fetcher would give them;
 * statuses, content types and redirects are judged by the same rules (lib/fetch/responses.ts).
 *
 * Only what a page needs is loaded: documents and the challenge vendors' machinery (Cloudflare's
 * /cdn-cgi/ on the site and challenges.cloudflare.com, AWS WAF's challenge.js and token calls on
 * *.awswaf.com); images, fonts, stylesheets and the site's own scripts are refused, which keeps
 * the browser small.
 *
 * Mirror mode (`mirrorUrl`): requests for the site's hosts are answered through the local mirror
 * with the real Host header, from context.route() — Chromium cannot be pointed at an http mirror
 * for https URLs (route.continue may not change the scheme, --host-resolver-rules keeps TLS). The
 * request goes out from Node with the headers Chromium put on it, plus those its network stack
 * adds after interception (cookies from the context's jar, Accept-Encoding, Accept-Language,
 * Sec-Fetch-*); redirects are followed there under the http fetcher's rules (Chromium does not
 * route redirect hops, so a fulfilled 3xx would escape to the network); the answer is decompressed
 * and handed back to the page. The challenge vendors' hosts are answered by the mirror too (it
 * plays AWS WAF's token host); requests for any other host are refused: the mirror is a closed
 * world. Without a mirror, requests go out through Chromium's own network stack (route.continue),
 * TLS fingerprint and all, and the redirect chain Chromium followed is judged afterwards by the
 * same rules.
 *
 * The host policy (lib/security/host-policy.ts) holds every main-frame navigation, the page's own
 * and any its scripts start (a challenge page doing `window.location = 'https://elsewhere…'`): a
 * URL off the site's domain, an IP literal, another scheme, or a host resolving to a non-public
 * address is aborted before it leaves the browser, and the fetch fails with a HostPolicyError
 * saying why. Underneath, Chromium's every connection goes through the pool's egress proxy
 * (lib/fetch/egress-proxy.ts), through the listener of the site whose context opens it: there each
 * connection, a redirect hop Chromium follows by itself included, passes that site's own host
 * rules and the address check before anything is sent, and a refusal is reported with its reason.
 *
 * Proxies (the site's ProxyPool, lib/fetch/proxy-pool.ts): the fetcher's session of a site sticks
 * to one proxy, and each proxy has a browser context of its own (its cookies, a challenge's
 * clearance included, stay with the address that earned them), whose egress listener forwards to
 * that proxy under the same host rules (lib/fetch/egress-proxy.ts). A block (403, 429, a challenge
 * that does not clear) or a navigation that fails at the network rests the proxy, and the next
 * page goes through another one, in that proxy's context.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { BrowserContext, Page, Request, Response, Route } from 'playwright-core';
import {
  ChallengePageError,
  FetchTimeoutError,
  HostPolicyError,
  NetworkError,
  ResponseTooLargeError,
  ScrapeError,
} from '../errors';
import { bareHost } from '../security/address-guard';
import { registrableDomain, urlRefusal, type HostPolicy, type SiteHosts } from '../security/host-policy';
import { BrowserPool, type BrowserPoolOptions, type PageLease } from './browser-pool';
import type { FetchedPage, FetchOptions, PageFetcher } from './fetcher';
import { isBlock, isNetworkFailure, type ProxyPool } from './proxy-pool';
import type { RateLimiter } from './rate-limiter';
import type { EgressProxyOptions } from './egress-proxy';
import {
  buildChain,
  checkRedirectHop,
  fetchThroughChain,
  robotsTxtThroughChain,
  waitTurn,
  type ChainOptions,
  type FetchChain,
  type Transport,
} from './chain';
import { isChallengeAnswer, joinHeaders, REDIRECT_STATUSES, type RawResponse } from './responses';
import type { RobotsPolicy } from './robots';

export interface BrowserFetcherOptions extends ChainOptions {
  /** A pool shared with the process's other browser fetchers, or options for one of its own (closed by close()). */
  pool: BrowserPool | BrowserPoolOptions;
  /** One navigation, from the request to the whole document (challenge waits not included). */
  timeoutMs: number;
  /** Decoded body bytes of a page; larger fails with ResponseTooLargeError. */
  maxResponseBytes: number;
  /** How long a challenge page may take to turn into the page (config security.browser.challenge_wait_seconds). */
  challengeWaitMs: number;
  /** Visit the site's home page before its first page in each browser session (default true). */
  warmUp?: boolean;
  /** Each site's proxies (config `proxies`, a pool shared with the site's http fetcher); none: direct. */
  proxies?: Record<string, ProxyPool>;
}

let browserFetchersMade = 0;

/** Which fetcher is navigating each page: it answers the page's requests (its mirror, limits and records). */
const pageUsers = new WeakMap<Page, BrowserFetcher>();

/**
 * Domains of the challenge vendors' machinery, each with its subdomains: allowed to load as
 * subresources of a page (its scripts and their calls), never as the page itself.
 * - challenges.cloudflare.com: Cloudflare's Turnstile and managed challenge (docs/portals.md §1.4).
 * - awswaf.com: AWS WAF's challenge.js and token calls (`<id>.<region>.token.awswaf.com`,
 *   docs/portals.md §3.4); AWS documents its JavaScript as calling several endpoints under that
 *   apex domain, which a content security policy must allow as `https://*.awswaf.com`
 *   (https://docs.aws.amazon.com/waf/latest/developerguide/waf-javascript-api-csp.html).
 */
export const CHALLENGE_VENDOR_DOMAINS: readonly string[] = ['challenges.cloudflare.com', 'awswaf.com'];

/** Whether `host` is one of the challenge vendors' (CHALLENGE_VENDOR_DOMAINS, subdomains included). */
export function isChallengeVendorHost(host: string): boolean {
  const bare = bareHost(host);
  return CHALLENGE_VENDOR_DOMAINS.some((domain) => bare === domain || bare.endsWith(`.${domain}`));
}

/**
 * The egress proxy's rules for a browser whose sites `policy` holds: each site's context may
 * connect to the hosts of its own site and to the challenge vendors, at public addresses (or the
 * policy's trusted endpoints).
 */
export function browserEgress(policy: HostPolicy): EgressProxyOptions {
  return {
    guard: policy.addresses,
    hostRefusal: (host, site) => (isChallengeVendorHost(host) ? null : policy.connectionRefusal(host, site)),
  };
}
/** Response headers that describe the transfer, dropped when a decoded body is handed to Chromium. */
const TRANSFER_HEADERS = new Set([
  'content-encoding',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
]);

/** What the mirror answered to a request the route handler sent, kept for the fetcher. */
interface MirrorAnswer {
  /** The URL that answered, after redirects (real host). */
  url: URL;
  status: number;
  /** As the mirror sent them (Content-Encoding included). */
  headers: Record<string, string>;
  /** The same as [name, value] pairs, lower-case names, repeats kept apart. */
  pairs: Array<[string, string]>;
  /** Decoded. */
  body: Buffer;
}

export class BrowserFetcher implements PageFetcher {
  readonly rateLimiter: RateLimiter;
  readonly robots: RobotsPolicy;
  readonly pool: BrowserPool;
  private readonly ownsPool: boolean;
  /** Keep-alive sockets to the mirror (mirror mode only). */
  private readonly mirrorAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  readonly hostPolicy: HostPolicy;
  /** The stages every page and robots.txt goes through (lib/fetch/chain.ts); this fetcher brings the transport. */
  private readonly chain: FetchChain;
  /** Why a page's current navigation was stopped from the route handler (host policy, redirect off-domain, too large …). */
  private readonly failures = new WeakMap<Page, ScrapeError>();
  /** The URL each page's current fetch asked for: a main-frame navigation elsewhere was started by the page itself. */
  private readonly targets = new WeakMap<Page, URL>();
  /** The document watcher of each page's current navigation, woken when the route handler stops it. */
  private readonly watchers = new WeakMap<Page, DocumentWatcher>();
  /** Mirror answers by request, so the fetcher reports the headers the mirror sent. */
  private readonly answers = new WeakMap<Request, MirrorAnswer>();
  /** The warm-up of each site context, shared by the pages that start at once. */
  private readonly warmUps = new WeakMap<BrowserContext, Promise<void>>();
  /** Names this fetcher's sessions in the sites' proxy pools ("browser-1/lamudi"). */
  private readonly id = `browser-${++browserFetchersMade}`;
  /** The proxy each site's last page went through: the one a block is blamed on. */
  private readonly lastProxy = new Map<string, string>();

  constructor(private readonly options: BrowserFetcherOptions) {
    this.ownsPool = !(options.pool instanceof BrowserPool);
    this.pool = options.pool instanceof BrowserPool ? options.pool : new BrowserPool(options.pool);
    this.chain = buildChain(options, {
      // Each navigation's address is checked in the route handler (checkNavigation), mirror or not.
      checkOverride: false,
      loadRobotsTxt: (robotsUrl, site) => this.loadRobotsTxt(robotsUrl, site),
    });
    ({ rateLimiter: this.rateLimiter, robots: this.robots, hostPolicy: this.hostPolicy } = this.chain);
  }

  async fetch(url: string, { site, signal }: FetchOptions): Promise<FetchedPage> {
    signal?.throwIfAborted();
    try {
      return await fetchThroughChain(this.chain, url, (target, request) => this.sendPage(target, request), {
        site,
        signal,
      });
    } catch (error) {
      // The site refused the proxy's address: it rests, and the next page goes through another one.
      if (isBlock(error)) this.proxyTrouble(site);
      throw error;
    }
  }

  /** The proxy this fetcher's session of `site` goes through (none without a pool). */
  private proxyOf(site: string): string | undefined {
    const proxy = this.options.proxies?.[site]?.proxyFor(`${this.id}/${site}`);
    if (proxy) this.lastProxy.set(site, proxy);
    return proxy;
  }

  /** The session's proxy rests; the session moves to another proxy on its next page. */
  private proxyTrouble(site: string): void {
    const proxy = this.lastProxy.get(site);
    if (proxy) this.options.proxies?.[site]?.reportTrouble(`${this.id}/${site}`, proxy);
  }

  /**
   * The transport of a page: robots.txt is read before a page is taken from the pool (its loader
   * needs a page of its own), then the warm-up visit once per browser session, then the page's
   * own turn and its navigation.
   */
  private async sendPage(target: URL, { site, signal, takeTurn }: Parameters<Transport>[1]): Promise<RawResponse> {
    const home = new URL('/', target);
    const warmUp =
      this.options.warmUp !== false &&
      target.href !== home.href &&
      (await this.robots.isAllowed(home.href, site, signal));
    return this.withLease(site, { signal }, async (lease) => {
      if (warmUp) await this.warmUpOnce(lease, home, site, signal);
      await takeTurn();
      return this.navigate(lease, target, site, signal);
    });
  }

  /**
   * A page of the site's context for `use`, released afterwards; broken (closed, not reused) when
   * the browser failed rather than the site answered with an error.
   */
  private async withLease<T>(
    site: string,
    options: { signal?: AbortSignal; countsAsPage?: boolean },
    use: (lease: PageLease) => Promise<T>,
  ): Promise<T> {
    const proxy = this.proxyOf(site);
    const lease = await this.pool.acquire(site, {
      ...options,
      ...(proxy ? { proxy } : {}),
      setupContext: (context) => this.setupContext(context, site),
    });
    let broken = true;
    try {
      const result = await use(lease);
      broken = false;
      return result;
    } catch (error) {
      // A page that answered with an error status is still a healthy page.
      broken = !(error instanceof ScrapeError) || isNetworkFailure(error);
      if (proxy && isNetworkFailure(error)) this.proxyTrouble(site);
      throw error;
    } finally {
      await lease.release({ broken });
    }
  }

  /** Close the mirror sockets, and the pool when this fetcher made it. */
  async close(): Promise<void> {
    this.mirrorAgent.destroy();
    if (this.ownsPool) await this.pool.close();
  }

  // ── Navigation ─────────────────────────────────────────────────────────────────────────────

  /**
   * Open `url` in the lease's page and return the main document's answer once it is not a
   * challenge. The caller has taken the site's turn (waitTurn). Aborting closes the page (the
   * lease is then released as broken).
   */
  private async navigate(lease: PageLease, url: URL, site: string, signal?: AbortSignal): Promise<RawResponse> {
    const { page } = lease;
    pageUsers.set(page, this);
    this.targets.set(page, url);
    this.failures.delete(page);
    const documents = new DocumentWatcher(page);
    this.watchers.set(page, documents);
    const onAbort = (): void => void page.close().catch(() => undefined);
    signal?.addEventListener('abort', onAbort, { once: true });
    const started = performance.now();
    // A navigation the egress proxy refused on its socket (a DNS answer that changed after the
    // route handler's check) fails in Chromium as a tunnel error: name the refusal, stop waiting.
    // A redirect hop Chromium followed is named as the site's redirect when the rules refuse it.
    const onRequestFailed = (request: Request): void => {
      // ERR_ABORTED: a navigation replaced by the next one (the page's previous fetch), not refused.
      if (!isMainFrameNavigation(request, page) || /ERR_ABORTED/.test(request.failure()?.errorText ?? '')) return;
      let redirect: ScrapeError | null = null;
      try {
        this.checkRedirects(request, site);
      } catch (error) {
        if (error instanceof ScrapeError) redirect = error;
      }
      void (redirect ? Promise.resolve(redirect) : this.egressRefusal(request, url, site, started)).then((failure) => {
        if (!failure || this.failures.has(page)) return;
        this.failures.set(page, failure);
        documents.interrupt();
      });
    };
    page.on('requestfailed', onRequestFailed);
    try {
      let navigationError: unknown = null;
      try {
        // 'commit': the answer is in; the body is read from the response, no need to wait for the DOM.
        await page.goto(url.href, { waitUntil: 'commit', timeout: this.options.timeoutMs });
      } catch (error) {
        navigationError = error;
      }
      if (signal?.aborted) throw signal.reason;
      const stopped = this.failures.get(page);
      if (stopped) throw stopped;
      if (navigationError !== null && documents.count === 0) {
        // A redirect Chromium followed off the site fails there (or elsewhere): name the redirect.
        if (documents.lastRequest) this.checkRedirects(documents.lastRequest, site);
        throw (
          (await this.egressRefusal(documents.lastRequest, url, site, started)) ??
          navigationFailure(navigationError, url, this.options.timeoutMs)
        );
      }

      const deadline = performance.now() + this.options.challengeWaitMs;
      if (!(await documents.waitForAtLeast(1, this.options.timeoutMs, signal))) {
        throw (
          this.failures.get(page) ??
          new FetchTimeoutError(`${url.host} sent no document within ${this.options.timeoutMs} ms`, url.href)
        );
      }
      for (;;) {
        const count = documents.count;
        const answer = await this.readDocument(documents.latest!, site, signal);
        if (
          answer !== 'replaced' &&
          !isChallengeAnswer(answer, (html) => this.options.recognizeChallenge(html, site))
        ) {
          if (answer.body.length > this.options.maxResponseBytes) {
            throw new ResponseTooLargeError(
              `${url.host} sent ${answer.body.length} bytes, over the ${this.options.maxResponseBytes}-byte limit`,
              url.href,
            );
          }
          return { ...answer, latencyMs: performance.now() - started };
        }
        if (documents.count > count) continue; // a newer document has already taken its place
        // A challenge page, or a document gone before its body could be read: wait for the one it turns into.
        const remaining = answer === 'replaced' ? this.options.timeoutMs : deadline - performance.now();
        const next = remaining > 0 && (await documents.waitForAtLeast(count + 1, remaining, signal));
        const stoppedLater = this.failures.get(page);
        if (stoppedLater) throw stoppedLater;
        if (next) continue;
        if (answer === 'replaced')
          throw new NetworkError(`${url.host}: the browser lost the page's document before it could be read`, url.href);
        const waited = Math.round(this.options.challengeWaitMs / 100) / 10;
        throw new ChallengePageError(
          `${url.host} kept answering with an anti-bot challenge page for ${waited} s: the challenge did not clear`,
          url.href,
        );
      }
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      page.off('requestfailed', onRequestFailed);
      documents.dispose();
    }
  }

  /**
   * The egress proxy's refusal (since `since`) of the host a failed navigation of `site` went to,
   * as a HostPolicyError with the rule that refused it (off-domain, ip-literal, non-public-address …),
   * if it refused it.
   */
  private async egressRefusal(
    request: Request | null,
    url: URL,
    site: string,
    since: number,
  ): Promise<HostPolicyError | null> {
    // Through the mirror no navigation goes through the (closed) proxy: what it refused then is
    // Chromium's own speculative connections (preconnects), never the reason a navigation failed.
    if (this.options.mirrorUrl) return null;
    const tried = request ? new URL(request.url()) : url;
    const refused = (await this.pool.egress())?.refusalFor(site, tried.hostname, since);
    // A refusal that is no rule of the host policy (a connection without a site) explains nothing here.
    if (!refused?.reason) return null;
    const byPage = tried.href !== url.href;
    const what = byPage ? `the page ${url.href} navigated to ${tried.href}, which was` : tried.href;
    return new HostPolicyError(
      `${what} refused on its connection: ${refused.message}`,
      url.href,
      refused.reason,
      byPage,
    );
  }

  /** The answer a main-document response carries, or 'replaced' when the page moved on before its body could be read. */
  private async readDocument(
    response: Response,
    site: string,
    signal?: AbortSignal,
  ): Promise<Omit<RawResponse, 'latencyMs'> | 'replaced'> {
    const fromMirror = this.answers.get(response.request());
    if (fromMirror)
      return { url: fromMirror.url, status: fromMirror.status, headers: fromMirror.headers, body: fromMirror.body };
    // Chromium followed any redirects itself (a route never sees the hops): judge the chain now.
    this.checkRedirects(response.request(), site);
    const url = new URL(response.url());
    let body: Buffer;
    try {
      body = await untilAborted(withDeadline(response.body(), this.options.timeoutMs), signal);
    } catch {
      if (signal?.aborted) throw signal.reason;
      return 'replaced';
    }
    return {
      url,
      status: response.status(),
      headers: joinHeaders((await response.headersArray()).map(({ name, value }) => [name, value] as const)),
      body,
    };
  }

  /** The home page, once per site context (concurrent first pages share it). Its outcome does not matter: the page itself is judged. */
  private async warmUpOnce(lease: PageLease, home: URL, site: string, signal?: AbortSignal): Promise<void> {
    let warming = this.warmUps.get(lease.context);
    if (!warming) {
      warming = waitTurn(this.chain, { site, signal })
        .then(() => this.navigate(lease, home, site, signal))
        .then(
          () => undefined,
          (error: unknown) => {
            // An aborted warm-up is tried again by the next page; any other outcome counts as done.
            if (signal?.aborted) this.warmUps.delete(lease.context);
            if (signal?.aborted || lease.page.isClosed()) throw error;
          },
        );
      this.warmUps.set(lease.context, warming);
    }
    try {
      await untilAborted(warming, signal);
    } catch {
      if (signal?.aborted) throw signal.reason;
      if (lease.page.isClosed())
        throw new NetworkError(`${home.host}: the browser page closed during the warm-up visit`, home.href);
      // Another page's warm-up was cut short: go on without it.
    }
  }

  /** robots.txt through the browser (same session, challenge handling and mirror routing as pages). */
  private loadRobotsTxt(robotsUrl: string, site: string): Promise<string | null> {
    const transport: Transport = (target, { takeTurn }) =>
      this.withLease(site, { countsAsPage: false }, async (lease) => {
        await takeTurn();
        return this.navigate(lease, target, site);
      });
    return robotsTxtThroughChain(this.chain, robotsUrl, transport, { site });
  }

  // ── Request routing ────────────────────────────────────────────────────────────────────────

  /**
   * Installed by the pool on each new context of the site. Requests are handled by the fetcher
   * whose navigation the page is running (several fetchers may share a pool and a site's context).
   */
  private async setupContext(context: BrowserContext, site: string): Promise<void> {
    await context.route('**/*', (route) => {
      let page: Page | null = null;
      try {
        page = route.request().frame().page();
      } catch {
        // a request without a live frame: handled by the installing fetcher
      }
      return ((page && pageUsers.get(page)) || this).route(route, context, site, page);
    });
  }

  private async route(route: Route, context: BrowserContext, site: string, page: Page | null): Promise<void> {
    const request = route.request();
    let mainDocument = false;
    try {
      if (!page) throw new NetworkError(`${request.url()}: a request without a page`);
      const url = new URL(request.url());
      mainDocument = request.isNavigationRequest() && request.frame() === page.mainFrame();
      const siteHosts = this.hostPolicy.site(site);
      // Every main-frame navigation passes the whole host policy before it leaves the browser.
      if (mainDocument) await this.checkNavigation(url, site, page);
      const onSite = urlRefusal(url, siteHosts) === null;
      const vendor = !mainDocument && isChallengeVendorHost(url.hostname);
      if (!isWanted(request, url, onSite, mainDocument, vendor)) return await route.abort('blockedbyclient');
      if (!this.options.mirrorUrl) return await route.continue();
      // The mirror is a closed world: the site's hosts, and the challenge vendors it plays.
      if (!onSite && !vendor) return await route.abort('blockedbyclient');
      const answer = vendor
        ? await this.askMirrorForVendor(request, url, context)
        : await this.askMirror(request, url, context, siteHosts, mainDocument);
      this.answers.set(request, answer);
      await route.fulfill({ status: answer.status, headers: fulfilHeaders(answer.pairs), body: answer.body });
    } catch (error) {
      // Only the page's own document decides the fetch; a failed subresource is just not loaded.
      if (page && mainDocument && error instanceof ScrapeError) {
        this.failures.set(page, error);
        // A navigation the page started while the fetcher waits on a challenge: stop waiting now.
        this.watchers.get(page)?.interrupt();
      }
      await route.abort(error instanceof ScrapeError ? 'blockedbyclient' : 'failed').catch(() => undefined);
    }
  }

  /**
   * The host policy on a main-frame navigation: the URL rules, then the address its host resolves
   * to (through the mirror, the resolver override only). A navigation the page started itself is
   * named as such. Throws HostPolicyError.
   */
  private async checkNavigation(url: URL, site: string, page: Page): Promise<void> {
    const target = this.targets.get(page);
    try {
      this.hostPolicy.checkUrl(url, site);
      await this.hostPolicy.checkResolution(url, { useSystemDns: !this.options.mirrorUrl });
    } catch (error) {
      if (!(error instanceof HostPolicyError)) {
        // The host did not resolve at all: the fetch fails as the network failure it is (retryable).
        const { code, message } = error as NodeJS.ErrnoException;
        throw new NetworkError(`${url.host}: ${code ? `${code} ` : ''}${message}`, url.href);
      }
      if (!target || target.href === url.href) throw error;
      throw new HostPolicyError(
        `the page ${target.href} navigated to ${error.message}`,
        target.href,
        error.reason,
        true,
      );
    }
  }

  /** RedirectError when the redirect chain that ended in `request` left the site's domain, looped or ran too long. */
  private checkRedirects(request: Request, site: string): void {
    const chain: Request[] = [];
    for (let hop: Request | null = request; hop; hop = hop.redirectedFrom()) chain.unshift(hop);
    if (chain.length === 1) return;
    const visited = new Set([chain[0].url()]);
    for (let i = 1; i < chain.length; i++) {
      const hop = { url: new URL(chain[i - 1].url()), status: 302, headers: { location: chain[i].url() } };
      checkRedirectHop(this.chain, hop, site, visited, i - 1);
    }
  }

  /**
   * The mirror's answer to a request Chromium would have sent to the real host. Redirects are
   * followed here, hop by hop under the http fetcher's rules (Chromium would follow a fulfilled
   * redirect itself, past any route, onto the real network); the page keeps the URL it asked for
   * and the fetcher reports the final one. Cookies set by intermediate hops are not kept.
   */
  private async askMirror(
    request: Request,
    url: URL,
    context: BrowserContext,
    siteHosts: SiteHosts,
    mainDocument: boolean,
  ): Promise<MirrorAnswer> {
    const headers = await this.outgoingHeaders(request, url, context);
    let method = request.method();
    let body = request.postDataBuffer();
    let current = url;
    const visited = new Set([current.href]);
    for (let hop = 0; ; hop++) {
      const answer = await this.askMirrorOnce(
        current,
        method,
        headers,
        body,
        mainDocument ? this.options.maxResponseBytes : Infinity,
      );
      if (!REDIRECT_STATUSES.has(answer.status)) return answer;
      current = checkRedirectHop(this.chain, answer, siteHosts.key, visited, hop);
      // The override may map a hop's host to a private address: refused like the page itself.
      await this.hostPolicy.checkMirrorRequest(current, siteHosts.key);
      if (answer.status === 303 || ((answer.status === 301 || answer.status === 302) && method === 'POST')) {
        method = 'GET';
        body = null;
        delete headers['content-type'];
        delete headers['content-length'];
      }
      headers.host = current.host;
      const cookies = await context.cookies(current.href);
      if (cookies.length > 0) headers.cookie = cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
      else delete headers.cookie;
    }
  }

  /**
   * The mirror's answer to a request for a challenge vendor's host (AWS WAF's challenge.js): one
   * request, no redirect followed (a vendor's script has none to give; a fulfilled one would send
   * Chromium past the route, onto the network).
   */
  private async askMirrorForVendor(request: Request, url: URL, context: BrowserContext): Promise<MirrorAnswer> {
    const answer = await this.askMirrorOnce(
      url,
      request.method(),
      await this.outgoingHeaders(request, url, context),
      request.postDataBuffer(),
      this.options.maxResponseBytes,
    );
    if (REDIRECT_STATUSES.has(answer.status))
      throw new NetworkError(
        `${url.host} answered ${answer.status}: a challenge vendor's redirect is not followed`,
        url.href,
      );
    return answer;
  }

  /** One request to the mirror for `url` (Host: the real host), decoded and capped. */
  private askMirrorOnce(
    url: URL,
    method: string,
    headers: Record<string, string>,
    postData: Buffer | null,
    limit: number,
  ): Promise<MirrorAnswer> {
    const mirror = new URL(this.options.mirrorUrl!);
    return new Promise<MirrorAnswer>((resolve, reject) => {
      const outgoing = http.request(
        {
          host: mirror.hostname,
          port: mirror.port || 80,
          path: url.pathname + url.search,
          method,
          headers,
          agent: this.mirrorAgent,
          timeout: this.options.timeoutMs,
        },
        (incoming) => {
          const chunks: Buffer[] = [];
          let size = 0;
          incoming.on('data', (chunk: Buffer) => {
            size += chunk.length;
            chunks.push(chunk);
          });
          incoming.on('error', (error) => reject(new NetworkError(`${url.host}: ${error.message}`, url.href)));
          incoming.on('end', () => {
            try {
              const pairs = headerPairs(incoming.rawHeaders);
              const sent = joinHeaders(pairs);
              const body = decode(Buffer.concat(chunks, size), sent['content-encoding']);
              if (body.length > limit) {
                throw new ResponseTooLargeError(
                  `${url.host} sent ${body.length} bytes, over the ${limit}-byte limit`,
                  url.href,
                );
              }
              resolve({ url, status: incoming.statusCode ?? 0, headers: sent, pairs, body });
            } catch (error) {
              reject(error);
            }
          });
        },
      );
      outgoing.on('timeout', () =>
        outgoing.destroy(
          new FetchTimeoutError(`${url.host} did not answer within ${this.options.timeoutMs} ms`, url.href),
        ),
      );
      outgoing.on('error', (error) => {
        const { code, message } = error as NodeJS.ErrnoException;
        reject(
          error instanceof ScrapeError
            ? error
            : new NetworkError(`${url.host}: ${code ? `${code} ` : ''}${message}`, url.href),
        );
      });
      outgoing.end(postData ?? undefined);
    });
  }

  /**
   * The headers Chromium sends for `request`: those it set before interception, plus the ones its
   * network stack adds afterwards and a route therefore never sees.
   */
  private async outgoingHeaders(request: Request, url: URL, context: BrowserContext): Promise<Record<string, string>> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers())) headers[name.toLowerCase()] = value;
    headers.host = url.host;
    const cookies = await context.cookies(url.href);
    if (cookies.length > 0) headers.cookie = cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
    headers['accept-encoding'] ??= 'gzip, deflate, br';
    headers['accept-language'] ??= 'es-MX,es;q=0.9';
    for (const [name, value] of Object.entries(fetchMetadata(request, url))) headers[name] ??= value;
    return headers;
  }
}

// ── Helpers ──────────────────────────────────────────────────────────────────────────────────

/** Main-frame document responses of a page, in arrival order, redirect hops left out. */
class DocumentWatcher {
  /** The latest main-frame navigation request (a redirect hop included). */
  lastRequest: Request | null = null;
  private readonly responses: Response[] = [];
  private readonly wakers = new Set<() => void>();
  /** Set by interrupt(): waits end at once (the fetcher then finds why in its failures). */
  private interrupted = false;
  private readonly requestListener = (request: Request): void => {
    try {
      if (request.isNavigationRequest() && request.frame() === this.page.mainFrame()) this.lastRequest = request;
    } catch {
      // a request of a frame already gone
    }
  };
  private readonly listener = (response: Response): void => {
    try {
      const request = response.request();
      if (!request.isNavigationRequest() || response.frame() !== this.page.mainFrame()) return;
      if (REDIRECT_STATUSES.has(response.status())) return;
    } catch {
      return; // a response of a frame already gone
    }
    this.responses.push(response);
    for (const wake of this.wakers) wake();
  };

  constructor(private readonly page: Page) {
    page.on('response', this.listener);
    page.on('request', this.requestListener);
  }

  get count(): number {
    return this.responses.length;
  }

  get latest(): Response | undefined {
    return this.responses[this.responses.length - 1];
  }

  /** Resolves true once `count` documents have arrived, false after `timeoutMs`; rejects on abort or when the page closes. */
  waitForAtLeast(count: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (this.responses.length >= count) return Promise.resolve(true);
    if (this.interrupted) return Promise.resolve(false);
    return new Promise<boolean>((resolve, reject) => {
      const finish = (settle: () => void): void => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        signal?.removeEventListener('abort', onAbort);
        this.page.off('close', onClose);
        settle();
      };
      const wake = (): void => {
        if (this.responses.length >= count || this.interrupted) finish(() => resolve(this.responses.length >= count));
      };
      const onAbort = (): void => finish(() => reject(signal!.reason));
      const onClose = (): void =>
        finish(() => reject(new NetworkError('the browser page closed while waiting for the document')));
      const timer = setTimeout(() => finish(() => resolve(false)), Math.max(0, timeoutMs));
      this.wakers.add(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.page.on('close', onClose);
    });
  }

  /** End every wait now, and the next ones at once. */
  interrupt(): void {
    this.interrupted = true;
    for (const wake of this.wakers) wake();
  }

  dispose(): void {
    this.page.off('response', this.listener);
    this.page.off('request', this.requestListener);
    this.wakers.clear();
  }
}

function isMainFrameNavigation(request: Request, page: Page): boolean {
  try {
    return request.isNavigationRequest() && request.frame() === page.mainFrame();
  } catch {
    return false; // a frame already gone
  }
}

/**
 * The page's own document, frames of the site, and the challenge vendors' machinery (Cloudflare's
 * /cdn-cgi/ on the site and its challenge host, AWS WAF's script and token calls: `vendor`);
 * everything else a page asks for (images, styles, fonts, the site's scripts, third-party frames)
 * is refused.
 */
function isWanted(request: Request, url: URL, onSite: boolean, mainDocument: boolean, vendor: boolean): boolean {
  if (mainDocument || vendor) return true;
  if (request.resourceType() === 'document') return onSite;
  return onSite && url.pathname.startsWith('/cdn-cgi/');
}

/** A failed page.goto as a typed error. */
function navigationFailure(error: unknown, url: URL, timeoutMs: number): ScrapeError {
  if (error instanceof ScrapeError) return error;
  const { name, message = String(error) } = error as { name?: string; message?: string };
  const firstLine = message.split('\n')[0].replace(/^page\.goto: /, '');
  if (name === 'TimeoutError')
    return new FetchTimeoutError(`${url.host} did not answer within ${timeoutMs} ms (browser navigation)`, url.href);
  return new NetworkError(`${url.host}: ${firstLine}`, url.href);
}

/**
 * Sec-Fetch-* as Chromium's network stack sets them (Fetch Metadata): navigations are
 * navigate/document (iframe for sub-frames) with Sec-Fetch-User for a browser-initiated one.
 */
function fetchMetadata(request: Request, url: URL): Record<string, string> {
  const referer = request.headers().referer;
  let site = 'none';
  if (referer) {
    const from = new URL(referer);
    site =
      from.origin === url.origin
        ? 'same-origin'
        : registrableDomain(from.hostname) === registrableDomain(url.hostname)
          ? 'same-site'
          : 'cross-site';
  }
  const type = request.resourceType();
  if (request.isNavigationRequest()) {
    let mainFrame = true;
    try {
      mainFrame = request.frame() === request.frame().page().mainFrame();
    } catch {
      // A frame already detached: call it the main one.
    }
    return {
      'sec-fetch-site': site,
      'sec-fetch-mode': 'navigate',
      'sec-fetch-dest': mainFrame ? 'document' : 'iframe',
      ...(referer ? {} : { 'sec-fetch-user': '?1' }),
    };
  }
  const dest: Record<string, string> = {
    script: 'script',
    stylesheet: 'style',
    image: 'image',
    font: 'font',
    media: 'video',
  };
  return {
    'sec-fetch-site': site,
    'sec-fetch-mode': type === 'xhr' || type === 'fetch' ? 'cors' : 'no-cors',
    'sec-fetch-dest': dest[type] ?? 'empty',
  };
}

function headerPairs(rawHeaders: readonly string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) pairs.push([rawHeaders[i].toLowerCase(), rawHeaders[i + 1]]);
  return pairs;
}

/** Body after Content-Encoding (Chromium does not decode a fulfilled body). */
function decode(body: Buffer, encoding: string | undefined): Buffer {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(body);
    case 'deflate':
      return inflateSync(body);
    case 'br':
      return brotliDecompressSync(body);
    default:
      return body;
  }
}

/** Headers for route.fulfill: transfer headers dropped (the body is decoded), Set-Cookie lines kept apart. */
function fulfilHeaders(pairs: ReadonlyArray<readonly [string, string]>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of pairs) {
    if (TRANSFER_HEADERS.has(name)) continue;
    // Playwright splits Set-Cookie on "\n" (a comma may sit inside an Expires date); others join with ", ".
    const separator = name === 'set-cookie' ? '\n' : ', ';
    headers[name] = name in headers ? `${headers[name]}${separator}${value}` : value;
  }
  return headers;
}

/** Wait for `promise`, or reject with the signal's reason as soon as it aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** `promise`, or a rejection after `ms` (the caller treats it like a body that cannot be read). */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no body within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
