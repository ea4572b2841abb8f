/**
 * The rate-limit stage of a worker's fetchers (lib/fetch/chain.ts, stage 3): the process's token
 * bucket (RateLimiter, security.rate_limiting), then, for a site with rate_limit_seconds, the site's
 * next slot from the pace row every worker process and host shares (lib/store/site-pace.ts),
 * slept here, abortably, right before the request is sent. Every request of such a site takes a
 * slot: pages, robots.txt and the browser's warm-up visit alike, so all the site sees is spaced.
 *
 * The slot is taken at the last moment (the transport calls the turn just before sending), after
 * robots.txt and the bucket: a wait taken earlier would let those delays push one request close to
 * the next. The store is reached through `takeSlot`, so this file stays free of the store.
 */
import { sleep } from './fetcher';
import { RateLimiter, type RateLimiterOptions } from './rate-limiter';

/** The ms to wait before sending `site`'s next request, `spacingMs` after its previous one on any worker. */
export type SlotTaker = (site: string, spacingMs: number) => Promise<number>;

export interface SitePacing {
  /** ms between two requests of each paced site (rate_limit_seconds × 1000); sites not listed are not paced. */
  spacingMs: Record<string, number>;
  takeSlot: SlotTaker;
}

export class PacedRateLimiter extends RateLimiter {
  constructor(
    options: RateLimiterOptions,
    private readonly pacing: SitePacing,
  ) {
    super(options);
    for (const [site, spacing] of Object.entries(pacing.spacingMs)) {
      if (!(Number.isFinite(spacing) && spacing >= 0)) {
        throw new RangeError(`pace of ${site}: spacingMs must be a number of milliseconds ≥ 0, got ${String(spacing)}`);
      }
    }
  }

  /** The site's spacing in ms; 0 when its pace is not kept across workers. */
  spacingOf(site: string): number {
    return this.pacing.spacingMs[site] ?? 0;
  }

  /**
   * Resolves when a request to `site` may be sent: the process's bucket, then the site's shared
   * slot. An abort while waiting for the slot leaves it spent: giving it back could let a slot
   * handed out after it run closer than the spacing, while a lost slot only slows the site a little.
   */
  override async acquire(site: string, signal?: AbortSignal): Promise<void> {
    await super.acquire(site, signal);
    const spacing = this.spacingOf(site);
    if (spacing <= 0) return;
    const waitMs = await this.pacing.takeSlot(site, spacing);
    if (waitMs > 0) await sleep(waitMs, signal);
    else signal?.throwIfAborted();
  }
}
