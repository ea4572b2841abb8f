/**
 * PageFetcher over got-scraping: browser-like generated headers, one header set per session,
 * keep-alive sockets, a response size cap, charset decoding, robots.txt and per-site rate limits,
 * and redirects followed by hand so every hop's host is checked. Every failure is a typed
 * ScrapeError (lib/errors.ts); nothing is retried here.
 *
 * got-scraping is ESM-only and end-of-life (shared/reference/temporal.md §7): it is loaded with a
 * real import() on first use and only this file knows about it, so impit can replace it.
 */
import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import type { BeforeRequestHook, GotScraping, Request as GotRequest } from 'got-scraping' with { 'resolution-mode': 'import' };
import { FetchTimeoutError, NetworkError, ResponseTooLargeError, ScrapeError } from '../errors';
import type { FetchedPage, FetchOptions, PageFetcher } from './fetcher';
import { RateLimiter, type SiteRateLimit } from './rate-limiter';
import { joinHeaders, nextHop, robotsTxtOf, toPage, type RawResponse } from './responses';
import { RobotsPolicy, type RobotsOptions } from './robots';
import { resolveTarget } from './target';

// Kept importable from here, where they lived before lib/fetch/responses.ts.
export { decodeBody, parseRetryAfter } from './responses';

export interface HttpFetcherOptions {
  /** Base URL of the local mirror (http://127.0.0.1:PORT); null/absent → the real hosts. */
  mirrorUrl?: string | null;
  /** Whole request, headers and body, per hop. */
  timeoutMs: number;
  /** Decompressed body bytes; past this the download stops with ResponseTooLargeError. */
  maxResponseBytes: number;
  maxRedirects: number;
  userAgents: {
    /** New header set (and custom agent) every `requestsPerSession` requests to a site; false → one set per site. */
    rotate: boolean;
    /** When given, User-Agent comes from this list instead of the generated one. */
    customAgents: string[];
  };
  robots: RobotsOptions;
  /** Per-site limits, or a limiter shared with other fetchers of the process. */
  rateLimit: Record<string, SiteRateLimit> | RateLimiter;
  /**
   * The domain each site may redirect within (www. and the bare domain count as the same), e.g.
   * { inmuebles24: 'www.inmuebles24.com' }. A site not listed is held to the host of the URL asked for.
   */
  allowedHosts?: Record<string, string>;
  /** Requests per header session when rotating (default 25). */
  requestsPerSession?: number;
  /** header-generator options; default: desktop Chrome/Firefox/Edge, Mexican Spanish. */
  headerGeneratorOptions?: Record<string, unknown>;
}

const DEFAULT_HEADER_OPTIONS = {
  browsers: ['chrome', 'firefox', 'edge'],
  devices: ['desktop'],
  operatingSystems: ['windows', 'macos', 'linux'],
  locales: ['es-MX', 'es'],
};
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Headers that describe the generated browser; dropped when a custom User-Agent replaces it. */
const CLIENT_HINTS: readonly string[] = ['sec-ch-ua', 'sec-ch-ua-mobile', 'sec-ch-ua-platform'];

interface HeaderSession {
  /** got-scraping keeps one generated header set per token object. */
  token: object;
  index: number;
  used: number;
}

