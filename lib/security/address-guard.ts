/**
 * Which addresses a connection may reach: public unicast ones only. A host name on a portal's
 * domain can still resolve to this machine, the office network or the cloud metadata service
 * (169.254.169.254), through a hostile DNS record or one that changes between a check and the
 * connection (DNS rebinding). So the check runs where the socket is opened: `lookup` below is the
 * DNS lookup of every socket the fetchers open to a real host (the http fetcher's agents, the
 * browser's egress proxy), and it hands the socket only addresses it has checked.
 *
 * Address classes come from ipaddr.js (`range()`): anything other than global unicast is refused
 * (loopback, private, link-local, unique-local, carrier-grade NAT, multicast, reserved, the IPv6
 * forms that embed an IPv4 address …), unless the operator or a test trusts it explicitly.
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
   * CIDR ranges ("127.0.0.1/32", "10.1.2.0/24") allowed although not public: a portal reached
   * through a proxy on the operator's own network, or a test server on loopback. Empty by default.
   */
  trustedAddresses?: readonly string[];
}

/** Words for an address class, as messages print them ("… resolves to 10.0.0.1, a private network address"). */
const CLASS_WORDS: Record<string, string> = {
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

/** The ipaddr.js class of an address ("unicast", "loopback", "private" …); IPv4-mapped IPv6 is read as its IPv4. */
export function addressClass(address: string): string {
  return ipaddr.process(stripBrackets(address)).range();
}

export function isIpLiteral(host: string): boolean {
  return ipaddr.isValid(stripBrackets(host));
}

/** "a loopback address (this machine)", "a private network address" …; "a public address" for global unicast. */
export function describeAddress(address: string): string {
  const range = addressClass(address);
  return range === 'unicast' ? 'a public address' : (CLASS_WORDS[range] ?? `a special-purpose address (${range})`);
}

export class AddressGuard {
  private readonly trusted: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]>;

  constructor(private readonly options: AddressGuardOptions = {}) {
    this.trusted = (options.trustedAddresses ?? []).map((cidr) => {
      if (cidr.includes('/')) return ipaddr.parseCIDR(cidr);
      const address = ipaddr.parse(cidr);
      return [address, address.kind() === 'ipv4' ? 32 : 128];
    });
  }

  /** Why a connection to `address` is refused (its class in words), or null when it may go ahead. */
  refusal(address: string): string | null {
    const parsed = ipaddr.process(stripBrackets(address));
    if (parsed.range() === 'unicast') return null;
    if (this.trusted.some(([network, bits]) => network.kind() === parsed.kind() && (parsed as ipaddr.IPv4).match(network as ipaddr.IPv4, bits))) return null;
    return describeAddress(address);
  }

  /**
   * The addresses `hostname` resolves to, every one of them checked: a HostPolicyError naming the
   * first refused one otherwise (a name with one bad address is refused whole, since a connection
   * could pick any of them). `useSystemDns: false` (requests through the local mirror) consults only
   * the resolver override and answers [] when it has nothing to say about the name.
   */
  async checkedAddresses(hostname: string, { useSystemDns = true, url }: { useSystemDns?: boolean; url?: string } = {}): Promise<LookupAddress[]> {
    const host = stripBrackets(hostname.replace(/\.$/, ''));
    let addresses: LookupAddress[];
    if (ipaddr.isValid(host)) {
      addresses = [{ address: host, family: ipaddr.parse(host).kind() === 'ipv4' ? 4 : 6 }];
    } else {
      const overridden = await this.options.resolve?.(host);
      if (overridden !== undefined) addresses = overridden.map((address) => ({ address, family: ipaddr.parse(address).kind() === 'ipv4' ? 4 : 6 }));
      else if (!useSystemDns) return [];
      else addresses = await resolveWithSystemDns(host);
    }
    for (const { address } of addresses) {
      const refused = this.refusal(address);
      if (refused) {
        const shown = ipaddr.isValid(host) ? `host ${hostname}` : `${hostname} resolves to ${address}, which`;
        throw new HostPolicyError(`${shown} is ${refused}: only public addresses may be fetched`, url ?? hostname, 'non-public-address');
      }
    }
    return addresses;
  }

  /**
   * A `lookup` for net.connect / http.Agent: resolves, refuses non-public answers with a
   * HostPolicyError (the socket fails with it, nothing is sent), and connects only to addresses it
   * checked. Honours `all` (Node's happy-eyeballs connect asks for every address) and `family`.
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.checkedAddresses(hostname).then(
      (addresses) => {
        const asked = options.family as number | string | undefined;
        const family = asked === 4 || asked === 'IPv4' ? 4 : asked === 6 || asked === 'IPv6' ? 6 : 0;
        const wanted = family === 0 ? addresses : addresses.filter((entry) => entry.family === family);
        if (wanted.length === 0) {
          const error = Object.assign(new Error(`${hostname}: no IPv${family} address`), { code: 'ENOTFOUND', hostname });
          return callback(error, '', 0);
        }
        if (options.all) (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, wanted);
        else callback(null, wanted[0].address, wanted[0].family);
      },
      (error: Error) => callback(error as NodeJS.ErrnoException, '', 0),
    );
  };
}

function resolveWithSystemDns(hostname: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    systemLookup(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses)));
  });
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

