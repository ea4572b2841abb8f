/**
 * Bad input from the sites themselves, through a whole batch (`orchestrator worker` process, real
 * dev server): answers over the size limit, of the wrong content type, redirect loops, redirects off
 * the site's domain, Latin-1 pages, a charset label nobody knows; and script and markup injected
 * into a listing's title and description by a rewriting proxy in front of the mirror. A site whose
 * answers cannot be trusted fails alone with the reason, after a single request, storing nothing;
 * redirects never leave the site's domain; the injected listing is stored as plain text and
 * exported with its formula neutralised; every other listing exactly as the mirror served it.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { ListingRecord } from '../../lib/record/listing-record';
import { cleanText } from '../../lib/record/text';
import { openDatabase } from '../../lib/store/database';
import { getListings } from '../../lib/store/listings';
import { printFigures, recordFigures } from '../support/reliability-figures';
import { ReliabilityEnv, runOrchestrator } from '../support/reliability-env';
import { startRewritingProxy, type RewritingProxy } from '../support/reliability-proxy';
import { pageRequests } from '../support/reliability-scenarios';

const SUITE = 'hostile sites';
const LAMUDI_HOST = 'www.lamudi.com.mx';
/** Raw markup (what a portal that forgets to escape would send) and entity-encoded script, no quotes: valid in every context the page puts it. */
const EVIL_TITLE =
  '=HYPERLINK(evil.example) <img src=x onerror=alert(1)><b>Casa</b> &lt;script&gt;alert(2)&lt;/script&gt; segura';
const EVIL_PARAGRAPH =
  '<iframe src=javascript:alert(3)></iframe>Ref. hostil &lt;script&gt;document.cookie&lt;/script&gt; <svg onload=alert(4)> fin.';
const TEXT_FIELDS: Array<keyof ListingRecord> = [
  'title',
  'description',
  'neighborhood',
  'city',
  'state',
  'address',
  'publisher',
];

