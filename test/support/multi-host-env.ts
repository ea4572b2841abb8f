/**
 * One deployment spread over several hosts, played on this machine for test/cluster/multi-host.test.ts:
 *
 * - a Temporal cluster (`orchestrator cluster start`, run as a user would in a scratch project of
 *   its own, on ports of its own) whose PostgreSQL also holds the store: a login role and the
 *   store's databases made with the cluster's own ensureRole / ensureDatabase;
 * - project folders that act as hosts: each its own working directory, HOME, TMPDIR, config (with
 *   absolute paths: a config's relative paths resolve against the repository, not its folder),
 *   logs folder and start-URL CSVs, and the store's password only in its environment (PGPASSWORD);
 *   a host runs `orchestrator --mirror worker` as a child process (SIGKILL-able) or CLI commands;
 * - a proxy per host in front of the one mirror, so that every request the mirror serves can be
 *   told apart by the host that sent it (the mirror's own log has no such field).
 *
 * Everything here is registered on a RunScope by the caller, so the run's end stops it even when a
 * hook times out.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Client } from '@temporalio/client';
import {
  ensureDatabase,
  findPostgresBinDir,
  ensureRole,
  postgresConnection,
  postgresUrl,
  randomPassword,
  withPostgres,
  type PostgresConnection,
} from '../../lib/cluster/postgres';
import { provisionServerBinaries } from '../../lib/cluster/server-binaries';
import { clusterFiles } from '../../lib/cluster/temporal-cluster';
import { loadConfig } from '../../lib/config/load';
import { mirrorDatabaseUrl, mirrorProfile } from '../../lib/config/profile';
import type { AppConfig } from '../../lib/config/types';
import type { TaskState } from '../../lib/contract/statuses';
import { getBatch, getTasks } from '../../lib/store/batches';
import type { Db } from '../../lib/store/database';
import { detailCounts } from '../../lib/store/detail-queue';
import { getListings } from '../../lib/store/listings';
import type { MirrorServer } from '../../mirror/server';
import { BIN, type CliResult } from './cli';
import { expectedRecords } from './expected-records';
import { startRewritingProxy } from './reliability-proxy';
import { childEnv, expectedListingPages, type StartUrlRow } from './reliability-env';
import { startWorkerProcess, type WorkerProcess } from './worker-process';
import { forMirrorBatches, writeStartUrls, writeTempConfig } from './temp-config';
import { ownServerPorts, type RunScope } from './temporal-server';

/** `orchestrator <args>` in `cwd` with exactly `env`, to its end (SIGKILLed after `timeoutMs`). */
function runOrchestratorIn(
  cwd: string,
  env: NodeJS.ProcessEnv,
  args: string[],
  timeoutMs = 180_000,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

// ── The cluster, and the store on its PostgreSQL ─────────────────────────────────────────────

export interface TestCluster {
  /** The cluster's scratch project (its config, and its data in <dir>/cluster). */
  dir: string;
  address: string;
  uiPort: number;
  /** The cluster PostgreSQL's superuser (its password file, written at initdb). */
  superuser: PostgresConnection;
  /** How long `cluster start` took, ms. */
  startMs: number;
}

/**
 * `orchestrator cluster start` in a scratch project on the ports of `slot` (ownServerPorts), its
 * `cluster stop` registered on `scope` before the start, so a start that fails halfway is stopped too.
 */
export async function startTestCluster(slot: number, scope: RunScope): Promise<TestCluster> {
  const { port, uiPort, address } = ownServerPorts(slot);
  const postgresPort = port + 50;
  const project = writeTempConfig(port, uiPort, (doc) => {
    doc.temporal.embedded = false;
    doc.cluster = {
      data_dir: join(dirname(doc.storage.temp_dir), 'cluster'),
      postgres_port: postgresPort,
      internal_ports: port + 1,
    };
  });
  // mkdtemp makes the folder 0700: PostgreSQL's unprivileged account (under root) must get through it.
  chmodSync(project.dir, 0o711);
  const cluster = (...args: string[]) =>
    runOrchestratorIn(project.dir, childEnv(), ['--config', project.path, 'cluster', ...args]);
  await scope.add(async () => {
    const stopped = await cluster('stop');
    if (stopped.code !== 0) throw new Error(`cluster stop exited with ${stopped.code}: ${stopped.stderr}`);
  });
  const began = Date.now();
  const started = await cluster('start');
  const startMs = Date.now() - began;
  assert.equal(started.code, 0, `cluster start: ${started.stdout}\n${started.stderr}`);
  const superuser = postgresConnection({
    dir: clusterFiles(join(project.dir, 'cluster')).postgresDir,
    port: postgresPort,
  });
  assert.ok(superuser, 'the cluster PostgreSQL has a superuser password file');
  return { dir: project.dir, address, uiPort, superuser, startMs };
}

export interface TestStore {
  /** storage.database as the hosts' configs carry it: no password (that is in PGPASSWORD). */
  url: string;
  password: string;
  /** The database `--mirror` uses (lib/config/profile.ts mirrorDatabaseUrl), with the password: for the test's own reads. */
  mirrorUrl: string;
  mirrorDatabase: string;
}

/**
 * A login role and the store's database on the cluster's PostgreSQL, owned by the role, and the
 * `<name>_mirror` database that `--mirror` commands and workers use instead.
 */
export async function createTestStore(
  superuser: PostgresConnection,
  role: string,
  database: string,
): Promise<TestStore> {
  const password = randomPassword();
  await ensureRole(superuser, role, password);
  await ensureDatabase(superuser, database, role);
  const url = new URL(postgresUrl({ ...superuser, user: role, password }, database));
  url.password = '';
  const mirror = new URL(mirrorDatabaseUrl(url.toString()));
  const mirrorDatabase = decodeURIComponent(mirror.pathname.slice(1));
  await ensureDatabase(superuser, mirrorDatabase, role);
  mirror.password = password;
  return { url: url.toString(), password, mirrorUrl: mirror.toString(), mirrorDatabase };
}

/** Empty every table of the store but its schema version: the next batch starts from a fresh store. */
export async function emptyStore(superuser: PostgresConnection, database: string): Promise<void> {
  await withPostgres(
    superuser,
    async (client) => {
      const { rows } = await client.query<{ tablename: string }>(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'",
      );
      if (rows.length === 0) return;
      await client.query(
        `TRUNCATE ${rows.map((row) => client.escapeIdentifier(row.tablename)).join(', ')} RESTART IDENTITY`,
      );
    },
    database,
  );
}

// ── What each host sent to the mirror ────────────────────────────────────────────────────────

export interface SentRequest {
  /** The host (project folder) whose worker sent it. */
  sender: string;
  /** The portal's Host header. */
  host: string;
  path: string;
  /** When its answer passed the proxy, ms since the epoch. */
  time: number;
}

/**
 * A proxy in front of the mirror for one host: every HTML page it passes on (result and detail
 * pages; robots.txt is plain text) is recorded with the host's name.
 */
export async function startSenderProxy(
  sender: string,
  mirror: MirrorServer,
  sent: SentRequest[],
  scope: RunScope,
): Promise<string> {
  const proxy = await startRewritingProxy(mirror.url, {
    body(host, path, html) {
      sent.push({ sender, host, path, time: Date.now() });
      return html;
    },
  });
  await scope.add(() => proxy.close());
  return proxy.url;
}

// ── A host ───────────────────────────────────────────────────────────────────────────────────

export interface HostOptions {
  name: string;
  cluster: TestCluster;
  store: TestStore;
  /** Where its worker's requests to the portals go (its proxy in front of the mirror). */
  fetchUrl: string;
  /** The first start URLs of every site the deployment scrapes (every other site is disabled). */
  startUrls: Record<string, StartUrlRow[]>;
  /** Further changes to the YAML document (snake_case keys, as in config/config.yaml). */
  edit?: (doc: Record<string, any>) => void;
}

/** A project folder acting as one host of the deployment. */
export class Host {
  readonly name: string;
  readonly dir: string;
  readonly configPath: string;
  /** The configuration its `--mirror` processes run with. */
  readonly config: AppConfig;
  readonly env: NodeJS.ProcessEnv;
  private readonly workers: WorkerProcess[] = [];

  constructor(options: HostOptions) {
    const { cluster, store } = options;
    this.name = options.name;
    const project = writeTempConfig(Number(cluster.address.split(':').pop()), cluster.uiPort, (doc) => {
      const scratch = dirname(doc.storage.temp_dir as string);
      doc.temporal = { ...doc.temporal, embedded: false };
      doc.storage.database = store.url;
      doc.storage.urls_dir = join(scratch, 'urls');
      doc.mirror = { url: options.fetchUrl };
      doc.metrics = { prometheus_port: null };
      forMirrorBatches(doc, Object.keys(options.startUrls));
      options.edit?.(doc);
    });
    this.dir = project.dir;
    this.configPath = project.path;
    this.writeStartUrls(options.startUrls);
    const home = join(this.dir, 'home');
    const tmp = join(this.dir, 'os-tmp');
    mkdirSync(home);
    mkdirSync(tmp);
    this.env = childEnv({ HOME: home, TMPDIR: tmp, PGPASSWORD: store.password });
    this.config = mirrorProfile(loadConfig({ path: this.configPath, env: {} }));
  }

  /** Replace these sites' start-URL CSVs (a batch reads them when it is planned). */
  writeStartUrls(startUrls: Record<string, StartUrlRow[]>): void {
    writeStartUrls(join(this.dir, 'urls'), startUrls);
  }

  /** `orchestrator --config <its config> --mirror <args>` in its folder, with its environment (and `env` over it). */
  orchestrator(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
    return runOrchestratorIn(this.dir, { ...this.env, ...env }, ['--config', this.configPath, '--mirror', ...args]);
  }

  /** `orchestrator --mirror worker`, a process of its own in the host's folder; resolves once it polls every queue. */
  async startWorker(client: Client): Promise<WorkerProcess> {
    const worker = await startWorkerProcess({
      dir: this.dir,
      cwd: this.dir,
      args: ['--config', this.configPath, '--mirror', 'worker'],
      env: this.env,
      client,
      namespace: this.config.temporal.namespace,
      taskQueue: this.config.temporal.taskQueue,
      sites: this.config.sites.map((site) => site.key),
      what: `host ${this.name}'s worker`,
      timeoutMs: 180_000,
    });
    this.workers.push(worker);
    return worker;
  }

  /** SIGTERM to every worker still running (a graceful shutdown), each awaited. */
  async stopWorkers(): Promise<void> {
    for (const worker of this.workers.splice(0)) await worker.stop();
  }
}

// ── A batch in the store against the mirror's catalogue ──────────────────────────────────────

export interface StoredBatch {
  listings: number;
  listingPages: number;
  detailPages: number;
  /** Per site: listings seen by the batch, distinct result pages stored, detail pages done. */
  perSite: Record<string, { listings: number; listingPages: number; detailPages: number }>;
}

/**
 * Read through the store: the batch completed, each site's task completed, each site's listings
 * exactly as the mirror served them (expectedRecords), every result page stored, every detail page
 * done, and the batch saw each listing once.
 */
export async function checkBatchInStore(
  db: Db,
  mirror: MirrorServer,
  batchId: string,
  startUrls: Record<string, StartUrlRow[]>,
  detailSites: readonly string[],
): Promise<StoredBatch> {
  const batch = await getBatch(db, batchId);
  assert.equal(batch?.status, 'completed', `batch ${batchId} in the store`);
  const tasks = await getTasks(db, batchId);
  const states = Object.fromEntries(tasks.map((task) => [`${task.site}/${task.kind}`, task.state]));
  const expectedStates: Record<string, TaskState> = {};
  for (const site of Object.keys(startUrls)) {
    expectedStates[`${site}/main`] = 'completed';
    if (detailSites.includes(site)) expectedStates[`${site}/detail`] = 'completed';
  }
  assert.deepEqual(states, expectedStates, 'task states');

  const result: StoredBatch = { listings: 0, listingPages: 0, detailPages: 0, perSite: {} };
  for (const [site, rows] of Object.entries(startUrls)) {
    const expected = expectedRecords(mirror.catalog, site, rows);
    assert.ok(expected.length > 0, `${site}: the catalogue expects no listing`);
    assert.deepEqual(
      await getListings(db, site),
      expected,
      `${site}: the stored listings differ from what the mirror served`,
    );
    const seen = await db
      .selectFrom('batch_listings')
      .select(['external_id'])
      .where('batch_id', '=', batchId)
      .where('site', '=', site)
      .execute();
    assert.equal(seen.length, expected.length, `${site}: batch_listings rows`);
    const pages = await db
      .selectFrom('pages')
      .select(['url'])
      .distinct()
      .where('batch_id', '=', batchId)
      .where('site', '=', site)
      .where('kind', '=', 'listing')
      .where('error_type', 'is', null)
      .execute();
    assert.equal(pages.length, expectedListingPages(mirror.catalog, site, rows), `${site}: result pages stored`);
    let detailPages = 0;
    if (detailSites.includes(site)) {
      const counts = await detailCounts(db, batchId, site);
      assert.deepEqual(counts, { pending: 0, done: expected.length, failed: 0, skipped: 0 }, `${site}: detail queue`);
      detailPages = counts.done;
    }
    result.perSite[site] = { listings: expected.length, listingPages: pages.length, detailPages };
    result.listings += expected.length;
    result.listingPages += pages.length;
    result.detailPages += detailPages;
  }
  return result;
}

/**
 * A cluster test's first step: PostgreSQL's programs must be on the machine (the test is skipped,
 * saying why, where they are not), and the cluster's programs are found or built, which takes
 * minutes the first time: not a test's time.
 */
export async function requireClusterPrograms(context: Mocha.Context): Promise<void> {
  try {
    findPostgresBinDir();
  } catch (error) {
    console.error(`    ${(error as Error).message}`);
    context.skip();
  }
  context.timeout(20 * 60_000);
  await provisionServerBinaries({ onProgress: (line) => console.error(`    ${line}`) });
}
