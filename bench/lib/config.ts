/**
 * The benchmark's configuration file: the shipped config/config.yaml with its ports, task queue
 * and every path moved to a scratch folder, and politeness lifted for the mirror (which is ours):
 * rate_limit_seconds 0 on every site and security.rate_limiting off. That is what the
 * `liftRateLimits` option of createWorkers does in-process (no task-queue rate limit, no limiter
 * wait); the `orchestrator worker` command has no such switch, so the file says it. robots.txt
 * stays on. Every site uses the http fetcher: the mirror plays no Cloudflare.
 *
 * The production path (`rateLimitSeconds`) keeps politeness on, as every real portal needs it:
 * each site limited to one page per that many seconds, and the token bucket's sustained rate
 * raised to the same pace (its shipped 30 a minute would otherwise be the limit).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { loadConfig } from '../../lib/config/load';
import type { AppConfig } from '../../lib/config/types';
import { scratchConfigDoc } from '../../test/support/temp-config';
import type { BenchPlan } from './plan';

/** The environment for processes the benchmark starts: none of the overrides a developer's shell may carry. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^(TEMPORAL_|ORCHESTRATOR_|CRAWLEE_)/.test(key) && key !== 'TEMPORAL_CLI_PATH') delete env[key];
  }
  return { ...env, ...extra };
}

export interface BenchConfig {
  path: string;
  dir: string;
  config: AppConfig;
}

export function writeBenchConfig(
  dir: string,
  options: {
    address: string;
    taskQueue: string;
    plan: BenchPlan;
    detailWindow?: number;
    /** Every site rate-limited to one page per this many seconds (the production path); absent: limits lifted. */
    rateLimitSeconds?: number;
    /** `storage.database`: a postgres:// URL; default the scratch copy's SQLite file in `dir`. */
    database?: string;
  },
): BenchConfig {
  mkdirSync(dir, { recursive: true });
  const doc = scratchConfigDoc(dir, options.address);
  doc.temporal = { ...doc.temporal, task_queue: options.taskQueue, embedded: false };
  if (options.database) doc.storage.database = options.database;
  doc.storage.urls_dir = join(dir, 'urls');
  doc.logging.level = 'warn';
  doc.metrics = { prometheus_port: null };
  doc.mirror = { url: null };
  const limit = options.rateLimitSeconds ?? 0;
  doc.security.rate_limiting =
    limit > 0
      ? { ...doc.security.rate_limiting, enable: true, requests_per_minute: Math.ceil(60 / limit) }
      : { ...doc.security.rate_limiting, enable: false };
  doc.defaults.rate_limit_seconds = limit;
  if (options.detailWindow) doc.batch.detail_window = options.detailWindow;
  for (const [key, site] of Object.entries(doc.sites as Record<string, Record<string, unknown>>)) {
    site.enabled = options.plan.sites.includes(key);
    site.rate_limit_seconds = limit;
    site.fetcher = 'http';
  }
  const urlsDir = join(dir, 'urls');
  mkdirSync(urlsDir, { recursive: true });
  for (const site of options.plan.sites) {
    const rows = options.plan.searches.filter((s) => s.site === site).map((s) => `${s.url},${s.maxPages}`);
    writeFileSync(join(urlsDir, `${site}.csv`), ['url,max_pages', ...rows].join('\n') + '\n');
  }
  const path = join(dir, 'config.yaml');
  // Private: with PostgreSQL, storage.database carries the bench server's superuser password.
  writeFileSync(path, YAML.stringify(doc), { mode: 0o600 });
  return { path, dir, config: loadConfig({ path, env: {} }) };
}
