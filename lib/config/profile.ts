/**
 * The configuration a command or a worker runs with: config/config.yaml (or --config) and, with
 * --mirror, the mirror profile, which keeps mirror data and work apart from the real portals'.
 */
import { dirname, join, resolve } from 'node:path';
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
  const dir = join(dirname(config.storage.database), 'mirror');
  return {
    ...config,
    temporal: { ...config.temporal, taskQueue: `${config.temporal.taskQueue}-mirror` },
    storage: {
      ...config.storage,
      database: join(dir, 'orchestrator.db'),
      backupsDir: join(dir, 'backups'),
      tempDir: join(dir, 'tmp'),
      exportsDir: join(dir, 'exports'),
    },
  };
}
