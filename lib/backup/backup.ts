/**
 * The backup manager: SQLite online backups (consistent while the worker writes) into the backups
 * folder with timestamped names, a retention count, and restore.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UserInputError } from '../errors';
import type { Db } from '../store/database';

const PREFIX = 'orchestrator-';

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
 * Back up into backupsDir as orchestrator-<timestamp>-<tag>.db. A backup with the same tag that
 * already exists is reused, so a retried activity does not write a second one. Keeps `retention` newest.
 * `onProgress` is called after every step of the copy (100 pages), e.g. to heartbeat.
 */
export async function backupDatabase(
  db: Db,
  backupsDir: string,
  tag: string,
  retention: number,
  onProgress?: () => void,
): Promise<BackupResult> {
  mkdirSync(backupsDir, { recursive: true });
  const safeTag = tag.replace(/[^A-Za-z0-9_-]/g, '_');
  const existing = listBackups(backupsDir).find((file) => file.endsWith(`-${safeTag}.db`));
  let file: string;
  let reused = false;
  if (existing) {
    file = existing;
    reused = true;
  } else {
    // A backup killed mid-copy left its partial file under another timestamp: remove it.
    for (const name of readdirSync(backupsDir)) {
      if (name.startsWith(PREFIX) && name.includes(`-${safeTag}.db.partial`))
        rmSync(join(backupsDir, name), { force: true });
    }
    file = join(backupsDir, `${PREFIX}${stamp(new Date())}-${safeTag}.db`);
    const partial = `${file}.partial`;
    await db.backup(partial, {
      progress: () => {
        onProgress?.();
        return 100;
      },
    });
    // Renamed into place only when complete: a crash mid-backup leaves no file that looks whole.
    renameSync(partial, file);
  }
  const removed = listBackups(backupsDir).slice(retention);
  for (const old of removed) rmSync(old, { force: true });
  return { file, bytes: statSync(file).size, reused, removed };
}

/** Backups in backupsDir, newest first. */
export function listBackups(backupsDir: string): string[] {
  if (!existsSync(backupsDir)) return [];
  return readdirSync(backupsDir)
    .filter((name) => name.startsWith(PREFIX) && name.endsWith('.db'))
    .sort()
    .reverse()
    .map((name) => join(backupsDir, name));
}

/**
 * Replace the database with a backup. The current file is first backed up itself
 * (…-before-restore.db), so a restore never loses data. The worker must be stopped.
 */
export async function restoreDatabase(
  backupFile: string,
  databasePath: string,
  backupsDir: string,
): Promise<{ safetyCopy: string | null }> {
  if (!existsSync(backupFile)) throw new UserInputError(`backup file ${backupFile} does not exist`);
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
      safetyCopy = (
        await backupDatabase(current, backupsDir, `before-restore-${stamp(new Date())}`, Number.MAX_SAFE_INTEGER)
      ).file;
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
