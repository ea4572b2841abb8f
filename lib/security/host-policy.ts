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
import {
  AddressGuard,
  addressClass,
  bareHost,
  describeAddress,
  isIpLiteral,
  type AddressGuardOptions,
} from './address-guard';

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
  const bare = bareHost(host);
  return getDomain(bare, { allowPrivateDomains: true }) ?? bare;
}

/** The domains a site's URLs may name: its base_url's registrable domain first, then its declared hosts. */
export function siteDomains(site: SiteHosts): string[] {
  const declared = (site.hosts ?? []).map(bareHost);
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
  if (isIpLiteral(host))
    return { reason: 'ip-literal', message: `host ${host} is ${describeIpLiteral(host)}; ${onDomains}` };
  if (host === 'localhost' || host.endsWith('.localhost'))
    return { reason: 'localhost', message: `host ${host} is this machine; ${onDomains}` };
  if (!domains.some((domain) => host === domain || host.endsWith(`.${domain}`))) {
    const declared = domains.length > 1 ? `; or its hosts ${domains.slice(1).join(', ')}` : '';
    return {
      reason: 'off-domain',
      message: `host ${host} is not on the domain of site ${site.key} (${domains[0]}, from base_url ${site.baseUrl}${declared})`,
    };
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
  return addressClass(host) === 'unicast' ? 'an IP address' : describeAddress(host);
}

/** The port a connection for `url` goes to. */
function portOf(url: URL): number {
  return Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
}

/** The URL with user name and password masked, so a message never repeats a secret. */
export function redactUrl(url: URL): string {
  if (url.username === '' && url.password === '') return url.href;
  const copy = new URL(url.href);
  copy.username = '***';
  copy.password = '';
  return copy.href;
}

/** A policy of plain sites (no declared hosts) from site → host, e.g. { lamudi: 'www.lamudi.com.mx' }: the fetchers' `allowedHosts` shorthand. */
export function policyOfHosts(hosts: Record<string, string>): HostPolicy {
  return new HostPolicy({ sites: Object.entries(hosts).map(([key, host]) => ({ key, baseUrl: `https://${host}` })) });
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
    if (refusal)
      throw new HostPolicyError(`${redactUrl(parsed)} refused: ${refusal.message}`, redactUrl(parsed), refusal.reason);
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
      await this.addresses.checkedAddresses(url.hostname, { useSystemDns, url: url.href, port: portOf(url) });
    } catch (error) {
      if (error instanceof HostPolicyError)
        throw new HostPolicyError(`${redactUrl(url)} refused: ${error.message}`, redactUrl(url), error.reason);
      throw error;
    }
  }

  /**
   * Why a connection to `host` (a name or an IP literal, as a proxy's CONNECT names it) is refused
   * for `siteKey` by the URL rules (IP literal, localhost, off the site's domains, not a host name
   * at all), or null: the browser's egress proxy, which sees only the host of each connection of a
   * site's browser context, holds every one to that site's own policy. Throws only for a site the
   * policy does not know.
   */
  connectionRefusal(host: string, siteKey: string): UrlRefusal | null {
    const bare = bareHost(host);
    let url: URL;
    try {
      url = new URL(`http://${isIpLiteral(bare) && bare.includes(':') ? `[${bare}]` : bare}/`);
    } catch {
      return { reason: 'invalid-url', message: `${JSON.stringify(host)} is not a host name` };
    }
    // `new URL` accepts what a host name may not hold (it percent-encodes nothing in a host, but
    // decodes %xx and keeps some punctuation): the host must read back as it was given.
    if (bareHost(url.hostname) !== bare)
      return { reason: 'invalid-url', message: `${JSON.stringify(host)} is not a host name` };
    return hostRefusal(url, this.site(siteKey), 'requests');
  }
}
