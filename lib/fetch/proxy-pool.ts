/**
 * Which proxy each request goes through, as Crawlee's ProxyConfiguration does it for its users:
 *
 * - A session sticks to one proxy. A session is one identity on a site (the http fetcher's header
 *   set, the browser's context with its cookies), so a portal sees one address per identity.
 * - A block (403, 429, a challenge page) or an unreachable proxy (refused connection, network
 *   error through it) makes that proxy rest for `restMs`, and the session moves to another one on
 *   its next request: the fetcher starts a new identity with it.
 * - Tiers (Crawlee's tieredProxyUrls): new sessions take a proxy of the cheapest tier that has one
 *   not resting; once every proxy of a tier rests, the next tier's are used, and the cheaper tier
 *   is used again as soon as one of its proxies has rested its time.
 * - When every proxy of every tier rests, the one that recovers first is used rather than none.
 *
 * Pure: no network, no timers; the clock is injected. Which failures count as a block or as an
 * unreachable proxy is decided here too (isBlock, isNetworkFailure), once for both fetchers.
 */
import { AccessDeniedError, ChallengePageError, FetchTimeoutError, NetworkError, RateLimitedError } from '../errors';
import { redactProxyUrl } from '../security/redact';

/** The site refused us, not the page (403, 429, a challenge that did not clear): the proxy's address is burnt for a while. */
export function isBlock(error: unknown): boolean {
  return error instanceof AccessDeniedError || error instanceof RateLimitedError || error instanceof ChallengePageError;
}

/** The request failed at the network or timed out: through a proxy, that proxy may be what failed. */
export function isNetworkFailure(error: unknown): boolean {
  return error instanceof NetworkError || error instanceof FetchTimeoutError;
}

export interface ProxySettings {
  /** Proxy URLs by tier, cheapest first; a plain list is one tier. */
  tiers: ReadonlyArray<readonly string[]>;
  /** How long a blocked or unreachable proxy is left out. */
  restMs: number;
}

interface ProxyState {
  url: string;
  tier: number;
  /** Clock time until which it is left out (0: healthy). */
  restingUntil: number;
  /** Sessions bound to it now. */
  sessions: number;
  /** When a session was last bound to it: the least recently chosen goes first among equals. */
  lastChosen: number;
}

export class ProxyPool {
  private readonly proxies: ProxyState[];
  private readonly bound = new Map<string, ProxyState>();
  private choices = 0;

  constructor(
    readonly settings: ProxySettings,
    private readonly now: () => number = Date.now,
  ) {
    this.proxies = settings.tiers.flatMap((urls, tier) =>
      urls.map((url) => ({ url, tier, restingUntil: 0, sessions: 0, lastChosen: -1 })),
    );
    if (this.proxies.length === 0) throw new Error('a proxy pool needs at least one proxy URL');
  }

  /** How many proxies, all tiers together. */
  get size(): number {
    return this.proxies.length;
  }

  /** The proxy of `sessionId`: the one it is bound to while that one is not resting, else a new choice. */
  proxyFor(sessionId: string): string {
    const current = this.bound.get(sessionId);
    if (current && !this.isResting(current)) return current.url;
    if (current) this.unbind(sessionId);
    const chosen = this.choose();
    chosen.sessions++;
    chosen.lastChosen = this.choices++;
    this.bound.set(sessionId, chosen);
    return chosen.url;
  }

  /** The session's proxy `proxyUrl` was blocked or could not be reached: it rests, and the session lets go of it. */
  reportTrouble(sessionId: string, proxyUrl: string): void {
    const proxy = this.proxies.find((candidate) => candidate.url === proxyUrl);
    if (!proxy) return;
    proxy.restingUntil = this.now() + this.settings.restMs;
    if (this.bound.get(sessionId) === proxy) this.unbind(sessionId);
  }

  /** A session that ends (a new header set, a closed context): its proxy counts one session less. */
  release(sessionId: string): void {
    this.unbind(sessionId);
  }

  /** Whether `proxyUrl` is resting now. */
  resting(proxyUrl: string): boolean {
    const proxy = this.proxies.find((candidate) => candidate.url === proxyUrl);
    return proxy ? this.isResting(proxy) : false;
  }

  /** Every proxy, redacted, with its tier and whether it rests (logs, `validate`). */
  describe(): Array<{ proxy: string; tier: number; resting: boolean }> {
    return this.proxies.map((proxy) => ({
      proxy: redactProxyUrl(proxy.url),
      tier: proxy.tier,
      resting: this.isResting(proxy),
    }));
  }

  private isResting(proxy: ProxyState): boolean {
    return proxy.restingUntil > this.now();
  }

  private unbind(sessionId: string): void {
    const proxy = this.bound.get(sessionId);
    if (!proxy) return;
    proxy.sessions--;
    this.bound.delete(sessionId);
  }

  /** The cheapest tier's healthy proxy with the fewest sessions (least recently chosen first), or the first to recover. */
  private choose(): ProxyState {
    const healthy = this.proxies.filter((proxy) => !this.isResting(proxy));
    if (healthy.length === 0) {
      return this.proxies.reduce((first, proxy) => (proxy.restingUntil < first.restingUntil ? proxy : first));
    }
    const tier = Math.min(...healthy.map((proxy) => proxy.tier));
    return healthy
      .filter((proxy) => proxy.tier === tier)
      .reduce((best, proxy) =>
        proxy.sessions < best.sessions || (proxy.sessions === best.sessions && proxy.lastChosen < best.lastChosen)
          ? proxy
          : best,
      );
  }
}
