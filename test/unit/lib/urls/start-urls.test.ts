/**
 * The URL manager: the shipped urls/*.csv, and every mistake a start-URL file can hold, each
 * reported with its file, line and value, all of them before anything starts.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findProjectRoot, loadConfig, parseConfigText } from '../../../../lib/config/load';
import type { AppConfig } from '../../../../lib/config/types';
import { registrableDomain } from '../../../../lib/security/host-policy';
import {
  loadStartUrls,
  parseStartUrlCsv,
  StartUrlError,
  validateStartUrl,
  type StartUrl,
} from '../../../../lib/urls/start-urls';
import { refusalProblems } from '../../../support/refusal-problems';

const ROOT = findProjectRoot(__dirname);
const SHIPPED_CONFIG = fs.readFileSync(path.join(ROOT, 'config', 'config.yaml'), 'utf8');
const LAMUDI = { key: 'lamudi', baseUrl: 'https://www.lamudi.com.mx' };
const FILE = 'urls/lamudi.csv';

function csv(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

/** The problems of a CSV text that must be refused. */
function problems(text: string): string[] {
  return refusalProblems(() => parseStartUrlCsv(text, FILE, LAMUDI), StartUrlError, 'CSV');
}

function onlyProblem(text: string): string {
  const found = problems(text);
  assert.equal(found.length, 1, `expected one problem, got:\n${found.join('\n')}`);
  return found[0];
}

/** The one problem of a file holding a single start URL (on line 2). */
function urlProblem(url: string): string {
  return onlyProblem(csv('url,max_pages', `${url},3`));
}

/** Each URL alone on line 2 of urls/lamudi.csv is refused with exactly its reason, then the URL as written. */
function assertRefused(cases: Array<[url: string, reason: string]>): void {
  for (const [url, reason] of cases)
    assert.equal(urlProblem(url), `urls/lamudi.csv: line 2: ${reason}, got ${JSON.stringify(url)}`);
}

/** The same for hosts a start URL may not name, whose reason ends by saying which host it must name. */
function assertRefusedHost(cases: Array<[url: string, reason: string]>): void {
  assertRefused(cases.map(([url, reason]) => [url, `${reason}; start URLs must name a host on lamudi.com.mx`]));
}

describe('the shipped urls/*.csv', () => {
  const config = loadConfig({ env: {} });
  const all = loadStartUrls(config);

  it('load for every enabled site of the shipped config, in priority order', () => {
    assert.deepEqual([...all.keys()], ['inmuebles24', 'casasyterrenos', 'lamudi', 'mitula', 'propiedades', 'trovit']);
  });

  it("hold 2–3 start URLs per site on the site's own host, 3 pages each", () => {
    for (const site of config.sites) {
      const urls = all.get(site.key)!;
      assert.ok(urls.length >= 2 && urls.length <= 3, `${site.key}: ${urls.length} URLs`);
      urls.forEach((start, index) => {
        assert.equal(start.site, site.key);
        assert.equal(start.file, `urls/${site.key}.csv`);
        assert.equal(start.line, index + 2);
        assert.equal(start.maxPages, 3);
        assert.equal(new URL(start.url).host, new URL(site.baseUrl).host);
        assert.equal(validateStartUrl(start.url, site), null);
        assert.ok(start.label, `${site.key} line ${start.line} has a label`);
      });
    }
  });

  it("use each portal's search URL grammar (docs/portals.md)", () => {
    const firstUrls = Object.fromEntries([...all].map(([site, urls]) => [site, urls[0].url]));
    assert.deepEqual(firstUrls, {
      inmuebles24: 'https://www.inmuebles24.com/casas-en-venta-en-zapopan.html',
      casasyterrenos: 'https://www.casasyterrenos.com/jalisco/zapopan/casas/venta',
      lamudi: 'https://www.lamudi.com.mx/jalisco/zapopan/casa/for-sale/',
      mitula: 'https://casas.mitula.mx/casas/venta-zapopan-jalisco',
      propiedades: 'https://propiedades.com/zapopan/casas-venta',
      trovit: 'https://casas.trovit.com.mx/venta-casas-zapopan',
    });
  });

  it('load only the sites asked for, in the order asked', () => {
    assert.deepEqual([...loadStartUrls(config, ['trovit', 'lamudi']).keys()], ['trovit', 'lamudi']);
  });

  it('refuse a site the config does not know', () => {
    assert.throws(
      () => loadStartUrls(config, ['vivanuncios']),
      (error: unknown) =>
        error instanceof StartUrlError &&
        error.message ===
          'unknown site "vivanuncios": the sites in config/config.yaml are inmuebles24, casasyterrenos, lamudi, mitula, propiedades, trovit',
    );
  });
});

