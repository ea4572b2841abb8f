/**
 * The local mirror: one HTTP server on loopback that plays the portals. Requests are routed by
 * their Host header (our fetcher sends https://www.inmuebles24.com/x to http://127.0.0.1:PORT/x
 * with `Host: www.inmuebles24.com`), pages come from the catalogue and the site's renderer (plus a
 * plain home page at / listing the searches, where a browser session starts), and fault switches
 * (mirror/faults.ts) turn a site hostile on demand.
 *
 * Control API (no Host needed), so the demo, the benchmark or a worker in another process can
 * drive a mirror they did not start:
 *   POST   /__mirror/faults/<site>   JSON switches (replace the site's switches)
 *   GET    /__mirror/faults/<site>   the switches in force
 *   DELETE /__mirror/faults[/<site>] back to the portal defaults
 *   GET    /__mirror/log[?site=x]    the request log (JSON)
 *   DELETE /__mirror/log             empty it
 *   POST   /__mirror/epoch           {"epoch": n}: prices change, listings disappear
 * Another process that needs the expected listings builds its own MirrorCatalog with the same
 * seed and pagesPerSearch: the catalogue is pure, so both agree.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { ZodError } from 'zod';
import { MirrorCatalog } from './catalog';
import { hash32 } from './facts';
import {
  awsWafTokenHostAnswer,
  effectiveFaults,
  isAwsWafTokenHost,
  parseFaults,
  robotsTxtWith,
  SiteFaultState,
  type MirrorFaults,
} from './faults';
import { escapeHtml, type MirrorSite } from './model';

export const DEFAULT_MIRROR_SEED = 1;
export const DEFAULT_PAGES_PER_SEARCH = 3;

export interface MirrorServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Loopback by default: the mirror is a test double, never a public server. */
  host?: string;
  seed?: number;
  pagesPerSearch?: number;
  /** Page-1 search paths per site key; default: each site's defaultSearchPaths. */
  searches?: Partial<Record<string, readonly string[]>>;
  epoch?: number;
  /** Default: the six portals (MIRROR_SITES). Tests pass their own. */
  sites?: readonly MirrorSite[];
  /** Oldest log entries are dropped past this many (default 500,000). */
  maxLogEntries?: number;
  /** The markup generation per site key (one of the site's documented `markups`); default: each site's first. */
  markups?: Partial<Record<string, string>>;
}

export interface RequestLogEntry {
  /** Arrival time, ms since the Unix epoch with sub-millisecond precision (monotonic within the mirror process). */
  time: number;
  /** Site key, or null for a Host no site answers to. */
  site: string | null;
  host: string;
  method: string;
  /** Path and query. */
  path: string;
  /** 0 when the connection was reset without an answer. */
  status: number;
}

export interface MirrorServer {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  readonly catalog: MirrorCatalog;
  /** Replace a site's switches (merged over the portal's defaults); counters restart. */
  setFaults(site: string, faults: MirrorFaults): void;
  /** Back to the portal defaults, for one site or all. */
  clearFaults(site?: string): void;
  /** The switches in force for a site, defaults included. */
  faults(site: string): MirrorFaults;
  setEpoch(epoch: number): void;
  /** Render a site's pages in another of its documented markup generations from now on. */
  setMarkup(site: string, markup: string): void;
  requestLog(site?: string): RequestLogEntry[];
  resetLog(): void;
  close(): Promise<void>;
}

/** Loaded on first use so the mirror core (and its tests) work without the six portal modules. */
function defaultSites(): readonly MirrorSite[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load, on purpose
  return (require('./sites') as typeof import('./sites')).MIRROR_SITES;
}

