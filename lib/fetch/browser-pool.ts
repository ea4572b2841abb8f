/**
 * One real Chromium per worker process, shared by every site on `fetcher: browser`, with a small
 * pool of pages (tabs). Each site gets its own browser context, so its cookies (a Cloudflare
 * cf_clearance above all) form one session that outlives the pages; the pages themselves are
 * reused and capped at `poolSize` across sites, and callers queue for one in FIFO order.
 *
 * The browser is launched on the first lease, and started afresh every `restartEveryPages` pages
 * (Chromium's memory only grows over a long session): new leases wait until the pages in use are
 * given back, the contexts' cookies and storage are saved, the browser is closed with its
 * user-data-dir, and the next lease launches a new one with the saved sessions. A crashed browser
 * is replaced the same way. Debian's Chromium (/usr/bin/chromium) is driven through playwright-core;
 * Playwright's own browser downloads are never used.
 *
 * Chromium reaches the network only through the pool's egress proxy (lib/fetch/egress-proxy.ts):
 * each site's context goes through the proxy's listener for that site, which holds every
 * connection the context opens to the site's own host policy and checks its address. WebRTC,
 * whose UDP would not go through any proxy, may only use the proxy too (the profile preference
 * `webrtc.ip_handling_policy: disable_non_proxied_udp`, PROFILE_PREFERENCES).
 */
import { accessSync, constants as fsConstants } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ScrapeError } from '../errors';
import { EgressProxy, type EgressProxyOptions } from './egress-proxy';

export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';
/** Bound on one browser operation (open a context or page, close one, save a session): a stuck one must not stall every waiter. */
const OPERATION_TIMEOUT_MS = 30_000;

/** The Chromium binary: CHROMIUM_PATH when set, else Debian's /usr/bin/chromium. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CHROMIUM_PATH?.trim() || DEFAULT_CHROMIUM_PATH;
}

/** The Chromium binary when it is there and executable, else null (tests skip on null). */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  const file = chromiumPath(env);
  try {
    accessSync(file, fsConstants.X_OK);
    return file;
  } catch {
    return null;
  }
}

/** Chromium could not be started (missing binary, crash at launch). Retryable: a launch can fail for want of memory. */
export class BrowserLaunchError extends ScrapeError {
  static readonly retryable = true;
}

export interface BrowserPoolOptions {
  /** Default: chromiumPath() (CHROMIUM_PATH or /usr/bin/chromium). */
  executablePath?: string;
  /** Each launch gets a fresh user-data-dir in this folder (config storage.temp_dir), removed on close. */
  tempDir: string;
  /** Pages open at once, across sites (≥ 1). */
  poolSize: number;
  /** Restart the browser after this many counted leases (≥ 1). */
  restartEveryPages: number;
  /** Browser locale and Accept-Language; default es-MX, as a visitor of Mexican portals. */
  locale?: string;
  timezoneId?: string;
  /** When given, each new site context takes the next of these as its User-Agent. */
  userAgents?: readonly string[];
  /** Extra Chromium switches. */
  extraArgs?: readonly string[];
  /** Launch timeout (default 60 s). */
  launchTimeoutMs?: number;
  /** Launches, restarts and crashes, for logs and the memory benchmark. */
  onEvent?: (event: BrowserPoolEvent) => void;
  /**
   * The egress proxy's rules: the address guard (resolver, trusted endpoints), the hosts each
   * site's context may reach, or `closed` (the local mirror). Default: public addresses only, any
   * host name.
   */
  egress?: EgressProxyOptions;
}

export type BrowserPoolEvent =
  | { type: 'launch'; generation: number; userDataDir: string; version: string; launchMs: number }
  | { type: 'restart'; generation: number; reason: 'pages'; pagesServed: number }
  | { type: 'crash'; generation: number }
  | { type: 'close'; generation: number };

