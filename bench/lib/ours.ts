/**
 * One durable batch on the project's own engine: worker processes started as an operator would
 * (`orchestrator --config <yaml> worker`, ORCHESTRATOR_MIRROR_URL pointing at the
 * mirror), a batch started with the Temporal client, and everything measured around it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import { startBatch } from '../../client/batch-client';
import { siteTaskQueue } from '../../lib/contract/names';
import { startMirror } from '../../mirror/server';
import { writeBenchConfig } from './config';
import type { Repeated } from './comparison';
import { batchHistoryCost } from './history';
import { isBusy, loadSnapshot, type LoadSnapshot } from './machine';
import { mirrorSearches, type BenchPlan } from './plan';
import {
  cpuSeconds,
  processTree,
  RssSampler,
  threadCpuBetween,
  threadCpuSeconds,
  treeCpuSeconds,
  treeCpuSecondsWithExited,
  type ThreadCpu,
} from './proc';
import { percentile, round } from './stats';
import { killWorkers, spawnWorker, stopWorkers, waitForPollers, type WorkerProcess } from './workers';
import {
  newCellDatabase,
  postgresSize,
  readStoreFigures,
  sizePerListings,
  sqliteSize,
  type BenchPostgres,
  type PostgresStoreSize,
  type StoreKind,
  type StoreSize,
} from './store';

export interface OursOptions {
  plan: BenchPlan;
  workers: number;
  address: string;
  /** The dev server's pid, for its CPU time (null when it was reused and its pid is unknown). */
  serverPid: number | null;
  scratch: string;
  id: string;
  /** Write a V8 CPU profile of each worker process here (node --cpu-prof). */
  profileDir?: string;
  detailWindow?: number;
  /** The production path: every site rate-limited to one page per this many seconds (absent: limits lifted). */
  rateLimitSeconds?: number;
  /** Which run of its cell this is (1, 2, …). */
  repetition?: number;
  workerEnv?: Record<string, string>;
  log: (line: string) => void;
  /** The store the batch writes to: SQLite (a file in the cell's folder) or a new database on the bench's PostgreSQL. */
  store: StoreKind;
  /** The run's PostgreSQL (with store 'postgres'). */
  postgres?: BenchPostgres;
}

export interface OursResult extends Repeated {
  engine: 'temporal';
  /** Only in results saved before the window activities were the engine: "proto" for their prototype. */
  variant?: string;
  /** The store's backend; absent in results saved before PostgreSQL was measured (SQLite then). */
  store?: StoreKind;
  targetPages: number;
  workers: number;
  workflowId: string;
  batchStatus: string;
  plan: { pagesPerSearch: number; how: string; expectedPages: number };
  pages: {
    listing: number;
    detail: number;
    total: number;
    failedAttempts: number;
    mirrorPageRequests: number;
    robotsRequests: number;
  };
  ms: { endToEnd: number; runToFirstPage: number | null; firstToLastPage: number | null; workerStartup: number[] };
  pagesPerMinute: { endToEnd: number | null; fetchWindow: number | null };
  latencyMs: { p50: number | null; p95: number | null; p99: number | null; mean: number | null };
  /**
   * Pages per minute the machine could carry if its cores were ours alone: cores × 60 s over the
   * CPU one page costs in the worker(s), the Temporal server, the mirror and, with store
   * 'postgres', the bench's PostgreSQL (measured, so other users' load does not enter it). Null
   * when the server's CPU is unknown.
   */
  cpuBoundPagesPerMinute: number | null;
  /** Mean pages in flight: the sum of page latencies over the batch's wall time. */
  meanPagesInFlight: number | null;
  memory: {
    method: string;
    workers: Array<{
      pid: number;
      processes: number;
      largestProcessHwmMiB: number;
      peakSampledMiB: number;
      hwmMiB: number;
      atBatchStartMiB: number;
      samples: Array<[number, number]>;
    }>;
    /** VmHWM summed over a worker's process tree: its highest RSS over its life (start-up's workflow bundling included); the largest of the workers. */
    peakMiB: number;
    /** The highest RSS sampled while the batch ran. */
    peakDuringBatchMiB: number;
    /** process.memoryUsage() inside each worker (bench/lib/mem-probe.js) at batch start and at its highest RSS during the batch. */
    probe: Array<{ atStart: MemProbe | null; atPeak: MemProbe | null; atEnd: MemProbe | null }>;
  };
  /**
   * The whole engine: the worker processes with their trees, the Temporal server and, on store
   * 'postgres', PostgreSQL. Absent in results saved before it was measured.
   */
  wholeEngine?: {
    /** The highest sum of their RSS in one 250 ms sample during the batch. */
    peakRssMiB: number;
    /** The same without the server (and PostgreSQL): the worker trees' sampled peaks, summed. */
    withoutServerPeakRssMiB: number;
    /** Their CPU per 1,000 pages: worker + server (+ PostgreSQL). */
    cpuSecondsPer1000Pages: number | null;
  };
  cpu: {
    workerSeconds: number;
    workerSecondsPer1000Pages: number | null;
    serverSeconds: number | null;
    serverSecondsPer1000Pages: number | null;
    /**
     * The bench's PostgreSQL over the batch (postmaster and every process it forked, the ended
     * ones included): the store's cost outside the worker. Null on SQLite, whose cost is in the
     * worker's own CPU; absent in results saved before.
     */
    postgresSeconds?: number | null;
    postgresSecondsPer1000Pages?: number | null;
    mirrorAndClientSeconds: number;
    /** Each thread of the worker processes over the batch, the busiest first; absent in results saved before. */
    threads?: ThreadCpu[];
  };
  history: {
    totalEvents: number;
    eventsPerPage: number | null;
    runs: number;
    maxRunEvents: number;
    workflows: Array<{ workflowId: string; runs: number; events: number; maxRunEvents: number }>;
  };
  /** The SQLite file's size (store 'sqlite'). */
  sqlite?: StoreSize;
  /** The PostgreSQL database's size (store 'postgres'). */
  postgres?: PostgresStoreSize;
  load: { before: LoadSnapshot; after: LoadSnapshot; busy: boolean };
  /** CPU profiles with the batch's window in each, as ms before the profile's end (the process's exit). */
  profiles: Array<{ file: string; batchWindowBeforeEndMs: [number, number] | null }>;
}

