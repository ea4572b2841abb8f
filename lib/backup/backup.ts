/**
 * The backup manager: backups of the store into the backups folder with timestamped names, a
 * retention count, and restore. SQLite: online backups (consistent while the worker writes), as
 * `.db` files. PostgreSQL: `pg_dump` custom-format archives (a consistent snapshot too), as `.dump`
 * files, restored with `pg_restore`; both tools come with PostgreSQL's client package.
 */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UserInputError } from '../errors';
import { backendOf, databaseTargetOf, redactDatabaseUrl, sqliteHandleOf, type Db } from '../store/database';

const PREFIX = 'orchestrator-';
const EXTENSIONS = { sqlite: '.db', postgres: '.dump' } as const;

/** The file ending of the backups of this store (`storage.database`): `.db` for SQLite, `.dump` for PostgreSQL. */
export function backupExtension(database: string): string {
  return EXTENSIONS[backendOf(database)];
}

export interface BackupResult {
  file: string;
  bytes: number;
  reused: boolean;
  removed: string[];
}

function stamp(date: Date): string {
  return date.toISOString().replace(/[:.]/g, '-');
}

/**
 * Back up into backupsDir as orchestrator-<timestamp>-<tag>.db (or .dump). A backup with the same
 * tag that already exists is reused, so a retried activity does not write a second one. Keeps
 * `retention` newest. `onProgress` is called as the copy goes on (SQLite: every 100 pages), e.g. to
 * heartbeat.
 */
export async function backupDatabase(
  db: Db,
  backupsDir: string,
  tag: string,
  retention: number,
  onProgress?: () => void,
): Promise<BackupResult> {
  const sqlite = sqliteHandleOf(db);
  return backupInto(
    backupsDir,
    tag,
    retention,
    sqlite ? EXTENSIONS.sqlite : EXTENSIONS.postgres,
    sqlite ? (partial) => sqliteCopy(sqlite, partial, onProgress) : pgDump(databaseTargetOf(db), onProgress),
  );
}

async function backupInto(
  backupsDir: string,
  tag: string,
  retention: number,
  extension: string,
  copy: (partial: string) => Promise<void>,
): Promise<BackupResult> {
  mkdirSync(backupsDir, { recursive: true });
  const safeTag = tag.replace(/[^A-Za-z0-9_-]/g, '_');
  const existing = listBackups(backupsDir, extension).find((file) => file.endsWith(`-${safeTag}${extension}`));
  let file: string;
  let reused = false;
  if (existing) {
    file = existing;
    reused = true;
  } else {
    // A backup killed mid-copy left its partial file under another timestamp: remove it.
    for (const name of readdirSync(backupsDir)) {
      if (name.startsWith(PREFIX) && name.includes(`-${safeTag}${extension}.partial`))
        rmSync(join(backupsDir, name), { force: true });
    }
    file = join(backupsDir, `${PREFIX}${stamp(new Date())}-${safeTag}${extension}`);
    const partial = `${file}.partial`;
    try {
      await copy(partial);
    } catch (error) {
      rmSync(partial, { force: true });
      throw error;
    }
    // Renamed into place only when complete: a crash mid-backup leaves no file that looks whole.
    renameSync(partial, file);
  }
  // Retention counts this store's backups only: a folder may also hold the other backend's.
  const removed = listBackups(backupsDir, extension).slice(retention);
  for (const old of removed) rmSync(old, { force: true });
  return { file, bytes: statSync(file).size, reused, removed };
}

async function sqliteCopy(source: Database.Database, partial: string, onProgress?: () => void): Promise<void> {
  await source.backup(partial, {
    progress: () => {
      onProgress?.();
      return 100;
    },
  });
}

/** A copy into a partial file with pg_dump (its custom format, what pg_restore reads). */
function pgDump(url: string, onProgress?: () => void) {
  return (partial: string) => pgTool('pg_dump', url, ['--format=custom', `--file=${partial}`], onProgress);
}

/**
 * Run pg_dump or pg_restore against a store URL. The password goes through the environment
 * (PGPASSWORD), never the command line, where other users of the host could read it.
 */
