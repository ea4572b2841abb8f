/**
 * `orchestrator validate`: the checklist an operator runs before trusting a machine with the
 * nightly batch. Each check says what it found or, when it fails, why and how to fix it; a check
 * that needs the configuration is skipped (with that reason) when the configuration does not load.
 */
import { existsSync, statfsSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import type { AppConfig } from '../lib/config/types';
import { describeEmail } from '../lib/config/email-settings';
import { UserInputError } from '../lib/errors';
import { redactProxyUrl } from '../lib/security/redact';
import { verifyEmailServer } from '../lib/notify/email';
import {
  backendOf,
  hasSchema,
  LATEST_SCHEMA_VERSION,
  openStore,
  redactDatabaseUrl,
  schemaVersion,
} from '../lib/store/database';
import { findTemporalCli } from '../lib/temporal/cli-binary';
import { isServing } from '../lib/temporal/dev-server';
import { loadStartUrls } from '../lib/urls/start-urls';
import { withStore } from './environment';

export type CheckOutcome = 'pass' | 'fail' | 'skip';

export interface CheckResult {
  name: string;
  outcome: CheckOutcome;
  /** What was found, or why it failed and what to do. */
  detail: string;
}

export interface ValidationOptions {
  /** Free space the data folder needs, in MiB. */
  minFreeMb: number;
  env?: NodeJS.ProcessEnv;
}

export const DEFAULT_MIN_FREE_MB = 1024;

const pass = (name: string, detail: string): CheckResult => ({ name, outcome: 'pass', detail });
const fail = (name: string, detail: string): CheckResult => ({ name, outcome: 'fail', detail });

/** Run a check; a UserInputError (or any error) is that check's failure, not the command's. */
function attempt(name: string, check: () => CheckResult): CheckResult {
  try {
    return check();
  } catch (error) {
    return fail(name, (error as Error).message);
  }
}

function checkStartUrls(config: AppConfig): CheckResult {
  const enabled = config.sites.filter((site) => site.enabled).map((site) => site.key);
  const urls = loadStartUrls(config, enabled);
  const count = [...urls.values()].reduce((sum, starts) => sum + starts.length, 0);
  return pass('start URLs', `${count} start URLs for ${enabled.length} enabled sites in ${config.storage.urlsDir}`);
}

/** The configured store (a SQLite file, or a PostgreSQL database reached from this host), and its schema version. */
async function checkDatabase(config: AppConfig): Promise<CheckResult> {
  const { database } = config.storage;
  const shown = redactDatabaseUrl(database);
  const postgres = backendOf(database) === 'postgres';
  const firstRun = `the first worker creates its tables at schema version ${LATEST_SCHEMA_VERSION}`;
  if (!postgres && !existsSync(database)) return pass('database', `${shown} does not exist yet: ${firstRun}`);
  return withStore(openStore(config.storage, { readonly: true }), async (db) => {
    let version: number;
    try {
      if (postgres && !(await hasSchema(db)))
        return pass('database', `PostgreSQL at ${shown} has no tables yet: ${firstRun}`);
      version = await schemaVersion(db);
    } catch (error) {
      const reason = (error as Error).message || String(error);
      return fail(
        'database',
        postgres
          ? `PostgreSQL at ${shown} does not answer: ${reason}`
          : `${shown} is not an orchestrator database (${reason})`,
      );
    }
    const where = postgres ? `PostgreSQL at ${shown}` : shown;
    if (version === LATEST_SCHEMA_VERSION) return pass('database', `${where} at schema version ${version}`);
    if (version < LATEST_SCHEMA_VERSION) {
      return fail(
        'database',
        `${where} is at schema version ${version}, this code expects ${LATEST_SCHEMA_VERSION}: starting a worker (\`orchestrator worker\`) migrates it`,
      );
    }
    return fail(
      'database',
      `${where} is at schema version ${version}, newer than this code (${LATEST_SCHEMA_VERSION}): update the orchestrator before using this database`,
    );
  });
}

/**
 * The Temporal CLI, which runs the embedded dev server. A host whose config starts no dev server
 * (temporal.embedded: false: a cluster or a server elsewhere) does not need it: found, it is
 * shown; missing, the check is skipped rather than failed.
 */
function checkTemporalCli(env: NodeJS.ProcessEnv, config: AppConfig | null): CheckResult {
  const cli = findTemporalCli(env);
  if (!cli && config && !config.temporal.embedded)
    return {
      name: 'Temporal CLI',
      outcome: 'skip',
      detail: 'not needed: temporal.embedded is false (no dev server here)',
    };
  if (!cli)
    return fail(
      'Temporal CLI',
      'not found (TEMPORAL_CLI_PATH, PATH, or the build cache): `orchestrator server install` builds it',
    );
  return pass('Temporal CLI', `${cli.path} (${cli.source})`);
}

/** The deepest existing folder on the way to `path`: where the data will be written. */
function existingAncestor(path: string): string {
  let current = path;
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  return current;
}

function checkDiskSpace(config: AppConfig, minFreeMb: number): CheckResult {
  const folder = existingAncestor(dirname(config.storage.database));
  const stats = statfsSync(folder);
  const freeMb = Math.floor((Number(stats.bavail) * Number(stats.bsize)) / 1024 / 1024);
  const where = `${freeMb} MiB free in ${folder}`;
  return freeMb >= minFreeMb
    ? pass('disk space', where)
    : fail(
        'disk space',
        `only ${where}: the database, backups and logs need at least ${minFreeMb} MiB (--min-free-mb)`,
      );
}

async function checkTemporal(config: AppConfig): Promise<CheckResult> {
  const { address } = config.temporal;
  if (await isServing(address))
    return pass('Temporal server', `answers at ${address}, namespace ${config.temporal.namespace}`);
  return fail(
    'Temporal server',
    `no server answers at ${address}: start it with \`orchestrator server start\`${config.temporal.embedded ? ' (run starts one itself: temporal.embedded is true)' : ''}, or set TEMPORAL_ADDRESS`,
  );
}

/** Only when alert emails are configured: the server answers and takes the login (nothing is sent; the password is never shown). */
async function checkEmail(config: AppConfig): Promise<CheckResult | null> {
  const email = config.notifications.email;
  if (!email) return null;
  const verified = await verifyEmailServer(email, { timeoutMs: 10_000 });
  return verified.ok
    ? pass('alert email', `${describeEmail(email)}: the server answers and accepts the login`)
    : fail('alert email', `${verified.error} (${describeEmail(email)})`);
}

/** One line per site with proxies: how many, by tier, passwords as *** (nothing is connected to). */
function checkProxies(config: AppConfig): CheckResult[] {
  return config.sites.flatMap((site) => {
    if (!site.proxies) return [];
    const { tiers, restMs } = site.proxies;
    const count = tiers.reduce((sum, tier) => sum + tier.length, 0);
    const listed = tiers
      .map((tier, index) => `${tiers.length > 1 ? `tier ${index + 1}: ` : ''}${tier.map(redactProxyUrl).join(', ')}`)
      .join('; ');
    return [
      pass('proxies', `${count} configured for ${site.key} (${listed}); an unhealthy one rests ${restMs / 1000} s`),
    ];
  });
}

export async function validateSetup(loadConfig: () => AppConfig, options: ValidationOptions): Promise<CheckResult[]> {
  let config: AppConfig | null = null;
  const results: CheckResult[] = [
    attempt('config', () => {
      config = loadConfig();
      const enabled = config.sites.filter((site) => site.enabled).length;
      const shown = relative(process.cwd(), config.sourcePath);
      return pass(
        'config',
        `${shown && !shown.startsWith('..') ? shown : config.sourcePath}: ${config.sites.length} sites, ${enabled} enabled`,
      );
    }),
  ];
  const loaded = config as AppConfig | null;
  const needsConfig = ['start URLs', 'database', 'Temporal server', 'disk space'];
  if (!loaded) {
    results.push(
      ...needsConfig.map((name): CheckResult => ({
        name,
        outcome: 'skip',
        detail: 'needs a configuration that loads',
      })),
    );
  } else {
    results.push(attempt('start URLs', () => checkStartUrls(loaded)));
    results.push(await checkDatabase(loaded).catch((error: Error) => fail('database', error.message)));
    results.push(await checkTemporal(loaded).catch((error: Error) => fail('Temporal server', error.message)));
  }
  results.push(attempt('Temporal CLI', () => checkTemporalCli(options.env ?? process.env, loaded)));
  if (loaded) results.push(attempt('disk space', () => checkDiskSpace(loaded, options.minFreeMb)));
  if (loaded) results.push(...checkProxies(loaded));
  const email = loaded ? await checkEmail(loaded) : null;
  if (email) results.push(email);
  return results;
}

/** One line per check; a failed check's reason may span lines (every config problem), indented. */
export function renderChecks(results: CheckResult[]): string {
  const mark: Record<CheckOutcome, string> = { pass: '✔', fail: '✘', skip: '–' };
  const width = Math.max(...results.map((result) => result.name.length));
  return results
    .map(
      (result) =>
        `${mark[result.outcome]} ${result.name.padEnd(width)}  ${result.detail.split('\n').join(`\n  ${' '.repeat(width)}  `)}`,
    )
    .join('\n');
}

/** The failures as one line for `error: …`, naming each failing check and the first line of why. */
export function failureSummary(results: CheckResult[]): UserInputError | null {
  const failed = results.filter((result) => result.outcome === 'fail');
  if (failed.length === 0) return null;
  return new UserInputError(
    `${failed.length} check${failed.length > 1 ? 's' : ''} failed: ${failed.map((r) => `${r.name} (${r.detail.split('\n')[0]})`).join('; ')}`,
  );
}
