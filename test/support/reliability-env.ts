/**
 * A scratch project for reliability tests: its own config (a YAML copy of config/config.yaml with
 * ports and paths moved to a scratch folder), start URLs, the local mirror running in the test
 * process, and `orchestrator worker` as a separate process that a test can kill -9 and start again.
 * Everything a test watches is real state: SQLite rows, the mirror's request log, the backups
 * folder, the task queue's pollers.
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { startBatch } from '../../client/batch-client';
import { loadConfig } from '../../lib/config/load';
import type { AppConfig } from '../../lib/config/types';
import type { ListingRecord } from '../../lib/record/listing-record';
import { rowToRecord } from '../../lib/store/listings';
import { checkTransitionChain, type TaskState } from '../../lib/contract/statuses';
import type { MirrorCatalog } from '../../mirror/catalog';
import { startMirror, type MirrorServer } from '../../mirror/server';
import type { batchWorkflow } from '../../workflows/batch';
import type { BatchInput } from '../../lib/contract/payloads';
import { BIN } from './cli';
import { expectedRecords, searchPathOf } from './expected-records';
import { forMirrorBatches, writeStartUrls, writeTempConfig } from './temp-config';
import { startWorkerProcess, workerOutput, type WorkerProcess } from './worker-process';
import { testServer, TEST_TEMPORAL_ADDRESS } from './temporal-server';

export interface StartUrlRow {
  url: string;
  maxPages: number;
}

export interface ReliabilityEnvOptions {
  /** Names the task queue and the scratch folder. */
  name: string;
  /** The sites of the batch and their start URLs (every other site is disabled). */
  sites: Record<string, StartUrlRow[]>;
  /** Result pages per search the mirror serves (default 2). */
  pagesPerSearch?: number;
  /** The Temporal frontend (default: the shared test server, started when needed). */
  temporalAddress?: string;
  webhookUrl?: string | null;
  detailWindow?: number;
  /** Further changes to the YAML document (snake_case keys, as in config/config.yaml). */
  edit?: (doc: Record<string, any>) => void;
  /** Send the worker's requests somewhere in front of the mirror (a rewriting proxy); default the mirror itself. */
  upstream?: (mirror: MirrorServer) => Promise<{ url: string; close(): Promise<void> }>;
}

/** What SQLite says about a batch right now: the conditions kill points and faults wait for. */
export interface Probe {
  batchStatus: string | null;
  tasks: Record<string, TaskState>;
  /** Successful listing-page rows per site. */
  listingOk: Record<string, number>;
  listingOkTotal: number;
  detail: { pending: number; done: number; failed: number; skipped: number; total: number };
  siteMetricsRows: number;
  /** Backup files (complete or partial) whose name carries the batch id. */
  backups: string[];
}

/** Results pages a correct batch fetches for a site: page 1 of each start URL up to max_pages or the last page. */
export function expectedListingPages(catalog: MirrorCatalog, site: string, starts: StartUrlRow[]): number {
  return starts.reduce(
    (sum, start) => sum + Math.min(start.maxPages, catalog.totalPages(site, searchPathOf(start.url))),
    0,
  );
}

/** The scratch process environment: no TEMPORAL_* / ORCHESTRATOR_* of the caller leaks into a child. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^(TEMPORAL_|ORCHESTRATOR_)/.test(key)) env[key] = value;
  return { ...env, ...extra };
}

export interface RunningCommand {
  child: ChildProcess;
  /** stdout and stderr so far, interleaved. */
  output(): string;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The real `orchestrator` executable with `args`, in the scratch environment (childEnv), running. */