export interface AcquireOptions {
  /** Aborts the wait for a page (the abort reason is rethrown as is). */
  signal?: AbortSignal;
  /**
   * Called on each new context of the site (first use, and again after every restart), before
   * its first page opens: where a fetcher installs its request routing.
   */
  setupContext?: (context: BrowserContext) => Promise<void>;
  /** Whether this lease counts toward restartEveryPages (default true; robots.txt visits pass false). */
  countsAsPage?: boolean;
  /**
   * The upstream proxy (the site's proxy pool, lib/fetch/proxy-pool.ts) the page's connections
   * leave through, behind the egress proxy: one context per site and proxy, so cookies stay with
   * the proxy they were earned through.
   */
  proxy?: string;
}

export interface PageLease {
  readonly page: Page;
  readonly context: BrowserContext;
  readonly site: string;
  /** Which browser launch the page belongs to (1, 2, …). */
  readonly generation: number;
  /** Give the page back. `broken`: close it instead of reusing it (aborted or failed navigation). */
  release(options?: { broken?: boolean }): Promise<void>;
}

/**
 * Profile preferences of every launch, written into its fresh user-data-dir before Chromium
 * starts (the browser contexts of the sites read them through their parent profile):
 * - WebRTC sends UDP (STUN, media) past any HTTP proxy, so a page's script could reach any address
 *   from here; `disable_non_proxied_udp` leaves it the proxy (TCP, under the host policy) or
 *   nothing. The command-line switch --force-webrtc-ip-handling-policy is not honoured by current
 *   Chromium (156 still sent STUN over UDP with it); the preference is.
 */
export const PROFILE_PREFERENCES = { webrtc: { ip_handling_policy: 'disable_non_proxied_udp' } } as const;

/** Write PROFILE_PREFERENCES as the default profile's Preferences of a new user-data-dir. */
async function writeProfilePreferences(userDataDir: string): Promise<void> {
  await mkdir(path.join(userDataDir, 'Default'), { recursive: true });
  await writeFile(path.join(userDataDir, 'Default', 'Preferences'), JSON.stringify(PROFILE_PREFERENCES));
}

/** The Chromium switches of every launch (the user-data-dir comes from Playwright's launchPersistentContext). */
export function chromiumArgs(extra: readonly string[] = []): string[] {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  return [
    // Chromium refuses to run its sandbox as root (containers, CI).
    ...(root ? ['--no-sandbox'] : []),
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
    // navigator.webdriver stays false: Cloudflare's first check.
    '--disable-blink-features=AutomationControlled',
    ...extra,
  ];
}

interface BrowserHandle {
  generation: number;
  browser: Browser;
  /** The launch's default context (persistent, in userDataDir); closing it closes the browser. */
  persistent: BrowserContext;
  userDataDir: string;
  userAgent: string;
  /** Set once the handle is being closed on purpose (restart, close), so `disconnected` is not a crash. */
  closing: boolean;
}

interface SiteContext {
  site: string;
  /** The site, and its upstream proxy if any (contextKey). */
  key: string;
  context: BrowserContext;
}

interface PageSlot {
  page: Page;
  site: string;
  key: string;
  generation: number;
  busy: boolean;
}

interface Waiter {
  site: string;
  options: AcquireOptions;
  resolve(lease: PageLease): void;
  reject(error: unknown): void;
  done: boolean;
}

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

export class BrowserPool {
  private handle: BrowserHandle | null = null;
  private generation = 0;
  private readonly contexts = new Map<string, SiteContext>();
  private readonly slots = new Set<PageSlot>();
  private readonly waiters: Waiter[] = [];
  /** Cookies and storage of each site's context, carried across restarts. */
  private readonly saved = new Map<string, StorageState>();
  /** The last setupContext each site asked for, re-run on the site's context after a restart. */
  private readonly setups = new Map<string, (context: BrowserContext) => Promise<void>>();
  private countedSinceLaunch = 0;
  private totalCounted = 0;
  private restarts = 0;
  private peakOpenPages = 0;
  private agentIndex = 0;
  /** The running pump, if any (close() waits for it). */
  private pumping: Promise<void> | null = null;
  private pumpAgain = false;
  private closed = false;
  private closing: Promise<void> | null = null;
  /** Started before the first launch, kept across restarts, closed with the pool. */
  private egressProxy: Promise<EgressProxy> | null = null;

