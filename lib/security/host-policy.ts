/**
 * The host policy: which URLs a site's requests may go to. One check for every request the
 * orchestrator makes, whoever wrote the URL: start URLs from urls/*.csv, next pages and detail
 * URLs read off the portals' pages (JSON-LD included), every redirect hop, robots.txt, and every
 * navigation of the browser. Pages are written by whoever publishes on a portal, so a link is
 * never trusted because of where it was found.
 *
 * A URL passes when it is http(s), carries no user name or password, names a host (not an IP
 * literal, not localhost) on the site's registrable domain — from the Public Suffix List through
 * tldts, so casas.trovit.com.mx is on trovit.com.mx and lamudi.com.mx.evil.mx is not — or on one of
 * the site's declared `hosts`, and that host resolves only to public addresses (AddressGuard,
 * checked on the socket itself, lib/security/address-guard.ts).
 */
import { getDomain } from 'tldts';
import { HostPolicyError, type HostRefusalReason } from '../errors';
import { AddressGuard, addressClass, isIpLiteral, type AddressGuardOptions } from './address-guard';

/** What the policy needs to know about a site: its key, its base_url, and any hosts it declares beyond that domain. */
export interface SiteHosts {
  key: string;
  baseUrl: string;
  /** Extra host names the site's pages live on (each with its subdomains), from config `sites.<key>.hosts`. */
  hosts?: readonly string[];
}

export interface HostPolicyOptions extends AddressGuardOptions {
  sites: readonly SiteHosts[];
}

/** Why a URL is refused: the rule, and a sentence saying it (without the URL itself, which callers show their own way). */
export interface UrlRefusal {
  reason: HostRefusalReason;
  message: string;
}

/**
 * www.inmuebles24.com → inmuebles24.com; casas.trovit.com.mx → trovit.com.mx. Private suffixes of
 * the list count too (foo.github.io is its own domain), so a site hosted under one never claims
 * its neighbours. A host with no registrable domain (localhost, a bare name) is its own.
 */
export function registrableDomain(host: string): string {
  const bare = host.toLowerCase().replace(/\.$/, '');
  return getDomain(bare, { allowPrivateDomains: true }) ?? bare;
}

/** The domains a site's URLs may name: its base_url's registrable domain first, then its declared hosts. */
export function siteDomains(site: SiteHosts): string[] {
  const declared = (site.hosts ?? []).map((host) => host.toLowerCase().replace(/\.$/, ''));
  return [...new Set([registrableDomain(new URL(site.baseUrl).hostname), ...declared])];
}

/** The host as URL prints it, for messages: lowercase, without a trailing dot, IPv6 in brackets. */
function shownHost(url: URL): string {
  return url.hostname.replace(/\.$/, '');
}

function hostRefusal(url: URL, site: SiteHosts, plural: string): UrlRefusal | null {
  const host = shownHost(url);
  const domains = siteDomains(site);
  const onDomains = `${plural} must name a host on ${domains.join(' or ')}`;
  if (isIpLiteral(host)) return { reason: 'ip-literal', message: `host ${host} is ${describeIpLiteral(host)}; ${onDomains}` };
  if (host === 'localhost' || host.endsWith('.localhost')) return { reason: 'localhost', message: `host ${host} is this machine; ${onDomains}` };
  if (!domains.some((domain) => host === domain || host.endsWith(`.${domain}`))) {
    const declared = domains.length > 1 ? `; or its hosts ${domains.slice(1).join(', ')}` : '';
    return { reason: 'off-domain', message: `host ${host} is not on the domain of site ${site.key} (${domains[0]}, from base_url ${site.baseUrl}${declared})` };
  }
  return null;
}

/**
 * Why `url` may not be requested for `site` by the URL rules (scheme, credentials, IP literal,
 * localhost, domain), or null when it may. `noun` names what the URL is in the message ("start
 * URL"); the address check comes later, when the host is resolved.
 */