export function startOrchestrator(args: string[], extraEnv: Record<string, string> = {}): RunningCommand {
  const child = spawn(BIN, args, { env: childEnv(extraEnv), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => ((stdout += chunk), (output += chunk)));
  child.stderr.on('data', (chunk) => ((stderr += chunk), (output += chunk)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, stdout: () => stdout, stderr: () => stderr, exited };
}

/** The real `orchestrator` executable with `args`, to its end (killed after `timeoutMs`). */
export async function runOrchestrator(
  args: string[],
  extraEnv: Record<string, string> = {},
  timeoutMs = 120_000,
): Promise<{ code: number | null; stdout: string; stderr: string; output: string }> {
  const running = startOrchestrator(args, extraEnv);
  const timer = setTimeout(() => running.child.kill('SIGKILL'), timeoutMs);
  const { code } = await running.exited;
  clearTimeout(timer);
  return { code, stdout: running.stdout(), stderr: running.stderr(), output: running.output() };
}

/** How a batch ended in SQLite, checked against the mirror's catalogue; the figures for RELIABILITY.md. */
export interface BatchCheck {
  listingsCompared: number;
  /** Fields compared: listings × record fields. */
  fieldsCompared: number;
  duplicates: number;
  missingPages: number;
  /** Listing pages stored successfully more than once (an attempt whose completion was lost, then retried). */
  refetchedListingPages: number;
  /** Page rows with attempt > 1. */
  retriedAttempts: number;
  transitionsChecked: number;
  detailPages: number;
}

/**
 * A site's stored listings as records, as the store's getListings returns them (same order, same
 * row-to-record mapping), read synchronously from a better-sqlite3 connection: the reliability
 * checks observe the worker's SQLite file from outside the store, so a probe can run between polls.
 */
function storedListings(db: Database.Database, site: string): ListingRecord[] {
  return (
    db.prepare('SELECT * FROM listings WHERE site = ? ORDER BY external_id').all(site) as Array<Record<string, unknown>>
  ).map((row) => rowToRecord(row));
}

export class ReliabilityEnv {
  readonly dir: string;
  readonly configPath: string;
  readonly config: AppConfig;
  readonly taskQueue: string;
  private readonly workers: WorkerProcess[] = [];
  private readonlyDb: Database.Database | null = null;
  private clientPromise: Promise<Client> | null = null;

  private constructor(
    readonly options: ReliabilityEnvOptions,
    readonly mirror: MirrorServer,
    readonly fetchUrl: string,
    private readonly closeUpstream: () => Promise<void>,
    readonly temporalAddress: string,
  ) {
    this.taskQueue = `rel-${options.name}-${process.pid}-${Date.now()}`;
    const port = Number(temporalAddress.split(':').pop());
    const temp = writeTempConfig(port, port + 1000, (doc) => {
      const scratch = dirname(doc.storage.database as string);
      doc.temporal = { ...doc.temporal, address: temporalAddress, task_queue: this.taskQueue, embedded: false };
      doc.storage.urls_dir = join(scratch, 'urls');
      doc.mirror = { url: fetchUrl };
      doc.metrics = { prometheus_port: null };
      doc.notifications = { webhook_url: options.webhookUrl ?? null };
      doc.batch = { ...doc.batch, detail_window: options.detailWindow ?? doc.batch.detail_window };
      forMirrorBatches(doc, Object.keys(options.sites));
      options.edit?.(doc);
    });
    this.dir = temp.dir;
    this.configPath = temp.path;
    writeStartUrls(join(this.dir, 'urls'), options.sites);
    this.config = loadConfig({ path: this.configPath, env: {} });
  }

  /**
   * A scratch project for `body`, closed after it. A body that throws leaves the scratch folder and
   * the worker logs in place (close's keep), for a look at what went wrong.
   */
  static async within<T>(options: ReliabilityEnvOptions, body: (env: ReliabilityEnv) => Promise<T>): Promise<T> {
    const env = await ReliabilityEnv.create(options);
    let passed = false;
    try {
      const value = await body(env);
      passed = true;
      return value;
    } finally {
      await env.close({ keep: !passed });
    }
  }

  static async create(options: ReliabilityEnvOptions): Promise<ReliabilityEnv> {
    const temporalAddress = options.temporalAddress ?? TEST_TEMPORAL_ADDRESS;
    if (!options.temporalAddress) await testServer();
    const searches: Record<string, string[]> = {};
    for (const [site, rows] of Object.entries(options.sites)) searches[site] = rows.map((row) => searchPathOf(row.url));
    const mirror = await startMirror({ pagesPerSearch: options.pagesPerSearch ?? 2, searches });
    const upstream = options.upstream
      ? await options.upstream(mirror)
      : { url: mirror.url, close: async () => undefined };
    return new ReliabilityEnv(options, mirror, upstream.url, upstream.close, temporalAddress);
  }

  get sites(): string[] {
    return Object.keys(this.options.sites);
  }

  get detailSites(): string[] {
    return this.config.sites.filter((site) => site.enabled && site.hasDetailScraper).map((site) => site.key);
  }

  client(): Promise<Client> {
    this.clientPromise ??= Connection.connect({ address: this.temporalAddress }).then(
      (connection) => new Client({ connection, namespace: this.config.temporal.namespace }),
    );
    return this.clientPromise;
  }

  /** A new Temporal client (after a server restart the old channel may still be reconnecting). */
  async reconnect(): Promise<Client> {
    const old = this.clientPromise;
    this.clientPromise = null;
    await old?.then((client) => client.connection.close()).catch(() => undefined);
    return this.client();
  }

  /** `orchestrator --config <scratch yaml> worker`, a process of its own; resolves once it polls every queue. */
  async startWorker(extraEnv: Record<string, string> = {}): Promise<WorkerProcess> {
    const worker = await startWorkerProcess({
      dir: this.dir,
      args: ['--config', this.configPath, 'worker'],
      env: childEnv({ ORCHESTRATOR_MIRROR_URL: this.fetchUrl, ...extraEnv }),
      client: await this.client(),
      namespace: this.config.temporal.namespace,
      taskQueue: this.taskQueue,
      sites: this.sites,
      what: 'the worker',
      timeoutMs: 120_000,
    });
    this.workers.push(worker);
    return worker;
  }

  /** The worker processes' own log (logs/worker/*.log, JSON lines) from `since` (ms since the epoch) on. */
  workerLog(
    since = 0,
  ): Array<{ level: string; time: string; target?: string; msg?: string; error?: string } & Record<string, unknown>> {
    const dir = join(this.config.logging.dir, 'worker');
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((name) => name.endsWith('.log'))
      .flatMap((name) => readFileSync(join(dir, name), 'utf8').split('\n'))
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line))
      .filter((entry) => Date.parse(entry.time) >= since);
  }

  workerOutput(): string {
    return workerOutput(this.dir);
  }

  async startBatch(workflowId: string, input: BatchInput = {}): Promise<WorkflowHandle<typeof batchWorkflow>> {
    return startBatch(await this.client(), this.config, input, workflowId);
  }

  /** A read-only connection to the worker's database, opened once the file exists. */
  db(): Database.Database | null {
    if (this.readonlyDb) return this.readonlyDb;
    if (!existsSync(this.config.storage.database)) return null;
    this.readonlyDb = new Database(this.config.storage.database, { readonly: true, fileMustExist: true });
    this.readonlyDb.pragma('busy_timeout = 5000');
    return this.readonlyDb;
  }

  probe(batchId: string): Probe {
    const empty: Probe = {
      batchStatus: null,
      tasks: {},
      listingOk: {},
      listingOkTotal: 0,
      detail: { pending: 0, done: 0, failed: 0, skipped: 0, total: 0 },
      siteMetricsRows: 0,
      backups: this.backupFiles(batchId),
    };
    const db = this.db();
    if (!db) return empty;
    const batch = db.prepare('SELECT status FROM batches WHERE id = ?').get(batchId) as { status: string } | undefined;
    if (!batch) return empty;
    const tasks = Object.fromEntries(
      (
        db.prepare('SELECT site, kind, state FROM tasks WHERE batch_id = ?').all(batchId) as Array<{
          site: string;
          kind: string;
          state: TaskState;
        }>
      ).map((t) => [`${t.site}/${t.kind}`, t.state]),
    );
    const listingOk = Object.fromEntries(
      (
        db
          .prepare(
            `SELECT site, COUNT(*) AS n FROM pages WHERE batch_id = ? AND kind = 'listing' AND error_type IS NULL GROUP BY site`,
          )
          .all(batchId) as Array<{ site: string; n: number }>
      ).map((r) => [r.site, r.n]),
    );
    const detail = { pending: 0, done: 0, failed: 0, skipped: 0, total: 0 };
    for (const row of db
      .prepare('SELECT state, COUNT(*) AS n FROM detail_queue WHERE batch_id = ? GROUP BY state')
      .all(batchId) as Array<{ state: keyof typeof detail; n: number }>) {
      detail[row.state] = row.n;
      detail.total += row.n;
    }
    const metrics = db.prepare('SELECT COUNT(*) AS n FROM site_metrics WHERE batch_id = ?').get(batchId) as {
      n: number;
    };
    return {
      batchStatus: batch.status,
      tasks,
      listingOk,
      listingOkTotal: Object.values(listingOk).reduce((a, b) => a + b, 0),
      detail,
      siteMetricsRows: metrics.n,
      backups: empty.backups,
    };
  }

  backupFiles(batchId?: string): string[] {
    const dir = this.config.storage.backupsDir;
    if (!existsSync(dir)) return [];
    return readdirSync(dir).filter(
      (name) => batchId === undefined || name.includes(batchId.replace(/[^A-Za-z0-9_-]/g, '_')),
    );
  }

  /** Requests to the mirror for a site that have not been answered yet (status 0 while in flight). */
  inFlight(site: string, kind: 'listing' | 'detail'): number {
    const mirrorSite = this.mirror.catalog.site(site);
    return this.mirror.requestLog(site).filter((entry) => {
      if (entry.status !== 0 || entry.path === '/robots.txt') return false;
      return mirrorSite.route(new URL(entry.path, `https://${mirrorSite.host}`))?.kind === kind;
    }).length;
  }

  expected(site: string): ListingRecord[] {
    return expectedRecords(this.mirror.catalog, site, this.options.sites[site] ?? []);
  }

  expectedPages(site: string): number {
    return expectedListingPages(this.mirror.catalog, site, this.options.sites[site] ?? []);
  }

  /**
   * Open the database read-write after the batch, as `orchestrator` commands do, and check it
   * against the catalogue: listings exactly as served, no duplicates, no page missing, every task
   * completed through valid transitions. `completedSites` default: every site of the batch.
   */
  checkBatch(batchId: string, options: { status?: string; completedSites?: string[] } = {}): BatchCheck {
    const completed = options.completedSites ?? this.sites;
    const db = new Database(this.config.storage.database, { readonly: true, fileMustExist: true });
    try {
      const batch = db.prepare('SELECT status FROM batches WHERE id = ?').get(batchId) as
        { status: string } | undefined;
      assert.equal(batch?.status, options.status ?? 'completed', `batch ${batchId} status`);
      let listingsCompared = 0;
      let fieldsCompared = 0;
      for (const site of completed) {
        const expected = this.expected(site);
        assert.ok(expected.length > 0, `${site}: the catalogue expects no listing`);
        assert.deepEqual(
          storedListings(db, site),
          expected,
          `${site}: the stored listings differ from what the mirror served`,
        );
        listingsCompared += expected.length;
        fieldsCompared += expected.length * Object.keys(expected[0]).length;
      }
      const count = (sql: string, ...params: unknown[]) => (db.prepare(sql).get(...params) as { n: number }).n;
      const duplicates =
        count(
          'SELECT COUNT(*) AS n FROM (SELECT site, external_id FROM listings GROUP BY site, external_id HAVING COUNT(*) > 1)',
        ) +
        count(
          'SELECT COUNT(*) AS n FROM (SELECT 1 FROM batch_listings WHERE batch_id = ? GROUP BY site, external_id HAVING COUNT(*) > 1)',
          batchId,
        ) +
        count(
          'SELECT COUNT(*) AS n FROM (SELECT 1 FROM detail_queue WHERE batch_id = ? GROUP BY site, url HAVING COUNT(*) > 1)',
          batchId,
        ) +
        count(
          'SELECT COUNT(*) AS n FROM (SELECT 1 FROM pages WHERE batch_id = ? GROUP BY site, kind, url, attempt HAVING COUNT(*) > 1)',
          batchId,
        ) +
        // A detail page is stored once: a retry of a handled queue entry reports the recorded outcome without fetching.
        count(
          `SELECT COUNT(*) AS n FROM (SELECT 1 FROM pages WHERE batch_id = ? AND kind = 'detail' AND error_type IS NULL GROUP BY site, url HAVING COUNT(*) > 1)`,
          batchId,
        );
      assert.equal(duplicates, 0, 'duplicate rows');
      for (const site of completed) {
        const seen = count('SELECT COUNT(*) AS n FROM batch_listings WHERE batch_id = ? AND site = ?', batchId, site);
        assert.equal(seen, this.expected(site).length, `${site}: batch_listings rows`);
      }

      let missingPages = 0;
      for (const site of completed) {
        const okPages = count(
          `SELECT COUNT(DISTINCT url) AS n FROM pages WHERE batch_id = ? AND site = ? AND kind = 'listing' AND error_type IS NULL`,
          batchId,
          site,
        );
        const never = count(
          `SELECT COUNT(DISTINCT url) AS n FROM pages p WHERE batch_id = ? AND site = ? AND kind = 'listing'
           AND NOT EXISTS (SELECT 1 FROM pages q WHERE q.batch_id = p.batch_id AND q.site = p.site AND q.kind = p.kind AND q.url = p.url AND q.error_type IS NULL)`,
          batchId,
          site,
        );
        missingPages += Math.max(0, this.expectedPages(site) - okPages) + never;
      }
      let detailPages = 0;
      for (const site of completed.filter((s) => this.detailSites.includes(s))) {
        const states = db
          .prepare('SELECT state, COUNT(*) AS n FROM detail_queue WHERE batch_id = ? AND site = ? GROUP BY state')
          .all(batchId, site) as Array<{ state: string; n: number }>;
        assert.deepEqual(states, [{ state: 'done', n: this.expected(site).length }], `${site}: detail queue`);
        const okDetails = count(
          `SELECT COUNT(DISTINCT url) AS n FROM pages WHERE batch_id = ? AND site = ? AND kind = 'detail' AND error_type IS NULL`,
          batchId,
          site,
        );
        missingPages += this.expected(site).length - okDetails;
        detailPages += okDetails;
      }
      assert.equal(missingPages, 0, 'pages missing');

      const tasks = db.prepare('SELECT id, site, state FROM tasks WHERE batch_id = ?').all(batchId) as Array<{
        id: string;
        site: string;
        state: TaskState;
      }>;
      let transitionsChecked = 0;
      for (const task of tasks) {
        if (completed.includes(task.site)) assert.equal(task.state, 'completed', `${task.id}`);
        const chain = db
          .prepare('SELECT from_state AS "from", to_state AS "to" FROM task_transitions WHERE task_id = ? ORDER BY id')
          .all(task.id) as Array<{ from: TaskState | null; to: TaskState }>;
        assert.deepEqual(checkTransitionChain(chain), [], `${task.id} transitions`);
        transitionsChecked += chain.length;
      }
      return {
        listingsCompared,
        fieldsCompared,
        duplicates,
        missingPages,
        refetchedListingPages: count(
          `SELECT COUNT(*) AS n FROM (SELECT 1 FROM pages WHERE batch_id = ? AND kind = 'listing' AND error_type IS NULL GROUP BY site, url HAVING COUNT(*) > 1)`,
          batchId,
        ),
        retriedAttempts: count('SELECT COUNT(*) AS n FROM pages WHERE batch_id = ? AND attempt > 1', batchId),
        transitionsChecked,
        detailPages,
      };
    } finally {
      db.close();
    }
  }

  /** The listings table without run-specific columns (batch ids, times): what two runs of the same batch must share. */
  listingRows(): Array<Record<string, unknown>> {
    const db = new Database(this.config.storage.database, { readonly: true, fileMustExist: true });
    try {
      return (
        db.prepare('SELECT * FROM listings ORDER BY site, external_id').all() as Array<Record<string, unknown>>
      ).map((row) => {
        const {
          first_batch_id: _a,
          last_batch_id: _b,
          detail_batch_id: detail,
          first_seen_at: _c,
          last_seen_at: _d,
          ...rest
        } = row;
        return { ...rest, has_detail: detail !== null };
      });
    } finally {
      db.close();
    }
  }

  /** Stop the workers, the mirror and the client; the scratch folder is removed unless `keep` (a failed test's evidence). */
  async close({ keep = false }: { keep?: boolean } = {}): Promise<void> {
    for (const worker of this.workers) await worker.stop().catch(() => undefined);
    this.readonlyDb?.close();
    this.readonlyDb = null;
    await this.clientPromise?.then((client) => client.connection.close()).catch(() => undefined);
    await this.closeUpstream();
    await this.mirror.close();
    if (keep || process.env.RELIABILITY_KEEP) console.error(`      scratch project kept: ${this.dir}`);
    else rmSync(this.dir, { recursive: true, force: true });
  }
}
