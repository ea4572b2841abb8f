/**
 * The dashboard's server over HTTP, without a browser: its views answer on 127.0.0.1, text from
 * the web is escaped, only GET and HEAD on its own host name are served, a malformed parameter is
 * a 400 naming it, the CSV is the filter's, and a missing database or a taken port is one sentence.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDashboard, type DashboardServer } from '../../../../client/dashboard/server';
import { loadConfig } from '../../../../lib/config/load';
import type { AppConfig } from '../../../../lib/config/types';
import { UserInputError } from '../../../../lib/errors';
import { openDatabase } from '../../../../lib/store/database';
import { upsertCards } from '../../../../lib/store/listings';
import { marketHistory } from '../../../support/market-fixture';
import { describeOnEachBackend } from '../../../support/store-backends';
import { addBatch, card } from '../../../support/store-fixture';

const HOSTILE = '<script>alert("x")</script>';

function get(
  url: string,
  options: { method?: string; host?: string; path?: string } = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: options.path ?? target.pathname + target.search,
        method: options.method ?? 'GET',
        headers: { host: options.host ?? target.host },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('error', reject).end();
  });
}

describeOnEachBackend('dashboard server', (backend) => {
  let dir: string;
  let config: AppConfig;
  let dashboard: DashboardServer;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dashboard-test-'));
    const base = loadConfig();
    config = { ...base, storage: { ...base.storage, database: await backend.newDatabase(dir) } };
    const db = await openDatabase(config.storage.database);
    await marketHistory(db);
    await addBatch(db, 'b3', ['lamudi'], '2025-11-03T06:00:00.000Z');
    await upsertCards(db, 'b3', [
      card('lamudi', 'x1', 10, { title: HOSTILE, city: HOSTILE, url: 'javascript:alert(1)' }),
    ]);
    await db.destroy();
    dashboard = await startDashboard(config, 0);
  });
  after(async () => {
    await dashboard?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 and sends / to the Runs view', async () => {
    assert.match(dashboard.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const root = await get(`${dashboard.url}/`);
    assert.deepEqual([root.status, root.headers.location], [302, '/runs']);
  });

  it('renders every view, with text from the web escaped and no link to a non-http URL', async () => {
    for (const path of ['/runs', '/market', '/health', '/listings', '/market?days=7&batches=1']) {
      const page = await get(`${dashboard.url}${path}`);
      assert.equal(page.status, 200, path);
      assert.match(String(page.headers['content-security-policy']), /default-src 'none'/);
      assert.ok(!page.body.includes('<script'), `${path}: no script`);
    }
    const listings = await get(`${dashboard.url}/listings?q=alert`);
    assert.ok(listings.body.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'));
    assert.ok(!listings.body.includes('javascript:'), 'the javascript: URL is not linked');
    assert.match(listings.body, /<span id="listing-total">1<\/span>/);
  });

  it('serves the CSV of the filter', async () => {
    const csv = await get(`${dashboard.url}/listings.csv?city=Puebla`);
    assert.equal(csv.status, 200);
    assert.match(String(csv.headers['content-type']), /^text\/csv/);
    assert.match(String(csv.headers['content-disposition']), /attachment; filename="listings.csv"/);
    assert.deepEqual(
      csv.body
        .trimEnd()
        .split('\r\n')
        .slice(1)
        .map((line) => line.split(',')[1]),
      ['h', 'i', 'j'],
    );
  });

  it('refuses other methods, other host names, unknown paths and malformed parameters', async () => {
    const post = await get(`${dashboard.url}/runs`, { method: 'POST' });
    assert.deepEqual([post.status, post.headers.allow], [405, 'GET, HEAD']);
    assert.equal((await get(`${dashboard.url}/runs`, { host: 'attacker.example:80' })).status, 421);
    assert.equal(
      (await get(`${dashboard.url}/runs`, { host: `localhost:${new URL(dashboard.url).port}` })).status,
      200,
    );
    assert.equal((await get(`${dashboard.url}/admin`)).status, 404);
    const bad = await get(`${dashboard.url}/listings?min=cheap`);
    assert.equal(bad.status, 400);
    assert.match(bad.body, /min must be a price ≥ 0, got &quot;cheap&quot;/);
    assert.equal((await get(`${dashboard.url}/market?days=-1`)).status, 400);
    // Past what SQLite's LIMIT takes: a 400 naming the parameter, not a failed page.
    const huge = await get(`${dashboard.url}/runs?batches=1e20`);
    assert.equal(huge.status, 400);
    assert.match(huge.body, /batches must be a whole number from 1 to 100000, got &quot;1e20&quot;/);
    // The Listings view does not read batches, so a stray one does not break it.
    assert.equal((await get(`${dashboard.url}/listings?batches=x`)).status, 200);
  });

  it('answers a request line it cannot read with 400, and goes on serving', async () => {
    const unreadable = await get(`${dashboard.url}/runs`, { path: 'http://[/runs' });
    assert.equal(unreadable.status, 400);
    assert.equal((await get(`${dashboard.url}/runs`)).status, 200);
  });

  it('says in one sentence when there is no database yet or the port is taken', async () => {
    // A SQLite file not there, or a PostgreSQL database no worker has set up.
    const database = backend.name === 'sqlite' ? join(dir, 'none.db') : await backend.newDatabase(dir);
    const missing = { ...config, storage: { ...config.storage, database } };
    await assert.rejects(startDashboard(missing, 0), (error: Error) => {
      assert.ok(error instanceof UserInputError);
      assert.match(
        error.message,
        backend.name === 'sqlite'
          ? /nothing to show yet: .*none\.db does not exist/
          : /nothing to show yet: postgres(ql)?:\/\/.* has no tables yet \(run a batch first\)/,
      );
      return true;
    });
    const port = Number(new URL(dashboard.url).port);
    await assert.rejects(startDashboard(config, port), (error: Error) => {
      assert.ok(error instanceof UserInputError);
      assert.match(error.message, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is taken: .*dashboard\\.port`));
      return true;
    });
  });
});