describe('parseStartUrlCsv', () => {
  it('reads url, max_pages and an optional label, with a BOM, CRLF and blank lines', () => {
    const text =
      '\uFEFFurl,max_pages,label\r\nhttps://www.lamudi.com.mx/jalisco/zapopan/casa/for-sale/#top,2,Casas Zapopan\r\n\r\n' +
      'https://lamudi.com.mx/jalisco/guadalajara/departamento/for-rent/,10,\r\n';
    const expected: StartUrl[] = [
      {
        site: 'lamudi',
        url: 'https://www.lamudi.com.mx/jalisco/zapopan/casa/for-sale/',
        maxPages: 2,
        label: 'Casas Zapopan',
        file: FILE,
        line: 2,
      },
      {
        site: 'lamudi',
        url: 'https://lamudi.com.mx/jalisco/guadalajara/departamento/for-rent/',
        maxPages: 10,
        label: null,
        file: FILE,
        line: 4,
      },
    ];
    assert.deepEqual(parseStartUrlCsv(text, FILE, LAMUDI), expected);
  });

  it('accepts columns in any order and quoted URLs', () => {
    const [start] = parseStartUrlCsv(
      csv('max_pages,url', '1,"https://www.lamudi.com.mx/terreno/for-sale/?page=2"'),
      FILE,
      LAMUDI,
    );
    assert.equal(start.url, 'https://www.lamudi.com.mx/terreno/for-sale/?page=2');
    assert.equal(start.maxPages, 1);
  });

  it('a URL that is not a URL', () => {
    const notAbsolute = 'not a valid absolute URL (write the full address, e.g. https://www.lamudi.com.mx/…)';
    assertRefused([
      ['lamudi jalisco casas', notAbsolute],
      ['/jalisco/zapopan/casa/for-sale/', notAbsolute],
    ]);
    assert.equal(onlyProblem(csv('url,max_pages', ',3')), 'urls/lamudi.csv: line 2: the url is empty');
  });

  it("a URL outside the site's domain, lookalikes included", () => {
    assertRefused([
      [
        'https://www.inmuebles24.com/casas-en-venta-en-zapopan.html',
        'host www.inmuebles24.com is not on the domain of site lamudi (lamudi.com.mx, from base_url https://www.lamudi.com.mx)',
      ],
    ]);
    assert.match(
      urlProblem('https://lamudi.com.mx.evil.example/x'),
      /^urls\/lamudi\.csv: line 2: host lamudi\.com\.mx\.evil\.example is not on the domain of site lamudi/,
    );
    assert.match(
      urlProblem('https://notlamudi.com.mx/x'),
      /^urls\/lamudi\.csv: line 2: host notlamudi\.com\.mx is not on the domain of site lamudi/,
    );
  });

  it('the same registrable domain is the same site', () => {
    assert.equal(validateStartUrl('https://lamudi.com.mx/casa/for-sale/', LAMUDI), null);
    assert.equal(validateStartUrl('http://WWW.LAMUDI.COM.MX/casa/for-sale/', LAMUDI), null);
    assert.equal(
      validateStartUrl('https://www.inmuebles24.com/x.html', {
        key: 'inmuebles24',
        baseUrl: 'https://inmuebles24.com',
      }),
      null,
    );
    assert.equal(registrableDomain('casas.trovit.com.mx'), 'trovit.com.mx');
    assert.equal(registrableDomain('casas.mitula.mx'), 'mitula.mx');
    assert.equal(registrableDomain('propiedades.com'), 'propiedades.com');
  });

  it('a scheme other than http(s)', () => {
    assertRefused([
      ['file:///etc/passwd', 'only http and https URLs are allowed, not "file:"'],
      ['ftp://www.lamudi.com.mx/casa', 'only http and https URLs are allowed, not "ftp:"'],
      ['javascript:alert(1)', 'only http and https URLs are allowed, not "javascript:"'],
    ]);
  });

  it('an IP literal, v4 or v6, in any spelling', () => {
    assertRefusedHost([
      ['http://8.8.8.8/casa', 'host 8.8.8.8 is an IP address'],
      ['http://[2001:db8::1]/casa', 'host [2001:db8::1] is a reserved address'],
      // 2130706433 is 127.0.0.1 written as one number; URL parsing normalizes it.
      ['http://2130706433/', 'host 127.0.0.1 is a loopback address (this machine)'],
    ]);
  });

  it('localhost and *.localhost', () => {
    assertRefusedHost([
      ['http://localhost:8080/casa', 'host localhost is this machine'],
      ['http://www.lamudi.localhost/casa', 'host www.lamudi.localhost is this machine'],
    ]);
  });

  it('private and link-local addresses', () => {
    assertRefusedHost([
      ['http://192.168.1.10/', 'host 192.168.1.10 is a private network address'],
      ['http://10.0.0.5/', 'host 10.0.0.5 is a private network address'],
      ['http://172.16.0.1/', 'host 172.16.0.1 is a private network address'],
      ['http://[fd00::1]/', 'host [fd00::1] is a private network address'],
      ['http://169.254.169.254/latest/meta-data/', 'host 169.254.169.254 is a link-local address'],
      ['http://[fe80::1]/', 'host [fe80::1] is a link-local address'],
      ['http://[::1]/', 'host [::1] is a loopback address (this machine)'],
      ['http://[::ffff:127.0.0.1]/', 'host [::ffff:7f00:1] is a loopback address (this machine)'],
    ]);
  });

  it('a user name or password in the URL, without repeating the password', () => {
    assert.equal(
      urlProblem('https://admin:s3cret@www.lamudi.com.mx/casa'),
      'urls/lamudi.csv: line 2: a start URL must not carry a user name or password, got "https://***@www.lamudi.com.mx/casa"',
    );
  });

  it('a duplicate URL after normalizing names both lines', () => {
    const text = csv(
      'url,max_pages',
      'https://www.lamudi.com.mx/jalisco/zapopan/casa/for-sale/,3',
      'https://www.lamudi.com.mx/jalisco/guadalajara/casa/for-sale/,3',
      'https://WWW.Lamudi.com.mx/jalisco/zapopan/casa/for-sale#results,2',
    );
    assert.equal(
      onlyProblem(text),
      'urls/lamudi.csv: line 4: duplicate URL: the same page as line 2, got "https://WWW.Lamudi.com.mx/jalisco/zapopan/casa/for-sale#results"',
    );
  });

  it('a header without url or max_pages', () => {
    assert.equal(
      onlyProblem(csv('url', 'https://www.lamudi.com.mx/casa/for-sale/')),
      'urls/lamudi.csv: line 1: missing column "max_pages" (the header must contain url and max_pages), got "url"',
    );
    // A file that starts with data instead of a header.
    assert.deepEqual(problems(csv('https://www.lamudi.com.mx/casa/for-sale/,3')), [
      'urls/lamudi.csv: line 1: unexpected column "https://www.lamudi.com.mx/casa/for-sale/" (the columns are url, max_pages and optionally label)',
      'urls/lamudi.csv: line 1: unexpected column "3" (the columns are url, max_pages and optionally label)',
      'urls/lamudi.csv: line 1: missing column "url" (the header must contain url and max_pages), got "https://www.lamudi.com.mx/casa/for-sale/,3"',
      'urls/lamudi.csv: line 1: missing column "max_pages" (the header must contain url and max_pages), got "https://www.lamudi.com.mx/casa/for-sale/,3"',
      'urls/lamudi.csv: line 2: no start URLs below the header; add one row per start URL (url,max_pages)',
    ]);
  });

  it('an unexpected or repeated column', () => {
    assert.deepEqual(problems(csv('url,pages', 'https://www.lamudi.com.mx/casa/for-sale/,3')), [
      'urls/lamudi.csv: line 1: unexpected column "pages" (the columns are url, max_pages and optionally label)',
      'urls/lamudi.csv: line 1: missing column "max_pages" (the header must contain url and max_pages), got "url,pages"',
    ]);
    assert.equal(
      onlyProblem(csv('url,max_pages,url', 'https://www.lamudi.com.mx/a/,3,https://www.lamudi.com.mx/b/')),
      'urls/lamudi.csv: line 1: column "url" appears twice',
    );
  });

  it('a row with more or fewer fields than the header', () => {
    assert.equal(
      onlyProblem(csv('url,max_pages', 'https://www.lamudi.com.mx/casa/for-sale/?a=1,2,3')),
      'urls/lamudi.csv: line 2: 3 fields where the header has 2 (url,max_pages); quote a URL that contains a comma, ' +
        'got "https://www.lamudi.com.mx/casa/for-sale/?a=1,2,3"',
    );
  });

  it('max_pages that is not a positive integer', () => {
    for (const value of ['0', '-1', '2.5', 'tres', '']) {
      assert.equal(
        onlyProblem(csv('url,max_pages', `https://www.lamudi.com.mx/casa/for-sale/,${value}`)),
        `urls/lamudi.csv: line 2: max_pages must be a positive integer (1, 2, 3 …), got ${JSON.stringify(value)}`,
      );
    }
  });

  it('an empty file, or a header without rows', () => {
    for (const empty of ['', '\n \n,\n']) {
      assert.equal(
        onlyProblem(empty),
        'urls/lamudi.csv: line 1: the file is empty; it needs the header "url,max_pages" and one row per start URL',
      );
    }
    assert.equal(
      onlyProblem(csv('url,max_pages')),
      'urls/lamudi.csv: line 2: no start URLs below the header; add one row per start URL (url,max_pages)',
    );
  });

  it('a file that is not valid CSV', () => {
    assert.equal(
      onlyProblem(csv('url,max_pages', 'https://www.lamudi.com.mx/a/,3', '"https://www.lamudi.com.mx/b/,3')),
      'urls/lamudi.csv: line 3: not valid CSV: Quote Not Closed: the parsing is finished with an opening quote',
    );
  });

  it('collects every problem of the file, one per line', () => {
    const text = csv(
      'url,max_pages',
      'https://www.lamudi.com.mx/casa/for-sale/,3',
      'http://192.168.0.1/,3',
      'https://www.lamudi.com.mx/casa/for-sale,0',
      'https://www.lamudi.com.mx/terreno/for-sale/,3',
    );
    assert.deepEqual(problems(text), [
      'urls/lamudi.csv: line 3: host 192.168.0.1 is a private network address; start URLs must name a host on lamudi.com.mx, got "http://192.168.0.1/"',
      'urls/lamudi.csv: line 4: duplicate URL: the same page as line 2, got "https://www.lamudi.com.mx/casa/for-sale"',
      'urls/lamudi.csv: line 4: max_pages must be a positive integer (1, 2, 3 …), got "0"',
    ]);
  });
});

