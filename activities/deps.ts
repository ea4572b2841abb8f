/**
 * What the activities need, built once per worker process (samples-typescript's createActivities
 * pattern): activities stay thin wrappers over these domain modules.
 */
import type { AppConfig, SiteConfig } from '../lib/config/types';
import type { PageFetcher } from '../lib/fetch/fetcher';
import type { Db } from '../lib/store/database';
import type { SiteAdapter } from '../scrapers/adapter';
import type { PageParser } from '../scrapers/page-parser';

export interface ActivityDeps {
  config: AppConfig;
  db: Db;
  /** The fetcher for a site (http or browser, per its config). */
  fetcherFor(site: SiteConfig): PageFetcher;
  adapterFor(site: SiteConfig): SiteAdapter;
  /** Where pages are parsed (a worker: its parser thread); absent, by `adapterFor` on the activities' thread. */
  parser?: PageParser;
  /** Rate limits dropped for this worker (the bundled mirror): no site is paced. */
  liftRateLimits?: boolean;
}

export function siteConfig(deps: ActivityDeps, site: string): SiteConfig {
  const found = deps.config.sites.find((candidate) => candidate.key === site);
  if (!found) throw new Error(`site "${site}" is not in ${deps.config.sourcePath}`);
  return found;
}

/**
 * ms between two requests of a site across every worker process and host (rate_limit_seconds),
 * held by the site's pace row in the store (lib/store/site-pace.ts); 0 when the site or the worker
 * has none.
 */
export function sitePaceMs(site: SiteConfig, liftRateLimits = false): number {
  return liftRateLimits || site.rateLimitSeconds <= 0 ? 0 : site.rateLimitSeconds * 1000;
}
