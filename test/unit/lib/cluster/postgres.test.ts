/**
 * A real PostgreSQL in a temp folder, through lib/cluster/postgres.ts as the Temporal cluster and
 * the store's tests use it: created on first start, reused when running, reached with the
 * superuser's password only, roles and databases made idempotently, stopped, started again on
 * the same data. Skipped, saying how to install it, where PostgreSQL is not installed.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  canConnect,
  ensureDatabase,
  ensureRole,
  findPostgresBinDir,
  postgresFiles,
  postgresStatus,
  postgresUrl,
  randomPassword,
  startPostgres,
  stopPostgres,
  withPostgres,
  type PostgresSettings,
} from '../../../../lib/cluster/postgres';
import { UserInputError } from '../../../../lib/errors';
import { ownServerPorts, stopAtRunEnd } from '../../../support/temporal-server';

function postgresInstalled(): boolean {
  try {
    findPostgresBinDir();
    return true;
  } catch {
    return false;
  }
}

describe('lib/cluster/postgres: a PostgreSQL of our own in a temp folder', function () {
  this.timeout(120_000);
  // Above the shared dev server's ports, clear of every other test's own servers.
  const port = ownServerPorts(8).port + 50;
  let settings: PostgresSettings;

  before(function () {
    if (!postgresInstalled()) {
      console.error('    PostgreSQL is not installed: run `bash scripts/install-system-deps.sh` to test this.');
      this.skip();
    }
    settings = { dir: mkdtempSync(join(tmpdir(), 'orchestrator-postgres-')), port };
    stopAtRunEnd(`the test PostgreSQL in ${settings.dir}`, async () => void (await stopPostgres(settings)));
  });

  after(async () => {
    if (!settings) return;
    await stopPostgres(settings);
    rmSync(settings.dir, { recursive: true, force: true });
  });

  it('creates the data folder on first start and answers the superuser, with its password only', async () => {
    const started = await startPostgres(settings, { onProgress: () => undefined });
    assert.equal(started.reused, false);
    assert.equal(started.initialized, true);
    assert.equal(started.url, postgresUrl(started));
    assert.match(started.url, new RegExp(`^postgres://postgres:[A-Za-z0-9_-]+@127\\.0\\.0\\.1:${port}/postgres$`));

    const files = postgresFiles(settings.dir);
    assert.equal(readFileSync(files.passwordFile, 'utf8').trim(), started.password);
    assert.equal(statSync(files.passwordFile).mode & 0o777, 0o600);

    const client = new Client({ connectionString: started.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ version: string; listen: string }>(
        "SELECT version() AS version, current_setting('listen_addresses') AS listen",
      );
      assert.match(rows[0].version, /^PostgreSQL \d+/);
      assert.equal(rows[0].listen, '127.0.0.1');
    } finally {
      await client.end();
    }
    assert.equal(await canConnect({ ...started, password: 'wrong' }), false);
  });

  it('reuses the running server; status names its pid and address', async () => {
    const again = await startPostgres(settings, { onProgress: () => undefined });
    assert.equal(again.reused, true);
    const status = await postgresStatus(settings);
    assert.deepEqual(status, {
      serving: true,
      pid: again.pid,
      address: `127.0.0.1:${port}`,
      dataDir: postgresFiles(settings.dir).dataDir,
    });
  });

  it('makes roles and databases idempotently; the role logs in to its own database', async () => {
    const started = await startPostgres(settings, { onProgress: () => undefined });
    const password = randomPassword();
    await ensureRole(started, 'app', password);
    await ensureRole(started, 'app', password);
    assert.equal(await ensureDatabase(started, 'app_data', 'app'), true);
    assert.equal(await ensureDatabase(started, 'app_data', 'app'), false);
    const app = { ...started, user: 'app', password };
    const owner = await withPostgres(
      app,
      async (client) => {
        await client.query('CREATE TABLE IF NOT EXISTS t (id int)');
        const { rows } = await client.query<{ owner: string }>(
          "SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = 'app_data'",
        );
        return rows[0].owner;
      },
      'app_data',
    );
    assert.equal(owner, 'app');
  });

  it('refuses a port another program listens on, naming it', async () => {
    const other = { dir: mkdtempSync(join(tmpdir(), 'orchestrator-postgres-other-')), port };
    try {
      await assert.rejects(
        startPostgres(other, { onProgress: () => undefined }),
        (error: Error) =>
          error instanceof UserInputError && /Another program already listens at 127\.0\.0\.1:\d+/.test(error.message),
      );
    } finally {
      rmSync(other.dir, { recursive: true, force: true });
    }
  });

  it('stops, reports stopped, and starts again on the same data', async () => {
    assert.equal(await stopPostgres(settings), 'stopped');
    assert.equal(await stopPostgres(settings), 'not-running');
    const status = await postgresStatus(settings);
    assert.equal(status.serving, false);
    assert.equal(status.pid, null);
    assert.equal(existsSync(postgresFiles(settings.dir).pidFile), false);

    const restarted = await startPostgres(settings, { onProgress: () => undefined });
    assert.equal(restarted.reused, false);
    assert.equal(restarted.initialized, false);
    const databases = await withPostgres(restarted, async (client) =>
      (await client.query<{ datname: string }>('SELECT datname FROM pg_database')).rows.map((row) => row.datname),
    );
    assert.ok(databases.includes('app_data'), databases.join(', '));
  });
});
