/**
 * Which addresses a connection may reach: public unicast ones only. A host name on a portal's
 * domain can still resolve to this machine, the office network or the cloud metadata service
 * (169.254.169.254), through a hostile DNS record or one that changes between a check and the
 * connection (DNS rebinding). So the check runs where the socket is opened: `lookupFor(port)` below
 * is the DNS lookup of every socket the fetchers open to a real host (the http fetcher's agents, the
 * browser's egress proxy), and it hands the socket only addresses it has checked.
 *
 * Address classes come from ipaddr.js (`range()`): anything other than global unicast is refused
 * (loopback, private, link-local, unique-local, carrier-grade NAT, multicast, reserved, the IPv6
 * forms that embed an IPv4 address …). There is no setting that lifts this: `trustedAddresses` is
 * for code that builds the fetchers itself (tests reach a server on loopback through it, an
 * address and port at a time), not an operator option of config.yaml.
 */
import { lookup as systemLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { HostPolicyError } from '../errors';

/**
 * Addresses a host name resolves to, overriding DNS for that name; undefined → the default
 * (system DNS, or nothing at all when the request goes to the local mirror). Tests install one to
 * make a name resolve to 10.0.0.1 without touching DNS.
 */
export type HostResolver = (hostname: string) => readonly string[] | undefined | Promise<readonly string[] | undefined>;

export interface AddressGuardOptions {
  resolve?: HostResolver;
  /**
   * Endpoints allowed although not public, each an address with a port ("127.0.0.1:8080",
   * "[::1]:8080": that port only), an address ("127.0.0.2": any port) or a CIDR range
   * ("10.1.2.0/24": any port). Empty by default, and not a configuration setting: tests use it to
   * reach a local server, one address and port, as if it were a portal.
   */
  trustedAddresses?: readonly string[];
}

/**
 * Words for an address class, as every message prints them ("… resolves to 10.0.0.1, a private
 * network address", "host 10.0.0.1 is a private network address; …"). The one table of them.
 */
const CLASS_WORDS: Readonly<Record<string, string>> = {
  unicast: 'a public address',
  loopback: 'a loopback address (this machine)',
  private: 'a private network address',
  uniqueLocal: 'a private network address',
  carrierGradeNat: 'a private network address (carrier-grade NAT)',
  linkLocal: 'a link-local address',
  unspecified: 'an unspecified address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  reserved: 'a reserved address',
  ipv4Mapped: 'an IPv4-mapped address',
  rfc6145: 'an IPv4-translated address',
  rfc6052: 'a NAT64 address (it embeds an IPv4 address)',
  '6to4': 'a 6to4 address (it embeds an IPv4 address)',
  teredo: 'a Teredo address (it embeds an IPv4 address)',
};

/**
 * A host name or address as every check compares it: lower case, without the trailing dot of a
 * fully qualified name, an IPv6 literal without its URL brackets ("[::1]" → "::1").
 */
export function bareHost(host: string): string {
  const lower = host.trim().toLowerCase().replace(/\.$/, '');
  return lower.startsWith('[') && lower.endsWith(']') ? lower.slice(1, -1) : lower;
}

/** The ipaddr.js class of an address ("unicast", "loopback", "private" …); IPv4-mapped IPv6 is read as its IPv4. */
export function addressClass(address: string): string {
  return ipaddr.process(bareHost(address)).range();
}

export function isIpLiteral(host: string): boolean {
  return isValidAddress(bareHost(host));
}

/**
 * ipaddr.isValid, remembered: it runs on every request's host (a handful of names per worker), and
 * trying a host name as IPv4 and IPv6 literals each time was 2–3 % of a worker's activity thread.
 */
const validity = new Map<string, boolean>();
function isValidAddress(text: string): boolean {
  let valid = validity.get(text);
  if (valid === undefined) {
    if (validity.size >= 1024) validity.clear();
    valid = ipaddr.isValid(text);
    validity.set(text, valid);
  }
  return valid;
}

/** "a loopback address (this machine)", "a private network address" …; "a public address" for global unicast. */
export function describeAddress(address: string): string {
  const range = addressClass(address);
  return CLASS_WORDS[range] ?? `a special-purpose address (${range})`;
}

/** An endpoint allowed although not public: a network, and the one port it is trusted on (any when undefined). */
interface TrustedEndpoint {
  network: [ipaddr.IPv4 | ipaddr.IPv6, number];
  port?: number;
}

function parseTrusted(entry: string): TrustedEndpoint {
  const withPort = /^\[([^\]]+)\]:(\d+)$/.exec(entry) ?? /^(\d{1,3}(?:\.\d{1,3}){3}):(\d+)$/.exec(entry);
  const single = (text: string): [ipaddr.IPv4 | ipaddr.IPv6, number] => {
    const address = ipaddr.parse(text);
    return [address, address.kind() === 'ipv4' ? 32 : 128];
  };
  if (withPort) return { network: single(withPort[1]), port: Number(withPort[2]) };
  return { network: entry.includes('/') ? ipaddr.parseCIDR(entry) : single(bareHost(entry)) };
}

