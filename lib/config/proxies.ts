/**
 * The `proxies` setting (under defaults or a site): what a proxy URL may be, the proxy list file
 * (one URL per line, relative to the config file), and how values are shown in messages: always
 * with the password as *** (lib/security/redact.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { redactCredentials, redactProxyUrl } from '../security/redact';

export const PROXY_URL_MESSAGE =
  'must be a proxy URL such as "http://user:password@proxy.example:8000" (http or https, no path)';

/** Whether a URL's user name or password is valid percent-encoding (a bare "%" is not). */
function decodesCleanly(part: string): boolean {
  try {
    decodeURIComponent(part);
    return true;
  } catch {
    return false;
  }
}

/**
 * http(s)://[user[:password]@]host[:port] — what got-scraping and Chromium both accept. Credentials
 * must be percent-encoded ("pa%25ss" for "pa%ss"): the proxy is sent them decoded.
 */
export function isProxyUrl(value: string): boolean {
  try {
    const url = new URL(value.trim());
    return (
      (url.protocol === 'http:' || url.protocol === 'https:') &&
      url.hostname !== '' &&
      url.pathname === '/' &&
      url.search === '' &&
      url.hash === '' &&
      decodesCleanly(url.username) &&
      decodesCleanly(url.password)
    );
  } catch {
    return false;
  }
}

/** A config value under `proxies` as a message may show it: every proxy password as ***. */
export function redactProxyValue(value: unknown): unknown {
  if (typeof value === 'string') return isProxyUrl(value) ? redactProxyUrl(value) : redactCredentials(value);
  if (Array.isArray(value)) return value.map(redactProxyValue);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, redactProxyValue(inner)]));
  return value;
}

export interface ProxyList {
  urls: string[];
  /** One sentence per bad line ("config/proxies.txt:3: … got "…""), or why the file cannot be read. */
  problems: string[];
}

/**
 * The proxy URLs of a list file: one per line; blank lines and lines starting with # are skipped.
 * `shownAs` is how messages name the file (relative to the project root when under it).
 */
export function readProxyList(file: string, shownAs: string): ProxyList {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { urls: [], problems: [`${shownAs}: cannot read the proxy list (${code ?? String(error)})`] };
  }
  const urls: string[] = [];
  const problems: string[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((line, index) => {
      const entry = line.trim();
      if (entry === '' || entry.startsWith('#')) return;
      if (isProxyUrl(entry)) urls.push(entry);
      else
        problems.push(`${shownAs}:${index + 1}: ${PROXY_URL_MESSAGE}, got ${JSON.stringify(redactProxyValue(entry))}`);
    });
  if (urls.length === 0 && problems.length === 0) problems.push(`${shownAs}: the proxy list holds no proxy URL`);
  return { urls, problems };
}

/** Where a `proxies.file` value points: relative to the config file's directory. */
export function proxyListPath(configFile: string, file: string): string {
  return path.resolve(path.dirname(configFile), file);
}
