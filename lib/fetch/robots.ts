/**
 * robots.txt policy: fetched once per origin, cached for `cacheDurationMs`, consulted before any
 * page request. Loading is injected so the same transport (mirror target, rate limit, headers)
 * serves robots.txt and pages, and so this file stays free of HTTP details.
 */
import { performance } from 'node:perf_hooks';
import robotsParser from 'robots-parser';
import { RobotsDisallowedError } from '../errors';

export interface RobotsOptions {
  /** false: every URL is allowed and robots.txt is never fetched. */
  respect: boolean;
  cacheDurationMs: number;
  /**
   * Product token matched against User-agent lines. We send browser headers, but robots rules are
   * read for our own token: the "*" group applies unless the site names us in a group of our own.
   */
  userAgentToken?: string;
  /** Monotonic clock in ms (tests inject one). */
  now?: () => number;
}

/**
 * Fetch robots.txt at `robotsUrl` for `site`. Resolve with its text, or null when the site has
 * none (a 4xx answer: RFC 9309 §2.3.1.3, everything allowed). Reject with a retryable ScrapeError
 * when it cannot tell (5xx, 429, network): §2.3.1.4 says assume full disallow, and failing the
 * attempt does that without caching a verdict.
 */
export type RobotsTxtLoader = (robotsUrl: string, site: string) => Promise<string | null>;

export const DEFAULT_ROBOTS_TOKEN = 'scraping-orchestrator';

type Rules = ReturnType<typeof robotsParser> | null;

interface CacheEntry {
  rules: Promise<Rules>;
  expiresAt: number;
}

export class RobotsPolicy {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly now: () => number;

  constructor(
    private readonly options: RobotsOptions,
    private readonly load: RobotsTxtLoader,
  ) {
    this.now = options.now ?? (() => performance.now());
  }

  /** Throws RobotsDisallowedError when robots.txt forbids `url`. */
  async assertAllowed(url: string, site: string, signal?: AbortSignal): Promise<void> {
    if (!(await this.isAllowed(url, site, signal))) {
      throw new RobotsDisallowedError(`${new URL(url).host} robots.txt disallows ${new URL(url).pathname}`, url);
    }
  }

  async isAllowed(url: string, site: string, signal?: AbortSignal): Promise<boolean> {
    if (!this.options.respect) return true;
    const rules = await untilAborted(this.rulesFor(new URL(url), site), signal);
    // robots-parser answers undefined for a URL of another origin; rulesFor keys by origin, so
    // that cannot happen, but "not disallowed" is the safe reading of undefined.
    return rules?.isAllowed(url, this.options.userAgentToken ?? DEFAULT_ROBOTS_TOKEN) !== false;
  }

  clear(): void {
    this.cache.clear();
  }

  private rulesFor(url: URL, site: string): Promise<Rules> {
    const now = this.now();
    const cached = this.cache.get(url.origin);
    if (cached && cached.expiresAt > now) return cached.rules;
    const robotsUrl = `${url.origin}/robots.txt`;
    // The promise is cached at once so concurrent page fetches share one robots.txt request. It
    // is not tied to any caller's signal (one caller giving up must not fail the others); the
    // loader's own timeout bounds it.
    const rules = this.load(robotsUrl, site).then((text) => (text === null ? null : robotsParser(robotsUrl, text)));
    const entry = { rules, expiresAt: now + this.options.cacheDurationMs };
    this.cache.set(url.origin, entry);
    rules.catch(() => {
      // No verdict: forget it so the next attempt asks again.
      if (this.cache.get(url.origin) === entry) this.cache.delete(url.origin);
    });
    return rules;
  }
}

/** Wait for `promise`, or reject with the signal's reason as soon as it aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
