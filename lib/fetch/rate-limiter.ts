/**
 * Per-site politeness in one process: a token bucket (requests per minute, with a burst) plus a
 * minimum spacing between two requests. Implemented as GCRA (the "virtual scheduling" form of a
 * token bucket): each acquire reserves the earliest allowed instant synchronously and then waits
 * for it, so concurrent callers are served in call order without a queue or a polling loop.
 *
 * Cross-worker limits are a different concern (a rate-limited site's pace row in the store, taken
 * by PacedRateLimiter in lib/fetch/site-pacer.ts after this bucket); this limiter keeps one worker
 * process from bursting a portal.
 */
import { performance } from 'node:perf_hooks';
import { sleep } from './fetcher';

export interface SiteRateLimit {
  /** Sustained rate; 0 or Infinity turns the token bucket off (spacing still applies). */
  requestsPerMinute: number;
  /** Requests allowed back to back before the rate applies (≥ 1). */
  burst: number;
  /** Minimum time between two requests to the site (config `rate_limit_seconds` × 1000); 0 for none. */
  minSpacingMs: number;
}

export interface RateLimiterOptions {
  /** Limits per site key. */
  sites?: Record<string, SiteRateLimit>;
  /** For sites not listed; absent → those sites are not limited. */
  defaultLimit?: SiteRateLimit;
  /** Monotonic clock in ms (tests inject one). */
  now?: () => number;
}

interface SiteState {
  /** GCRA theoretical arrival time: when the bucket would be full again. */
  tat: number;
  /** When the last granted request may go (for the spacing rule). */
  lastGrant: number;
}

export class RateLimiter {
  private readonly states = new Map<string, SiteState>();
  private readonly now: () => number;

  constructor(private readonly options: RateLimiterOptions = {}) {
    this.now = options.now ?? (() => performance.now());
    for (const [site, limit] of Object.entries(options.sites ?? {})) validate(site, limit);
    if (options.defaultLimit) validate('default', options.defaultLimit);
  }

  limitFor(site: string): SiteRateLimit | undefined {
    return this.options.sites?.[site] ?? this.options.defaultLimit;
  }

  /** Resolve when a request to `site` may be sent; rejects with the signal's reason on abort. */
  async acquire(site: string, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const reservation = this.reserve(site);
    if (!reservation || reservation.waitMs <= 0) return;
    try {
      await sleep(reservation.waitMs, signal);
    } catch (error) {
      this.release(reservation);
      throw error;
    }
  }

  /** Reserve the next slot; null when the site is not limited. */
  private reserve(site: string): Reservation | null {
    const limit = this.limitFor(site);
    if (!limit) return null;
    const now = this.now();
    const state = this.states.get(site) ?? { tat: now, lastGrant: -Infinity };
    const before = { ...state };
    const interval = emissionIntervalMs(limit);
    // With a burst of B, a request may go up to (B - 1) intervals "ahead" of the sustained rate.
    const tolerance = (limit.burst - 1) * interval;
    const grant = Math.max(now, state.tat - tolerance, state.lastGrant + limit.minSpacingMs);
    state.tat = Math.max(state.tat, grant) + interval;
    state.lastGrant = grant;
    this.states.set(site, state);
    return { state, before, after: { ...state }, waitMs: grant - now };
  }

  /**
   * Give back an abandoned reservation when no later one was made; otherwise it stays spent
   * (rolling back under a later reservation would let requests run closer than allowed).
   */
  private release({ state, before, after }: Reservation): void {
    if (state.tat === after.tat && state.lastGrant === after.lastGrant) Object.assign(state, before);
  }
}

interface Reservation {
  state: SiteState;
  before: SiteState;
  after: SiteState;
  waitMs: number;
}

function emissionIntervalMs(limit: SiteRateLimit): number {
  return limit.requestsPerMinute > 0 && Number.isFinite(limit.requestsPerMinute) ? 60_000 / limit.requestsPerMinute : 0;
}

function validate(site: string, limit: SiteRateLimit): void {
  if (!(limit.requestsPerMinute >= 0) || !(limit.burst >= 1) || !(limit.minSpacingMs >= 0)) {
    throw new RangeError(
      `rate limit for ${site}: need requestsPerMinute ≥ 0, burst ≥ 1, minSpacingMs ≥ 0, got ${JSON.stringify(limit)}`,
    );
  }
}
