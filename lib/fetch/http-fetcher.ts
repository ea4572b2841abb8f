/**
 * PageFetcher over got-scraping: browser-like generated headers, one header set per session,
 * keep-alive sockets, a response size cap, charset decoding, robots.txt and per-site rate limits,
 * and redirects followed by hand so every hop's host is checked, in the order of the fetch chain
 * (lib/fetch/chain.ts), whose transport this fetcher is. Every failure is a typed
 * ScrapeError (lib/errors.ts); nothing is retried here.
 *
 * The host policy (lib/security/host-policy.ts) holds every request: the URL asked for, robots.txt
 * and each redirect hop before anything is sent, and the address on the socket itself: the
 * keep-alive agents resolve through the policy's lookup, so a host name that resolves (or comes to
 * resolve) to a private address never gets a connection (each socket's lookup knows its port, so
 * an endpoint trusted on one port is not on another). Every socket comes from those agents:
 * HTTP/2 is off (got-scraping would open its own sessions and probe ALPN with sockets of its own),
 * and the ALPN probe got-scraping makes to choose its header set is answered here, without a
 * connection: HTTP/1.1. Through the local mirror the socket goes to the configured mirror, which is
 * trusted; the logical host name still passes the resolver override.
 *
 * Proxies (a site's ProxyPool, lib/fetch/proxy-pool.ts): each header session is one proxy session,
 * so a generated identity always shows the portal the same address, and a block (403, 429, a
 * challenge page) or a proxy that cannot be reached rests that proxy and starts a new header session
 * on another one. With a proxy the socket goes to the proxy, an endpoint the operator configured
 * and so trusted explicitly (got-scraping's proxy agents replace the guarded ones); the target
 * host's addresses are then checked by the guard (system DNS) right before the request is handed
 * to the proxy, after the URL rules of the host stage as always. Proxy passwords never appear in a
 * message (lib/security/redact.ts).
 *
 * got-scraping is ESM-only and no longer developed upstream (Apify points to impit): it is loaded
 * with a real import() on first use and only this file knows about it, so impit can replace it.
 */
import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import type { BeforeRequestHook, GotScraping, Request as GotRequest } from 'got-scraping' with {
  'resolution-mode': 'import',
};
import { FetchTimeoutError, HostPolicyError, NetworkError, ResponseTooLargeError, ScrapeError } from '../errors';
import type { AddressGuard } from '../security/address-guard';
import type { HostPolicy } from '../security/host-policy';
import { redactCredentials, redactProxyUrl } from '../security/redact';
import {
  buildChain,
  fetchThroughChain,
  robotsTxtThroughChain,
  type ChainOptions,
  type FetchChain,
  type Transport,
} from './chain';
import type { FetchedPage, FetchOptions, PageFetcher } from './fetcher';
import { isBlock, isNetworkFailure, type ProxyPool } from './proxy-pool';
import type { RateLimiter } from './rate-limiter';
import { joinHeaders, type RawResponse } from './responses';
import type { RobotsPolicy } from './robots';
import { resolveTarget } from './target';

// Kept importable from here, where they lived before lib/fetch/responses.ts.
export { decodeBody, parseRetryAfter } from './responses';

export interface HttpFetcherOptions extends ChainOptions {
  /** Whole request, headers and body, per hop. */
  timeoutMs: number;
  /** Decompressed body bytes; past this the download stops with ResponseTooLargeError. */
  maxResponseBytes: number;
  userAgents: {
    /** New header set (and custom agent) every `requestsPerSession` requests to a site; false → one set per site. */
    rotate: boolean;
    /** When given, User-Agent comes from this list instead of the generated one. */
    customAgents: string[];
  };
  /** Requests per header session when rotating (default 25). */
  requestsPerSession?: number;
  /** header-generator options; default: desktop Chrome/Firefox/Edge, Mexican Spanish. */
  headerGeneratorOptions?: Record<string, unknown>;
  /** Each site's proxies (config `proxies`); a site without a pool connects directly. */
  proxies?: Record<string, ProxyPool>;
}