interface MemProbe {
  t: number;
  at: number;
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

function readProbe(
  file: string,
  from: number,
  to: number,
): { atStart: MemProbe | null; atPeak: MemProbe | null; atEnd: MemProbe | null } {
  if (!existsSync(file)) return { atStart: null, atPeak: null, atEnd: null };
  // The main thread's lines (thread 0): the activities' heap; the workflow thread reports its own.
  const lines = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as MemProbe & { thread?: number })
    .filter((l) => !l.thread);
  // One process writes here: bin/orchestrator execs the worker, and its settings probe runs without
  // the bench's NODE_OPTIONS, so without the probe.
  const during = lines.filter((l) => l.at >= from && l.at <= to);
  if (during.length === 0) return { atStart: null, atPeak: null, atEnd: null };
  return {
    atStart: during[0],
    atPeak: during.reduce((a, b) => (b.rss > a.rss ? b : a)),
    atEnd: during[during.length - 1],
  };
}

export async function runOurs(options: OursOptions): Promise<OursResult> {
  const { plan, log } = options;
  const dir = join(options.scratch, options.id);
  const taskQueue = `bench-${options.id}`;
  if (options.store === 'postgres' && !options.postgres)
    throw new Error('store "postgres" without the bench\'s PostgreSQL');
  const bench = writeBenchConfig(dir, {
    address: options.address,
    taskQueue,
    plan,
    detailWindow: options.detailWindow,
    rateLimitSeconds: options.rateLimitSeconds,
    database:
      options.postgres && options.store === 'postgres'
        ? await newCellDatabase(options.postgres, options.id)
        : undefined,
  });
  const { config } = bench;
  const mirror = await startMirror({
    pagesPerSearch: plan.pagesPerSearch,
    searches: mirrorSearches(plan),
    maxLogEntries: 2_000_000,
  });
  const connection = await Connection.connect({ address: options.address });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const workers: WorkerProcess[] = [];
  try {
    // Worker start-up: from spawn until it polls every queue (the design aimed at under 30 s).
    const queues = [
      { name: taskQueue, type: 'workflow' as const },
      ...plan.sites.map((site) => ({
        name: siteTaskQueue(config.temporal.taskQueue, site),
        type: 'activity' as const,
      })),
    ];
    const startup: number[] = [];
    for (let i = 0; i < options.workers; i++) {
      const worker = await spawnWorker(
        bench.path,
        mirror.url,
        join(dir, `worker-${i + 1}.log`),
        join(dir, `worker-${i + 1}.mem.jsonl`),
        options.profileDir,
        options.workerEnv,
      );
      workers.push(worker);
      await waitForPollers(client, config.temporal.namespace, queues, workers);
      startup.push(Date.now() - worker.spawnedAt);
    }
    log(
      `    ${options.workers} worker process(es) polling (start-up ${startup.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ')})`,
    );

    const loadBefore = loadSnapshot();
    // The whole engine in the same samples: the worker trees, then the Temporal server and PostgreSQL when known.
    const postgresPid = options.store === 'postgres' ? options.postgres!.pid : null;
    const enginePids = [options.serverPid, postgresPid].filter((pid): pid is number => pid !== null);
    const sampler = new RssSampler([...workers.map((w) => w.pid), ...enginePids]);
    // The tree: a worker's children count too (Chromium, for a site on the browser fetcher). Results
    // files from before bin/orchestrator execed the worker counted its launcher in it (README, Performance).
    const cpuBefore = workers.map((w) => treeCpuSeconds(w.pid));
    const trees = workers.map((w) => processTree(w.pid));
    const processCounts = trees.map((t) => t.length);
    const threadsBefore = threadCpuSeconds(trees.flat());
    const serverBefore = options.serverPid ? cpuSeconds(options.serverPid) : null;
    // PostgreSQL forks a backend per connection, and the workers' pools close idle ones: count the ended ones too.
    const postgresBefore = postgresPid ? treeCpuSecondsWithExited(postgresPid) : null;
    const selfBefore = process.cpuUsage();
    mirror.resetLog();

    const workflowId = `batch-${options.id}`;
    const t0 = performance.timeOrigin + performance.now();
    const handle = await startBatch(client, config, { sites: plan.sites, label: 'bench' }, workflowId);
    const result = await handle.result();
    const t1 = performance.timeOrigin + performance.now();

    const cpuAfter = workers.map((w) => treeCpuSeconds(w.pid));
    const threads = threadCpuBetween(threadsBefore, threadCpuSeconds(trees.flat()));
    const serverAfter = options.serverPid ? cpuSeconds(options.serverPid) : null;
    const postgresAfter = postgresPid ? treeCpuSecondsWithExited(postgresPid) : null;
    const self = process.cpuUsage(selfBefore);
    const enginePeakMiB = sampler.peakTotalMiB;
    const rss = sampler.stop().slice(0, workers.length);
    const loadAfter = loadSnapshot();

    const log_ = mirror.requestLog();
    const pageRequests = log_.filter((e) => e.site !== null && !e.path.startsWith('/robots.txt'));
    const robotsRequests = log_.length - pageRequests.length;
    let firstPage: number | null = null;
    let lastPage: number | null = null;
    for (const e of pageRequests) {
      firstPage = firstPage === null ? e.time : Math.min(firstPage, e.time);
      lastPage = lastPage === null ? e.time : Math.max(lastPage, e.time);
    }

    const history = await batchHistoryCost(client, workflowId, plan.sites, plan.detailSites);

    // Stop the workers gracefully (closes the store: SQLite checkpoints the WAL; writes CPU profiles).
    await stopWorkers(workers);

    // SQLite: the WAL folded into the file before anything is read (sqliteSize), as the size is taken then.
    const sqliteFile = options.store === 'sqlite' ? sqliteSize(config.storage.database) : null;
    const { counts, latencies, listings } = await readStoreFigures(config.storage.database, result.batchId);
    const storeSize =
      options.store === 'sqlite'
        ? { sqlite: sizePerListings(sqliteFile!, listings) }
        : { postgres: sizePerListings(await postgresSize(config.storage.database), listings) };

    const listingPages = counts.find((c) => c.kind === 'listing')?.ok ?? 0;
    const detailPages = counts.find((c) => c.kind === 'detail')?.ok ?? 0;
    const total = listingPages + detailPages;
    const endToEnd = t1 - t0;
    const window = firstPage !== null && lastPage !== null ? lastPage - firstPage : null;
    const workerSeconds = cpuAfter.reduce((sum, v, i) => sum + v - cpuBefore[i], 0);
    const serverSeconds = serverBefore !== null && serverAfter !== null ? serverAfter - serverBefore : null;
    const postgresSeconds = postgresBefore !== null && postgresAfter !== null ? postgresAfter - postgresBefore : null;
    const per1000 = (v: number | null) => (v === null || total === 0 ? null : round((v / total) * 1000, 2));
    const profiles =
      options.profileDir && existsSync(options.profileDir)
        ? readdirSync(options.profileDir)
            .filter((f) => f.endsWith('.cpuprofile'))
            .map((f) => {
              // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile
              const pid = Number(f.split('.')[3]);
              const exitedAt = workers.find((w, i) => trees[i].includes(pid))?.exitedAt ?? null;
              return {
                file: join(options.profileDir!, f),
                batchWindowBeforeEndMs:
                  exitedAt === null
                    ? null
                    : ([Math.round(exitedAt - t0), Math.round(exitedAt - t1)] as [number, number]),
              };
            })
        : [];
    const sumLatency = latencies.reduce((a, b) => a + b, 0);

    return {
      engine: 'temporal',
      ...(options.repetition !== undefined ? { repetition: options.repetition } : {}),
      ...(options.rateLimitSeconds ? { rateLimitSeconds: options.rateLimitSeconds } : {}),
      store: options.store,
      targetPages: plan.targetPages,
      workers: options.workers,
      workflowId,
      batchStatus: result.status,
      plan: { pagesPerSearch: plan.pagesPerSearch, how: plan.how, expectedPages: plan.totalPages },
      pages: {
        listing: listingPages,
        detail: detailPages,
        total,
        failedAttempts: counts.reduce((sum, c) => sum + (c.failed ?? 0), 0),
        mirrorPageRequests: pageRequests.length,
        robotsRequests,
      },
      ms: {
        endToEnd: Math.round(endToEnd),
        runToFirstPage: firstPage === null ? null : Math.round(firstPage - t0),
        firstToLastPage: window === null ? null : Math.round(window),
        workerStartup: startup,
      },
      pagesPerMinute: {
        endToEnd: round((total / endToEnd) * 60_000, 0),
        fetchWindow: window ? round((pageRequests.length / window) * 60_000, 0) : null,
      },
      latencyMs: {
        p50: round(percentile(latencies, 50)),
        p95: round(percentile(latencies, 95)),
        p99: round(percentile(latencies, 99)),
        mean: latencies.length ? round(sumLatency / latencies.length) : null,
      },
      meanPagesInFlight: round(sumLatency / endToEnd, 1),
      cpuBoundPagesPerMinute:
        serverSeconds === null || total === 0
          ? null
          : round(
              (availableParallelism() * 60 * total) /
                (workerSeconds + serverSeconds + (postgresSeconds ?? 0) + (self.user + self.system) / 1e6),
              0,
            ),
      memory: {
        method:
          'separate worker process(es), each with its descendants (bin/orchestrator execs the worker: none): /proc/<pid>/status VmRSS summed over the tree, sampled every 250 ms; VmHWM summed over the tree at the end of the batch',
        workers: rss.map((r, i) => ({
          pid: r.pid,
          processes: processCounts[i],
          largestProcessHwmMiB: r.largestHwmMiB,
          peakSampledMiB: r.peakSampledMiB,
          hwmMiB: r.hwmMiB,
          atBatchStartMiB: r.samples[0]?.[1] ?? 0,
          samples: r.samples,
        })),
        peakMiB: Math.max(...rss.map((r) => r.hwmMiB)),
        peakDuringBatchMiB: Math.max(...rss.map((r) => r.peakSampledMiB)),
        probe: workers.map((_, i) => readProbe(join(dir, `worker-${i + 1}.mem.jsonl`), t0, t1)),
      },
      wholeEngine: {
        peakRssMiB: enginePeakMiB,
        withoutServerPeakRssMiB: round(
          rss.reduce((sum, r) => sum + r.peakSampledMiB, 0),
          1,
        )!,
        cpuSecondsPer1000Pages:
          serverSeconds === null ? null : per1000(workerSeconds + serverSeconds + (postgresSeconds ?? 0)),
      },
      cpu: {
        workerSeconds: round(workerSeconds, 2)!,
        workerSecondsPer1000Pages: per1000(workerSeconds),
        serverSeconds: round(serverSeconds, 2),
        serverSecondsPer1000Pages: per1000(serverSeconds),
        postgresSeconds: round(postgresSeconds, 2),
        postgresSecondsPer1000Pages: per1000(postgresSeconds),
        mirrorAndClientSeconds: round((self.user + self.system) / 1e6, 2)!,
        threads,
      },
      history: {
        totalEvents: history.totalEvents,
        eventsPerPage: total ? round(history.totalEvents / total, 2) : null,
        runs: history.totalRuns,
        maxRunEvents: history.maxRunEvents,
        workflows: history.workflows,
      },
      ...storeSize,
      load: { before: loadBefore, after: loadAfter, busy: isBusy(loadBefore, availableParallelism()) },
      profiles,
    };
  } finally {
    killWorkers(workers);
    await connection.close().catch(() => undefined);
    await mirror.close();
  }
}