describe('loadStartUrls on files', () => {
  let root: string;
  let config: AppConfig;
  const good = (host: string) => csv('url,max_pages', `https://${host}/a,3`, `https://${host}/b,3`);
  const HOSTS: Record<string, string> = {
    inmuebles24: 'www.inmuebles24.com',
    casasyterrenos: 'www.casasyterrenos.com',
    lamudi: 'www.lamudi.com.mx',
    mitula: 'casas.mitula.mx',
    propiedades: 'propiedades.com',
    trovit: 'casas.trovit.com.mx',
  };

  function write(site: string, content: string | Buffer): void {
    fs.writeFileSync(path.join(root, 'urls', `${site}.csv`), content);
  }

  function failure(run: () => unknown): string[] {
    try {
      run();
    } catch (error) {
      assert.ok(error instanceof StartUrlError, `expected a StartUrlError, got ${String(error)}`);
      return [...error.problems];
    }
    return assert.fail('the start URLs were accepted');
  }

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'start-urls-'));
    fs.mkdirSync(path.join(root, 'urls'));
    config = parseConfigText(SHIPPED_CONFIG, 'config/config.yaml', root, {});
    for (const [site, host] of Object.entries(HOSTS)) write(site, good(host));
  });

  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('loads every enabled site from storage.urls_dir', () => {
    const all = loadStartUrls(config);
    assert.equal(all.size, 6);
    assert.deepEqual(
      all.get('mitula')!.map((start) => start.url),
      ['https://casas.mitula.mx/a', 'https://casas.mitula.mx/b'],
    );
  });

  it('a missing file for an enabled site names the expected path', () => {
    fs.rmSync(path.join(root, 'urls', 'trovit.csv'));
    assert.deepEqual(
      failure(() => loadStartUrls(config)),
      ['urls/trovit.csv: file not found: site trovit needs its start URLs there (a CSV with columns url,max_pages)'],
    );
  });

  it('a disabled site needs no file unless asked for', () => {
    fs.rmSync(path.join(root, 'urls', 'trovit.csv'));
    const trovitOff = {
      ...config,
      sites: config.sites.map((site) => (site.key === 'trovit' ? { ...site, enabled: false } : site)),
    };
    assert.deepEqual(
      [...loadStartUrls(trovitOff).keys()],
      ['inmuebles24', 'casasyterrenos', 'lamudi', 'mitula', 'propiedades'],
    );
    assert.equal(failure(() => loadStartUrls(trovitOff, ['trovit'])).length, 1);
  });

  it('a file that is not UTF-8 names the line', () => {
    const latin1 = Buffer.concat([
      Buffer.from('url,max_pages,label\nhttps://www.lamudi.com.mx/a,3,Zapopan\nhttps://www.lamudi.com.mx/b,3,Le'),
      Buffer.from([0xf3]), // "ó" in Latin-1
      Buffer.from('n\n'),
    ]);
    write('lamudi', latin1);
    assert.deepEqual(
      failure(() => loadStartUrls(config)),
      ['urls/lamudi.csv: line 3: the file is not valid UTF-8; save it as UTF-8'],
    );
  });

  it('a file above security.system_limits.max_file_size_mb', () => {
    const tiny = {
      ...config,
      security: { ...config.security, systemLimits: { ...config.security.systemLimits, maxFileSizeMb: 0.00001 } },
    };
    const size = fs.statSync(path.join(root, 'urls', 'lamudi.csv')).size;
    assert.deepEqual(
      failure(() => loadStartUrls(tiny, ['lamudi'])),
      [
        `urls/lamudi.csv: the file is larger than security.system_limits.max_file_size_mb (0.00001 MB), got ${size} bytes`,
      ],
    );
  });

  it('collects the problems of every file before refusing to start', () => {
    write('lamudi', csv('url,max_pages', 'https://www.inmuebles24.com/casas-en-venta-en-zapopan.html,3'));
    write('mitula', '');
    fs.rmSync(path.join(root, 'urls', 'propiedades.csv'));
    assert.deepEqual(
      failure(() => loadStartUrls(config)),
      [
        'urls/lamudi.csv: line 2: host www.inmuebles24.com is not on the domain of site lamudi (lamudi.com.mx, from base_url https://www.lamudi.com.mx), ' +
          'got "https://www.inmuebles24.com/casas-en-venta-en-zapopan.html"',
        'urls/mitula.csv: line 1: the file is empty; it needs the header "url,max_pages" and one row per start URL',
        'urls/propiedades.csv: file not found: site propiedades needs its start URLs there (a CSV with columns url,max_pages)',
      ],
    );
  });
});
