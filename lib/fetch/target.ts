/**
 * Where a request for a portal URL actually goes. Without a mirror, to the real host. With
 * `mirrorUrl` (http://127.0.0.1:PORT), to the mirror, keeping the portal's host in the Host
 * header: the mirror routes by it, and every other layer (robots.txt, redirects, records) keeps
 * seeing the real URL.
 */

export interface RequestTarget {
  /** The URL the request is sent to. */
  requestUrl: URL;
  /** Host header to send, or null to let the client derive it from requestUrl. */
  hostHeader: string | null;
}

export function resolveTarget(url: string | URL, mirrorUrl?: string | null): RequestTarget {
  const logical = new URL(url);
  if (!mirrorUrl) return { requestUrl: logical, hostHeader: null };
  const mirror = new URL(mirrorUrl);
  const requestUrl = new URL(logical.pathname + logical.search, mirror.origin);
  // `host` keeps a non-default port of the real URL, as a browser's Host header would.
  return { requestUrl, hostHeader: logical.host };
}
