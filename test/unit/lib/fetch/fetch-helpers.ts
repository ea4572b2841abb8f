/**
 * What the fetch tests share: the options of the fetch chain most of them use (and of a fetcher through the mirror), the recognizer of
 * challenge pages the worker would hand a built-in portal (workers/activity-deps.ts), the skip
 * of browser suites on a machine without Chromium, and the hooks of a suite over one mirror and pool.
 */
import { findChromium, type BrowserPool } from '../../../../lib/fetch/browser-pool';
import type { ChainOptions } from '../../../../lib/fetch/chain';
import type { HttpFetcherOptions } from '../../../../lib/fetch/http-fetcher';
import type { ChallengeRecognizer } from '../../../../lib/fetch/responses';
import type { MirrorServer } from '../../../../mirror/server';
import { isChallengePage } from '../../../../scrapers/page';

/** The built-in portals' recognizer: challenge markers, content told by all six portals' hooks. */
export const recognizeChallenge: ChallengeRecognizer = (html) => isChallengePage(html);

/** The chain's options of a test fetcher: robots.txt respected (cached a minute), no rate limit, 5 redirects. */
export function chainOptions(overrides: Partial<ChainOptions> = {}): ChainOptions {
  return {
    maxRedirects: 5,
    robots: { respect: true, cacheDurationMs: 60_000 },
    rateLimit: {},
    recognizeChallenge,
    ...overrides,
  };
}

/** A test HttpFetcher's options through the mirror at `mirrorUrl`: 5 s timeout, 1 MB bodies, rotating User-Agents, the chain's test options, then `more`. */
export function mirrorFetcherOptions(mirrorUrl: string, more: Partial<HttpFetcherOptions>): HttpFetcherOptions {
  return {
    mirrorUrl,
    timeoutMs: 5000,
    maxResponseBytes: 1_000_000,
    userAgents: { rotate: true, customAgents: [] },
    ...chainOptions(),
    ...more,
  };
}

/** Skip the suite, saying why, when no Chromium is installed (call from its before hook). */
export function skipWithoutChromium(suite: Mocha.Context): void {
  if (findChromium()) return;
  console.log(
    `      (skipped: Chromium not found at ${process.env.CHROMIUM_PATH || '/usr/bin/chromium'}; run scripts/install-chromium.sh)`,
  );
  suite.skip();
}

/** What a suite over one mirror and browser pool made (the before hook may have skipped before making them). */
export interface SuiteResources {
  closers: ReadonlyArray<{ close(): Promise<void> }>;
  pool?: BrowserPool;
  mirror?: MirrorServer;
}

/**
 * The hooks of a suite whose tests fetch from one mirror through one browser pool (call after its
 * before hook): before each test the mirror forgets its faults and its log; after the suite the
 * fetchers it made, the pool and the mirror close, in that order.
 */
export function mirrorSuiteHooks(resources: () => SuiteResources): void {
  after(async () => {
    const { closers, pool, mirror } = resources();
    for (const closer of closers) await closer.close();
    await pool?.close();
    await mirror?.close();
  });
  beforeEach(() => {
    const { mirror } = resources();
    mirror?.clearFaults();
    mirror?.resetLog();
  });
}
