/**
 * The browser's only way out: a small HTTP proxy on loopback that Chromium's browser contexts
 * are put behind (lib/fetch/browser-pool.ts), so every connection the browser opens — page
 * navigations, a challenge's scripts, a redirect hop Chromium follows by itself, a WebSocket an
 * inline script opens, WebRTC's TCP relay (its UDP is switched off, browser-pool.ts) — is made
 * here, where the host policy applies before anything is sent:
 *
 * - Each site's browser context has a listener of its own (`urlFor(site)`), so the proxy knows
 *   whose connection it is and holds it to that site's own rules (`hostRefusal`): a Lamudi page
 *   redirecting to inmuebles24.com is refused on its way out, although Inmuebles24 is a site of
 *   the same browser. A connection that reaches the proxy without a site (the launch's default
 *   listener, `url`) is refused whatever its host.
 * - Host names are resolved through the AddressGuard's lookup (no private, loopback or metadata
 *   address, whatever DNS answers at that moment), IP literals are checked as addresses.
 *
 * Chromium resolves nothing itself behind a proxy, and TLS stays end to end (CONNECT tunnels), so
 * the browser keeps its own fingerprint. The route handler of the browser fetcher checks each
 * main-frame navigation first and reports the reason; this proxy is the guarantee underneath it,
 * and the only check of what Chromium does without asking the route handler (redirect hops,
 * subresources of a challenge). Why it refused a host is kept (`refusalFor`) for the fetcher's
 * messages. `closed` refuses everything: with the local mirror the fetcher answers every request
 * itself and nothing may reach a network. A request the proxy cannot read (a malformed CONNECT)
 * is answered 400, never thrown.
 *
 * Upstream proxies (config `proxies`): a context that goes through one has a listener of its own
 * (`urlFor(site, upstream)`), which forwards what it allows to that proxy (CONNECT through it, or
 * the absolute-form request) instead of connecting itself. The rules are the same; since the
 * upstream proxy resolves the host, its addresses are checked here by the guard just before the
 * request is handed over, and the connection goes to the proxy, an endpoint the operator
 * configured and so trusted explicitly. Its password is sent as Proxy-Authorization, never shown.
 */
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import tls from 'node:tls';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { HostPolicyError, type HostRefusalReason } from '../errors';
import { AddressGuard, bareHost, isIpLiteral } from '../security/address-guard';
import type { UrlRefusal } from '../security/host-policy';
import { redactProxyUrl } from '../security/redact';

export interface EgressProxyOptions {
  /** The address check of every outgoing socket (default: public addresses only, system DNS). */
  guard?: AddressGuard;
  /**
   * Why `site`'s browser context may not connect to `host` (a name or an IP literal), or null to go
   * on to the address check. Absent: every host goes on to the address check.
   */
  hostRefusal?: (host: string, site: string) => UrlRefusal | null;
  /** Refuse every connection (the local mirror: the browser fetcher answers every request itself). */
  closed?: boolean;
}

/** Why the proxy refused a connection. */
export interface EgressRefusal {
  /**
   * The host-policy rule that refused it (off-domain, ip-literal, non-public-address …); null for a
   * refusal no rule of the policy makes: the mirror's closed world, a connection without a site.
   */
  reason: HostRefusalReason | null;
  message: string;
  /** performance.now() of the refusal. */
  at: number;
}

/** How many refusals are remembered per proxy, for the messages of failed navigations. */
const REMEMBERED_REFUSALS = 100;

interface Listener {
  server: http.Server;
  url: string;
}

export class EgressProxy {
  /** Connections and requests made, and refused, since the start (logs and tests). */
  readonly counts = { forwarded: 0, refused: 0 };
  private readonly refusals = new Map<string, EgressRefusal>();
  private readonly sockets = new Set<Duplex>();
  private readonly listeners = new Map<string, Promise<Listener>>();
  private readonly guard: AddressGuard;
  private closing = false;

  private constructor(
    private readonly options: EgressProxyOptions,
    private readonly siteless: Listener,
  ) {
    this.guard = options.guard ?? new AddressGuard();
  }

  static async start(options: EgressProxyOptions = {}): Promise<EgressProxy> {
    const siteless = await listen();
    const proxy = new EgressProxy(options, siteless);
    proxy.serve(siteless.server, null);
    return proxy;
  }