export function urlRefusal(url: URL, site: SiteHosts, noun = 'URL'): UrlRefusal | null {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { reason: 'scheme', message: `only http and https URLs are allowed, not "${url.protocol}"` };
  }
  if (url.username !== '' || url.password !== '') {
    return { reason: 'credentials', message: `a ${noun} must not carry a user name or password` };
  }
  return hostRefusal(url, site, `${noun}s`);
}

/** An IP literal in words: its class where that says more than "an IP address" (loopback, private, link-local …). */
function describeIpLiteral(host: string): string {
  switch (addressClass(host)) {
    case 'loopback':
      return 'a loopback address (this machine)';
    case 'private':
    case 'uniqueLocal':
    case 'carrierGradeNat':
      return 'a private network address';
    case 'linkLocal':
      return 'a link-local address';
    case 'unspecified':
      return 'an unspecified address';
    default:
      return 'an IP address';
  }
}

/** The URL with user name and password masked, so a message never repeats a secret. */
export function redactUrl(url: URL): string {
  if (url.username === '' && url.password === '') return url.href;
  const copy = new URL(url.href);
  copy.username = '***';
  copy.password = '';
  return copy.href;
}

export class HostPolicy {
  /** The address half of the policy: where the sockets opened for these sites may connect. */
  readonly addresses: AddressGuard;
  private readonly sites = new Map<string, SiteHosts>();

  constructor(options: HostPolicyOptions) {
    this.addresses = new AddressGuard(options);
    for (const site of options.sites) this.sites.set(site.key, site);
  }

  site(key: string): SiteHosts {
    const site = this.sites.get(key);
    if (!site) throw new Error(`site "${key}" has no host policy (the fetcher was built without it)`);
    return site;
  }

  /** `url` parsed, or the HostPolicyError of the URL rules; nothing is resolved or sent. */
  checkUrl(url: string | URL, siteKey: string): URL {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new HostPolicyError(`${String(url)} refused: not a valid absolute URL`, String(url), 'invalid-url');
    }
    const refusal = urlRefusal(parsed, this.site(siteKey));
    if (refusal) throw new HostPolicyError(`${redactUrl(parsed)} refused: ${refusal.message}`, redactUrl(parsed), refusal.reason);
    return parsed;
  }

  /**
   * The URL rules, then, for a request that goes to the local mirror instead of the host, the
   * resolver override: the mirror stands in for DNS (no socket is opened to the host), but a name
   * the override maps to a non-public address is still refused. Requests to real hosts are checked
   * on their socket instead (`addresses.lookup`), where no DNS answer can change in between.
   */
  async checkMirrorRequest(url: string | URL, siteKey: string): Promise<URL> {
    const parsed = this.checkUrl(url, siteKey);
    await this.checkResolution(parsed, { useSystemDns: false });
    return parsed;
  }

  /** The address check ahead of the connection (the browser's navigations, where the message must name the URL). */
  async checkResolution(url: URL, { useSystemDns }: { useSystemDns: boolean }): Promise<void> {
    try {
      await this.addresses.checkedAddresses(url.hostname, { useSystemDns, url: url.href });
    } catch (error) {
      if (error instanceof HostPolicyError) throw new HostPolicyError(`${redactUrl(url)} refused: ${error.message}`, redactUrl(url), error.reason);
      throw error;
    }
  }

  /**
   * Why a connection to `host` is refused for every site of this policy (IP literal, localhost,
   * on none of their domains), or null: the browser's egress proxy, which sees host names only,
   * holds the whole browser to the union of its sites' domains plus `extraHosts`.
   */
  hostRefusalForAnySite(host: string, extraHosts: readonly string[] = []): string | null {
    const bare = host.toLowerCase().replace(/\.$/, '');
    if (extraHosts.includes(bare)) return null;
    const url = new URL(`http://${isIpLiteral(bare) && bare.includes(':') && !bare.startsWith('[') ? `[${bare}]` : bare}/`);
    const refusals = [...this.sites.values()].map((site) => hostRefusal(url, site, 'requests'));
    if (refusals.some((refusal) => refusal === null)) return null;
    const first = refusals[0];
    return first?.reason === 'off-domain' ? `host ${bare} is on none of the sites' domains` : (first?.message ?? `host ${bare} belongs to no site`);
  }
}