export class AddressGuard {
  private readonly trusted: readonly TrustedEndpoint[];
  /** refusal()'s answers by address and port. */
  private readonly refusals = new Map<string, string | null>();
  /** The lookup of sockets whose port is not known: only endpoints trusted on any port apply. */
  readonly lookup: LookupFunction;

  constructor(private readonly options: AddressGuardOptions = {}) {
    this.trusted = (options.trustedAddresses ?? []).map(parseTrusted);
    this.lookup = this.lookupFor(undefined);
  }

  /**
   * Why a connection to `address` (on `port`, when known) is refused (its class in words), or
   * null when it may go ahead: a public address, or a trusted endpoint.
   */
  refusal(address: string, port?: number): string | null {
    // Remembered per address and port: the answer cannot change, and a worker meets few addresses.
    const key = `${address}|${port ?? ''}`;
    let refused = this.refusals.get(key);
    if (refused === undefined) {
      if (this.refusals.size >= 1024) this.refusals.clear();
      refused = this.decideRefusal(address, port);
      this.refusals.set(key, refused);
    }
    return refused;
  }

  private decideRefusal(address: string, port?: number): string | null {
    const parsed = ipaddr.process(bareHost(address));
    if (parsed.range() === 'unicast') return null;
    const trusted = this.trusted.some(
      ({ network: [network, bits], port: trustedPort }) =>
        network.kind() === parsed.kind() &&
        (parsed as ipaddr.IPv4).match(network, bits) &&
        (trustedPort === undefined || trustedPort === port),
    );
    return trusted ? null : describeAddress(address);
  }

  /**
   * The addresses `hostname` resolves to, every one of them checked (for a connection on `port`,
   * when known): a HostPolicyError naming the first refused one otherwise (a name with one bad
   * address is refused whole, since a connection could pick any of them). `useSystemDns: false`
   * (requests through the local mirror) consults only the resolver override and answers [] when it
   * has nothing to say about the name.
   */
  async checkedAddresses(
    hostname: string,
    { useSystemDns = true, url, port }: { useSystemDns?: boolean; url?: string; port?: number } = {},
  ): Promise<LookupAddress[]> {
    const host = bareHost(hostname);
    let addresses: LookupAddress[];
    if (isValidAddress(host)) {
      addresses = [{ address: host, family: ipaddr.parse(host).kind() === 'ipv4' ? 4 : 6 }];
    } else {
      const overridden = await this.options.resolve?.(host);
      if (overridden !== undefined)
        addresses = overridden.map((address) => ({ address, family: ipaddr.parse(address).kind() === 'ipv4' ? 4 : 6 }));
      else if (!useSystemDns) return [];
      else addresses = await resolveWithSystemDns(host);
    }
    for (const { address } of addresses) {
      const refused = this.refusal(address, port);
      if (refused) {
        const shown = isValidAddress(host) ? `host ${hostname}` : `${hostname} resolves to ${address}, which`;
        throw new HostPolicyError(
          `${shown} is ${refused}: only public addresses may be fetched`,
          url ?? hostname,
          'non-public-address',
        );
      }
    }
    return addresses;
  }

  /**
   * A `lookup` for the sockets of connections to `port` (net.connect, an http.Agent's
   * createConnection): resolves, refuses non-public answers with a HostPolicyError (the socket
   * fails with it, nothing is sent), and connects only to addresses it checked. Honours `all`
   * (Node's happy-eyeballs connect asks for every address) and `family`.
   */
  lookupFor(port: number | undefined): LookupFunction {
    return (hostname, options, callback) => {
      this.checkedAddresses(hostname, { port }).then(
        (addresses) => {
          const asked = options.family as number | string | undefined;
          const family = asked === 4 || asked === 'IPv4' ? 4 : asked === 6 || asked === 'IPv6' ? 6 : 0;
          const wanted = family === 0 ? addresses : addresses.filter((entry) => entry.family === family);
          if (wanted.length === 0) {
            const what = family === 0 ? 'no address at all' : `no IPv${family} address`;
            const error = Object.assign(new Error(`${hostname} resolves to ${what}`), { code: 'ENOTFOUND', hostname });
            return callback(error, '', 0);
          }
          if (options.all) (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, wanted);
          else callback(null, wanted[0].address, wanted[0].family);
        },
        (error: Error) => callback(error as NodeJS.ErrnoException, '', 0),
      );
    };
  }
}

function resolveWithSystemDns(hostname: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    systemLookup(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses)));
  });
}
