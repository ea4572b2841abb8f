/**
 * The store the benchmark's batches write to, and what is read from it afterwards.
 * - `--store sqlite` (the default): each cell's own file in the scratch folder, as the shipped
 *   config has it.
 * - `--store postgres`: a PostgreSQL server of the bench's own for the whole run (Debian's, as
 *   `orchestrator cluster` runs it, on a free loopback port), one fresh database per cell. Its
 *   durability settings are the server's defaults, as in production (fsync, synchronous_commit and
 *   full_page_writes on): the point is the store's real cost, commits waiting for the disk included.
 * The figures both backends hold alike (pages by kind, latencies, listings) are read through the
 * store (openDatabase and the query builder); the size each backend's own way.
 */
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import {
  ensureDatabase,
  postgresUrl,
  startScratchPostgres,
  withPostgres,
  type PostgresConnection,
} from '../../lib/cluster/postgres';
import { openDatabase, type Backend } from '../../lib/store/database';

/** The stores the bench runs on: the store's backends. */
export type StoreKind = Backend;
export const STORE_KINDS: readonly StoreKind[] = ['sqlite', 'postgres'];

export interface BenchPostgres {
  connection: PostgresConnection;
  /** The postmaster's pid: every backend, and the background processes, are its children. */
  pid: number;
  dir: string;
  version: string;
  /** Stop it, and remove its folder unless `keep`. */
  stop(options: { keep: boolean }): Promise<void>;
}

/** The run's PostgreSQL (startScratchPostgres), and its version for the results. */
export async function startBenchPostgres(log: (line: string) => void): Promise<BenchPostgres> {
  const started = await startScratchPostgres('orchestrator-bench-postgres-', { onProgress: log });
  try {
    const version = await withPostgres(started, async (client) => {
      const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
      return rows[0].server_version;
    });
    return { connection: started, pid: started.pid, dir: started.dir, stop: started.stop, version };
  } catch (error) {
    await started.stop();
    throw error;
  }
}

/** A new, empty database for one cell of the run: its `storage.database` URL. */
export async function newCellDatabase(postgres: BenchPostgres, cellId: string): Promise<string> {
  const name = `bench_${cellId.replace(/[^A-Za-z0-9]+/g, '_')}`.toLowerCase();
  if (!(await ensureDatabase(postgres.connection, name)))
    throw new Error(`the bench's PostgreSQL already has a database ${name}`);
  return postgresUrl(postgres.connection, name);
}

export interface StoreFigures {
  /** Page attempts of the batch by kind: successful (200, no error) and failed. */
  counts: Array<{ kind: string; ok: number; failed: number }>;
  latencies: number[];
  /** Rows of the listings table. */
  listings: number;
}

/** What the batch left in the store, read through it: the same SQL on either backend. */
export async function readStoreFigures(database: string, batchId: string): Promise<StoreFigures> {
  const db = await openDatabase(database, { readonly: true, poolSize: 1 });
  try {
    const counts = await db
      .selectFrom('pages')
      .select((eb) => [
        'kind',
        eb.fn
          .sum<number>(
            eb
              .case()
              .when(eb.and([eb('status_code', '=', 200), eb('error_type', 'is', null)]))
              .then(1)
              .else(0)
              .end(),
          )
          .as('ok'),
        eb.fn.sum<number>(eb.case().when('error_type', 'is not', null).then(1).else(0).end()).as('failed'),
      ])
      .where('batch_id', '=', batchId)
      .groupBy('kind')
      .execute();
    const latencies = await db
      .selectFrom('pages')
      .select('latency_ms')
      .where('batch_id', '=', batchId)
      .where('latency_ms', 'is not', null)
      .execute();
    const { n } = await db
      .selectFrom('listings')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return {
      counts: counts.map((c) => ({ kind: c.kind, ok: Number(c.ok), failed: Number(c.failed) })),
      latencies: latencies.map((r) => r.latency_ms!),
      listings: Number(n),
    };
  } finally {
    await db.destroy();
  }
}

export interface StoreSize {
  /** SQLite: the file (page_count × page_size). PostgreSQL: the store's tables, indexes and sequences. */
  bytes: number;
  listings: number;
  bytesPer1000Listings: number | null;
  /** Bytes per table and index, largest first. */
  tables: Record<string, number>;
}

export interface PostgresStoreSize extends StoreSize {
  /**
   * pg_database_size after the VACUUM: `bytes` and the system catalogs every database carries
   * (about 7 MiB in an empty one), which do not grow with the data.
   */
  databaseBytes: number;
}

/** The size with the listings it holds: the bytes per 1,000 listings. */
export function sizePerListings<T extends { bytes: number }>(
  size: T,
  listings: number,
): T & { listings: number; bytesPer1000Listings: number | null } {
  return { ...size, listings, bytesPer1000Listings: listings ? Math.round((size.bytes / listings) * 1000) : null };
}

/** Bytes per table and index (SQLite's dbstat), largest first. */
function dbstat(db: Database.Database): Record<string, number> {
  try {
    const rows = db
      .prepare('SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC')
      .all() as Array<{ name: string; bytes: number }>;
    return Object.fromEntries(rows.map((r) => [r.name, r.bytes]));
  } catch {
    return {};
  }
}

/**
 * The SQLite file's size once the workers have closed it: the WAL folded into the file first, so
 * the size is the data's, not the log's. The driver directly: checkpoints, page counts and dbstat
 * are SQLite's own.
 */
export function sqliteSize(path: string): Pick<StoreSize, 'bytes' | 'tables'> {
  const writer = new Database(path);
  writer.pragma('wal_checkpoint(TRUNCATE)');
  const { page_count: pageCount } = writer.prepare('PRAGMA page_count').get() as { page_count: number };
  const { page_size: pageSize } = writer.prepare('PRAGMA page_size').get() as { page_size: number };
  const tables = dbstat(writer);
  writer.close();
  return { bytes: pageCount * pageSize, tables };
}

/**
 * The PostgreSQL database's size after a VACUUM (dead rows marked free, empty trailing pages given
 * back, as autovacuum would do in time). Per relation, pg_table_size (main data, TOAST, free-space
 * and visibility maps) of each table, index and sequence of the store's schema: the counterpart of
 * SQLite's dbstat; their sum is the figure per 1,000 listings, the catalogs left out.
 */
export async function postgresSize(
  url: string,
): Promise<Pick<PostgresStoreSize, 'bytes' | 'databaseBytes' | 'tables'>> {
  const db = await openDatabase(url, { poolSize: 1 });
  try {
    await sql`VACUUM`.execute(db);
    const relations = await sql<{ name: string; bytes: number }>`
      SELECT c.relname AS name, pg_table_size(c.oid) AS bytes
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'i', 'S')
      ORDER BY bytes DESC, name`.execute(db);
    const database = await sql<{ bytes: number }>`SELECT pg_database_size(current_database()) AS bytes`.execute(db);
    const tables = Object.fromEntries(relations.rows.map((r) => [r.name, Number(r.bytes)]));
    return {
      bytes: Object.values(tables).reduce((a, b) => a + b, 0),
      databaseBytes: Number(database.rows[0].bytes),
      tables,
    };
  } finally {
    await db.destroy();
  }
}
