/**
 * The browser's egress proxy on its own, against real sockets: each site's listener holds that
 * site's connections to the site's own rules (another site of the same browser included), lets the
 * challenge vendors' hosts through (AWS WAF's *.token.awswaf.com as well as Cloudflare's), checks
 * addresses on the socket, refuses connections that come with no site, remembers why with the
 * policy's reason, and answers a request it cannot read with 400 instead of throwing.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { browserEgress } from '../../../../lib/fetch/browser-fetcher';
import { EgressProxy } from '../../../../lib/fetch/egress-proxy';
import { HostPolicy } from '../../../../lib/security/host-policy';

/** Send raw bytes to the proxy at `proxyUrl`; resolves with the first line it answers, or '(closed)' when it closes unanswered. */
function ask(proxyUrl: string, raw: string): Promise<string> {
  const { hostname, port } = new URL(proxyUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (received.includes('\r\n')) {
        resolve(received.split('\r\n')[0]);
        socket.destroy();
      }
    });
    socket.on('close', () => resolve(received === '' ? '(closed)' : received.split('\r\n')[0]));
    socket.on('error', reject);
    socket.write(raw);
  });
}

const connect = (authority: string) => `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`;

describe("EgressProxy: one listener per site, each held to its own site's rules", () => {
  let target: net.Server;
  let targetPort: number;
  let targetConnections = 0;
  let web: http.Server;
  let webPort: number;
  let webRequests = 0;
  let proxy: EgressProxy;

  before(async () => {
    // What a tunnel reaches: a TCP server that says hello (the stand-in for a portal's TLS port).
    target = net.createServer((socket) => {
      targetConnections++;
      socket.end('hello');
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    targetPort = (target.address() as AddressInfo).port;
    web = http.createServer((_req, res) => {
      webRequests++;
      res.end('portal');
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    webPort = (web.address() as AddressInfo).port;
    // Every name resolves to 127.0.0.1, trusted on the two servers' ports only.
    const policy = new HostPolicy({
      sites: [
        { key: 'lamudi', baseUrl: 'https://www.lamudi.com.mx' },
        { key: 'inmuebles24', baseUrl: 'https://www.inmuebles24.com' },
      ],
      resolve: () => ['127.0.0.1'],
      trustedAddresses: [`127.0.0.1:${targetPort}`, `127.0.0.1:${webPort}`],
    });
    proxy = await EgressProxy.start(browserEgress(policy));
  });
  after(async () => {
    await proxy?.close();
    for (const server of [target, web]) await new Promise((resolve) => server?.close(resolve));
  });
  beforeEach(() => {
    targetConnections = 0;
    webRequests = 0;
  });

  it("tunnels a site's connection to its own host; refuses another site's host with the reason, before any connection", async () => {
    const inmuebles24 = await proxy.urlFor('inmuebles24');
    const lamudi = await proxy.urlFor('lamudi');
    assert.notEqual(inmuebles24, lamudi, 'each site has a listener of its own');
    assert.equal(await proxy.urlFor('lamudi'), lamudi, 'and keeps it');
    assert.equal(
      await ask(inmuebles24, connect(`www.inmuebles24.com:${targetPort}`)),
      'HTTP/1.1 200 Connection Established',
    );
    assert.equal(targetConnections, 1);

    assert.equal(await ask(lamudi, connect(`www.inmuebles24.com:${targetPort}`)), 'HTTP/1.1 403 Forbidden');
    assert.equal(targetConnections, 1, 'nothing reached the target for lamudi');
    assert.deepEqual(
      (({ reason, message }) => ({ reason, message }))(proxy.refusalFor('lamudi', 'www.inmuebles24.com')!),
      {
        reason: 'off-domain',
        message:
          'host www.inmuebles24.com is not on the domain of site lamudi (lamudi.com.mx, from base_url https://www.lamudi.com.mx)',
      },
    );
    assert.equal(
      proxy.refusalFor('inmuebles24', 'www.inmuebles24.com'),
      undefined,
      'a refusal belongs to the site it was made for',
    );
  });

  it("forwards a site's allowed connections to its upstream proxy, with the proxy's password; refusals never reach it", async () => {
    const asked: string[] = [];
    const { Server } = await import('proxy-chain');
    const upstream = new Server({
      port: 0,
      host: '127.0.0.1',
      prepareRequestFunction: ({ hostname, username, password }) => {
        asked.push(hostname);
        if (username !== 'egress' || password !== 'up-s3cret') return { requestAuthentication: true };
        // Every portal name is the target server on loopback, for the upstream proxy too.
        const lookup = ((_host: string, options: unknown, callback?: unknown) => {
          const done = (typeof options === 'function' ? options : callback) as (...args: unknown[]) => void;
          if ((options as { all?: boolean })?.all) done(null, [{ address: '127.0.0.1', family: 4 }]);
          else done(null, '127.0.0.1', 4);
        }) as unknown as typeof import('node:dns').lookup;
        return { dnsLookup: lookup };
      },
    });
    await upstream.listen();
    try {
      const good = `http://egress:up-s3cret@127.0.0.1:${upstream.port}`;
      const lamudi = await proxy.urlFor('lamudi', good);
      assert.notEqual(lamudi, await proxy.urlFor('lamudi'), 'a listener per site and upstream proxy');
      assert.equal(
        await ask(lamudi, connect(`www.lamudi.com.mx:${targetPort}`)),
        'HTTP/1.1 200 Connection Established',
      );
      assert.deepEqual(asked, ['www.lamudi.com.mx']);
      assert.equal(targetConnections, 1);

      assert.equal(await ask(lamudi, connect(`www.inmuebles24.com:${targetPort}`)), 'HTTP/1.1 403 Forbidden');
      assert.deepEqual(asked, ['www.lamudi.com.mx'], "another site's host never reaches the upstream proxy");

      const wrong = await proxy.urlFor('lamudi', good.replace('up-s3cret', 'wrong-s3cret'));
      assert.equal(await ask(wrong, connect(`www.lamudi.com.mx:${targetPort}`)), 'HTTP/1.1 502 Bad Gateway');
      const refusal = proxy.refusalFor('lamudi', 'www.lamudi.com.mx')!;
      assert.match(
        refusal.message,
        /the upstream proxy http:\/\/egress:\*\*\*@127\.0\.0\.1:\d+ answered "HTTP\/1\.1 407/,
      );
      assert.doesNotMatch(refusal.message, /s3cret/);
      assert.equal(targetConnections, 1);
    } finally {
      await upstream.close(true);
    }
  });

  it("the same for plain http: another site's URL is never forwarded", async () => {
    const lamudi = await proxy.urlFor('lamudi');
    const request = (host: string) => `GET http://${host}:${webPort}/x HTTP/1.1\r\nHost: ${host}:${webPort}\r\n\r\n`;
    assert.equal(await ask(lamudi, request('www.lamudi.com.mx')), 'HTTP/1.1 200 OK');
    assert.equal(await ask(lamudi, request('www.inmuebles24.com')), '(closed)');
    assert.equal(webRequests, 1);
    assert.equal(proxy.refusalFor('lamudi', 'www.inmuebles24.com')!.reason, 'off-domain');
  });

  it("lets every site reach the challenge vendors: AWS WAF's token host and Cloudflare's", async () => {
    const lamudi = await proxy.urlFor('lamudi');
    for (const host of ['5c2e1f9a7b30.8d41c6e2f0b7.us-east-1.token.awswaf.com', 'challenges.cloudflare.com']) {
      assert.equal(await ask(lamudi, connect(`${host}:${targetPort}`)), 'HTTP/1.1 200 Connection Established', host);
    }
    assert.equal(targetConnections, 2);
    // A look-alike of a vendor is not a vendor.
    assert.equal(await ask(lamudi, connect(`token.awswaf.com.evil.mx:${targetPort}`)), 'HTTP/1.1 403 Forbidden');
    assert.equal(targetConnections, 2);
  });

  it('checks the address on the socket, port included: a trusted address on another port is refused with the reason', async () => {
    const lamudi = await proxy.urlFor('lamudi');
    const other = net.createServer((socket) => socket.end('other'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    let otherConnections = 0;
    other.on('connection', () => otherConnections++);
    const otherPort = (other.address() as AddressInfo).port;
    try {
      assert.equal(await ask(lamudi, connect(`www.lamudi.com.mx:${otherPort}`)), 'HTTP/1.1 403 Forbidden');
      assert.equal(otherConnections, 0);
      const refusal = proxy.refusalFor('lamudi', 'www.lamudi.com.mx')!;
      assert.equal(refusal.reason, 'non-public-address');
      assert.match(refusal.message, /www\.lamudi\.com\.mx resolves to 127\.0\.0\.1, which is a loopback address/);
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });

  it('refuses a connection that comes with no site, whatever its host', async () => {
    assert.equal(await ask(proxy.url, connect(`www.lamudi.com.mx:${targetPort}`)), 'HTTP/1.1 403 Forbidden');
    assert.equal(targetConnections, 0);
  });

  it('answers a malformed CONNECT with 400 and keeps serving (the worker does not crash)', async () => {
    const lamudi = await proxy.urlFor('lamudi');
    for (const authority of [
      'exa%mple.com:443',
      'www.lamudi.com.mx',
      'www.lamudi.com.mx:99999',
      '[::1:443',
      'a b:443',
    ]) {
      assert.equal(await ask(lamudi, connect(authority)), 'HTTP/1.1 400 Bad Request', authority);
    }
    assert.equal(await ask(lamudi, connect(`www.lamudi.com.mx:${targetPort}`)), 'HTTP/1.1 200 Connection Established');
  });
});
