/**
 * The configuration a command or a worker runs with: config/config.yaml (or --config) and, with
 * --mirror, the mirror profile, which keeps mirror data and work apart from the real portals'.
 */
import { dirname, join, resolve } from 'node:path';
import { backendOf } from '../store/database-url';
import { loadConfig } from './load';
import type { AppConfig } from './types';

export interface GlobalOptions {
  config?: string;
  /** Work against the bundled local mirror: its own database, backups and task queue. */
  mirror?: boolean;
}

export function loadAppConfig(options: GlobalOptions = {}): AppConfig {
  // --config is the user's path, relative to where they are, not to the project.
  const config = loadConfig({ path: options.config ? resolve(options.config) : undefined });
  return options.mirror ? mirrorProfile(config) : config;
}

/**
 * Mirror runs keep their data apart from real portal data (the mirror serves the real host names,
 * so its listings would be indistinguishable) and use their own task queue, so a worker serving
 * the real portals never picks up mirror work.
 */
export function mirrorProfile(config: AppConfig): AppConfig {
  const { storage } = config;
  const postgres = backendOf(storage.database) === 'postgres';
  // SQLite: one folder beside the database file. PostgreSQL: a database of its own, and a
  // `mirror` folder inside each configured folder, since every host has folders of its own.
  const dir = join(dirname(storage.database), 'mirror');
  const inside = (folder: string) => (postgres ? join(folder, 'mirror') : undefined);
  return {
    ...config,
    temporal: { ...config.temporal, taskQueue: `${config.temporal.taskQueue}-mirror` },
    storage: {
      ...storage,
      database: postgres ? mirrorDatabaseUrl(storage.database) : join(dir, 'orchestrator.db'),
      backupsDir: inside(storage.backupsDir) ?? join(dir, 'backups'),
      tempDir: inside(storage.tempDir) ?? join(dir, 'tmp'),
      exportsDir: inside(storage.exportsDir) ?? join(dir, 'exports'),
    },
  };
}

/** The mirror's PostgreSQL database: the configured one's name with `_mirror`, on the same server. */
export function mirrorDatabaseUrl(database: string): string {
  const url = new URL(database);
  url.pathname = `/${decodeURIComponent(url.pathname.slice(1))}_mirror`;
  return url.toString();
}
