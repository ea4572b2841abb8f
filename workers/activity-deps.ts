/**
 * Builds what the activities need from the configuration: the database, one fetcher per site
 * (its own timeouts and size cap) sharing one rate limiter, and the site adapters.
 */
import type { ActivityDeps } from '../activities';
import type { AppConfig, SiteConfig } from '../lib/config/types';
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
  const fetcherFor = (site: SiteConfig): PageFetcher => {
    let fetcher = fetchers.get(site.key);
    if (!fetcher) {
      fetcher = new HttpFetcher({
        mirrorUrl: config.mirror.url,
        timeoutMs: site.fetch.timeoutMs,
        maxResponseBytes: site.fetch.maxResponseBytes,
        maxRedirects: site.fetch.maxRedirects,
        userAgents: config.security.userAgents,
        robots: config.security.robotsTxt,
        rateLimit: limiter,
        allowedHosts: { [site.key]: new URL(site.baseUrl).hostname },
      });
      fetchers.set(site.key, fetcher);
    }
    return fetcher;
  };
  return {
    config,
    db,
    fetcherFor,
    adapterFor,
    async close() {
      await Promise.all([...fetchers.values()].map((fetcher) => fetcher.close?.()));
      db.close();
    },
  };
}