const DEFAULT_HEADER_OPTIONS = {
  browsers: ['chrome', 'firefox', 'edge'],
  devices: ['desktop'],
  operatingSystems: ['windows', 'macos', 'linux'],
  locales: ['es-MX', 'es'],
};
/** Headers that describe the generated browser; dropped when a custom User-Agent replaces it. */
const CLIENT_HINTS: readonly string[] = ['sec-ch-ua', 'sec-ch-ua-mobile', 'sec-ch-ua-platform'];

interface HeaderSession {
  /** got-scraping keeps one generated header set per token object. */
  token: object;
  index: number;
  used: number;
  /** The site's proxy pool knows the session by this ("http-1/lamudi#3": fetcher, site, header session). */
  id: string;
  /** Blocked or its proxy unreachable: the next request starts a new session. */
  retired: boolean;
}

let fetchersMade = 0;

export class HttpFetcher implements PageFetcher {
  readonly rateLimiter: RateLimiter;
  readonly robots: RobotsPolicy;
  readonly hostPolicy: HostPolicy;
  /** The stages every request goes through (lib/fetch/chain.ts); this fetcher brings the transport. */
  private readonly chain: FetchChain;
  private client: Promise<GotScraping> | null = null;
  private readonly sessions = new Map<string, HeaderSession>();
  /** Names this fetcher's sessions in proxy pools shared with other fetchers of the process. */
  private readonly id = `http-${++fetchersMade}`;
  /**
   * Keep-alive sockets, reused across requests to the same host (and closed by close()). To real
   * hosts every new socket resolves through the host policy's lookup; to the mirror (an address
   * from the configuration) it does not need to.
   */
  private readonly agents: { http: http.Agent; https: https.Agent };

  constructor(private readonly options: HttpFetcherOptions) {
    this.chain = buildChain(options, {
      checkOverride: Boolean(options.mirrorUrl),
      loadRobotsTxt: (robotsUrl, site) => this.loadRobotsTxt(robotsUrl, site),
    });
    ({ rateLimiter: this.rateLimiter, robots: this.robots, hostPolicy: this.hostPolicy } = this.chain);
    this.agents = keepAliveAgents(options.mirrorUrl ? null : this.hostPolicy.addresses);
  }

  async fetch(url: string, { site, signal }: FetchOptions): Promise<FetchedPage> {
    // On the network path a host that resolves to a private address is refused on robots.txt's
    // socket, which then names robots.txt; through the mirror the host stage checks the override
    // for the page itself (lib/fetch/chain.ts).
    let last: { session: HeaderSession; proxyUrl: string } | null = null;
    try {
      return await fetchThroughChain(
        this.chain,
        url,
        (target, request) => this.send(target, request, (used) => (last = used)),
        { site, signal },
      );
    } catch (error) {
      // The answer that blocked us came through the last proxy used (redirect hops included).
      if (last && isBlock(error)) this.retire(site, last);
      throw error;
    }
  }

  /** The session's proxy rests, and the session ends: the next request is a new identity on another proxy. */
  private retire(site: string, { session, proxyUrl }: { session: HeaderSession; proxyUrl: string }): void {
    this.options.proxies?.[site]?.reportTrouble(session.id, proxyUrl);
    session.retired = true;
  }

