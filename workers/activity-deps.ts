/**
 * Builds what the activities need from the configuration: the database, one fetcher per site
 * (its own timeouts and size cap) sharing one rate limiter (with the pace of rate-limited sites)
 * and one host policy, and the site adapters. Sites with `fetcher: browser` (and `auto` sites once they meet a challenge) share one
 * Chromium per process (lib/fetch/browser-pool.ts), launched on the first page one of them fetches
 * and closed by close().
 */
import type { ActivityDeps } from '../activities';
import { sitePaceMs } from '../activities/deps';
import type { AppConfig, SiteConfig } from '../lib/config/types';
import { AutoFetcher, type FetcherSwitch } from '../lib/fetch/auto-fetcher';
import { browserEgress, BrowserFetcher } from '../lib/fetch/browser-fetcher';
import { BrowserPool } from '../lib/fetch/browser-pool';
import type { PageFetcher } from '../lib/fetch/fetcher';
import { HttpFetcher } from '../lib/fetch/http-fetcher';
import { ProxyPool } from '../lib/fetch/proxy-pool';
import { type SiteRateLimit } from '../lib/fetch/rate-limiter';
import { PacedRateLimiter } from '../lib/fetch/site-pacer';
import type { HostResolver } from '../lib/security/address-guard';
import { HostPolicy } from '../lib/security/host-policy';
import { openStore } from '../lib/store/database';
import { takeSlot } from '../lib/store/site-pace';
import { isChallengePage } from '../scrapers/page';
import { ParserThread } from '../scrapers/parser-thread';
import { adapterFor } from '../scrapers/registry';

export interface DepsOptions {
  /**
   * Drop rate limits (the bundled mirror is ours, and demo and benchmark runs would otherwise
   * wait minutes on politeness meant for the real portals). robots.txt still applies.
   */
  liftRateLimits?: boolean;
  /**
   * Addresses for host names, overriding DNS (tests: a name that resolves to 10.0.0.1). Through the
   * mirror, names it leaves undefined are served by the mirror without any DNS.
   */
  resolveHost?: HostResolver;
  /**
   * Endpoints allowed although not public ("127.0.0.1:8080", an address, a CIDR range; see
   * AddressGuardOptions): for tests that play a portal on loopback. No configuration sets it.
   */
  trustedAddresses?: readonly string[];
  /** A site on `fetcher: auto` moved to the browser (the worker logs it). */
  onFetcherSwitch?: (event: FetcherSwitch) => void;
}

/**
 * Every site's limit in this process, each site with a bucket of its own: the security section's
 * requests per minute with burst. A site's rate_limit_seconds is not spaced here: its pace is kept
 * across every worker process and host by the site's row in the store (PacedRateLimiter, below).
 * Spacing again here, per process, would only make a process's requests lag behind their slots
 * whenever one waited, and another worker's next slot could then come right after.
 */
function siteRateLimit(config: AppConfig): SiteRateLimit {
  const { rateLimiting } = config.security;
  return {
    requestsPerMinute: rateLimiting.enable ? rateLimiting.requestsPerMinute : 0,
    burst: rateLimiting.enable ? rateLimiting.burstLimit : 1,
    minSpacingMs: 0,
  };
}

/**
 * How the site's fetchers tell a challenge page from content (scrapers/page.ts). A site on the
 * generic adapter has content hooks of its own (its card and next-page selectors), so a page of
 * it is not judged by the built-in portals' hooks; a built-in portal's page is judged by all six
 * portals' hooks, as the fetchers always have.
 */
function challengeRecognizer(site: SiteConfig): (html: string) => boolean {
  const hooks = site.adapter === 'generic' ? adapterFor(site).contentHooks : undefined;
  return (html) => isChallengePage(html, hooks);
}

export async function buildActivityDeps(
  config: AppConfig,
  options: DepsOptions = {},
): Promise<ActivityDeps & { close(): Promise<void> }> {
  const db = await openStore(config.storage);
  // Pages are parsed on a thread of their own: the activities' thread fetches, stores and reports.
  const parser = new ParserThread({ oldGenerationMb: config.security.systemLimits.maxMemoryMb });
  // The http fetcher loads its client on its first request, after that request's turn: loading it
  // here (a few hundred ms) keeps the first request of a paced site from leaving that much after its
  // slot, and so that much closer to the next (lib/fetch/site-pacer.ts).
  if (config.sites.some((site) => site.fetcher !== 'browser')) await import('got-scraping');
  // Every fetcher of the process shares it: the bucket per site, and the pace of rate-limited sites.
  const limiter = new PacedRateLimiter(options.liftRateLimits ? {} : { defaultLimit: siteRateLimit(config) }, {
    spacingMs: Object.fromEntries(
      config.sites
        .map((site) => [site.key, sitePaceMs(site, options.liftRateLimits)] as const)
        .filter(([, spacing]) => spacing > 0),
    ),
    takeSlot: (site, spacingMs) => takeSlot(db, site, spacingMs),
  });
  const fetchers = new Map<string, PageFetcher>();
  // One policy for every request of every site (lib/security/host-policy.ts).
  const hostPolicy = new HostPolicy({
    sites: config.sites.map((site) => ({ key: site.key, baseUrl: site.baseUrl, hosts: site.hosts })),
    resolve: options.resolveHost,
    trustedAddresses: options.trustedAddresses,
  });
  // One browser per process, for every browser site; nothing is launched until a page needs it.
  let pool: BrowserPool | null = null;
  const browserPool = (): BrowserPool =>
    (pool ??= new BrowserPool({
      tempDir: config.storage.tempDir,
      poolSize: config.security.browser.poolSize,
      restartEveryPages: config.security.browser.restartEveryPages,
      userAgents: config.security.userAgents.customAgents,
      // Through the mirror the fetcher answers every request itself: the browser reaches nothing.
      // Otherwise each site's context reaches its own site's hosts and the challenge vendors'
      // (Cloudflare, AWS WAF), at public addresses.
      egress: config.mirror.url ? { closed: true } : browserEgress(hostPolicy),
    }));
  const fetcherFor = (site: SiteConfig): PageFetcher => {
    let fetcher = fetchers.get(site.key);
    if (!fetcher) {
      // One pool per site and process, shared by its http and browser fetchers (sessions, resting proxies).
      const proxies = site.proxies ? { [site.key]: new ProxyPool(site.proxies) } : undefined;
      const common = {
        mirrorUrl: config.mirror.url,
        timeoutMs: site.fetch.timeoutMs,
        maxResponseBytes: site.fetch.maxResponseBytes,
        maxRedirects: site.fetch.maxRedirects,
        robots: config.security.robotsTxt,
        rateLimit: limiter,
        hostPolicy,
        recognizeChallenge: challengeRecognizer(site),
      };
      const browser = () =>
        new BrowserFetcher({
          ...common,
          pool: browserPool(),
          challengeWaitMs: config.security.browser.challengeWaitMs,
          proxies,
        });
      const http = () => new HttpFetcher({ ...common, userAgents: config.security.userAgents, proxies });
      fetcher =
        site.fetcher === 'browser'
          ? browser()
          : site.fetcher === 'auto'
            ? new AutoFetcher(http(), browser, options.onFetcherSwitch)
            : http();
      fetchers.set(site.key, fetcher);
    }
    return fetcher;
  };
  return {
    config,
    db,
    fetcherFor,
    adapterFor,
    parser,
    liftRateLimits: options.liftRateLimits ?? false,
    async close() {
      await parser.close();
      await Promise.all([...fetchers.values()].map(async (fetcher) => fetcher.close?.()));
      await pool?.close();
      await db.destroy();
    },
  };
}