  constructor(private readonly options: BrowserPoolOptions) {
    if (!(Number.isInteger(options.poolSize) && options.poolSize >= 1))
      throw new RangeError(`poolSize must be an integer ≥ 1, got ${options.poolSize}`);
    if (!(Number.isInteger(options.restartEveryPages) && options.restartEveryPages >= 1)) {
      throw new RangeError(`restartEveryPages must be an integer ≥ 1, got ${options.restartEveryPages}`);
    }
  }

  /** Counters for logs, tests and the benchmark. */
  stats(): {
    generation: number;
    restarts: number;
    pagesServed: number;
    openPages: number;
    peakOpenPages: number;
    busyPages: number;
    waiting: number;
    running: boolean;
  } {
    return {
      generation: this.generation,
      restarts: this.restarts,
      pagesServed: this.totalCounted,
      openPages: this.slots.size,
      peakOpenPages: this.peakOpenPages,
      busyPages: [...this.slots].filter((slot) => slot.busy).length,
      waiting: this.waiters.length,
      running: this.handle !== null,
    };
  }

  /** The egress proxy Chromium goes through (null before the first launch): why it refused a host, and its counts. */
  async egress(): Promise<EgressProxy | null> {
    return this.egressProxy ? this.egressProxy.catch(() => null) : null;
  }

  /** The user-data-dir of the running browser (null when none runs). */
  get userDataDir(): string | null {
    return this.handle?.userDataDir ?? null;
  }

