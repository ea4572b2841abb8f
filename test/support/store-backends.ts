/**
 * The store's tests run on both backends: SQLite in memory, and a real PostgreSQL (Debian's, the
 * one `orchestrator cluster` runs) that the test run starts once, in a temporary folder on a free
 * loopback port, and stops at its end. Never a mock. Each test opens an empty database of its own.
 */
import { join } from 'node:path';
import { ensureDatabase, postgresUrl, startScratchPostgres, type PostgresConnection } from '../../lib/cluster/postgres';
import { openDatabase, type Backend, type Db } from '../../lib/store/database';
import { stopAtRunEnd } from './temporal-server';

export interface StoreBackend {
  name: Backend;
  /** A new, empty store (schema applied). */
  open(): Promise<Db>;
  /** The `storage.database` setting of a new, empty store: a file path, or a postgres:// URL. */
  newDatabase(dir: string): Promise<string>;
}

let server: Promise<PostgresConnection> | null = null;

/** The run's PostgreSQL, started on first use. Durability settings off: a test server loses nothing that matters. */
function testPostgres(): Promise<PostgresConnection> {
  server ??= (async () => {
    const started = await startScratchPostgres('orchestrator-test-postgres-', {
      onProgress: () => undefined,
      serverSettings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' },
    });
    stopAtRunEnd('the test PostgreSQL', () => started.stop());
    return started;
  })();
  return server;
}

let databases = 0;

/** The URL of a new, empty database on the run's PostgreSQL. */
export async function newPostgresDatabase(): Promise<string> {
  const connection = await testPostgres();
  const name = `store_test_${process.pid}_${++databases}`;
  await ensureDatabase(connection, name);
  return postgresUrl(connection, name);
}

export const STORE_BACKENDS: readonly StoreBackend[] = [
  {
    name: 'sqlite',
    open: () => openDatabase(':memory:'),
    newDatabase: async (dir) => join(dir, `store-${++databases}.db`),
  },
  {
    name: 'postgres',
    open: async () => openDatabase(await newPostgresDatabase()),
    newDatabase: () => newPostgresDatabase(),
  },
];

/** A describe block for each backend, its title naming the backend; `body` gets the backend. */
export function describeOnEachBackend(title: string, body: (backend: StoreBackend) => void): void {
  for (const backend of STORE_BACKENDS) describe(`${title} [${backend.name}]`, () => body(backend));
}