export async function startMirror(options: MirrorServerOptions = {}): Promise<MirrorServer> {
  const sites = options.sites ?? defaultSites();
  const catalog = new MirrorCatalog({
    sites,
    seed: options.seed ?? DEFAULT_MIRROR_SEED,
    pagesPerSearch: options.pagesPerSearch ?? DEFAULT_PAGES_PER_SEARCH,
    searches: options.searches,
    epoch: options.epoch,
    markups: options.markups,
  });
  const mirror = new Mirror(catalog, sites, options.maxLogEntries ?? 500_000);
  const server = http.createServer((req, res) => {
    mirror.handle(req, res).catch((error: unknown) => {
      // A renderer bug must show up as a 500 in the test that hit it, not kill the server.
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`mirror error: ${error instanceof Error ? error.stack : String(error)}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  return {
    url,
    port: address.port,
    catalog,
    setFaults: (site, faults) => mirror.setFaults(site, faults),
    clearFaults: (site) => mirror.clearFaults(site),
    faults: (site) => mirror.siteState(site).faults,
    setEpoch: (epoch) => catalog.setEpoch(epoch),
    setMarkup: (site, markup) => catalog.setMarkup(site, markup),
    requestLog: (site) => mirror.log.entries(site),
    resetLog: () => mirror.log.reset(),
    close: async () => {
      mirror.closing.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive sockets of clients would hold close() open until they time out.
      server.closeAllConnections();
      await closed;
    },
  };
}

class RequestLog {
  private list: RequestLogEntry[] = [];
  constructor(private readonly max: number) {}

  add(entry: RequestLogEntry): RequestLogEntry {
    this.list.push(entry);
    if (this.list.length > this.max) this.list.splice(0, this.list.length - this.max);
    return entry;
  }

  entries(site?: string): RequestLogEntry[] {
    const selected = site === undefined ? this.list : this.list.filter((entry) => entry.site === site);
    return selected.map((entry) => ({ ...entry }));
  }

  reset(): void {
    this.list = [];
  }
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

class Mirror {
  readonly log: RequestLog;
  /** Aborted on close: cancels slowMs waits so close() is prompt. */
  readonly closing = new AbortController();
  private readonly byKey = new Map<string, MirrorSite>();
  private readonly byHost = new Map<string, MirrorSite>();
  private readonly states = new Map<string, SiteFaultState>();

  constructor(
    private readonly catalog: MirrorCatalog,
    sites: readonly MirrorSite[],
    maxLogEntries: number,
  ) {
    this.log = new RequestLog(maxLogEntries);
    for (const site of sites) {
      this.byKey.set(site.site, site);
      this.byHost.set(site.host.toLowerCase(), site);
    }
  }

  /** Accepts the site key or its host, so callers can use whichever they have. */
  private site(keyOrHost: string): MirrorSite {
    const site = this.byKey.get(keyOrHost) ?? this.byHost.get(keyOrHost.toLowerCase());
    if (!site) throw new UnknownSiteError(keyOrHost);
    return site;
  }

  siteState(keyOrHost: string): SiteFaultState {
    const site = this.site(keyOrHost);
    let state = this.states.get(site.site);
    if (!state) {
      state = new SiteFaultState(effectiveFaults(site.host));
      this.states.set(site.site, state);
    }
    return state;
  }

  setFaults(keyOrHost: string, faults: MirrorFaults): void {
    const site = this.site(keyOrHost);
    this.states.set(site.site, new SiteFaultState(effectiveFaults(site.host, parseFaults(faults))));
  }

  clearFaults(keyOrHost?: string): void {
    if (keyOrHost === undefined) this.states.clear();
    else this.states.delete(this.site(keyOrHost).site);
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const pathAndQuery = req.url ?? '/';
    if (pathAndQuery.startsWith('/__mirror/')) return this.control(req, res, pathAndQuery);

    const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    const site = this.byHost.get(host);
    const entry = this.log.add({
      time: performance.timeOrigin + performance.now(),
      site: site?.site ?? null,
      host,
      method: req.method ?? 'GET',
      path: pathAndQuery,
      status: 0,
    });
    const answer = await this.portalAnswer(req, host, site, pathAndQuery);
    if (answer === 'reset') {
      req.socket.destroy();
      return;
    }
    entry.status = answer.status;
    send(req, res, answer);
  }

  private async portalAnswer(
    req: IncomingMessage,
    host: string,
    site: MirrorSite | undefined,
    pathAndQuery: string,
  ): Promise<Answer | 'reset'> {
    if (!site) {
      // AWS WAF's token host, whose challenge.js a Lamudi challenge page loads (mirror/faults.ts).
      if (isAwsWafTokenHost(host)) return awsWafTokenHostAnswer(pathAndQuery);
      // The portals' bare/www twin (inmuebles24.com ↔ www.inmuebles24.com) redirects, as on the real sites.
      const twin = this.byHost.get(host.startsWith('www.') ? host.slice(4) : `www.${host}`);
      if (twin) return { status: 301, headers: { location: `https://${twin.host}${pathAndQuery}` }, body: '' };
      const known = [...this.byHost.keys()].join(', ');
      return text(421, `421 Misdirected Request: the mirror serves no site at Host "${host}" (it serves ${known})`);
    }
    const state = this.siteState(site.site);
    const url = new URL(pathAndQuery, `https://${site.host}`);
    // robots.txt is exempt from faults: they model pages, and request counts in tests stay exact.
    if (url.pathname === '/robots.txt') {
      return text(200, robotsTxtWith(site.robotsTxt, state.faults.robotsDisallow));
    }
    if (state.delayMs > 0) await delay(state.delayMs, this.closing.signal);

    const action = state.intercept({ host: site.host, pathAndQuery, headers: req.headers });
    if (action?.kind === 'reset') return 'reset';
    if (action) return action;

    const page = this.render(site, url);
    if (page.location) return { status: 302, headers: { location: page.location }, body: '' };
    if (page.status !== 200) return htmlAnswer(page.status, page.html, 'utf-8');
    return htmlAnswer(200, state.alterPage(page.html), state.charset);
  }

  private render(site: MirrorSite, url: URL): { status: number; html: string; location?: string } {
    // The home page, where a browser session starts (the browser fetcher's warm-up visit).
    if (url.pathname === '/' && url.search === '')
      return { status: 200, html: homePage(site, this.catalog.searches(site.site)) };
    const route = site.route(url);
    if (route?.kind === 'listing') {
      const input = this.catalog.page(site.site, route.searchPath, route.page);
      if (input) return { status: 200, html: site.renderListPage(input) };
    } else if (route?.kind === 'detail' && site.renderDetailPage) {
      const n = site.indexOf(route.externalId);
      const facts = n === null ? null : this.catalog.facts(site.site, n);
      const variant = hash32(`${site.site}:${url.pathname}`);
      const markup = this.catalog.markupOf(site.site);
      if (facts) return { status: 200, html: site.renderDetailPage(facts, variant, markup) };
      // A listing the portal removed: answered as the portal documents it (a redirect, an OFFLINE page), else 404.
      const removed = n === null ? null : this.catalog.removedFacts(site.site, n);
      if (removed && site.goneDetail) {
        const gone = site.goneDetail(removed, variant, markup);
        return 'redirect' in gone
          ? { status: 302, html: '', location: gone.redirect }
          : { status: 200, html: gone.html };
      }
    }
    return { status: 404, html: notFoundPage(url.pathname) };
  }

  private async control(req: IncomingMessage, res: ServerResponse, pathAndQuery: string): Promise<void> {
    const url = new URL(pathAndQuery, 'http://mirror.invalid');
    const [, , resource, name] = url.pathname.split('/');
    const method = req.method ?? 'GET';
    try {
      if (resource === 'faults' && name && method === 'POST') {
        this.setFaults(name, parseFaults(await readJson(req)));
        return sendJson(res, 200, this.siteState(name).faults);
      }
      if (resource === 'faults' && name && method === 'GET') return sendJson(res, 200, this.siteState(name).faults);
      if (resource === 'faults' && method === 'DELETE') {
        this.clearFaults(name || undefined);
        return sendJson(res, 200, { cleared: name || 'all' });
      }
      if (resource === 'log' && method === 'GET')
        return sendJson(res, 200, this.log.entries(url.searchParams.get('site') ?? undefined));
      if (resource === 'log' && method === 'DELETE') {
        this.log.reset();
        return sendJson(res, 200, { cleared: true });
      }
      if (resource === 'epoch' && method === 'POST') {
        const body = (await readJson(req)) as { epoch?: unknown };
        this.catalog.setEpoch(Number(body.epoch));
        return sendJson(res, 200, { epoch: this.catalog.epoch });
      }
      return sendJson(res, 404, { error: `no control endpoint ${method} ${url.pathname}` });
    } catch (error) {
      if (error instanceof UnknownSiteError) return sendJson(res, 404, { error: error.message });
      if (error instanceof ZodError)
        return sendJson(res, 400, { error: 'invalid fault switches', issues: error.issues });
      if (error instanceof SyntaxError || error instanceof RangeError)
        return sendJson(res, 400, { error: error.message });
      throw error;
    }
  }
}

class UnknownSiteError extends Error {
  constructor(keyOrHost: string) {
    super(`the mirror has no site "${keyOrHost}"`);
  }
}

function htmlAnswer(status: number, html: string, charset: 'utf-8' | 'iso-8859-1' | null): Answer {
  // Characters ISO-8859-1 cannot hold become numeric references, as a latin1 site's CMS writes them.
  const body =
    charset === 'iso-8859-1'
      ? Buffer.from(
          html.replace(/[\u0100-\u{10ffff}]/gu, (ch) => `&#${ch.codePointAt(0)};`),
          'latin1',
        )
      : Buffer.from(html, 'utf8');
  return { status, headers: { 'content-type': charset ? `text/html; charset=${charset}` : 'text/html' }, body };
}

function text(status: number, body: string): Answer {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body };
}

/** Write an answer, gzipped when the client accepts it (as the portals' CDNs do). */
function send(req: IncomingMessage, res: ServerResponse, answer: Answer): void {
  let body = typeof answer.body === 'string' ? Buffer.from(answer.body, 'utf8') : answer.body;
  const headers: Record<string, string> = { ...answer.headers, vary: 'Accept-Encoding' };
  if (body.length > 0 && /\bgzip\b/i.test(String(req.headers['accept-encoding'] ?? ''))) {
    body = gzipSync(body);
    headers['content-encoding'] = 'gzip';
  }
  headers['content-length'] = String(body.length);
  res.writeHead(answer.status, headers);
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
  });
  res.end(body);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  return raw.trim() === '' ? {} : JSON.parse(raw);
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

function homePage(site: MirrorSite, searches: readonly string[]): string {
  const links = searches.map((path) => `<li><a href="${escapeHtml(path)}">${escapeHtml(path)}</a></li>`).join('\n');
  // The canonical address is the site's root, as a home page declares itself: what the detail
  // parsers recognise a removed listing's redirect to the home page by (scrapers/landing-page.ts).
  return `<!DOCTYPE html><html lang="es-MX"><head><meta charset="utf-8"><title>${escapeHtml(site.host)}</title><link rel="canonical" href="https://${escapeHtml(site.host)}/"></head>
<body><header><h1>${escapeHtml(site.host)}</h1></header><main><h2>Búsquedas</h2><ul>
${links}
</ul></main></body></html>`;
}

function notFoundPage(path: string): string {
  const shown = path.replace(/[<>&"]/g, '');
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Página no encontrada</title></head><body><h1>404</h1><p>La página ${shown} no existe o el anuncio ya no está disponible.</p></body></html>`;
}