function get(url: string, host: string, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    http
      .get({ host: target.hostname, port: target.port, path, headers: { host } }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

describe('hostile sites: bad answers and injected markup through a whole batch (worker process, real dev server)', function () {
  this.timeout(300_000);
  let env: ReliabilityEnv;
  let proxy: RewritingProxy;
  let batchId: string;
  let result: Awaited<ReturnType<Awaited<ReturnType<ReliabilityEnv['startBatch']>>['result']>>;
  /** The title the proxy replaces (every listing carrying it gets EVIL_TITLE) and the paragraph it replaces (one listing). */
  let victimTitle: string;
  let victimParagraph: string;
  let victimIds: string[];
  let passed = false;

  before(async function () {
    this.timeout(300_000);
    env = await ReliabilityEnv.create({
      name: 'hostile',
      pagesPerSearch: 2,
      sites: {
        lamudi: [{ url: 'https://www.lamudi.com.mx/jalisco/zapopan/casa/for-sale/', maxPages: 2 }],
        propiedades: [{ url: 'https://propiedades.com/zapopan/casas-venta', maxPages: 1 }],
        mitula: [{ url: 'https://casas.mitula.mx/casas/venta-zapopan-jalisco', maxPages: 1 }],
        trovit: [{ url: 'https://casas.trovit.com.mx/venta-casas-zapopan', maxPages: 1 }],
        casasyterrenos: [{ url: 'https://www.casasyterrenos.com/jalisco/zapopan/casas/venta', maxPages: 1 }],
        inmuebles24: [{ url: 'https://www.inmuebles24.com/casas-en-venta-en-zapopan.html', maxPages: 1 }],
      },
      edit: (doc) => {
        doc.sites.mitula.fetch = { max_response_bytes: 400_000 };
      },
      upstream: async (mirror) => {
        proxy = await startRewritingProxy(mirror.url, {
          body: (host, _path, html) => {
            if (host !== LAMUDI_HOST || !victimTitle) return html;
            return html.split(victimTitle).join(EVIL_TITLE).split(victimParagraph).join(EVIL_PARAGRAPH);
          },
          contentType: (host, type) =>
            host === LAMUDI_HOST && /^text\/html/.test(type ?? '') ? 'text/html; charset=klingon-8' : undefined,
        });
        return proxy;
      },
    });
    // The victims: a title every escaping leaves as it is (so one text replacement reaches each place
    // the page shows it), and the unique "Ref." paragraph of the first listing.
    const expected = env.expected('lamudi');
    const plain = expected.find(
      (r) =>
        r.title &&
        !/[&"'<>\\]/.test(r.title) &&
        !expected.some((o) => o.title !== r.title && o.title?.includes(r.title!)),
    )!;
    victimTitle = plain.title!;
    victimIds = expected.filter((r) => r.title === victimTitle).map((r) => r.externalId);
    const first = expected[0];
    victimParagraph = /Ref\. [A-Z0-9]+-\d+: [^.]*\./.exec(first.description ?? '')![0];
    assert.equal(
      expected.filter((r) => r.description?.includes(victimParagraph)).length,
      1,
      'the paragraph names one listing',
    );

    env.mirror.setFaults('mitula', { oversizeBytes: 500_000 });
    env.mirror.setFaults('trovit', { wrongContentType: true });
    env.mirror.setFaults('casasyterrenos', { redirectLoop: true });
    env.mirror.setFaults('inmuebles24', { redirectOffDomain: true });
    env.mirror.setFaults('propiedades', { charset: 'iso-8859-1' });
    await env.startWorker();
    batchId = `rel-hostile-${Date.now().toString(36)}`;
    result = await (await env.startBatch(`batch-${batchId}`, {})).result();
  });
  after(async () => {
    printFigures(SUITE);
    await env?.close({ keep: !passed });
  });

  const refusals = [
    {
      site: 'mitula',
      input: 'an answer over max_response_bytes (padded past 500 kB, limit 400 kB)',
      errorType: 'ResponseTooLargeError',
      message: /over the 400000-byte limit/,
      requests: 1,
    },
    {
      site: 'trovit',
      input: 'a PNG where a page was expected',
      errorType: 'ContentTypeError',
      message: /answered image\/png where an HTML page was expected/,
      requests: 1,
    },
    {
      site: 'casasyterrenos',
      input: 'a redirect loop',
      errorType: 'RedirectError',
      message: /redirect loop/,
      requests: 2,
    },
    {
      site: 'inmuebles24',
      input: 'a redirect to another domain',
      errorType: 'HostPolicyError',
      message: /redirected off its domain to https:\/\/login\.portal-sso\.example/,
      requests: 1,
    },
  ];

  it('ends completed_with_errors: the sites that answered badly failed, the others completed', () => {
    assert.equal(result.status, 'completed_with_errors', JSON.stringify(result.sites));
    const states = Object.fromEntries(result.sites.map((s) => [s.site, s.state]));
    assert.deepEqual(states, {
      lamudi: 'completed',
      propiedades: 'completed',
      mitula: 'failed',
      trovit: 'failed',
      casasyterrenos: 'failed',
      inmuebles24: 'failed',
    });
  });

  for (const refusal of refusals) {
    it(`${refusal.site}: ${refusal.input} → ${refusal.errorType} at once, named in the task, nothing stored`, () => {
      const db = env.db()!;
      const task = db
        .prepare(`SELECT state, last_error AS lastError FROM tasks WHERE batch_id = ? AND site = ? AND kind = 'main'`)
        .get(batchId, refusal.site) as { state: string; lastError: string };
      assert.equal(task.state, 'failed');
      assert.match(task.lastError, refusal.message);
      const attempts = db
        .prepare('SELECT attempt, error_type AS errorType FROM pages WHERE batch_id = ? AND site = ?')
        .all(batchId, refusal.site);
      assert.deepEqual(
        attempts,
        [{ attempt: 1, errorType: refusal.errorType }],
        'one attempt: asking again gives the same answer',
      );
      assert.equal(
        pageRequests(env.mirror.requestLog(refusal.site)).length,
        refusal.requests,
        'requests the mirror saw',
      );
      assert.equal(
        (db.prepare('SELECT COUNT(*) AS n FROM listings WHERE site = ?').get(refusal.site) as { n: number }).n,
        0,
      );
      recordFigures({
        suite: SUITE,
        case: `${refusal.site}: ${refusal.input}`,
        errorType: refusal.errorType,
        requests: refusal.requests,
        siteState: task.state,
        listingsStored: 0,
      });
    });
  }

  /** A site's listings as the store reads them, from a read-only store on the worker's database. */
  async function storedListings(site: string): Promise<ListingRecord[]> {
    const db = await openDatabase(env.config.storage.database, { readonly: true });
    try {
      return await getListings(db, site);
    } finally {
      await db.destroy();
    }
  }

  it("never follows a redirect off the site's domain: no request ever reached another host", () => {
    const foreign = env.mirror.requestLog().filter((entry) => entry.site === null);
    assert.deepEqual(
      foreign.map((e) => e.host),
      [],
    );
  });

  it('propiedades served in ISO-8859-1: decoded, every listing exactly as served (accents included)', async () => {
    const expected = env.expected('propiedades');
    assert.deepEqual(await storedListings('propiedades'), expected);
    assert.ok(
      expected.some((r) => /[áéíóúñ]/i.test(`${r.title}${r.description}${r.neighborhood}`)),
      'the pages carry accented text',
    );
    recordFigures({
      suite: SUITE,
      case: 'propiedades: pages in ISO-8859-1',
      listingsCompared: expected.length,
      siteState: 'completed',
    });
  });

  it('lamudi with an unknown charset label and injected markup: plain text stored, every other listing exactly as served', async () => {
    assert.ok((proxy.rewritten.get(LAMUDI_HOST) ?? 0) >= 2, 'the proxy rewrote pages');
    const stored = await storedListings('lamudi');
    const expected = env.expected('lamudi').map((record) => {
      const copy = { ...record };
      if (victimIds.includes(record.externalId)) copy.title = cleanText(EVIL_TITLE);
      if (record.description?.includes(victimParagraph))
        copy.description = cleanText(record.description.replace(victimParagraph, EVIL_PARAGRAPH));
      return copy;
    });
    assert.deepEqual(stored, expected);
    assert.equal(cleanText(EVIL_TITLE), '=HYPERLINK(evil.example) Casa segura');
    for (const record of stored) {
      for (const field of TEXT_FIELDS) {
        const value = String(record[field] ?? '');
        assert.doesNotMatch(
          value,
          /[<>]|alert\(|onerror|onload|javascript:|document\.cookie/i,
          `${record.externalId}.${field}: ${value}`,
        );
      }
    }
    const injected = stored.filter((r) => victimIds.includes(r.externalId) || r.description?.includes('Ref. hostil'));
    recordFigures({
      suite: SUITE,
      case: 'lamudi: charset=klingon-8 and markup injected into titles and a description',
      listingsCompared: stored.length,
      listingsInjected: injected.length,
      storedTitle: cleanText(EVIL_TITLE),
    });
  });

  it('orchestrator parse on the injected page prints plain text too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orchestrator-rel-parse-'));
    const url = env.options.sites.lamudi[0].url;
    const html = await get(proxy.url, LAMUDI_HOST, new URL(url).pathname);
    assert.ok(html.includes('onerror=alert(1)'), 'the page carries the injection');
    writeFileSync(join(dir, 'page.html'), html);
    const parsed = await runOrchestrator([
      '--config',
      env.configPath,
      'parse',
      '--site',
      'lamudi',
      '--page',
      'listing',
      '--url',
      url,
      join(dir, 'page.html'),
    ]);
    assert.equal(parsed.code, 0, parsed.stderr);
    const listings = JSON.parse(parsed.stdout).listings as ListingRecord[];
    const victims = listings.filter((r) => victimIds.includes(r.externalId));
    assert.ok(victims.length > 0);
    for (const r of victims) assert.equal(r.title, '=HYPERLINK(evil.example) Casa segura');
    assert.doesNotMatch(parsed.stdout, /<img|<iframe|<svg|<script|onerror/);
    rmSync(dir, { recursive: true, force: true });
  });

  const exportLamudi = (out: string) =>
    runOrchestrator(['--config', env.configPath, 'export', '--site', 'lamudi', '--out', out]);

  it('orchestrator export: the formula in the injected title is neutralised in CSV, JSON holds the plain text', async () => {
    const csvExport = await exportLamudi('lamudi.csv');
    assert.equal(csvExport.code, 0, csvExport.stderr);
    const rows = parse<Record<string, string>>(readFileSync(join(env.config.storage.exportsDir, 'lamudi.csv')), {
      columns: true,
      bom: true,
    });
    const victims = rows.filter((row) => victimIds.includes(row.externalId));
    assert.ok(victims.length > 0);
    for (const row of victims) assert.equal(row.title, "'=HYPERLINK(evil.example) Casa segura");
    for (const row of rows) {
      for (const field of TEXT_FIELDS)
        assert.doesNotMatch(
          row[field] ?? '',
          /^[=+\-@\t\r]/,
          `${row.externalId}.${field} starts like a formula: ${row[field]}`,
        );
    }
    const jsonExport = await exportLamudi('lamudi.json');
    assert.equal(jsonExport.code, 0, jsonExport.stderr);
    const records = JSON.parse(
      readFileSync(join(env.config.storage.exportsDir, 'lamudi.json'), 'utf8'),
    ) as ListingRecord[];
    assert.equal(records.find((r) => r.externalId === victimIds[0])?.title, '=HYPERLINK(evil.example) Casa segura');
    recordFigures({
      suite: SUITE,
      case: 'export of the injected listings',
      csvRows: rows.length,
      formulasNeutralised: victims.length,
    });
    passed = true;
  });
});
