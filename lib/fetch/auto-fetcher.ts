/**
 * `fetcher: auto`: the plain HTTP client first, the browser once the site shows it needs one.
 * When a page meets an anti-bot challenge (ChallengePageError: AWS WAF, Cloudflare, Distil …,
 * recognised by lib/fetch/responses.ts), that same page is fetched again at once with the browser,
 * which runs the challenge's script, and from then on every page of the site goes to the browser.
 *
 * The switch lasts as long as this fetcher, i.e. the worker process (workers/activity-deps.ts
 * builds one per site per process), not one batch: a WAF's verdict follows the client (its address
 * and fingerprint), which a new batch from the same worker does not change, so going back to http
 * would buy one more challenge per batch and nothing else. A restarted worker starts on http again,
 * which is when the site may have relaxed. Until a challenge is met the browser is never launched.
 */
import { ChallengePageError } from '../errors';
import type { FetchedPage, FetchOptions, PageFetcher } from './fetcher';

export interface FetcherSwitch {
  site: string;
  /** The page whose challenge made the switch. */
  url: string;
  /** The challenge, as the http fetcher reported it. */
  reason: string;
}

export class AutoFetcher implements PageFetcher {
  private browser: PageFetcher | null = null;

  /**
   * `makeBrowser` is called once, at the first challenge. `onSwitch` hears of that moment (the
   * worker logs it): it is when a site's pages start to cost a browser.
   */
  constructor(
    private readonly http: PageFetcher,
    private readonly makeBrowser: () => PageFetcher,
    private readonly onSwitch?: (event: FetcherSwitch) => void,
  ) {}

  /** Whether the site has moved to the browser. */
  get usingBrowser(): boolean {
    return this.browser !== null;
  }

  async fetch(url: string, options: FetchOptions): Promise<FetchedPage> {
    if (this.browser) return this.browser.fetch(url, options);
    try {
      return await this.http.fetch(url, options);
    } catch (error) {
      if (!(error instanceof ChallengePageError) || options.signal?.aborted) throw error;
      // Pages of a window fetched at once may meet the challenge together: one browser for all of them.
      if (!this.browser) {
        this.browser = this.makeBrowser();
        this.onSwitch?.({ site: options.site, url, reason: error.message });
      }
      return this.browser.fetch(url, options);
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.http.close?.(), this.browser?.close?.()]);
  }
}