  /** A page for `site`, in the site's context: reused when one is idle, else opened, else waited for. */
  acquire(site: string, options: AcquireOptions = {}): Promise<PageLease> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.closed) return Promise.reject(new BrowserLaunchError('the browser pool is closed (worker shutting down)'));
    if (options.setupContext) this.setups.set(site, options.setupContext);
    return new Promise<PageLease>((resolve, reject) => {
      const onAbort = (): void => {
        if (waiter.done) return;
        waiter.done = true;
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(signal!.reason);
      };
      const waiter: Waiter = {
        site,
        options,
        done: false,
        resolve: (lease) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(lease);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
      void this.pump();
    });
  }

  /** Close every page and the browser, remove its user-data-dir. Pending acquires are rejected. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      for (const waiter of this.waiters.splice(0)) {
        waiter.done = true;
        waiter.reject(new BrowserLaunchError('the browser pool closed before a page was free (worker shutting down)'));
      }
      // A launch or restart in progress finishes first (the pump owns the handle meanwhile).
      await this.pumping;
      const generation = this.handle?.generation ?? this.generation;
      await this.shutDownBrowser();
      await (await this.egressProxy?.catch(() => null))?.close();
      this.options.onEvent?.({ type: 'close', generation });
    })();
    return this.closing;
  }

  // ── Scheduling ─────────────────────────────────────────────────────────────────────────────

  /**
   * Serve waiters in order. Only one pump runs at a time (launching, restarting and opening pages
   * are async); a call while it runs makes it loop once more.
   */
  private pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true;
      return this.pumping;
    }
    this.pumping = (async () => {
      try {
        do {
          this.pumpAgain = false;
          await this.serveWaiters();
        } while (this.pumpAgain);
      } finally {
        this.pumping = null;
      }
    })();
    return this.pumping;
  }

  private async serveWaiters(): Promise<void> {
    while (this.waiters.length > 0 && !this.closed) {
      if (this.countedSinceLaunch >= this.options.restartEveryPages && this.handle) {
        // Drain: the pages in use finish, then the browser restarts before anyone gets a new page.
        if ([...this.slots].some((slot) => slot.busy)) return;
        await this.restart();
        continue;
      }
      const waiter = this.waiters[0];
      let slot: PageSlot | null;
      try {
        if (!this.handle) await this.launch();
        slot = await this.slotFor(waiter.site, waiter.options.proxy);
      } catch (error) {
        this.waiters.shift();
        if (!waiter.done) {
          waiter.done = true;
          waiter.reject(error);
        }
        continue;
      }
      if (!slot) return; // every page is busy: a release pumps again
      if (waiter.done || this.waiters[0] !== waiter) continue; // aborted while its page was opening
      this.waiters.shift();
      waiter.done = true;
      slot.busy = true;
      if (waiter.options.countsAsPage !== false) {
        this.countedSinceLaunch++;
        this.totalCounted++;
      }
      waiter.resolve(this.leaseOf(slot));
    }
  }

  /** An idle page of the site, a new one while under poolSize, or one taken from an idle site; null when all are busy. */
  private async slotFor(site: string, proxy: string | undefined): Promise<PageSlot | null> {
    const key = contextKey(site, proxy);
    const slots = [...this.slots];
    const own = slots.find((slot) => slot.key === key && !slot.busy && !slot.page.isClosed());
    if (own) return own;
    for (const slot of slots) if (slot.page.isClosed()) this.slots.delete(slot);
    if (this.slots.size >= this.options.poolSize) {
      const idle = [...this.slots].find((slot) => !slot.busy);
      if (!idle) return null;
      this.slots.delete(idle);
      await bounded(idle.page.close(), 'closing an idle page').catch(() => undefined);
    }
    const context = await this.contextFor(site, proxy);
    const page = await bounded(context.newPage(), `opening a page for ${site}`);
    const slot: PageSlot = { page, site, key, generation: this.handle!.generation, busy: false };
    this.slots.add(slot);
    this.peakOpenPages = Math.max(this.peakOpenPages, this.slots.size);
    return slot;
  }

  private async contextFor(site: string, proxy: string | undefined): Promise<BrowserContext> {
    const key = contextKey(site, proxy);
    const existing = this.contexts.get(key);
    if (existing) return existing.context;
    const handle = this.handle!;
    // The site's own listener of the egress proxy: its connections are judged by its own policy
    // (and forwarded to the upstream proxy, when there is one).
    const proxyServer = await bounded(
      (await this.egressProxy!).urlFor(site, proxy),
      `starting the egress proxy of ${site}`,
    );
    const context = await bounded(
      handle.browser.newContext({
        userAgent: this.nextUserAgent(handle),
        locale: this.options.locale ?? 'es-MX',
        timezoneId: this.options.timezoneId ?? 'America/Mexico_City',
        viewport: { width: 1366, height: 768 },
        // Requests a service worker makes would bypass the fetcher's routing.
        serviceWorkers: 'block',
        storageState: this.saved.get(key),
        // Every connection through the egress proxy, loopback included (Playwright adds <-loopback>).
        proxy: { server: proxyServer },
      }),
      `opening the browser context of ${site}`,
    );
    try {
      await bounded(this.setups.get(site)?.(context) ?? Promise.resolve(), `setting up the browser context of ${site}`);
    } catch (error) {
      await context.close().catch(() => undefined);
      throw error;
    }
    this.contexts.set(key, { site, key, context });
    return context;
  }

  private nextUserAgent(handle: BrowserHandle): string {
    const custom = this.options.userAgents ?? [];
    return custom.length > 0 ? custom[this.agentIndex++ % custom.length] : handle.userAgent;
  }

  private leaseOf(slot: PageSlot): PageLease {
    let released = false;
    const context = this.contexts.get(slot.key)!.context;
    return {
      page: slot.page,
      context,
      site: slot.site,
      generation: slot.generation,
      release: async ({ broken = false } = {}) => {
        if (released) return;
        released = true;
        slot.busy = false;
        if (broken || slot.page.isClosed()) {
          this.slots.delete(slot);
          await bounded(slot.page.close(), 'closing a page').catch(() => undefined);
        }
        void this.pump();
      },
    };
  }

  // ── Browser lifecycle ──────────────────────────────────────────────────────────────────────

  private async launch(): Promise<void> {
    const executablePath = this.options.executablePath ?? chromiumPath();
    try {
      accessSync(executablePath, fsConstants.X_OK);
    } catch {
      throw new BrowserLaunchError(
        `Chromium not found at ${executablePath}: run scripts/install-chromium.sh (Debian's chromium package), or set CHROMIUM_PATH`,
      );
    }
    this.egressProxy ??= EgressProxy.start(this.options.egress);
    let proxy: EgressProxy;
    try {
      proxy = await this.egressProxy;
    } catch (error) {
      this.egressProxy = null;
      throw new BrowserLaunchError(`the browser's egress proxy did not start: ${(error as Error).message}`);
    }
    await mkdir(this.options.tempDir, { recursive: true });
    const userDataDir = await mkdtemp(path.join(this.options.tempDir, 'chromium-'));
    await writeProfilePreferences(userDataDir);
    const started = performance.now();
    let persistent: BrowserContext;
    try {
      // Loaded on first launch: workers without browser sites never load Playwright.
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load, on purpose
      const { chromium } = require('playwright-core') as typeof import('playwright-core');
      persistent = await chromium.launchPersistentContext(userDataDir, {
        executablePath,
        headless: true,
        // The launch's own connections (its default context, which no site uses) go to the proxy's
        // listener without a site, which refuses them all; each site's context has its own (contextFor).
        proxy: { server: proxy.url },
        args: chromiumArgs(this.options.extraArgs),
        // --enable-automation sets navigator.webdriver and shows the automation infobar.
        ignoreDefaultArgs: ['--enable-automation'],
        timeout: this.options.launchTimeoutMs ?? 60_000,
        // The worker's own shutdown closes the pool (and so the browser) in order.
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
      });
    } catch (error) {
      await rm(userDataDir, { recursive: true, force: true });
      throw new BrowserLaunchError(
        `Chromium (${executablePath}) did not start: ${(error as Error).message.split('\n')[0]}`,
      );
    }
    // The persistent context opens a blank tab of its own: a renderer process no site uses.
    for (const page of persistent.pages()) await page.close().catch(() => undefined);
    const browser = persistent.browser()!;
    const version = browser.version();
    const handle: BrowserHandle = {
      generation: ++this.generation,
      browser,
      persistent,
      userDataDir,
      // Headless Chromium calls itself HeadlessChrome: a give-away no real visitor sends.
      userAgent: `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${version.split('.')[0]}.0.0.0 Safari/537.36`,
      closing: false,
    };
    browser.on('disconnected', () => this.onDisconnected(handle));
    this.handle = handle;
    this.countedSinceLaunch = 0;
    this.options.onEvent?.({
      type: 'launch',
      generation: handle.generation,
      userDataDir,
      version,
      launchMs: performance.now() - started,
    });
  }

  private async restart(): Promise<void> {
    const handle = this.handle!;
    this.restarts++;
    this.options.onEvent?.({
      type: 'restart',
      generation: handle.generation,
      reason: 'pages',
      pagesServed: this.countedSinceLaunch,
    });
    for (const { site, key, context } of this.contexts.values()) {
      try {
        this.saved.set(key, await bounded(context.storageState(), `saving the session of ${site}`));
      } catch {
        // A context that cannot say its state starts the next session without it.
      }
    }
    await this.shutDownBrowser();
  }

  /** Close the current browser (if any), forget its contexts and pages, remove its user-data-dir. */
  private async shutDownBrowser(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    this.contexts.clear();
    this.slots.clear();
    this.countedSinceLaunch = 0;
    if (!handle) return;
    handle.closing = true;
    // Closing the persistent context closes the browser process (Playwright kills it if it hangs).
    await bounded(handle.persistent.close(), 'closing the browser').catch(() => undefined);
    await rm(handle.userDataDir, { recursive: true, force: true }).catch(() => undefined);
  }

  private onDisconnected(handle: BrowserHandle): void {
    if (handle.closing || this.handle !== handle) return;
    // A crash: the pages in use fail on their own; the next lease launches a new browser.
    this.handle = null;
    this.contexts.clear();
    this.slots.clear();
    this.options.onEvent?.({ type: 'crash', generation: handle.generation });
    void rm(handle.userDataDir, { recursive: true, force: true }).catch(() => undefined);
    void this.pump();
  }
}

/** `promise`, or a BrowserLaunchError after OPERATION_TIMEOUT_MS. */
function bounded<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new BrowserLaunchError(`the browser did not finish ${what} within ${OPERATION_TIMEOUT_MS / 1000} s`)),
      OPERATION_TIMEOUT_MS,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A context's key: the site, and the upstream proxy its connections leave through. */
function contextKey(site: string, proxy: string | undefined): string {
  return proxy ? `${site}\n${proxy}` : site;
}
