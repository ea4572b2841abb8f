/**
 * What `storage.database` names: a SQLite file (a path) or a PostgreSQL database (a `postgres://`
 * URL). Kept apart from the store itself so that configuration can check and show the setting
 * without loading a database driver.
 */
import path from 'node:path';

export type Backend = 'sqlite' | 'postgres';

const POSTGRES_URL = /^postgres(?:ql)?:\/\//i;
/** Something written as a URL (scheme://…) that is not PostgreSQL's. */
const OTHER_URL = /^[a-z][a-z0-9+.-]*:\/\//i;

export function backendOf(database: string): Backend {
  return POSTGRES_URL.test(database) ? 'postgres' : 'sqlite';
}

/** A database setting as it may be shown: a URL's password replaced by `***`; a path as it is. */
export function redactDatabaseUrl(database: string): string {
  if (backendOf(database) === 'sqlite') return database;
  try {
    const url = new URL(database);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return database.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@');
  }
}

/** Why a database setting cannot be used, or null when it can. */
export function databaseSettingProblem(database: string): string | null {
  if (backendOf(database) === 'sqlite') {
    return OTHER_URL.test(database)
      ? 'must be a SQLite file path or a postgres:// URL (SQLite and PostgreSQL are the stores there are)'
      : null;
  }
  let url: URL;
  try {
    url = new URL(database);
  } catch {
    return 'must be a valid URL such as postgres://user@db.example:5432/orchestrator';
  }
  if (!url.hostname) return 'must name a host, such as postgres://user@db.example:5432/orchestrator';
  if (url.pathname.replace(/^\//, '') === '')
    return 'must name a database, such as postgres://user@db.example:5432/orchestrator';
  return null;
}

/** A path relative to the project root becomes absolute; a URL stays as it is. */
export function resolveDatabaseSetting(rootDir: string, database: string): string {
  return backendOf(database) === 'postgres' ? database : path.resolve(rootDir, database);
}