async function pgTool(tool: 'pg_dump' | 'pg_restore', url: string, args: string[], onProgress?: () => void) {
  const target = new URL(url);
  const password = decodeURIComponent(target.password);
  target.password = '';
  const child = spawn(tool, [...args, `--dbname=${target.toString()}`], {
    env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    onProgress?.();
  });
  const ticker = onProgress ? setInterval(onProgress, 5_000) : undefined;
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', (error: NodeJS.ErrnoException) =>
        reject(
          error.code === 'ENOENT'
            ? new UserInputError(
                `${tool} is not installed: install PostgreSQL's client tools (Debian: postgresql-client)`,
              )
            : error,
        ),
      );
      child.on('close', resolve);
    });
    if (code !== 0)
      throw new Error(`${tool} on ${redactDatabaseUrl(url)} exited with ${code}: ${stderr.trim().slice(-2000)}`);
  } finally {
    clearInterval(ticker);
  }
}

/** Backups in backupsDir (of either backend, or those ending in `extension`), newest first. */
export function listBackups(backupsDir: string, extension?: string): string[] {
  if (!existsSync(backupsDir)) return [];
  const extensions: string[] = extension ? [extension] : Object.values(EXTENSIONS);
  return readdirSync(backupsDir)
    .filter((name) => name.startsWith(PREFIX) && extensions.some((ext) => name.endsWith(ext)))
    .sort()
    .reverse()
    .map((name) => join(backupsDir, name));
}

/**
 * Replace the store's contents with a backup. The current contents are first backed up themselves
 * (…-before-restore), so a restore never loses data. The workers must be stopped.
 */
export async function restoreDatabase(
  backupFile: string,
  database: string,
  backupsDir: string,
): Promise<{ safetyCopy: string | null }> {
  if (!existsSync(backupFile)) throw new UserInputError(`backup file ${backupFile} does not exist`);
  return backendOf(database) === 'postgres'
    ? restorePostgres(backupFile, database, backupsDir)
    : restoreSqlite(backupFile, database, backupsDir);
}

const beforeRestoreTag = () => `before-restore-${stamp(new Date())}`;

async function restoreSqlite(backupFile: string, databasePath: string, backupsDir: string) {
  let source: Database.Database;
  try {
    source = new Database(backupFile, { readonly: true, fileMustExist: true });
    const check = source.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new Error(String(check));
  } catch (error) {
    throw new UserInputError(`${basename(backupFile)} is not a usable SQLite backup: ${(error as Error).message}`);
  }
  let safetyCopy: string | null = null;
  if (existsSync(databasePath)) {
    const current = new Database(databasePath);
    try {
      const copy = (partial: string) => sqliteCopy(current, partial);
      safetyCopy = (await backupInto(backupsDir, beforeRestoreTag(), Number.MAX_SAFE_INTEGER, EXTENSIONS.sqlite, copy))
        .file;
    } finally {
      current.close();
    }
  }
  try {
    const partial = `${databasePath}.restoring`;
    await source.backup(partial);
    for (const suffix of ['-wal', '-shm']) rmSync(`${databasePath}${suffix}`, { force: true });
    renameSync(partial, databasePath);
  } finally {
    source.close();
  }
  return { safetyCopy };
}

async function restorePostgres(backupFile: string, url: string, backupsDir: string) {
  if (!backupFile.endsWith(EXTENSIONS.postgres))
    throw new UserInputError(
      `${basename(backupFile)} is not a PostgreSQL backup (${EXTENSIONS.postgres}): the configured store is PostgreSQL`,
    );
  const safetyCopy = (
    await backupInto(backupsDir, beforeRestoreTag(), Number.MAX_SAFE_INTEGER, EXTENSIONS.postgres, pgDump(url))
  ).file;
  // --clean --if-exists drops what the archive recreates; one transaction: all of it or nothing.
  await pgTool('pg_restore', url, ['--clean', '--if-exists', '--no-owner', '--single-transaction', backupFile]);
  return { safetyCopy };
}
