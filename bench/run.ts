/**
 * `npm run bench`: pages per minute, latency, memory, CPU, Temporal history and store cost of a
 * full durable batch against the local mirror, side by side with Crawlee's CheerioCrawler on the
 * same pages, at N = 1,000, 5,000 and 20,000 pages with one and two worker processes.
 *
 *   npm run bench                       # the scale curve (takes a while; keep it for a quiet machine)
 *   npm run bench -- --quick            # N = 1,000, one worker, and Crawlee
 *   npm run bench -- --sizes 5000 --workers 2 --no-crawlee --profile
 *   npm run bench -- --sizes 5000 --workers 1 --no-crawlee --store postgres   # the store on PostgreSQL
 *   npm run bench -- --report bench/results/<file>.json   # the Markdown table of a saved run
 *
 * Its own Temporal dev server on 127.0.0.1:17933 (UI 18933, in memory unless --server-db file);
 * everything else in a scratch folder under the OS temp dir. The store: SQLite, a file per cell;
 * with --store postgres, a PostgreSQL server of the bench's own on a free loopback port (its folder
 * under the OS temp dir too), a new database per cell. Results: bench/results/<date>-<host>.json.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../lib/config/load';
import { UserInputError } from '../lib/errors';
import { provisionTemporalCli } from '../lib/temporal/cli-binary';
import { startDevServer, stopDevServer, type DevServerSettings } from '../lib/temporal/dev-server';
import { runCrawlee } from './lib/crawlee';
import { loadSnapshot, machineInfo } from './lib/machine';
import { runOurs } from './lib/ours';
import { planFor } from './lib/plan';
import { bucketOf, summariseProfile } from './lib/profile';
import { evaluateTargets, markdown, type BenchResults } from './lib/report';
import { startBenchPostgres, STORE_KINDS, type BenchPostgres, type StoreKind } from './lib/store';

const RESULTS_DIR = join(__dirname, 'results');

function numbers(text: string | undefined, fallback: number[]): number[] {
  if (!text) return fallback;
  const values = text.split(',').map((v) => Number(v.trim().replace(/_/g, '')));
  if (values.some((v) => !Number.isInteger(v) || v < 1))
    throw new Error(`expected positive whole numbers separated by commas, got "${text}"`);
  return values;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      sizes: { type: 'string' },
      workers: { type: 'string' },
      'no-crawlee': { type: 'boolean', default: false },
      'crawlee-only': { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      port: { type: 'string', default: '17933' },
      'ui-port': { type: 'string', default: '18933' },
      'server-db': { type: 'string', default: 'memory' },
      concurrency: { type: 'string' },
      'detail-window': { type: 'string' },
      label: { type: 'string' },
      keep: { type: 'boolean', default: false },
      report: { type: 'string' },
      'worker-node-options': { type: 'string' },
      'worker-env': { type: 'string' },
      store: { type: 'string', default: 'sqlite' },
    },
  });
  if (values.report) {
    console.log(markdown(JSON.parse(readFileSync(values.report, 'utf8')) as BenchResults));
    return;
  }
  if (!(STORE_KINDS as readonly string[]).includes(values.store))
    throw new UserInputError(`--store: expected ${STORE_KINDS.join(' or ')}, got "${values.store}"`);
  const store = values.store as StoreKind;
  const sizes = values.quick ? [1000] : numbers(values.sizes, [1000, 5000, 20000]);
  const workerCounts = values.quick ? numbers(values.workers, [1]) : numbers(values.workers, [1, 2]);
  // --worker-env KEY=VALUE;KEY=VALUE: more environment for the worker processes (e.g. MALLOC_ARENA_MAX=2).
  const extraWorkerEnv = Object.fromEntries(
    (values['worker-env'] ?? '')
      .split(';')
      .filter(Boolean)
      .map((pair) => {
        const at = pair.indexOf('=');
        return [pair.slice(0, at), pair.slice(at + 1)];
      }),
  );
  const address = `127.0.0.1:${values.port}`;
  if (['7233', '17233'].includes(values.port))
    throw new Error('ports 7233 and 17233 belong to the demo and the tests: pick another (default 17933)');
  const log = (line: string) => console.error(line);

  const scratch = mkdtempSync(join(tmpdir(), 'orchestrator-bench-'));
  const machine = machineInfo();
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:]/g, '').replace(/\..*$/, '');
  const host = machine.hostname.replace(/[^A-Za-z0-9.-]+/g, '-');
  const resultFile = join(
    RESULTS_DIR,
    `${stamp}-${host}${values.label ? `-${values.label}` : ''}${values.quick ? '-quick' : ''}.json`,
  );
  const base = loadConfig({ env: {} });
  const detailWindow = values['detail-window'] ? Number(values['detail-window']) : base.batch.detailWindow;

  // Temporal dev server: our own port, in memory (or a scratch SQLite file).
  const cli = await provisionTemporalCli({ onProgress: log });
  const settings: DevServerSettings = {
    address,
    namespace: 'default',
    uiPort: Number(values['ui-port']),
    dbFile: values['server-db'] === 'file' ? join(scratch, 'temporal.db') : null,
    retentionHours: 24,
  };
  const files = { cliPath: cli.path, logFile: join(scratch, 'temporal.log'), pidFile: join(scratch, 'temporal.pid') };
  log(`Temporal dev server at ${address} (${settings.dbFile ? `SQLite ${settings.dbFile}` : 'in memory'}) …`);
  const server = await startDevServer(settings, files);
  if (server.reused) log(`  a server already answered at ${address}: reusing it (its CPU time is not measured)`);
  const keep = values.keep || values.profile;
  let postgres: BenchPostgres | null = null;
  /** Stop what the run started; the scratch folder removed unless kept. */
  const stopServers = async () => {
    if (!server.reused) await stopDevServer(settings, files).catch(() => undefined);
    if (postgres) await postgres.stop({ keep }).catch(() => undefined);
    if (keep) log(`scratch folder kept: ${scratch}${postgres ? `; PostgreSQL's folder: ${postgres.dir}` : ''}`);
    else rmSync(scratch, { recursive: true, force: true });
  };
  // Both servers run detached: an interrupted bench stops them rather than leave them running (a
  // PostgreSQL on a temp folder nobody knows of; a dev server the next run would reuse unmeasured).
  // `on`, not `once`: tsx sends the signal on again when it missed the child's word that it got it,
  // and a second signal with no listener left would end the bench halfway through stopping them.
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping the bench's servers …`);
    void stopServers().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  if (store === 'postgres') {
    try {
      postgres = await startBenchPostgres(log);
    } catch (error) {
      await stopServers();
      throw error;
    }
    const { host, port } = postgres.connection;
    log(
      `PostgreSQL ${postgres.version} for the store at ${host}:${port} (pid ${postgres.pid}, ${postgres.dir}; default durability: fsync, synchronous_commit, full_page_writes on)`,
    );
  }

  const results: BenchResults = {
    version: 1,
    startedAt: startedAt.toISOString(),
    finishedAt: null,
    machine,
    loadAtStart: loadSnapshot(),
    options: {
      sizes,
      workers: workerCounts,
      workerNodeOptions: values['worker-node-options'] ?? null,
      workerEnv: values['worker-env'] ?? null,
      crawlee: !values['no-crawlee'],
      profile: values.profile,
      detailWindow,
      quick: values.quick,
      serverDb: settings.dbFile ? 'file' : 'memory',
      store,
    },
    server: {
      address,
      db: settings.dbFile ? 'with SQLite persistence (scratch file)' : 'in memory',
      reused: server.reused,
    },
    ...(postgres
      ? {
          postgres: {
            version: postgres.version,
            durability: 'server defaults, as in production: fsync, synchronous_commit and full_page_writes on',
          },
        }
      : {}),
    runs: [],
    profiles: [],
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const save = () => {
    results.targets = evaluateTargets(results);
    writeFileSync(resultFile, `${JSON.stringify(results, null, 2)}\n`);
  };
  log(
    `Machine: ${machine.nproc} cores, ${machine.cpuModel}, ${machine.memoryMiB} MiB, Node ${machine.node}; ${results.loadAtStart.uptime}`,
  );

  try {
    for (const size of sizes) {
      const plan = planFor(base, size);
      log(`\nN = ${size.toLocaleString('en-US')}: ${plan.how}`);
      if (!values['crawlee-only']) {
        for (const workers of workerCounts) {
          const id = `n${size}-w${workers}-${Date.now().toString(36)}`;
          log(`  ours, ${workers} worker process(es) … (${loadSnapshot().uptime})`);
          const profileDir = values.profile ? join(scratch, id, 'profiles') : undefined;
          const run = await runOurs({
            plan,
            workers,
            address,
            serverPid: server.pid,
            scratch,
            id,
            profileDir,
            detailWindow,
            log,
            store,
            postgres: postgres ?? undefined,
            workerEnv: {
              ...(values['worker-node-options'] ? { NODE_OPTIONS: values['worker-node-options'] } : {}),
              ...extraWorkerEnv,
            },
          });
          results.runs.push(run);
          log(
            `    ${run.batchStatus}: ${run.pages.total} pages in ${(run.ms.endToEnd / 1000).toFixed(1)} s = ${run.pagesPerMinute.endToEnd} pages/min; ` +
              `p50/p95 ${run.latencyMs.p50}/${run.latencyMs.p95} ms; peak RSS ${run.memory.peakMiB} MiB; ` +
              `${run.history.eventsPerPage} history events/page; CPU ${run.cpu.workerSecondsPer1000Pages} s (worker) + ${run.cpu.serverSecondsPer1000Pages} s (server)` +
              `${postgres ? ` + ${run.cpu.postgresSecondsPer1000Pages} s (PostgreSQL)` : ''} per 1,000 pages; ` +
              `${(run.postgres ?? run.sqlite)?.bytesPer1000Listings} store bytes per 1,000 listings`,
          );
          for (const { file, batchWindowBeforeEndMs } of run.profiles) {
            const summary = summariseProfile(file, 25, batchWindowBeforeEndMs);
            const buckets = new Map<string, number>();
            for (const area of summary.areas)
              buckets.set(bucketOf(area.area), (buckets.get(bucketOf(area.area)) ?? 0) + area.percent);
            results.profiles.push({
              run: `${id} ${file.split('/').pop()}`,
              summary,
              buckets: [...buckets.entries()]
                .sort((a, b) => b[1] - a[1])
                .map(([bucket, percent]) => ({ bucket, percent: Math.round(percent * 10) / 10 })),
            });
            log(`    profile ${file}`);
          }
          save();
        }
      }
      if (!values['no-crawlee']) {
        const concurrency = values.concurrency
          ? Number(values.concurrency)
          : Math.min(base.batch.maxParallelSites, plan.sites.length) + detailWindow * plan.detailSites.length;
        log(`  Crawlee CheerioCrawler, concurrency ${concurrency} … (${loadSnapshot().uptime})`);
        const run = await runCrawlee({
          plan,
          config: base,
          concurrency,
          scratch,
          id: `n${size}-crawlee-${Date.now().toString(36)}`,
          log,
        });
        results.runs.push(run);
        log(
          `    ${run.pages.total} pages = ${run.pagesPerMinute.endToEnd} pages/min; peak RSS ${run.memory.peakMiB} MiB; CPU ${run.cpu.secondsPer1000Pages} s per 1,000 pages`,
        );
        save();
      }
    }
  } finally {
    results.finishedAt = new Date().toISOString();
    save();
    await stopServers();
  }
  console.log(markdown(results));
  log(`\nresults: ${resultFile}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof UserInputError ? error.message : error instanceof Error ? error.stack : String(error));
  process.exitCode = 1;
});
