/**
 * The host policy every request passes: the URL rules (scheme, credentials, IP literals,
 * localhost, the site's registrable domain from the Public Suffix List or its declared hosts), and
 * the address rules on the socket itself (a lookup that refuses loopback, private, link-local,
 * unique-local, CGNAT, metadata and other non-public answers, with a resolver override for tests).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { ConfigError, findProjectRoot, parseConfigText } from '../../../../lib/config/load';
import { HostPolicyError } from '../../../../lib/errors';
import { AddressGuard, bareHost, describeAddress } from '../../../../lib/security/address-guard';
import { HostPolicy, registrableDomain, siteDomains, urlRefusal } from '../../../../lib/security/host-policy';

const LAMUDI = { key: 'lamudi', baseUrl: 'https://www.lamudi.com.mx' };
const INMUEBLES24 = { key: 'inmuebles24', baseUrl: 'https://www.inmuebles24.com' };

function refusalOf(url: string, site = LAMUDI) {
  return urlRefusal(new URL(url), site);
}

describe('host policy: URL rules', () => {
  it('registrable domains come from the Public Suffix List', () => {
    assert.equal(registrableDomain('www.lamudi.com.mx'), 'lamudi.com.mx');
    assert.equal(registrableDomain('casas.trovit.com.mx'), 'trovit.com.mx');
    assert.equal(registrableDomain('casas.mitula.mx'), 'mitula.mx');
    assert.equal(registrableDomain('WWW.Inmuebles24.com.'), 'inmuebles24.com');
    // A private suffix of the list is a domain of its own: a site under it never claims its neighbours.
    assert.equal(registrableDomain('portal.github.io'), 'portal.github.io');
  });

  it("accepts the site's own domain and its subdomains, and declared hosts", () => {
    assert.equal(refusalOf('https://lamudi.com.mx/casa/'), null);
    assert.equal(refusalOf('https://img.lamudi.com.mx/x.jpg'), null);
    const withHosts = { ...LAMUDI, hosts: ['lamudi.net'] };
    assert.deepEqual(siteDomains(withHosts), ['lamudi.com.mx', 'lamudi.net']);
    assert.equal(urlRefusal(new URL('https://cdn.lamudi.net/x'), withHosts), null);
    assert.match(
      urlRefusal(new URL('https://evil.net/x'), withHosts)!.message,
      /\(lamudi\.com\.mx, from base_url https:\/\/www\.lamudi\.com\.mx; or its hosts lamudi\.net\)$/,
    );
  });

  it('refuses look-alike domains, other schemes, credentials, IP literals and localhost, saying which rule', () => {
    const cases: Array<[string, string, RegExp]> = [
      [
        'https://www.lamudi.com.mx.evil.mx/detalle/1',
        'off-domain',
        /^host www\.lamudi\.com\.mx\.evil\.mx is not on the domain of site lamudi \(lamudi\.com\.mx, from base_url https:\/\/www\.lamudi\.com\.mx\)$/,
      ],
      ['https://lamudi-com.mx/x', 'off-domain', /host lamudi-com\.mx is not on the domain/],
      ['https://notlamudi.com.mx/x', 'off-domain', /host notlamudi\.com\.mx is not on the domain/],
      ['javascript:alert(1)', 'scheme', /^only http and https URLs are allowed, not "javascript:"$/],
      ['file:///etc/passwd', 'scheme', /not "file:"/],
      ['https://user:secret@www.lamudi.com.mx/x', 'credentials', /^a URL must not carry a user name or password$/],
      [
        'http://127.0.0.1:8080/x',
        'ip-literal',
        /^host 127\.0\.0\.1 is a loopback address \(this machine\); URLs must name a host on lamudi\.com\.mx$/,
      ],
      ['http://2130706433/', 'ip-literal', /^host 127\.0\.0\.1 is a loopback address/],
      ['http://10.0.0.1/', 'ip-literal', /^host 10\.0\.0\.1 is a private network address/],
      ['http://169.254.169.254/latest/meta-data/', 'ip-literal', /^host 169\.254\.169\.254 is a link-local address/],
      ['http://[fd00:ec2::254]/', 'ip-literal', /^host \[fd00:ec2::254\] is a private network address/],
      ['http://[::ffff:127.0.0.1]/', 'ip-literal', /^host \[::ffff:7f00:1\] is a loopback address/],
      ['http://8.8.8.8/', 'ip-literal', /^host 8\.8\.8\.8 is an IP address/],
      ['http://localhost:9464/metrics', 'localhost', /^host localhost is this machine/],
      ['http://lamudi.localhost/', 'localhost', /^host lamudi\.localhost is this machine/],
    ];
    for (const [url, reason, message] of cases) {
      const refusal = refusalOf(url);
      assert.ok(refusal, url);
      assert.equal(refusal.reason, reason, url);
      assert.match(refusal.message, message, url);
    }
    assert.equal(refusalOf('https://inmuebles24.com.evil.mx/x', INMUEBLES24)!.reason, 'off-domain');
    assert.equal(refusalOf('https://inmuebles-24.com/x', INMUEBLES24)!.reason, 'off-domain');
  });

  it('HostPolicy.checkUrl throws a non-retryable HostPolicyError naming the URL (credentials masked)', () => {
    const policy = new HostPolicy({ sites: [LAMUDI] });
    assert.equal(policy.checkUrl('https://www.lamudi.com.mx/casa/', 'lamudi').href, 'https://www.lamudi.com.mx/casa/');
    assert.throws(
      () => policy.checkUrl('https://admin:hunter2@www.lamudi.com.mx/x', 'lamudi'),
      (error: unknown) => {
        assert.ok(error instanceof HostPolicyError);
        assert.equal(error.retryable, false);
        assert.equal(error.reason, 'credentials');
        assert.equal(
          error.message,
          'https://***@www.lamudi.com.mx/x refused: a URL must not carry a user name or password',
        );
        assert.doesNotMatch(error.message, /hunter2/);
        return true;
      },
    );
    assert.throws(
      () => policy.checkUrl('/relative', 'lamudi'),
      (error: unknown) => error instanceof HostPolicyError && error.reason === 'invalid-url',
    );
    assert.throws(() => policy.checkUrl('https://www.lamudi.com.mx/', 'nowhere'), /site "nowhere" has no host policy/);
  });

  it("holds each site's connections to its own domains (the egress proxy's rule), never throwing on a malformed host", () => {
    const policy = new HostPolicy({ sites: [LAMUDI, INMUEBLES24] });
    assert.equal(policy.connectionRefusal('www.inmuebles24.com', 'inmuebles24'), null);
    assert.equal(policy.connectionRefusal('img.lamudi.com.mx', 'lamudi'), null);
    assert.equal(policy.connectionRefusal('WWW.Lamudi.com.mx.', 'lamudi'), null);
    // Another site of the same browser is not this site's to reach.
    assert.deepEqual(policy.connectionRefusal('www.inmuebles24.com', 'lamudi'), {
      reason: 'off-domain',
      message:
        'host www.inmuebles24.com is not on the domain of site lamudi (lamudi.com.mx, from base_url https://www.lamudi.com.mx)',
    });
    assert.equal(policy.connectionRefusal('login.portal-sso.example', 'inmuebles24')!.reason, 'off-domain');
    assert.match(policy.connectionRefusal('127.0.0.1', 'lamudi')!.message, /^host 127\.0\.0\.1 is a loopback address/);
    assert.match(policy.connectionRefusal('::1', 'lamudi')!.message, /^host \[::1\] is a loopback address/);
    assert.match(policy.connectionRefusal('[::1]', 'lamudi')!.message, /^host \[::1\] is a loopback address/);
    assert.equal(policy.connectionRefusal('localhost', 'lamudi')!.reason, 'localhost');
    for (const malformed of ['exa%mple.com', 'a b.lamudi.com.mx', '', 'www.lamudi.com.mx/x']) {
      assert.equal(policy.connectionRefusal(malformed, 'lamudi')!.reason, 'invalid-url', malformed);
    }
  });
});

describe('host policy: addresses, checked on the socket', () => {
  it('names every non-public class', () => {
    const classes: Array<[string, string]> = [
      ['127.0.0.1', 'a loopback address (this machine)'],
      ['::1', 'a loopback address (this machine)'],
      ['[::1]', 'a loopback address (this machine)'],
      ['10.0.0.1', 'a private network address'],
      ['192.168.1.10', 'a private network address'],
      ['fd00:ec2::254', 'a private network address'],
      ['100.100.100.200', 'a private network address (carrier-grade NAT)'],
      ['169.254.169.254', 'a link-local address'],
      ['fe80::1', 'a link-local address'],
      ['0.0.0.0', 'an unspecified address'],
      ['::ffff:10.0.0.1', 'a private network address'],
      ['64:ff9b::a00:1', 'a NAT64 address (it embeds an IPv4 address)'],
      ['192.0.0.192', 'a reserved address'],
      ['224.0.0.1', 'a multicast address'],
      ['8.8.8.8', 'a public address'],
      ['2606:4700::1111', 'a public address'],
    ];
    for (const [address, words] of classes) assert.equal(describeAddress(address), words, address);
    // An IP literal in a URL is refused in the same words (one table for both).
    assert.match(
      refusalOf('http://100.64.0.1/')!.message,
      /^host 100\.64\.0\.1 is a private network address \(carrier-grade NAT\); /,
    );
    assert.match(refusalOf('http://224.0.0.1/')!.message, /^host 224\.0\.0\.1 is a multicast address; /);
  });

  it('normalises hosts one way: lower case, no trailing dot, no IPv6 brackets', () => {
    assert.equal(bareHost('WWW.Lamudi.com.MX.'), 'www.lamudi.com.mx');
    assert.equal(bareHost('[::1]'), '::1');
    assert.equal(bareHost('[FD00::1]'), 'fd00::1');
  });

  it('a trusted endpoint with a port is trusted on that port only', async () => {
    const guard = new AddressGuard({
      resolve: () => ['127.0.0.1'],
      trustedAddresses: ['127.0.0.1:8080', '[::1]:9090', '10.9.0.0/16'],
    });
    assert.equal(guard.refusal('127.0.0.1', 8080), null);
    assert.equal(guard.refusal('127.0.0.1', 8081), 'a loopback address (this machine)');
    assert.equal(guard.refusal('127.0.0.1'), 'a loopback address (this machine)', 'a socket whose port is unknown');
    assert.equal(guard.refusal('::1', 9090), null);
    assert.equal(guard.refusal('10.9.3.4', 1), null);
    assert.deepEqual(await guard.checkedAddresses('portal.test', { port: 8080 }), [
      { address: '127.0.0.1', family: 4 },
    ]);
    await assert.rejects(
      guard.checkedAddresses('portal.test', { port: 17321 }),
      /portal\.test resolves to 127\.0\.0\.1, which is a loopback address/,
    );
  });

  it('a name that resolves to no address fails its socket saying so (not "no IPv0 address")', async () => {
    const guard = new AddressGuard({ resolve: () => [] });
    const error = await new Promise<NodeJS.ErrnoException>((resolve) => {
      net
        .connect({ host: 'nada.lamudi.com.mx', port: 9, lookup: guard.lookup })
        .on('error', resolve)
        .on('connect', () => resolve(new Error('connected')));
    });
    assert.equal(error.code, 'ENOTFOUND');
    assert.equal(error.message, 'nada.lamudi.com.mx resolves to no address at all');
    const v6only = new AddressGuard({ resolve: () => ['2606:4700::1111'] });
    await new Promise<void>((resolve) =>
      v6only.lookupFor(443)('v6.lamudi.com.mx', { family: 4 }, (failure) => {
        assert.equal(failure?.message, 'v6.lamudi.com.mx resolves to no IPv4 address');
        resolve();
      }),
    );
  });

  it('refuses a name with any non-public answer, unless the range is trusted', async () => {
    const guard = new AddressGuard({
      resolve: (host) =>
        ({
          'interno.lamudi.com.mx': ['10.0.0.1'],
          'mixto.lamudi.com.mx': ['8.8.8.8', '127.0.0.1'],
          'ok.lamudi.com.mx': ['8.8.8.8'],
        })[host],
    });
    await assert.rejects(guard.checkedAddresses('interno.lamudi.com.mx'), (error: unknown) => {
      assert.ok(error instanceof HostPolicyError);
      assert.equal(error.reason, 'non-public-address');
      assert.equal(
        error.message,
        'interno.lamudi.com.mx resolves to 10.0.0.1, which is a private network address: only public addresses may be fetched',
      );
      return true;
    });
    await assert.rejects(
      guard.checkedAddresses('mixto.lamudi.com.mx'),
      /resolves to 127\.0\.0\.1, which is a loopback address/,
    );
    assert.deepEqual(await guard.checkedAddresses('ok.lamudi.com.mx'), [{ address: '8.8.8.8', family: 4 }]);
    // Through the mirror, a name the override does not know is not looked up at all.
    assert.deepEqual(await guard.checkedAddresses('www.lamudi.com.mx', { useSystemDns: false }), []);
    const trusting = new AddressGuard({ resolve: () => ['127.0.0.1'], trustedAddresses: ['127.0.0.1/32'] });
    assert.deepEqual(await trusting.checkedAddresses('local.test'), [{ address: '127.0.0.1', family: 4 }]);
    assert.equal(trusting.refusal('127.0.0.2'), 'a loopback address (this machine)');
  });

  it('the lookup refuses the connection itself: a canary on the refused address sees nothing, a trusted one answers', async () => {
    let canaryConnections = 0;
    const canary = http.createServer((_req, res) => res.end('canary'));
    canary.on('connection', () => canaryConnections++);
    await new Promise<void>((resolve) => canary.listen(0, '127.0.0.2', resolve));
    const port = (canary.address() as AddressInfo).port;
    try {
      // Whatever a check made earlier saw, the socket connects only where its own lookup allows.
      const guard = new AddressGuard({ resolve: () => ['127.0.0.2'] });
      const error = await new Promise<Error>((resolve) => {
        net
          .connect({ host: 'rebind.lamudi.com.mx', port, lookup: guard.lookup })
          .on('error', resolve)
          .on('connect', () => resolve(new Error('connected')));
      });
      assert.ok(error instanceof HostPolicyError, String(error));
      assert.equal(canaryConnections, 0);

      const trusting = new AddressGuard({ resolve: () => ['127.0.0.2'], trustedAddresses: ['127.0.0.2'] });
      const body = await new Promise<string>((resolve, reject) => {
        http
          .get({ host: 'canary.lamudi.com.mx', port, path: '/', lookup: trusting.lookup, agent: false }, (res) => {
            let text = '';
            res.on('data', (chunk) => (text += chunk));
            res.on('end', () => resolve(text));
          })
          .on('error', reject);
      });
      assert.equal(body, 'canary');
      assert.equal(canaryConnections, 1);
    } finally {
      canary.closeAllConnections();
      await new Promise((resolve) => canary.close(resolve));
    }
  });
});

describe('host policy: the declared hosts of config.yaml', () => {
  const root = findProjectRoot(__dirname);
  const shipped = readFileSync(join(root, 'config', 'config.yaml'), 'utf8');
  const withHosts = (hosts: string[]) => {
    const doc = parseDocument(shipped);
    doc.setIn(['sites', 'lamudi', 'hosts'], hosts);
    return String(doc);
  };

  it('refuses a public suffix, which would admit every host under it, in one line naming key and value', () => {
    for (const [suffix, index] of [
      ['com.mx', 1],
      ['github.io', 0],
    ] as const) {
      const hosts = index === 1 ? ['lamudi.net', suffix] : [suffix];
      assert.throws(
        () => parseConfigText(withHosts(hosts), 'config/config.yaml', root, {}),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError, String(error));
          assert.equal(
            error.message,
            `config/config.yaml: sites.lamudi.hosts[${index}]: must be a host on a registrable domain such as "lamudi.net", not a public suffix (a declared host admits every host under it), got "${suffix}"`,
          );
          return true;
        },
      );
    }
    // A registrable domain or a host under one is fine, and is one of the site's domains.
    const config = parseConfigText(withHosts(['lamudi.net', 'img.lamudi-cdn.com.mx']), 'config/config.yaml', root, {});
    assert.deepEqual(config.sites.find((site) => site.key === 'lamudi')!.hosts, [
      'lamudi.net',
      'img.lamudi-cdn.com.mx',
    ]);
  });
});