  /** The listener of connections that belong to no site (the browser's launch-wide proxy): every one is refused. */
  get url(): string {
    return this.siteless.url;
  }

  /**
   * The proxy server `site`'s browser context goes through: a listener of its own, started on first
   * use; with `upstream`, one per site and upstream proxy, forwarding to that proxy.
   */
  async urlFor(site: string, upstream?: string): Promise<string> {
    if (this.closing) throw new Error('the egress proxy is closed');
    const key = upstream ? `${site}\n${upstream}` : site;
    let listener = this.listeners.get(key);
    if (!listener) {
      listener = listen().then((started) => {
        this.serve(started.server, site, upstream ? new URL(upstream) : null);
        return started;
      });
      // A listener that failed to start is tried again by the next context.
      listener.catch(() => this.listeners.delete(key));
      this.listeners.set(key, listener);
    }
    return (await listener).url;
  }

  /** Why the proxy refused a connection of `site` to `host` at or after `since` (performance.now() ms), if it did. */
  refusalFor(site: string, host: string, since = 0): EgressRefusal | undefined {
    const refusal = this.refusals.get(refusalKey(site, host));
    return refusal && refusal.at >= since ? refusal : undefined;
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const socket of this.sockets) socket.destroy();
    const listeners = [
      this.siteless,
      ...(await Promise.allSettled(this.listeners.values())).flatMap((settled) =>
        settled.status === 'fulfilled' ? [settled.value] : [],
      ),
    ];
    await Promise.all(
      listeners.map(({ server }) => {
        server.closeAllConnections();
        return new Promise<void>((resolve) => server.close(() => resolve()));
      }),
    );
  }

  /** Why a connection of `site` to `host`:`port` is refused before any socket is opened, or null. */
  private refusalOf(host: string, port: number, site: string | null): Omit<EgressRefusal, 'at'> | null {
    if (this.options.closed)
      return { reason: null, message: 'the browser reaches the portals through the local mirror only' };
    if (site === null)
      return { reason: null, message: `a connection to ${host} from outside every site's browser context` };
    const ruled = this.options.hostRefusal?.(host, site);
    if (ruled) return { reason: ruled.reason, message: ruled.message };
    // net.connect skips the lookup for an IP literal, so its address is checked here.
    const refusedAddress = isIpLiteral(host) ? this.guard.refusal(host, port) : null;
    return refusedAddress ? { reason: 'non-public-address', message: `host ${host} is ${refusedAddress}` } : null;
  }

  private remember(site: string | null, host: string, refusal: Omit<EgressRefusal, 'at'>): void {
    this.counts.refused++;
    if (site === null) return;
    const key = refusalKey(site, host);
    this.refusals.delete(key);
    this.refusals.set(key, { ...refusal, at: performance.now() });
    if (this.refusals.size > REMEMBERED_REFUSALS) this.refusals.delete(this.refusals.keys().next().value!);
  }

  private serve(server: http.Server, site: string | null, upstream: URL | null = null): void {
    // https (and WebSockets): CONNECT host:port, then bytes both ways.
    server.on('connect', (request: http.IncomingMessage, client: Duplex, head: Buffer) => {
      this.track(client);
      client.on('error', () => undefined);
      try {
        this.tunnel(request, client, head, site, upstream);
      } catch {
        // Whatever the request held, the worker goes on: the client gets a 400.
        if (client.writable) client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
        else client.destroy();
      }
    });

    // Plain http: the request comes in absolute form (GET http://host/path) and is sent on.
    server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => {
      try {
        this.forward(request, response, site, upstream);
      } catch {
        if (!response.headersSent) response.writeHead(400).end();
        else request.socket.destroy();
      }
    });

    // An upgrade in absolute form is not how Chromium tunnels WebSockets (it uses CONNECT): refuse it.
    server.on('upgrade', (_request: http.IncomingMessage, client: Duplex) => client.destroy());
  }

  private tunnel(
    request: http.IncomingMessage,
    client: Duplex,
    head: Buffer,
    site: string | null,
    upstream: URL | null,
  ): void {
    const authority = parseAuthority(request.url ?? '');
    if (!authority) return void client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    const { host, port } = authority;
    const refused = this.refusalOf(host, port, site);
    if (refused) {
      this.remember(site, host, refused);
      return void client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    }
    if (upstream) return this.tunnelThrough(upstream, client, head, site!, host, port);
    const outbound = net.connect({ host, port, lookup: this.guard.lookupFor(port) });
    this.track(outbound);
    let tunnelled = false;
    outbound.once('connect', () => {
      tunnelled = true;
      this.counts.forwarded++;
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) outbound.write(head);
      outbound.pipe(client);
      client.pipe(outbound);
    });
    outbound.on('error', (error) => {
      if (error instanceof HostPolicyError) this.remember(site, host, { reason: error.reason, message: error.message });
      if (!tunnelled && client.writable)
        client.end(
          error instanceof HostPolicyError ? 'HTTP/1.1 403 Forbidden\r\n\r\n' : 'HTTP/1.1 502 Bad Gateway\r\n\r\n',
        );
      else client.destroy();
    });
    client.on('close', () => outbound.destroy());
  }

  /**
   * A CONNECT through the upstream proxy: the target's addresses checked here (the proxy resolves
   * the name itself), then CONNECT to the proxy with its credentials, and bytes both ways once it
   * answers 200. Its refusal (407, 502 …) fails the tunnel with 502 and is remembered, redacted.
   */
  private tunnelThrough(upstream: URL, client: Duplex, head: Buffer, site: string, host: string, port: number): void {
    const authority = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    this.guard.checkedAddresses(host, { port }).then(
      () => {
        if (client.destroyed) return;
        const outbound = connectToProxy(upstream);
        this.track(outbound);
        client.on('close', () => outbound.destroy());
        outbound.on('error', () =>
          client.writable ? client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n') : client.destroy(),
        );
        outbound.write(
          `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n${proxyAuthorizationLine(upstream)}\r\n`,
        );
        let answer = Buffer.alloc(0);
        const onData = (chunk: Buffer): void => {
          answer = Buffer.concat([answer, chunk]);
          const end = answer.indexOf('\r\n\r\n');
          if (end < 0) return;
          outbound.off('data', onData);
          const statusLine = answer.subarray(0, answer.indexOf('\r\n')).toString('latin1');
          if (!/^HTTP\/1\.[01] 200\b/.test(statusLine)) {
            const message = `the upstream proxy ${redactProxyUrl(upstream.href.replace(/\/$/, ''))} answered "${statusLine}"`;
            this.remember(site, host, { reason: null, message });
            outbound.destroy();
            return void client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
          }
          this.counts.forwarded++;
          client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          const rest = answer.subarray(end + 4);
          if (rest.length > 0) client.write(rest);
          if (head.length > 0) outbound.write(head);
          outbound.pipe(client);
          client.pipe(outbound);
        };
        outbound.on('data', onData);
      },
      (error: Error) => {
        if (error instanceof HostPolicyError)
          this.remember(site, host, { reason: error.reason, message: error.message });
        client.end(
          error instanceof HostPolicyError ? 'HTTP/1.1 403 Forbidden\r\n\r\n' : 'HTTP/1.1 502 Bad Gateway\r\n\r\n',
        );
      },
    );
  }

  private forward(
    request: http.IncomingMessage,
    response: http.ServerResponse,
    site: string | null,
    upstream: URL | null,
  ): void {
    let target: URL;
    try {
      target = new URL(request.url ?? '');
    } catch {
      return void response.writeHead(400).end();
    }
    if (target.protocol !== 'http:') return void response.writeHead(400).end();
    const host = bareHost(target.hostname);
    const port = Number(target.port || 80);
    const refused = this.refusalOf(host, port, site);
    // A refusal closes the connection unanswered, so Chromium fails the request (an answer from
    // the proxy would be taken for the site's own page); the fetcher reads the reason from here.
    if (refused) {
      this.remember(site, host, refused);
      return void request.socket.destroy();
    }
    const headers = { ...request.headers };
    delete headers['proxy-connection'];
    delete headers['proxy-authorization'];
    if (upstream) return this.forwardThrough(upstream, request, response, site!, target, headers);
    const outbound = http.request(
      {
        host,
        port,
        method: request.method,
        path: target.pathname + target.search,
        headers,
        lookup: this.guard.lookupFor(port),
        agent: false,
      },
      (answer) => {
        this.counts.forwarded++;
        response.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        answer.pipe(response);
      },
    );
    outbound.on('error', (error) => {
      if (error instanceof HostPolicyError) this.remember(site, host, { reason: error.reason, message: error.message });
      if (!response.headersSent && !(error instanceof HostPolicyError)) response.writeHead(502).end();
      else request.socket.destroy();
    });
    request.pipe(outbound);
  }

  /** A plain-http request through the upstream proxy, after the guard checked the target's addresses. */
  private forwardThrough(
    upstream: URL,
    request: http.IncomingMessage,
    response: http.ServerResponse,
    site: string,
    target: URL,
    headers: http.IncomingHttpHeaders,
  ): void {
    const host = bareHost(target.hostname);
    this.guard.checkedAddresses(host, { port: Number(target.port || 80) }).then(
      () => {
        const basic = proxyAuthorization(upstream);
        const outbound = (upstream.protocol === 'https:' ? https : http).request({
          host: upstream.hostname,
          port: Number(upstream.port) || (upstream.protocol === 'https:' ? 443 : 80),
          method: request.method,
          path: target.href,
          headers: { ...headers, ...(basic ? { 'proxy-authorization': basic } : {}) },
          agent: false,
        });
        outbound.on('response', (answer) => {
          if (answer.statusCode === 407) {
            const message = `the upstream proxy ${redactProxyUrl(upstream.href.replace(/\/$/, ''))} refused its credentials (407)`;
            this.remember(site, host, { reason: null, message });
            answer.resume();
            return void request.socket.destroy();
          }
          this.counts.forwarded++;
          response.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
          answer.pipe(response);
        });
        outbound.on('error', () => (response.headersSent ? request.socket.destroy() : response.writeHead(502).end()));
        request.pipe(outbound);
      },
      (error: Error) => {
        if (error instanceof HostPolicyError)
          this.remember(site, host, { reason: error.reason, message: error.message });
        request.socket.destroy();
      },
    );
  }

  private track(socket: Duplex): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }
}

