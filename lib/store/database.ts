/**
 * The store: one typed query builder (Kysely) over two backends, chosen by `storage.database`.
 * - A path: SQLite (better-sqlite3), the embedded default. WAL so readers (CLI, exports) never
 *   block the worker, a busy timeout so a briefly locked file makes writers wait rather than fail.
 * - A `postgres://` URL: PostgreSQL (`pg`), for workers on more than one machine. Credentials come
 *   from the URL or the environment (PGPASSWORD and the other libpq variables) and are shown only
 *   redacted (redactDatabaseUrl).
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, PostgresAdapter, PostgresDialect, sql, SqliteDialect } from 'kysely';
import type pg from 'pg';
import { backendOf, type Backend } from './database-url';
import { MIGRATIONS } from './migrations';
import type { StoreSchema } from './schema';

export { backendOf, redactDatabaseUrl, type Backend } from './database-url';
export type Db = Kysely<StoreSchema>;

export interface OpenOptions {
  /** Reads only: SQLite opens the file read-only (it must exist); PostgreSQL sessions are read-only. */
  readonly?: boolean;
  /** PostgreSQL: the connection pool's size (`storage.pool_size`). */
  poolSize?: number;
}

// PostgreSQL returns 8-byte integers (COUNT, SUM) and numerics as strings, to be exact beyond 2^53;
// every such value here is a count or an average far below that.
const NUMERIC_OIDS = new Set([20, 1700]);
function pgTypes(driver: typeof pg) {
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown =>
      NUMERIC_OIDS.has(oid)
        ? (value: string) => Number(value)
        : (driver.types.getTypeParser(oid, format) as unknown)) as typeof pg.types.getTypeParser,
  };
}

/** The raw SQLite handle behind a store (its online backup API), or null for PostgreSQL. */
const sqliteHandles = new WeakMap<Db, Database.Database>();
/** The setting each store was opened from (a path or a URL): what pg_dump connects to. */
const databaseTargets = new WeakMap<Db, string>();

export function sqliteHandleOf(db: Db): Database.Database | null {
  return sqliteHandles.get(db) ?? null;
}

export function databaseTargetOf(db: Db): string {
  const target = databaseTargets.get(db);
  if (target === undefined) throw new Error('a store not opened with openDatabase');
  return target;
}

export function backendOfDb(db: Db): Backend {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/**
 * Kysely prepares each query anew; better-sqlite3 statements can be reused, which saves the parse
 * on every page write. The cache is bounded: queries with IN lists vary in their text.
 */
function withStatementCache(raw: Database.Database, limit = 256) {
  const cache = new Map<string, Database.Statement>();
  return {
    close: () => raw.close(),
    prepare(text: string) {
      let statement = cache.get(text);
      if (!statement) {
        statement = raw.prepare(text);
        if (cache.size >= limit) cache.delete(cache.keys().next().value as string);
        cache.set(text, statement);
      }
      return statement;
    },
  };
}

function openSqlite(path: string, options: OpenOptions): Db {
  if (path !== ':memory:' && !options.readonly) mkdirSync(dirname(path), { recursive: true });
  const raw = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  raw.pragma('busy_timeout = 5000');
  if (!options.readonly) {
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw.pragma('foreign_keys = ON');
  }
  const db = new Kysely<StoreSchema>({ dialect: new SqliteDialect({ database: withStatementCache(raw) }) });
  sqliteHandles.set(db, raw);
  return db;
}

function openPostgres(url: string, options: OpenOptions): Db {
  // Loaded here, not with this module: a store on SQLite, the default, never needs the driver
  // (with nodemailer's lazy load, lib/notify/email.ts, 3 MiB less of the worker's heap).
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load, on purpose
  const driver = require('pg') as typeof pg;
  const pool = new driver.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    types: pgTypes(driver),
    ...(options.readonly ? { options: '-c default_transaction_read_only=on' } : {}),
  });
  // An idle connection that PostgreSQL ends (a restart, a failover, the server stopping) emits
  // 'error' on the pool: unhandled, it would end the process. The pool drops that connection and
  // opens another on the next query, whose own failure reaches its caller.
  pool.on('error', () => undefined);
  return new Kysely<StoreSchema>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * Run work in a transaction: a new one, or the caller's when `db` is one already, so that store
 * functions compose (a page's attempt, its cards and its detail URLs are written together).
 */
export function inTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}

/** Open the store the configuration names (`storage.database`, `storage.pool_size`). */
export function openStore(
  storage: { database: string; poolSize: number },
  options: Omit<OpenOptions, 'poolSize'> = {},
): Promise<Db> {
  return openDatabase(storage.database, { ...options, poolSize: storage.poolSize });
}

/** Open the configured store; a writer also brings its schema up to date. */
export async function openDatabase(database: string, options: OpenOptions = {}): Promise<Db> {
  const db = backendOf(database) === 'postgres' ? openPostgres(database, options) : openSqlite(database, options);
  databaseTargets.set(db, database);
  if (!options.readonly) {
    try {
      await migrate(db);
    } catch (error) {
      await db.destroy();
      throw error;
    }
  }
  return db;
}

async function ensureMigrationsTable(db: Db): Promise<void> {
  await db.schema
    .createTable('schema_migrations')
    .ifNotExists()
    .addColumn('version', 'integer', (col) => col.primaryKey())
    .addColumn('description', 'text')
    .addColumn('applied_at', 'text', (col) => col.notNull())
    .execute();
}

/**
 * Apply every migration newer than the database, all in one transaction: a failed one leaves the
 * schema as it was. On PostgreSQL an advisory lock makes two workers that start together apply
 * each migration once.
 */
async function migrate(db: Db): Promise<number> {
  const backend = backendOfDb(db);
  return db.transaction().execute(async (trx) => {
    if (backend === 'postgres') await sql`SELECT pg_advisory_xact_lock(20261204)`.execute(trx);
    await ensureMigrationsTable(trx);
    const current = await schemaVersion(trx);
    const pending = MIGRATIONS.filter((migration) => migration.version > current);
    for (const migration of pending) {
      await migration.up(trx as unknown as Kysely<unknown>, backend);
      await trx
        .insertInto('schema_migrations')
        .values({
          version: migration.version,
          description: migration.description,
          applied_at: new Date().toISOString(),
        })
        .execute();
    }
    return pending.length;
  });
}

/** Whether a worker has set the database up (its migrations table exists). */
export async function hasSchema(db: Db): Promise<boolean> {
  const tables = await db.introspection.getTables();
  return tables.some((table) => table.name === 'schema_migrations');
}

/** The newest migration applied; 0 for an empty database. */
export async function schemaVersion(db: Db): Promise<number> {
  const row = await db
    .selectFrom('schema_migrations')
    .select((eb) => eb.fn.max('version').as('v'))
    .executeTakeFirst();
  return row?.v ?? 0;
}

/** Latest version this code knows: `validate` compares it with the database's. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
