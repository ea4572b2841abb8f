/**
 * Builds what the activities need from the configuration: the database, one fetcher per site
 * (its own timeouts and size cap) sharing one rate limiter, and the site adapters. Sites with
 * `fetcher: browser` share one Chromium per process (lib/fetch/browser-pool.ts), launched on the
 * first page one of them fetches and closed by close().
 */
import type { ActivityDeps } from '../activities';
import type { AppConfig, SiteConfig } from '../lib/config/types';
import { BrowserFetcher } from '../lib/fetch/browser-fetcher';
import { BrowserPool } from '../lib/fetch/browser-pool';
import type { PageFetcher } from '../lib/fetch/fetcher';
import { HttpFetcher } from '../lib/fetch/http-fetcher';
import { RateLimiter, type SiteRateLimit } from '../lib/fetch/rate-limiter';
import { openDatabase } from '../lib/store/database';
import { adapterFor } from '../scrapers/registry';

export interface DepsOptions {
  /**
   * Drop rate limits (the bundled mirror is ours, and demo and benchmark runs would otherwise
   * wait minutes on politeness meant for the real portals). robots.txt still applies.
   */
  liftRateLimits?: boolean;
}

/** A site's limit: its rate_limit_seconds spacing and the security section's requests per minute with burst. */
export function siteRateLimit(config: AppConfig, site: SiteConfig): SiteRateLimit {
  const { rateLimiting } = config.security;
  return {
    requestsPerMinute: rateLimiting.enable ? rateLimiting.requestsPerMinute : 0,
    burst: rateLimiting.enable ? rateLimiting.burstLimit : 1,
    minSpacingMs: site.rateLimitSeconds * 1000,
  };
}

export function buildActivityDeps(config: AppConfig, options: DepsOptions = {}): ActivityDeps & { close(): Promise<void> } {
  const db = openDatabase(config.storage.database);
  const limiter = new RateLimiter({
    sites: options.liftRateLimits
      ? {}
      : Object.fromEntries(config.sites.map((site) => [site.key, siteRateLimit(config, site)])),
  });
  const fetchers = new Map<string, PageFetcher>();
  // One browser per process, for every browser site; nothing is launched until a page needs it.
  let pool: BrowserPool | null = null;
  const browserPool = (): BrowserPool =>
    (pool ??= new BrowserPool({
      tempDir: config.storage.tempDir,
      poolSize: config.browser.poolSize,
      restartEveryPages: config.browser.restartEveryPages,
      userAgents: config.security.userAgents.customAgents,
    }));
  const fetcherFor = (site: SiteConfig): PageFetcher => {
    let fetcher = fetchers.get(site.key);
    if (!fetcher) {
      const common = {
        mirrorUrl: config.mirror.url,
        timeoutMs: site.fetch.timeoutMs,
        maxResponseBytes: site.fetch.maxResponseBytes,
        maxRedirects: site.fetch.maxRedirects,
        robots: config.security.robotsTxt,
        rateLimit: limiter,
        allowedHosts: { [site.key]: new URL(site.baseUrl).hostname },
      };
      fetcher = site.fetcher === 'browser'
        ? new BrowserFetcher({ ...common, pool: browserPool(), challengeWaitMs: config.browser.challengeWaitMs })
        : new HttpFetcher({ ...common, userAgents: config.security.userAgents });
      fetchers.set(site.key, fetcher);
    }
    return fetcher;
  };
  return {
    config,
    db,
    fetcherFor,
    adapterFor,
    liftRateLimits: options.liftRateLimits ?? false,
    async close() {
      await Promise.all([...fetchers.values()].map((fetcher) => fetcher.close?.()));
      await pool?.close();
      db.close();
    },
  };
}