export class HttpFetcher implements PageFetcher {
  readonly rateLimiter: RateLimiter;
  readonly robots: RobotsPolicy;
  private client: Promise<GotScraping> | null = null;
  private readonly sessions = new Map<string, HeaderSession>();
  /** Keep-alive sockets, reused across requests to the same host (and closed by close()). */
  private readonly agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: 32 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 32 }),
  };

  constructor(private readonly options: HttpFetcherOptions) {
    this.rateLimiter = options.rateLimit instanceof RateLimiter ? options.rateLimit : new RateLimiter({ sites: options.rateLimit });
    this.robots = new RobotsPolicy(options.robots, (robotsUrl, site) => this.loadRobotsTxt(robotsUrl, site));
  }

  async fetch(url: string, { site, signal }: FetchOptions): Promise<FetchedPage> {
    return toPage(await this.followRedirects(url, site, { signal, checkRobots: true }));
  }

  async close(): Promise<void> {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  /**
   * Send, and follow redirects within the site's domain by hand (got would not let us check each
   * hop). The answer's latency is the sum over hops.
   */
  private async followRedirects(
    url: string,
    site: string,
    { signal, checkRobots }: { signal?: AbortSignal; checkRobots: boolean },
  ): Promise<RawResponse> {
    let current = new URL(url);
    const domain = this.options.allowedHosts?.[site] ?? current.hostname;
    const visited = new Set([current.href]);
    let latencyMs = 0;
    for (let hop = 0; ; hop++) {
      // Checked on every hop: a redirect may lead to a disallowed path of the same site.
      if (checkRobots) await this.robots.assertAllowed(current.href, site, signal);
      const raw = await this.send(current, site, signal);
      latencyMs += raw.latencyMs;
      if (!REDIRECT_STATUSES.has(raw.status)) return { ...raw, latencyMs };
      current = nextHop(raw, domain, visited, hop, this.options.maxRedirects);
    }
  }

  /** robots.txt through the same transport (mirror, limits, headers) and redirect rules as pages. */
  private async loadRobotsTxt(robotsUrl: string, site: string): Promise<string | null> {
    // 4xx: the site has no robots.txt for us (RFC 9309 §2.3.1.3). 429 is "ask later", like 5xx.
    return robotsTxtOf(await this.followRedirects(robotsUrl, site, { checkRobots: false }));
  }

  /** One request, one answer: rate limit, target, headers, capped body. Maps transport failures. */
  private async send(url: URL, site: string, signal?: AbortSignal): Promise<RawResponse> {
    await this.rateLimiter.acquire(site, signal);
    const got = await this.gotScraping();
    const target = resolveTarget(url, this.options.mirrorUrl);
    const session = this.nextSession(site);
    const started = performance.now();
    let request: GotRequest | undefined;
    try {
      const customAgent = this.customAgentFor(session);
      request = got.stream(target.requestUrl, {
        headers: {
          // got cannot decode zstd, which newer generated Chrome headers offer.
          'accept-encoding': 'gzip, deflate, br',
          ...(target.hostHeader ? { host: target.hostHeader } : {}),
          ...(customAgent ? { 'user-agent': customAgent } : {}),
        },
        // Client hints of a generated Chrome would contradict a custom agent (see the hook below).
        context: { dropHeaders: customAgent ? CLIENT_HINTS : [] },
        sessionToken: session.token,
        headerGeneratorOptions: this.options.headerGeneratorOptions ?? DEFAULT_HEADER_OPTIONS,
        timeout: { request: this.options.timeoutMs },
        followRedirect: false,
        throwHttpErrors: false,
        decompress: true,
        signal,
      });
      const response = await responseOf(request);
      const declared = Number(response.headers['content-length']);
      if (declared > this.options.maxResponseBytes) throw this.tooLarge(url, `declares ${declared} bytes`);
      const body = await readCapped(request, this.options.maxResponseBytes, () => this.tooLarge(url, 'kept sending'));
      return { url, status: response.statusCode ?? 0, headers: headersAsSent(response.rawHeaders), body, latencyMs: performance.now() - started };
    } catch (error) {
      request?.destroy();
      if (signal?.aborted) throw signal.reason;
      throw transportError(error, url);
    }
  }

  private tooLarge(url: URL, detail: string): ResponseTooLargeError {
    return new ResponseTooLargeError(`${url.host} response ${detail}, over the ${this.options.maxResponseBytes}-byte limit`, url.href);
  }

  /** The configured agent for this session (each session takes the next one), or null to keep the generated one. */
  private customAgentFor(session: HeaderSession): string | null {
    const agents = this.options.userAgents.customAgents;
    return agents.length > 0 ? agents[session.index % agents.length] : null;
  }

  /** The header session for the site's next request: a new one once the current is used up (when rotating). */
  private nextSession(site: string): HeaderSession {
    let session = this.sessions.get(site);
    const perSession = this.options.requestsPerSession ?? 25;
    if (!session || (this.options.userAgents.rotate && session.used >= perSession)) {
      session = { token: {}, index: session ? session.index + 1 : 0, used: 0 };
      this.sessions.set(site, session);
    }
    session.used++;
    return session;
  }

  private gotScraping(): Promise<GotScraping> {
    this.client ??= import('got-scraping').then(({ gotScraping, TransformHeadersAgent }) =>
      gotScraping.extend({
        // got-scraping's agent wrapper orders and cases headers like a browser; ours add keep-alive.
        agent: { http: new TransformHeadersAgent(this.agents.http), https: new TransformHeadersAgent(this.agents.https) },
        retry: { limit: 0 },
        // Runs after got-scraping's header generation, so it can remove generated headers.
        hooks: { beforeRequest: [dropHeaders] },
      }),
    );
    return this.client;
  }
}

const dropHeaders: BeforeRequestHook = (options) => {
  const drop = (options.context as { dropHeaders?: readonly string[] }).dropHeaders ?? [];
  for (const name of Object.keys(options.headers)) {
    if (drop.includes(name.toLowerCase())) delete options.headers[name];
  }
};

/**
 * Response headers as the server sent them (from rawHeaders: got's decompression deletes
 * Content-Encoding from `headers`, and callers log what the site answered).
 */
function headersAsSent(rawHeaders: readonly string[]): Record<string, string> {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) pairs.push([rawHeaders[i], rawHeaders[i + 1]]);
  return joinHeaders(pairs);
}

function responseOf(request: GotRequest): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    request.once('response', resolve);
    request.once('error', reject);
  });
}

async function readCapped(request: GotRequest, maxBytes: number, tooLarge: () => Error): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

/** got/Node transport failures → typed errors; ScrapeErrors pass through. */
function transportError(error: unknown, url: URL): ScrapeError {
  if (error instanceof ScrapeError) return error;
  const { name, code, message } = error as { name?: string; code?: string; message?: string };
  if (name === 'TimeoutError' || code === 'ETIMEDOUT') {
    return new FetchTimeoutError(`${url.host} did not answer in time: ${message ?? 'timeout'}`, url.href);
  }
  return new NetworkError(`${url.host}: ${code ? `${code} ` : ''}${message ?? String(error)}`, url.href);
}
