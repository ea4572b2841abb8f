/**
 * What the fetch tests share: the options of the fetch chain most of them use, the recognizer of
 * challenge pages the worker would hand a built-in portal (workers/activity-deps.ts), and the skip
 * of browser suites on a machine without Chromium.
 */
import { findChromium } from '../../../lib/fetch/browser-pool';
import type { ChainOptions } from '../../../lib/fetch/chain';
import type { ChallengeRecognizer } from '../../../lib/fetch/responses';
import { isChallengePage } from '../../../scrapers/page';

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

/** Skip the suite, saying why, when no Chromium is installed (call from its before hook). */
export function skipWithoutChromium(suite: Mocha.Context): void {
  if (findChromium()) return;
  console.log(
    `      (skipped: Chromium not found at ${process.env.CHROMIUM_PATH || '/usr/bin/chromium'}; run scripts/install-chromium.sh)`,
  );
  suite.skip();
}
