/**
 * A hostile portal in front of the mirror: an HTTP proxy the worker's ORCHESTRATOR_MIRROR_URL
 * points at, which forwards every request (Host header and all) to the mirror and may rewrite the
 * HTML pages and their headers on the way back: markup injected into a listing's title and
 * description, a charset label no decoder knows. Everything else passes through unchanged.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Rewrite {
  /** The new body of an HTML answer for this Host and path; return it unchanged to pass. */
  body?(host: string, path: string, html: string): string;
  /** The Content-Type to send instead of the mirror's, for this Host; undefined keeps it. */
  contentType?(host: string, type: string | undefined): string | undefined;
}

export interface RewritingProxy {
  url: string;
  /** Requests rewritten, per Host. */
  rewritten: Map<string, number>;
  close(): Promise<void>;
}

export async function startRewritingProxy(targetUrl: string, rewrite: Rewrite): Promise<RewritingProxy> {
  const target = new URL(targetUrl);
  const rewritten = new Map<string, number>();
  const server = http.createServer((request, response) => {
    const host = String(request.headers.host ?? '').replace(/:\d+$/, '');
    // The body is rewritten as text: ask the mirror for it uncompressed.
    const headers = { ...request.headers, 'accept-encoding': 'identity' };
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: request.method, path: request.url, headers },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          let body = Buffer.concat(chunks);
          const out: http.OutgoingHttpHeaders = { ...answer.headers };
          const type = answer.headers['content-type'];
          if (/^text\/html/i.test(type ?? '') && rewrite.body) {
            const before = body.toString('utf8');
            const after = rewrite.body(host, request.url ?? '/', before);
            if (after !== before) {
              body = Buffer.from(after, 'utf8');
              rewritten.set(host, (rewritten.get(host) ?? 0) + 1);
            }
          }
          const newType = rewrite.contentType?.(host, type);
          if (newType !== undefined) out['content-type'] = newType;
          out['content-length'] = String(body.length);
          delete out['transfer-encoding'];
          response.writeHead(answer.statusCode ?? 502, out);
          response.end(body);
        });
        answer.on('error', () => response.destroy());
      },
    );
    // A reset at the mirror is a reset here too.
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    rewritten,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
