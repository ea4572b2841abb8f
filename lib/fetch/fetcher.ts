/**
 * The fetch contract activities depend on: one page in, its decoded HTML out, or a typed
 * ScrapeError (lib/errors.ts). Implementations (HttpFetcher with got-scraping today, a browser or
 * impit fetcher later) are swappable behind it.
 */
import { performance } from 'node:perf_hooks';
import { ScrapeError } from '../errors';

export interface FetchOptions {
  /** Site key: selects rate limit, robots cache, header session and allowed domain. */
  site: string;
  /** Aborts the fetch (and any wait for a rate-limit token); the abort reason is rethrown as is. */
  signal?: AbortSignal;
}

export interface FetchedPage {
  /** Final URL after redirects, on the real host (never the mirror's address). */
  url: string;
  status: number;
  /** Body decoded per the declared charset (UTF-8 when none is declared). */
  html: string;
  /** Body size after decompression. */
  bytes: number;
  /** Time on the network for all hops; waits for rate-limit tokens and robots.txt are not included. */
  latencyMs: number;
  /**
   * Headers of the final response as the server sent them (Content-Encoding and Content-Length
   * describe the transfer, not `html`), lower-case names, repeated headers joined with ", ".
   */
  headers: Record<string, string>;
}

export interface PageFetcher {
  /**
   * Fetch one page. Never retries: retryable failures surface as errors with `retryAfterMs` when
   * the site said how long to wait, and the caller (Temporal's retry policy) decides.
   */
  fetch(url: string, options: FetchOptions): Promise<FetchedPage>;
  /** Release sockets and timers (worker shutdown, end of a test). */
  close?(): Promise<void>;
}

/** How long the site asked us to wait before trying again, when the error says so. */
export function retryAfterMsOf(error: unknown): number | undefined {
  if (!(error instanceof ScrapeError) || !error.retryable) return undefined;
  const value = (error as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * Honour a Retry-After outside Temporal (the demo's and benchmark's direct loops): wait what the
 * error asks, capped at `maxMs`, then resolve with the time waited. Inside activities the same
 * value goes to `nextRetryDelay` instead, so the wait is durable.
 */
export async function waitForRetryAfter(
  error: unknown,
  options: { signal?: AbortSignal; maxMs?: number } = {},
): Promise<number> {
  const ms = Math.min(retryAfterMsOf(error) ?? 0, options.maxMs ?? Infinity);
  if (ms > 0) await sleep(ms, options.signal);
  return ms;
}

/**
 * setTimeout as a promise that rejects with the signal's reason on abort. Re-arms when a timer
 * fires early (libuv rounds to its cached loop time), so callers can rely on elapsed ≥ ms.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const deadline = performance.now() + ms;
    let timer: NodeJS.Timeout;
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const arm = (): void => {
      const remaining = deadline - performance.now();
      if (remaining > 0) {
        timer = setTimeout(arm, Math.ceil(remaining));
        return;
      }
      signal?.removeEventListener('abort', onAbort);
      resolve();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    arm();
  });
}