  async close(): Promise<void> {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  /** robots.txt through the same transport (mirror, limits, headers) and redirect rules as pages. */
  private loadRobotsTxt(robotsUrl: string, site: string): Promise<string | null> {
    // Its proxy (the session's) rests when unreachable; a blocked robots.txt is the robots stage's to judge.
    const transport: Transport = (target, request) => this.send(target, request, () => undefined);
    return robotsTxtThroughChain(this.chain, robotsUrl, transport, { site });
  }

  /**
   * The transport: one request, one answer (redirects are not followed: the chain checks each hop,
   * which got would not let it do). Target, headers, capped body; maps transport failures.
   */
  private async send(
    url: URL,
    { site, signal, takeTurn }: Parameters<Transport>[1],
    onProxy: (used: { session: HeaderSession; proxyUrl: string }) => void,
  ): Promise<RawResponse> {
    await takeTurn();
    const pool = this.options.proxies?.[site];
    // A proxy that cannot be reached never passed the request on: the next one may take the same
    // turn, so one dead proxy costs no attempt (each proxy of the pool is tried at most once).
    for (let tried = 1; ; tried++) {
      const session = this.nextSession(site);
      const proxyUrl = pool?.proxyFor(session.id);
      if (proxyUrl) onProxy({ session, proxyUrl });
      try {
        return await this.sendOnce(url, site, session, proxyUrl, signal);
      } catch (error) {
        if (!proxyUrl) throw error;
        if (isNetworkFailure(error)) this.retire(site, { session, proxyUrl });
        if (!proxyUnreachable.has(error as Error) || tried >= pool!.size) throw error;
      }
    }
  }

  /** One request, directly or through `proxyUrl`. */
  private async sendOnce(
    url: URL,
    site: string,
    session: HeaderSession,
    proxyUrl: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<RawResponse> {
    const got = await this.gotScraping();
    const target = resolveTarget(url, this.options.mirrorUrl);
    // The proxy resolves the host, past the guarded agents: its addresses are checked here first.
    if (proxyUrl && !this.options.mirrorUrl) await this.hostPolicy.checkResolution(url, { useSystemDns: true });
    const started = performance.now();
    let request: GotRequest | undefined;
    try {
      const customAgent = this.customAgentFor(session);
      request = got.stream(target.requestUrl, {
        ...(proxyUrl ? { proxyUrl } : {}),
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
      // A plain-http request through the proxy gets the proxy's own 407 as its answer.
      if (proxyUrl && response.statusCode === 407) throw proxyAuthError(url, proxyUrl);
      const declared = Number(response.headers['content-length']);
      if (declared > this.options.maxResponseBytes) throw this.tooLarge(url, `declares ${declared} bytes`);
      const body = await readCapped(request, this.options.maxResponseBytes, () => this.tooLarge(url, 'kept sending'));
      return {
        url,
        status: response.statusCode ?? 0,
        headers: headersAsSent(response.rawHeaders),
        body,
        latencyMs: performance.now() - started,
      };
    } catch (error) {
      request?.destroy();
      if (signal?.aborted) throw signal.reason;
      throw proxyUrl ? proxiedError(error, url, proxyUrl) : transportError(error, url);
    }
  }

  private tooLarge(url: URL, detail: string): ResponseTooLargeError {
    return new ResponseTooLargeError(
      `${url.host} response ${detail}, over the ${this.options.maxResponseBytes}-byte limit`,
      url.href,
    );
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
    if (!session || session.retired || (this.options.userAgents.rotate && session.used >= perSession)) {
      if (session) this.options.proxies?.[site]?.release(session.id);
      const index = session ? session.index + 1 : 0;
      session = { token: {}, index, used: 0, id: `${this.id}/${site}#${index}`, retired: false };
      this.sessions.set(site, session);
    }
    session.used++;
    return session;
  }

  private gotScraping(): Promise<GotScraping> {
    this.client ??= import('got-scraping').then(({ gotScraping, TransformHeadersAgent, hooks }) =>
      withoutOptionsCheck(
        hooks.optionsValidationHandler,
        gotScraping.extend({
          // got-scraping's agent wrapper orders and cases headers like a browser; ours add keep-alive
          // and the host policy's lookup. No HTTP/2: its sessions would bypass these agents.
          agent: {
            http: new TransformHeadersAgent(this.agents.http),
            https: new TransformHeadersAgent(this.agents.https),
          },
          http2: false,
          // Certificates are checked (got-scraping turns that off by default): a host that cannot
          // prove it is the portal is not the portal.
          https: { rejectUnauthorized: true },
          retry: { limit: 0 },
          // Only so that withoutOptionsCheck can take a hook out of this instance's own defaults.
          mutableDefaults: true,
          hooks: {
            init: [answerAlpnProbe],
            // Runs after got-scraping's header generation, so it can remove generated headers.
            beforeRequest: [dropHeaders],
          },
        }),
      ),
    );
    return this.client;
  }
}

/**
 * The client without got-scraping's check of its own options, which it runs on every request with
 * `ow`: ow captures a stack trace each time to name the caller, 1.6 % of the activities' thread in
 * a profile of `npm run bench`. The options it checks (proxyUrl, sessionToken,
 * headerGeneratorOptions …) are set only by this file, typed, from a validated configuration.
 */
export function withoutOptionsCheck(check: (options: unknown) => void, client: GotScraping): GotScraping {
  const init: unknown[] = client.defaults.options.hooks.init;
  const at = init.indexOf(check);
  if (at >= 0) init.splice(at, 1);
  return client;
}

/**
 * got-scraping asks which protocol an https host speaks before choosing its header set, with a TLS
 * connection of its own that no agent (and so no host-policy lookup) sees. Requests here are
 * HTTP/1.1 only, so the answer is known without asking: the hook hands got-scraping that answer
 * (its `resolveProtocol` option, read from the request options).
 */
function answerAlpnProbe(_raw: unknown, options: unknown): void {
  (options as { resolveProtocol?: () => Promise<{ alpnProtocol: string }> }).resolveProtocol = async () => ({
    alpnProtocol: 'http/1.1',
  });
}

/**
 * Keep-alive agents (32 sockets per host). With a guard, each new socket resolves through its
 * lookup for the socket's own port; without one (the mirror, an address from the configuration)
 * through the system's.
 */
function keepAliveAgents(guard: AddressGuard | null): { http: http.Agent; https: https.Agent } {
  const settings = { keepAlive: true, maxSockets: 32 };
  const agents = { http: new http.Agent(settings), https: new https.Agent(settings) };
  if (guard) {
    resolveThrough(guard, agents.http, 80);
    resolveThrough(guard, agents.https, 443);
  }
  return agents;
}

/** Each new socket of `agent` resolves through the guard's lookup for its port (`defaultPort` when none is given). */
function resolveThrough(guard: AddressGuard, agent: http.Agent, defaultPort: number): void {
  const connect = agent.createConnection.bind(agent);
  agent.createConnection = (options, callback) =>
    connect({ ...options, lookup: guard.lookupFor(Number(options.port) || defaultPort) }, callback);
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

/** got/Node transport failures → typed errors; ScrapeErrors pass through, a host-policy refusal from the socket's lookup too. */
function transportError(error: unknown, url: URL): ScrapeError {
  if (error instanceof ScrapeError) return error;
  const refused = causeOfType(error, HostPolicyError);
  if (refused) return new HostPolicyError(`${url.href} refused: ${refused.message}`, url.href, refused.reason);
  const { name, code, message } = error as { name?: string; code?: string; message?: string };
  if (name === 'TimeoutError' || code === 'ETIMEDOUT') {
    return new FetchTimeoutError(`${url.host} did not answer in time: ${message ?? 'timeout'}`, url.href);
  }
  return new NetworkError(`${url.host}: ${code ? `${code} ` : ''}${message ?? String(error)}`, url.href);
}

/** Errors of a proxy that could not be reached (nothing was sent to the site): the next proxy may take the request. */
const proxyUnreachable = new WeakSet<Error>();

/** Socket errors of the connection to the proxy: the proxy opens the connection to the site itself. */
const PROXY_CONNECT_ERRORS = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

function proxyAuthError(url: URL, proxyUrl: string): NetworkError {
  return new NetworkError(
    `proxy ${redactProxyUrl(proxyUrl)} refused its credentials (407 Proxy Authentication Required): ` +
      'check the user name and password of this proxy under `proxies` in the config',
    url.href,
  );
}

/**
 * A transport failure through a proxy: the typed error, with the proxy named (password redacted)
 * and no password in what got or the proxy said.
 */
function proxiedError(error: unknown, url: URL, proxyUrl: string): ScrapeError {
  if (error instanceof ScrapeError) return error;
  const { code, message } = error as { code?: string; message?: string };
  if (/\b407\b/.test(message ?? '')) return proxyAuthError(url, proxyUrl);
  const typed = transportError(error, url);
  const text = `${redactCredentials(typed.message)} (through proxy ${redactProxyUrl(proxyUrl)})`;
  if (code && PROXY_CONNECT_ERRORS.has(code)) {
    const unreachable = new NetworkError(`proxy unreachable: ${text}`, url.href);
    proxyUnreachable.add(unreachable);
    return unreachable;
  }
  if (typed instanceof NetworkError) return new NetworkError(text, url.href);
  if (typed instanceof FetchTimeoutError) return new FetchTimeoutError(text, url.href);
  return typed;
}

/** The first error of `type` in a chain of `cause`s (got wraps the socket's error in a RequestError). */
function causeOfType<T extends Error>(error: unknown, type: new (...args: never[]) => T): T | null {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (current instanceof type) return current;
  }
  return null;
}
