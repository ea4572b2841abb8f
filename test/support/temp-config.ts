/** A copy of config/config.yaml with its ports and every path moved to a scratch folder, for tests that run the CLI. */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';

export interface TempConfig {
  path: string;
  dir: string;
  address: string;
  uiPort: number;
}

/**
 * The shipped config/config.yaml as a YAML document, with the Temporal server at `address` and
 * every file the project writes (databases, backups, exports, temp files, logs) moved into `dir`.
 */
export function scratchConfigDoc(dir: string, address: string): Record<string, any> {
  const doc = YAML.parse(readFileSync(join(__dirname, '..', '..', 'config', 'config.yaml'), 'utf8'));
  doc.temporal = { ...doc.temporal, address, db_file: join(dir, 'temporal.db') };
  doc.storage = {
    ...doc.storage,
    database: join(dir, 'orchestrator.db'),
    backups_dir: join(dir, 'backups'),
    exports_dir: join(dir, 'exports'),
    temp_dir: join(dir, 'tmp'),
  };
  doc.logging = { ...doc.logging, dir: join(dir, 'logs') };
  return doc;
}

export function writeTempConfig(
  port: number,
  uiPort: number,
  edit: (doc: Record<string, any>) => void = () => undefined,
): TempConfig {
  const dir = mkdtempSync(join(tmpdir(), 'orchestrator-cli-'));
  const address = `127.0.0.1:${port}`;
  const doc = scratchConfigDoc(dir, address);
  doc.temporal.ui_port = uiPort;
  edit(doc);
  const path = join(dir, 'config.yaml');
  writeFileSync(path, YAML.stringify(doc));
  return { path, dir, address, uiPort };
}

/** Start-URL CSVs (urls/<site>.csv) for these sites in `urlsDir`, replacing any there. */
export function writeStartUrls(
  urlsDir: string,
  startUrls: Record<string, Array<{ url: string; maxPages: number }>>,
): void {
  mkdirSync(urlsDir, { recursive: true });
  for (const [site, rows] of Object.entries(startUrls)) {
    writeFileSync(
      join(urlsDir, `${site}.csv`),
      ['url,max_pages', ...rows.map((row) => `${row.url},${row.maxPages}`)].join('\n') + '\n',
    );
  }
}

/**
 * A config document set for batches against the test's own mirror: only `sites` enabled, each on
 * the http fetcher (these tests are about the orchestration, not Chromium), no politeness waits
 * unless a test sets a site's own rate limit, and short waits between retries (attempt counts
 * unchanged; maximum_interval bounds a site's Retry-After too, activities/failures.ts).
 */
export function forMirrorBatches(doc: Record<string, any>, sites: readonly string[]): void {
  doc.security.rate_limiting.enable = false;
  doc.defaults.rate_limit_seconds = 0;
  doc.defaults.retry = { ...doc.defaults.retry, initial_interval: '200ms', maximum_interval: '2s' };
  for (const [key, site] of Object.entries(doc.sites as Record<string, Record<string, unknown>>)) {
    site.enabled = sites.includes(key);
    site.fetcher = 'http';
    delete site.rate_limit_seconds;
    delete site.retry;
  }
}
