/**
 * `npm run bench`: our durable engine against Crawlee on the same pages of the local mirror, like
 * for like (issue 15): Crawlee's HttpCrawler parses each page once with our adapters, as our
 * activities do; it runs storing nothing and storing in the project's SQLite store; our engine is
 * counted whole (worker processes + the Temporal server, a fresh dev server per run); every cell
 * runs several times in alternating order; then the production path (every site rate-limited)
 * and the politeness ceiling (20 generic sites at 2 pages/s each).
 *
 *   npm run bench                       # N = 5,000, 3 repetitions, production path, politeness ceiling
 *   npm run bench -- --quick            # N = 1,000, one repetition, no production path or politeness run
 *   npm run bench -- --sizes 1000,5000,20000 --workers 1,2 --repetitions 1   # the scale curve
 *   npm run bench -- --sizes 5000 --no-crawlee --profile --repetitions 1
 *   npm run bench -- --sizes 5000 --no-crawlee --store postgres   # the store on PostgreSQL
 *   npm run bench -- --report bench/results/<file>.json   # the Markdown tables of a saved run
 *
 * Its own Temporal dev servers on 127.0.0.1:17933 (UI 18933, in memory unless --server-db file),
 * one per run of ours; everything else in a scratch folder under the OS temp dir. The store:
 * SQLite, a file per run; with --store postgres, a PostgreSQL server of the bench's own on a free
 * loopback port (its folder under the OS temp dir too), a new database per run.
 * Results: bench/results/<date>-<host>[-<label>].json.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../lib/config/load';
import { UserInputError } from '../lib/errors';
import { provisionTemporalCli } from '../lib/temporal/cli-binary';
import { comparisonRows, productionRows } from './lib/comparison';
import { CRAWLEE_STORE_KINDS, runCrawlee, type CrawleeStoreKind } from './lib/crawlee';
import { loadSnapshot, machineInfo } from './lib/machine';
import { parseBenchArgs, positive } from './lib/options';
import { runOurs, type OursOptions } from './lib/ours';
import { planFor, type BenchPlan } from './lib/plan';
import { runPoliteness } from './lib/politeness';
import { BenchServers } from './lib/servers';
import { bucketOf, summariseProfile } from './lib/profile';
import { evaluateTargets, markdown, type BenchResults } from './lib/report';
import { startBenchPostgres, STORE_KINDS, type BenchPostgres, type StoreKind } from './lib/store';

const RESULTS_DIR = join(__dirname, 'results');

function numbers(option: string, text: string | undefined, fallback: number[]): number[] {
  if (!text) return fallback;
  const values = text.split(',').map((v) => Number(v.trim().replace(/_/g, '')));
  if (values.some((v) => !Number.isInteger(v) || v < 1))
    throw new UserInputError(`${option}: expected positive whole numbers separated by commas, got "${text}"`);
  return values;
}

async function main(): Promise<void> {
  const { values } = parseBenchArgs({
    options: {
      quick: { type: 'boolean', default: false },
      sizes: { type: 'string' },
      workers: { type: 'string' },
      repetitions: { type: 'string' },
      'no-crawlee': { type: 'boolean', default: false },
      'crawlee-only': { type: 'boolean', default: false },
      'crawlee-stores': { type: 'string', default: CRAWLEE_STORE_KINDS.join(',') },
      production: { type: 'boolean' },
      'no-production': { type: 'boolean', default: false },
      'production-size': { type: 'string', default: '1000' },
      'production-rate-limit': { type: 'string', default: '0.25' },
      politeness: { type: 'boolean' },
      'no-politeness': { type: 'boolean', default: false },
      'politeness-seconds': { type: 'string', default: '120' },
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
  const crawleeStores = values['crawlee-stores'].split(',').map((v) => v.trim());
  for (const kind of crawleeStores)
    if (!(CRAWLEE_STORE_KINDS as readonly string[]).includes(kind))
      throw new UserInputError(
        `--crawlee-stores: expected ${CRAWLEE_STORE_KINDS.join(' and/or ')} separated by commas, got "${kind}"`,
      );
  const sizes = values.quick ? [1000] : numbers('--sizes', values.sizes, [5000]);
  const workerCounts = numbers('--workers', values.workers, [1]);
  const repetitions = numbers('--repetitions', values.repetitions, [values.quick ? 1 : 3])[0];
  // On by default, off in the quick mode; --production / --no-production say otherwise.
  const production = !values['no-production'] && (values.production ?? !values.quick);
  const politeness = !values['no-politeness'] && (values.politeness ?? !values.quick);
  const productionSize = numbers('--production-size', values['production-size'], [1000])[0];
  const productionRateLimit = positive('production-rate-limit', values['production-rate-limit'], false);
  const politenessSeconds = numbers('--politeness-seconds', values['politeness-seconds'], [120])[0];
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
    throw new UserInputError('--port: 7233 and 17233 belong to the demo and the tests: pick another (default 17933)');
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

  const cli = await provisionTemporalCli({ onProgress: log });
  const servers = new BenchServers(cli.path, scratch, {
    address,
    namespace: 'default',
    uiPort: Number(values['ui-port']),
    dbFile: values['server-db'] === 'file' ? join(scratch, 'temporal.db') : null,
    retentionHours: 24,
  });
  const keep = values.keep || values.profile;
  let postgres: BenchPostgres | null = null;
  /** Stop what the run started; the scratch folder removed unless kept. */
  const stopServers = async () => {
    await servers.stop().catch(() => undefined);
    if (postgres) await postgres.stop({ keep }).catch(() => undefined);
    if (keep) log(`scratch folder kept: ${scratch}${postgres ? `; PostgreSQL's folder: ${postgres.dir}` : ''}`);
    else rmSync(scratch, { recursive: true, force: true });
  };
  // The servers run detached: an interrupted bench stops them rather than leave them running (a
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
    version: 2,
    startedAt: startedAt.toISOString(),
    finishedAt: null,
    machine,
    loadAtStart: loadSnapshot(),
    options: {
      sizes,
      workers: workerCounts,
      repetitions,
      workerNodeOptions: values['worker-node-options'] ?? null,
      workerEnv: values['worker-env'] ?? null,
      crawlee: !values['no-crawlee'],
      crawleeStores,
      production: production ? { size: productionSize, rateLimitSeconds: productionRateLimit } : null,
      politeness: politeness ? { seconds: politenessSeconds } : null,
      profile: values.profile,
      detailWindow,
      quick: values.quick,
      serverDb: values['server-db'] === 'file' ? 'file' : 'memory',
      store,
    },
    server: {
      address,
      db: values['server-db'] === 'file' ? 'with SQLite persistence (scratch file)' : 'in memory',
      reused: false,
      perRun: true,
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
    rows: [],
    profiles: [],
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const save = () => {
    results.rows = [...comparisonRows(results.runs), ...productionRows(results.runs)];
    results.targets = evaluateTargets(results);
    writeFileSync(resultFile, `${JSON.stringify(results, null, 2)}\n`);
  };
  log(
    `Machine: ${machine.nproc} cores, ${machine.cpuModel}, ${machine.memoryMiB} MiB, Node ${machine.node}; ${results.loadAtStart.uptime}`,
  );

  /**
   * One run of ours on a fresh dev server, stopped after it: a server that held earlier runs'
   * histories would weigh on this one's memory and CPU, and an idle one on Crawlee's runs.
   */
  const ours = async (plan: BenchPlan, workers: number, extra: Partial<OursOptions>) => {
    const id = `n${plan.targetPages}-w${workers}${extra.rateLimitSeconds ? '-limited' : ''}-${Date.now().toString(36)}`;
    const profileDir = values.profile ? join(scratch, id, 'profiles') : undefined;
    const server = await servers.fresh(log);
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
      ...extra,
    }).finally(() => servers.stop());
    results.runs.push(run);
    log(
      `    ${run.batchStatus}: ${run.pages.total} pages in ${(run.ms.endToEnd / 1000).toFixed(1)} s = ${run.pagesPerMinute.endToEnd} pages/min; ` +
        `p50/p95 ${run.latencyMs.p50}/${run.latencyMs.p95} ms; engine peak RSS ${run.wholeEngine?.peakRssMiB} MiB (workers ${run.wholeEngine?.withoutServerPeakRssMiB}); ` +
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
  };
  const crawlee = async (plan: BenchPlan, crawleeStore: CrawleeStoreKind, repetition: number) => {
    const concurrency = values.concurrency
      ? Number(values.concurrency)
      : Math.min(base.batch.maxParallelSites, plan.sites.length) + detailWindow * plan.detailSites.length;
    const run = await runCrawlee({
      plan,
      config: base,
      concurrency,
      scratch,
      id: `n${plan.targetPages}-crawlee-${crawleeStore}-${Date.now().toString(36)}`,
      store: crawleeStore,
      repetition,
      log,
    });
    results.runs.push(run);
    log(
      `    ${run.pages.total} pages = ${run.pagesPerMinute.endToEnd} pages/min; peak RSS ${run.memory.peakSampledMiB} MiB; CPU ${run.cpu.secondsPer1000Pages} s per 1,000 pages`,
    );
    save();
  };

  try {
    for (const size of sizes) {
      const plan = planFor(base, size);
      log(`\nN = ${size.toLocaleString('en-US')}: ${plan.how}`);
      for (let repetition = 1; repetition <= repetitions; repetition++) {
        // Alternating order (ours, Crawlee …, then Crawlee …, ours): a load that rises or falls over the
        // run weighs on both engines alike.
        const cells: Array<() => Promise<void>> = [];
        if (!values['crawlee-only'])
          for (const workers of workerCounts)
            cells.push(async () => {
              log(`  [${repetition}/${repetitions}] ours, ${workers} worker process(es) … (${loadSnapshot().uptime})`);
              await ours(plan, workers, { repetition });
            });
        if (!values['no-crawlee'])
          for (const kind of crawleeStores as CrawleeStoreKind[])
            cells.push(async () => {
              log(`  [${repetition}/${repetitions}] Crawlee HttpCrawler, store ${kind} … (${loadSnapshot().uptime})`);
              await crawlee(plan, kind, repetition);
            });
        if (repetition % 2 === 0) cells.reverse();
        for (const cell of cells) await cell();
      }
    }
    if (production) {
      const plan = planFor(base, productionSize);
      log(
        `\nProduction path: every site limited to one page per ${productionRateLimit} s; N = ${productionSize.toLocaleString('en-US')}: ${plan.how}`,
      );
      for (let repetition = 1; repetition <= repetitions; repetition++) {
        log(`  [${repetition}/${repetitions}] ours, rate-limited … (${loadSnapshot().uptime})`);
        await ours(plan, 1, { repetition, rateLimitSeconds: productionRateLimit });
      }
    }
    if (politeness) {
      log(
        `\nPoliteness ceiling: 20 generic sites on the mirror, each limited to 2 pages/s, for ${politenessSeconds} s … (${loadSnapshot().uptime})`,
      );
      const server = await servers.fresh(log);
      results.politeness = await runPoliteness({
        address,
        serverPid: server.pid,
        scratch,
        seconds: politenessSeconds,
        log,
      });
      log(
        `    ${results.politeness.pages} pages in ${politenessSeconds} s: ${results.politeness.achievedPagesPerSecond} of ${results.politeness.allowedPagesPerSecond} pages/s, ceilingRatio ${results.politeness.ceilingRatio}`,
      );
      save();
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
