/**
 * `proxies` under defaults and per site: off as shipped, each source (urls, file, tiers) read into
 * tiers, a site's own setting replacing the default, and every mistake one line with the proxy's
 * password as ***.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateSetup } from '../../../../client/validation';
import { redactProxyUrl } from '../../../../lib/security/redact';
import { loadConfig } from '../../../../lib/config/load';
import { edited, parse, problems, SHIPPED } from './shipped-config';

const SECRET = 'pr0xy-s3cret';
const WITH_PASSWORD = `http://scraper:${SECRET}@proxy-a.example:8000`;

/** The shipped file with `proxies` set under `at` (["defaults"], ["sites", "lamudi"]). */
function withProxies(at: string[], proxies: unknown): string {
  return edited((doc) => doc.setIn([...at, 'proxies'], doc.createNode(proxies)));
}

function siteOf(text: string, key: string) {
  return parse(text).sites.find((site) => site.key === key)!;
}

describe('proxies in the config', () => {
  it('are off as shipped: every site connects directly', () => {
    for (const site of parse(SHIPPED).sites) assert.equal(site.proxies, null, site.key);
  });

  it('reads urls as one tier, tiers as given, with rest_seconds (default 5 minutes)', () => {
    const urls = withProxies(['defaults'], { urls: [WITH_PASSWORD, 'http://proxy-b.example:8000'] });
    assert.deepEqual(siteOf(urls, 'lamudi').proxies, {
      tiers: [[WITH_PASSWORD, 'http://proxy-b.example:8000']],
      restMs: 300_000,
    });
    const tiers = withProxies(['defaults'], {
      tiers: [['http://dc.example:8000'], ['https://res.example:9000']],
      rest_seconds: '2m',
    });
    assert.deepEqual(siteOf(tiers, 'mitula').proxies, {
      tiers: [['http://dc.example:8000'], ['https://res.example:9000']],
      restMs: 120_000,
    });
  });

  it('lets a site replace the default proxies, or turn them off with null', () => {
    const text = edited((doc) => {
      doc.setIn(['defaults', 'proxies'], doc.createNode({ urls: ['http://default.example:8000'] }));
      doc.setIn(
        ['sites', 'lamudi', 'proxies'],
        doc.createNode({ urls: ['http://lamudi.example:8000'], rest_seconds: 10 }),
      );
      doc.setIn(['sites', 'mitula', 'proxies'], null);
    });
    const config = parse(text);
    const of = (key: string) => config.sites.find((site) => site.key === key)!.proxies;
    assert.deepEqual(of('lamudi'), { tiers: [['http://lamudi.example:8000']], restMs: 10_000 });
    assert.equal(of('mitula'), null);
    assert.deepEqual(of('trovit'), { tiers: [['http://default.example:8000']], restMs: 300_000 });
  });

  it('reads a proxy file relative to the config file, skipping blank lines and comments', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'proxies-'));
    try {
      fs.writeFileSync(
        path.join(dir, 'proxies.txt'),
        `# datacenter\n${WITH_PASSWORD}\n\nhttp://proxy-b.example:8000\n`,
      );
      fs.writeFileSync(path.join(dir, 'config.yaml'), withProxies(['defaults'], { file: 'proxies.txt' }));
      const config = loadConfig({ path: path.join(dir, 'config.yaml'), env: {} });
      assert.deepEqual(config.sites[0].proxies?.tiers, [[WITH_PASSWORD, 'http://proxy-b.example:8000']]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names each bad line of a proxy file by file:line and value, password redacted', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'proxies-'));
    try {
      fs.writeFileSync(
        path.join(dir, 'proxies.txt'),
        `http://ok.example:8000\nsocks5://scraper:${SECRET}@socks.example:1080\nnot a url\n`,
      );
      fs.writeFileSync(path.join(dir, 'config.yaml'), withProxies(['defaults'], { file: 'proxies.txt' }));
      const error = (() => {
        try {
          loadConfig({ path: path.join(dir, 'config.yaml'), env: {} });
        } catch (caught) {
          return caught as Error;
        }
        assert.fail('the config was accepted');
      })();
      const list = path.join(dir, 'proxies.txt');
      assert.deepEqual(error.message.split('\n'), [
        `${list}:2: must be a proxy URL such as "http://user:password@proxy.example:8000" (http or https, no path), got "socks5://scraper:***@socks.example:1080"`,
        `${list}:3: must be a proxy URL such as "http://user:password@proxy.example:8000" (http or https, no path), got "not a url"`,
      ]);
      assert.doesNotMatch(error.message, new RegExp(SECRET));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says which key points to a proxy file that cannot be read', () => {
    const text = withProxies(['defaults'], { file: 'no-such-proxies.txt' });
    assert.deepEqual(problems(text), [
      'config/config.yaml: defaults.proxies.file: config/no-such-proxies.txt: cannot read the proxy list (ENOENT)',
    ]);
  });

  it('refuses a bad proxy URL naming the field, with the password redacted', () => {
    const text = edited((doc) =>
      doc.setIn(['sites', 'lamudi', 'proxies'], doc.createNode({ urls: [`ftp://scraper:${SECRET}@proxy.example:21`] })),
    );
    const found = problems(text);
    assert.deepEqual(found, [
      'config/config.yaml: sites.lamudi.proxies.urls[0]: must be a proxy URL such as "http://user:password@proxy.example:8000" (http or https, no path), got "ftp://scraper:***@proxy.example:21"',
    ]);
  });

  it('refuses a password that is not percent-encoded (a bare %), which the proxy could not be sent', () => {
    const text = edited((doc) =>
      doc.setIn(['sites', 'lamudi', 'proxies'], doc.createNode({ urls: ['http://scraper:pa%ss@proxy.example:8000'] })),
    );
    assert.deepEqual(problems(text), [
      'config/config.yaml: sites.lamudi.proxies.urls[0]: must be a proxy URL such as "http://user:password@proxy.example:8000" (http or https, no path), got "http://scraper:***@proxy.example:8000"',
    ]);
  });

  it('redacts a user name given without a password (an API key at many providers)', () => {
    assert.equal(redactProxyUrl('http://K3Y-secret@proxy.example:8000'), 'http://***@proxy.example:8000');
    assert.equal(redactProxyUrl('http://scraper:pw@proxy.example:8000'), 'http://scraper:***@proxy.example:8000');
  });

  it('wants exactly one of urls, file and tiers, and a duration for rest_seconds', () => {
    assert.deepEqual(problems(withProxies(['defaults'], { rest_seconds: 30 })), [
      'config/config.yaml: defaults.proxies: give exactly one of urls, file or tiers, got {"rest_seconds":30}',
    ]);
    const both = problems(withProxies(['defaults'], { urls: [WITH_PASSWORD], tiers: [[WITH_PASSWORD]] }));
    assert.equal(both.length, 1);
    assert.match(both[0], /defaults\.proxies: give exactly one of urls, file or tiers/);
    assert.doesNotMatch(both[0], new RegExp(SECRET));
    assert.deepEqual(problems(withProxies(['defaults'], { urls: [WITH_PASSWORD], rest_seconds: -1 })), [
      'config/config.yaml: defaults.proxies.rest_seconds: must be a duration > 0 such as "500ms", "2s", "1m", "1h", or a number of seconds, got -1',
    ]);
  });

  it('is listed by `orchestrator validate`, one line per site with proxies, passwords as ***', async () => {
    const text = edited((doc) => {
      doc.setIn(['temporal', 'address'], '127.0.0.1:1');
      doc.setIn(['defaults', 'proxies'], doc.createNode({ tiers: [[WITH_PASSWORD], ['http://res.example:9000']] }));
      for (const site of ['inmuebles24', 'casasyterrenos', 'mitula', 'propiedades', 'trovit'])
        doc.setIn(['sites', site, 'proxies'], null);
    });
    const results = await validateSetup(() => parse(text), { minFreeMb: 0, env: {} });
    assert.deepEqual(
      results.filter((result) => result.name === 'proxies'),
      [
        {
          name: 'proxies',
          outcome: 'pass',
          detail:
            '2 configured for lamudi (tier 1: http://scraper:***@proxy-a.example:8000; tier 2: http://res.example:9000); an unhealthy one rests 300 s',
        },
      ],
    );
    assert.doesNotMatch(JSON.stringify(results), new RegExp(SECRET));
  });
});