/** A listener on a free loopback port. */
async function listen(): Promise<Listener> {
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/**
 * The host and port of a CONNECT's authority ("www.lamudi.com.mx:443", "[::1]:8080"), or null
 * when it is not one: a host URL parsing does not read back unchanged (percent signs, spaces …),
 * no port, a port out of range.
 */
function parseAuthority(authority: string): { host: string; port: number } | null {
  const match = /^(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/.exec(authority);
  if (!match) return null;
  let url: URL;
  try {
    url = new URL(`http://${match[1]}:${match[2]}/`);
  } catch {
    return null;
  }
  const host = bareHost(match[1]);
  const port = Number(match[2]);
  if (bareHost(url.hostname) !== host || port < 1 || port > 65535) return null;
  return { host, port };
}

/** A connection to the upstream proxy (TLS for an https:// proxy). */
function connectToProxy(upstream: URL): Duplex {
  const port = Number(upstream.port) || (upstream.protocol === 'https:' ? 443 : 80);
  return upstream.protocol === 'https:'
    ? tls.connect({ host: upstream.hostname, port, servername: upstream.hostname })
    : net.connect({ host: bareHost(upstream.hostname), port });
}

/** "Basic …" for a proxy URL with credentials, or null. */
function proxyAuthorization(upstream: URL): string | null {
  if (!upstream.username && !upstream.password) return null;
  // The config refuses credentials that do not decode; a URL made elsewhere is sent as written
  // rather than throwing inside a socket callback, where a throw would end the worker.
  const decoded = (part: string) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part;
    }
  };
  const credentials = `${decoded(upstream.username)}:${decoded(upstream.password)}`;
  return `Basic ${Buffer.from(credentials).toString('base64')}`;
}

function proxyAuthorizationLine(upstream: URL): string {
  const basic = proxyAuthorization(upstream);
  return basic ? `Proxy-Authorization: ${basic}\r\n` : '';
}

function refusalKey(site: string, host: string): string {
  return `${site}\n${bareHost(host)}`;
}
