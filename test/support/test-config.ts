/** An AppConfig for tests: the shipped config, pointed at the test server, a scratch folder and the mirror. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../lib/config/load';
import type { AppConfig } from '../../lib/config/types';
import { TEST_TEMPORAL_ADDRESS } from './temporal-server';

export interface TestConfigOptions {
  mirrorUrl?: string | null;
  /** Unique per suite, so suites never pick up each other's tasks. */
  taskQueue: string;
  sites?: string[];
  webhookUrl?: string | null;
}

/** The storage settings with every file the project writes (database, backups, exports, temp files) in `dir`. */
export function scratchStorage(storage: AppConfig['storage'], dir: string): AppConfig['storage'] {
  return {
    ...storage,
    database: join(dir, 'orchestrator.db'),
    backupsDir: join(dir, 'backups'),
    exportsDir: join(dir, 'exports'),
    tempDir: join(dir, 'tmp'),
  };
}

export function testConfig(options: TestConfigOptions): AppConfig {
  const base = loadConfig();
  const dir = mkdtempSync(join(tmpdir(), 'orchestrator-test-'));
  return {
    ...base,
    temporal: {
      ...base.temporal,
      address: TEST_TEMPORAL_ADDRESS,
      namespace: 'default',
      taskQueue: options.taskQueue,
      embedded: false,
    },
    storage: scratchStorage(base.storage, dir),
    mirror: { url: options.mirrorUrl ?? null },
    // Test workers serve no Prometheus endpoint: parallel suites would contend for one port.
    metrics: { prometheusPort: null },
    notifications: { webhookUrl: options.webhookUrl ?? null },
    // The declared attempts stay; only the waits between them shrink, so failure tests run in seconds.
    sites: (options.sites ? base.sites.filter((site) => options.sites!.includes(site.key)) : base.sites).map(
      (site) => ({
        ...site,
        retry: { ...site.retry, initialIntervalMs: 100, maximumIntervalMs: 500 },
      }),
    ),
  };
}
