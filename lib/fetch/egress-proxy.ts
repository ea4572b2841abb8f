/**
 * The browser's only way out: a small HTTP proxy on loopback that Chromium is launched behind
 * (lib/fetch/browser-pool.ts), so every connection the browser opens — page navigations, a
 * challenge's scripts, a redirect hop Chromium follows by itself, a WebSocket an inline script
 * opens — is made here, where the host policy applies on the socket: host names are resolved
 * through the AddressGuard's lookup (no private, loopback or metadata address, whatever DNS answers
 * at that moment), IP literals are checked as addresses, and an optional host rule holds the
 * browser to its sites' domains. Chromium resolves nothing itself behind a proxy, and TLS stays
 * end to end (CONNECT tunnels), so the browser keeps its own fingerprint.
 *
 * The route handler of the browser fetcher checks each navigation first and reports the reason;
 * this proxy is the guarantee underneath it. `closed` refuses everything: with the local mirror
 * the fetcher answers every request itself and nothing may reach a network.
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { HostPolicyError } from '../errors';
import { AddressGuard, isIpLiteral } from '../security/address-guard';

export interface EgressProxyOptions {
  /** The address check of every outgoing socket (default: public addresses only, system DNS). */
  guard?: AddressGuard;
  /** Why a connection to this host name is refused outright (not a host of the browser's sites), or null to go on to the address check. */
  hostRefusal?: (host: string) => string | null;
  /** Refuse every connection (the local mirror: the browser fetcher answers every request itself). */
  closed?: boolean;
}

/** How many refusals are remembered per proxy, for the messages of failed navigations. */
const REMEMBERED_REFUSALS = 100;

export class EgressProxy {
  /** Connections and requests made, and refused, since the start (logs and tests). */
  readonly counts = { forwarded: 0, refused: 0 };
  private readonly refusals = new Map<string, { reason: string; at: number }>();
  private readonly sockets = new Set<Duplex>();

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(options: EgressProxyOptions = {}): Promise<EgressProxy> {
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const proxy = new EgressProxy(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    proxy.serve(options.guard ?? new AddressGuard(), options);
    return proxy;
  }

  /** Why the proxy refused a connection to `host` at or after `since` (performance.now() ms), if it did. */
  refusalFor(host: string, since = 0): string | undefined {
    const refusal = this.refusals.get(host.toLowerCase().replace(/^\[|\]$/g, ''));
    return refusal && refusal.at >= since ? refusal.reason : undefined;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private serve(guard: AddressGuard, options: EgressProxyOptions): void {
    const refusalOf = (host: string): string | null => {
      if (options.closed) return 'the browser reaches the portals through the local mirror only';
      const ruled = options.hostRefusal?.(host) ?? null;
      if (ruled) return ruled;
      // net.connect skips the lookup for an IP literal, so its address is checked here.
      const refusedAddress = isIpLiteral(host) ? guard.refusal(host) : null;
      return refusedAddress ? `host ${host} is ${refusedAddress}` : null;
    };
    const remember = (host: string, reason: string): void => {
      this.counts.refused++;
      this.refusals.delete(host);
      this.refusals.set(host, { reason, at: performance.now() });
      if (this.refusals.size > REMEMBERED_REFUSALS) this.refusals.delete(this.refusals.keys().next().value!);
    };

    // https (and WebSockets): CONNECT host:port, then bytes both ways.
    this.server.on('connect', (request: http.IncomingMessage, client: Duplex, head: Buffer) => {
      this.track(client);
      client.on('error', () => undefined);
      const authority = /^\[?([^\]]+?)\]?:(\d+)$/.exec(request.url ?? '');
      if (!authority) return void client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      const [, host, port] = authority;
      const refused = refusalOf(host.toLowerCase());
      if (refused) {
        remember(host.toLowerCase(), refused);
        return void client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      }
      const upstream = net.connect({ host, port: Number(port), lookup: guard.lookup });
      this.track(upstream);
      let tunnelled = false;
      upstream.once('connect', () => {
        tunnelled = true;
        this.counts.forwarded++;
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length > 0) upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', (error) => {
        if (error instanceof HostPolicyError) remember(host.toLowerCase(), error.message);
        if (!tunnelled && client.writable) client.end(error instanceof HostPolicyError ? 'HTTP/1.1 403 Forbidden\r\n\r\n' : 'HTTP/1.1 502 Bad Gateway\r\n\r\n');
        else client.destroy();
      });
      client.on('close', () => upstream.destroy());
    });

    // Plain http: the request comes in absolute form (GET http://host/path) and is sent on.
    this.server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => {
      let target: URL;
      try {
        target = new URL(request.url ?? '');
      } catch {
        return void response.writeHead(400).end();
      }
      if (target.protocol !== 'http:') return void response.writeHead(400).end();
      const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
      const refused = refusalOf(host);
      // A refusal closes the connection unanswered, so Chromium fails the request (an answer from
      // the proxy would be taken for the site's own page); the fetcher reads the reason from here.
      if (refused) {
        remember(host, refused);
        return void request.socket.destroy();
      }
      const headers = { ...request.headers };
      delete headers['proxy-connection'];
      delete headers['proxy-authorization'];
      const upstream = http.request(
        { host, port: Number(target.port || 80), method: request.method, path: target.pathname + target.search, headers, lookup: guard.lookup, agent: false },
        (answer) => {
          this.counts.forwarded++;
          response.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
          answer.pipe(response);
        },
      );
      upstream.on('error', (error) => {
        if (error instanceof HostPolicyError) remember(host, error.message);
        if (!response.headersSent && !(error instanceof HostPolicyError)) response.writeHead(502).end();
        else request.socket.destroy();
      });
      request.pipe(upstream);
    });

    // An upgrade in absolute form is not how Chromium tunnels WebSockets (it uses CONNECT): refuse it.
    this.server.on('upgrade', (_request: http.IncomingMessage, client: Duplex) => client.destroy());
  }

  private track(socket: Duplex): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }
}
