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
  const { database } = config.storage;
  const postgres = backendOf(database) === 'postgres';
  // The folder beside the SQLite file; with PostgreSQL, the data folder of the project.
  const dir = join(postgres ? join(config.rootDir, 'data') : dirname(database), 'mirror');
  return {
    ...config,
    temporal: { ...config.temporal, taskQueue: `${config.temporal.taskQueue}-mirror` },
    storage: {
      ...config.storage,
      database: postgres ? mirrorDatabaseUrl(database) : join(dir, 'orchestrator.db'),
      backupsDir: join(dir, 'backups'),
      tempDir: join(dir, 'tmp'),
      exportsDir: join(dir, 'exports'),
    },
  };
}

/** The mirror's PostgreSQL database: the configured one's name with `_mirror`, on the same server. */
export function mirrorDatabaseUrl(database: string): string {
  const url = new URL(database);
  url.pathname = `/${decodeURIComponent(url.pathname.slice(1))}_mirror`;
  return url.toString();
}
