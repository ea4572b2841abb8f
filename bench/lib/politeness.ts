/**
 * The politeness-ceiling run (issue 15): N sites of the generic adapter on the mirror, each held by
 * the product to P pages a second, scraped for S seconds by one worker process. What it measures is
 * how close the engine comes to the ceiling the sites allow (N × P pages a second): the rate limits
 * stay exactly as the product applies them (the site's task-queue rate limit and spacing, the
 * per-site token bucket), where the throughput bench lifts them.
 *
 * The window starts at the first page request the mirror sees and lasts S seconds; pages are the
 * page requests the mirror logged in it (robots.txt aside). The batch is then cancelled: its walks
 * are longer than the window on purpose, so no site runs out of pages inside it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import YAML from 'yaml';
import { startBatch } from '../../client/batch-client';
import { siteTaskQueue } from '../../lib/contract/names';
import { loadConfig } from '../../lib/config/load';
import { startMirror, type RequestLogEntry } from '../../mirror/server';
import {
  DEFAULT_GENERIC_PORTAL_COUNT,
  GENERIC_PORTAL_SEARCH_PATH,
  GENERIC_PORTAL_SELECTORS,
  genericPortals,
} from '../../mirror/sites/generic-portals';
import type { MirrorSite } from '../../mirror/model';
import { scratchConfigDoc } from '../../test/support/temp-config';
import type { BenchConfig } from './config';
import { batchHistoryCost } from './history';
import { isBusy, loadSnapshot, type LoadSnapshot } from './machine';
import { spread, type Spread } from './comparison';
import { cpuSeconds, RssSampler, treeCpuSeconds } from './proc';
import { maxInAnyWindow, percentile, round } from './stats';
import { readStoreFigures } from './store';
import { killWorkers, spawnWorker, stopWorkers, waitForPollers, type WorkerProcess } from './workers';

export interface PolitenessOptions {
  /** The Temporal server, host:port. */
  address: string;
  /** The dev server's pid, for its CPU time (null when it was reused and its pid is unknown). */
  serverPid: number | null;
  /** The run's folder goes under it. */
  scratch: string;
  /** Generic sites (default 20). */
  sites?: number;
  /** Each site's allowed rate (default 2): rate_limit_seconds = 1 / pagesPerSecond. */
  pagesPerSecond?: number;
  /** The measured window (default 120). */
  seconds?: number;
  log: (line: string) => void;
}

export interface PolitenessResult {
  engine: 'temporal';
  kind: 'politeness';
  workflowId: string;
  /** The batch's status after it was cancelled at the window's end. */
  batchStatus: string;
  sites: number;
  pagesPerSecondPerSite: number;
  /** sites × pagesPerSecondPerSite: the ceiling the sites' limits allow. */
  allowedPagesPerSecond: number;
  seconds: number;
  /** Page requests the mirror logged in the window (robots.txt aside). */
  pages: number;
  /** Of those, answers other than 200 (none expected: the mirror plays no fault here). */
  failedPages: number;
  achievedPagesPerSecond: number;
  /** pages / (sites × pagesPerSecondPerSite × seconds); the target is ≥ 0.95. */
  ceilingRatio: number;
  // The figures every row of a results file carries (bench/lib/comparison.ts), for this one run.
  /** The pages of the window. */
  n: number;
  repetitions: 1;
  /** achievedPagesPerSecond × 60. */
  pagesPerMinute: Spread | null;
  /** Worker tree + dev server, summed in the same samples over the window; null without the server's pid. */
  engineRssMiB: Spread | null;
  /** Always null: Crawlee has no politeness run. */
  crawleeRatio: null;
  crawleeRssMiB: null;
  /** Pages in the window per site. */
  perSite: { min: number; max: number };
  /** The most requests any one site got in any 1-second window (the politeness check: at most pagesPerSecondPerSite, give or take arrival jitter). */
  maxRequestsInAnySecondPerSite: number;
  /** Time between two consecutive page requests to one site, over every site (where time goes: the allowed spacing is 1000 / pagesPerSecondPerSite). */
  gapMs: { min: number | null; p50: number | null; p95: number | null; p99: number | null; max: number | null };
  /**
   * The http fetch of a page, from the store (every page of the batch): from the request's send,
   * after its rate-limit turn, to the whole body. The rest of a gap is the limiter's wait and the
   * engine's round trip (workflow task, activity task, store write).
   */
  fetchLatencyMs: { pages: number; mean: number | null; p50: number | null; p95: number | null };
  ms: { workerStartup: number; runToFirstPage: number };
  cpu: {
    workerSeconds: number;
    workerSecondsPer1000Pages: number | null;
    serverSeconds: number | null;
    serverSecondsPer1000Pages: number | null;
    /** The bench process: the mirror serving every page, and the client. */
    mirrorAndClientSeconds: number;
  };
  /** Temporal history events of the batch (read after it was cancelled) per page request the mirror logged until then. */
  history: { totalEvents: number; pages: number; eventsPerPage: number | null; runs: number };
  load: { before: LoadSnapshot; after: LoadSnapshot; busy: boolean };
}

// ── Pure helpers ────────────────────────────────────────────────────────────────────────────────

/** Time between consecutive `times` (ms, any order), in time order. */
export function gapsBetween(times: readonly number[]): number[] {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted.slice(1).map((time, i) => time - sorted[i]);
}

/** Pages achieved over pages allowed: sites × pagesPerSecond × seconds. */
export function ceilingRatioOf(pages: number, sites: number, pagesPerSecond: number, seconds: number): number {
  const allowed = sites * pagesPerSecond * seconds;
  if (!(allowed > 0)) throw new RangeError(`allowed pages must be > 0, got ${sites} × ${pagesPerSecond} × ${seconds}`);
  return pages / allowed;
}

/** The page requests (not robots.txt) of known sites in [from, to). */
export function pageRequestsIn(log: readonly RequestLogEntry[], from: number, to: number): RequestLogEntry[] {
  return log.filter((e) => e.site !== null && !e.path.startsWith('/robots.txt') && e.time >= from && e.time < to);
}

// ── The bench config ────────────────────────────────────────────────────────────────────────────

/**
 * The shipped config/config.yaml in a scratch folder, with the six built-in portals off and the
 * generic `sites` on: adapter generic with GENERIC_PORTAL_SELECTORS, the http fetcher,
 * rate_limit_seconds 1 / pagesPerSecond, and one start URL each walking `maxPages` pages.
 *
 * Politeness stays on as shipped: the site's queue rate limit and spacing come from
 * rate_limit_seconds, and security.rate_limiting (the per-site token bucket) stays enabled with its
 * burst. Only the bucket's sustained rate is set to the site's own (60 × pagesPerSecond a minute):
 * the shipped 30 a minute would cap every site at 0.5 pages a second whatever rate_limit_seconds
 * says, and the run is about a site limited to pagesPerSecond. batch.max_parallel_sites is the site
 * count, or the shipped 6 would leave the rest waiting.
 */
export function writePolitenessConfig(
  dir: string,
  options: {
    address: string;
    taskQueue: string;
    sites: readonly MirrorSite[];
    pagesPerSecond: number;
    maxPages: number;
  },
): BenchConfig {
  if (!(options.pagesPerSecond > 0))
    throw new RangeError(`pagesPerSecond must be a number > 0, got ${options.pagesPerSecond}`);
  mkdirSync(dir, { recursive: true });
  const doc = scratchConfigDoc(dir, options.address);
  doc.temporal = { ...doc.temporal, task_queue: options.taskQueue, embedded: false };
  doc.storage.urls_dir = join(dir, 'urls');
  doc.logging.level = 'warn';
  doc.metrics = { prometheus_port: null };
  doc.mirror = { url: null };
  doc.batch.max_parallel_sites = options.sites.length;
  doc.security.rate_limiting = { ...doc.security.rate_limiting, requests_per_minute: 60 * options.pagesPerSecond };
  for (const site of Object.values(doc.sites as Record<string, Record<string, unknown>>)) site.enabled = false;
  const urlsDir = join(dir, 'urls');
  mkdirSync(urlsDir, { recursive: true });
  options.sites.forEach((site, i) => {
    doc.sites[site.site] = {
      enabled: true,
      priority: 10 + i,
      base_url: `https://${site.host}`,
      adapter: 'generic',
      fetcher: 'http',
      rate_limit_seconds: 1 / options.pagesPerSecond,
      selectors: GENERIC_PORTAL_SELECTORS,
    };
    const start = site.listPageUrl(GENERIC_PORTAL_SEARCH_PATH, 1);
    writeFileSync(join(urlsDir, `${site.site}.csv`), `url,max_pages\n${start},${options.maxPages}\n`);
  });
  const path = join(dir, 'config.yaml');
  writeFileSync(path, YAML.stringify(doc), { mode: 0o600 });
  return { path, dir, config: loadConfig({ path, env: {} }) };
}

// ── The run ─────────────────────────────────────────────────────────────────────────────────────

/** Resolves with the first page request's time once the mirror has logged one. */
async function firstPageRequest(
  log: () => RequestLogEntry[],
  timeoutMs: number,
  worker: WorkerProcess,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const first = pageRequestsIn(log(), -Infinity, Infinity)[0];
    if (first) return first.time;
    if (worker.child.exitCode !== null)
      throw new Error(`the worker exited (code ${worker.child.exitCode}) before any page`);
    if (Date.now() > deadline) throw new Error(`no page request reached the mirror within ${timeoutMs / 1000} s`);
    await delay(20);
  }
}

/** Cancel the batch and wait for it to close; terminated when it does not within `graceMs`. */
async function endBatch(handle: WorkflowHandle, graceMs: number): Promise<string> {
  await handle.cancel();
  const closed = await Promise.race([
    handle.result().then(
      () => true,
      () => true,
    ),
    delay(graceMs, false, { ref: false }),
  ]);
  if (!closed) await handle.terminate('politeness run: the window is over').catch(() => undefined);
  const description = await handle.describe();
  return description.status.name;
}

export async function runPoliteness(options: PolitenessOptions): Promise<PolitenessResult> {
  const siteCount = options.sites ?? DEFAULT_GENERIC_PORTAL_COUNT;
  const pagesPerSecond = options.pagesPerSecond ?? 2;
  const seconds = options.seconds ?? 120;
  if (!(seconds > 0)) throw new RangeError(`seconds must be a number > 0, got ${seconds}`);
  const { log } = options;
  const id = `politeness-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}`;
  const dir = join(options.scratch, id);
  const taskQueue = `bench-${id}`;
  const sites = genericPortals(siteCount);
  const keys = sites.map((site) => site.site);
  // A walk longer than the window (half as long again, and the start-up's pages): no site runs dry inside it.
  const maxPages = Math.ceil(seconds * pagesPerSecond * 1.5) + 20;
  const bench = writePolitenessConfig(dir, { address: options.address, taskQueue, sites, pagesPerSecond, maxPages });
  const { config } = bench;
  const mirror = await startMirror({ sites, pagesPerSearch: maxPages, maxLogEntries: 2_000_000 });
  const connection = await Connection.connect({ address: options.address });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const workers: WorkerProcess[] = [];
  try {
    const worker = await spawnWorker(bench.path, mirror.url, join(dir, 'worker.log'), join(dir, 'worker.mem.jsonl'));
    workers.push(worker);
    const queues = [
      { name: taskQueue, type: 'workflow' as const },
      ...keys.map((key) => ({ name: siteTaskQueue(config.temporal.taskQueue, key), type: 'activity' as const })),
    ];
    await waitForPollers(client, config.temporal.namespace, queues, [worker]);
    const workerStartup = Date.now() - worker.spawnedAt;
    log(
      `  worker polling after ${(workerStartup / 1000).toFixed(1)} s; ${siteCount} sites × ${pagesPerSecond} pages/s for ${seconds} s …`,
    );

    const loadBefore = loadSnapshot();
    mirror.resetLog();
    const workflowId = `batch-${id}`;
    const started = performance.timeOrigin + performance.now();
    const handle = await startBatch(client, config, { sites: keys, label: 'politeness' }, workflowId);
    const first = await firstPageRequest(() => mirror.requestLog(), 120_000, worker);
    // CPU from the first page on (read a poll's length after it, at most 20 ms).
    const workerBefore = treeCpuSeconds(worker.pid);
    const serverBefore = options.serverPid ? cpuSeconds(options.serverPid) : null;
    const selfBefore = process.cpuUsage();
    const rss = new RssSampler(options.serverPid ? [worker.pid, options.serverPid] : [worker.pid]);
    const end = first + seconds * 1000;
    await delay(Math.max(0, end - (performance.timeOrigin + performance.now())));
    const workerSeconds = treeCpuSeconds(worker.pid) - workerBefore;
    const serverAfter = options.serverPid ? cpuSeconds(options.serverPid) : null;
    const self = process.cpuUsage(selfBefore);
    rss.stop();
    const engineRssMiB = options.serverPid ? rss.peakTotalMiB : null;
    const loadAfter = loadSnapshot();

    const inWindow = pageRequestsIn(mirror.requestLog(), first, end);
    log(`  window over: ${inWindow.length} page requests; cancelling the batch …`);
    const batchStatus = await endBatch(handle, 30_000);
    const pagesSoFar = pageRequestsIn(mirror.requestLog(), -Infinity, Infinity).length;
    const history = await batchHistoryCost(client, workflowId, keys, []);
    await stopWorkers(workers, 30_000);
    const { latencies } = await readStoreFigures(config.storage.database, workflowId.replace(/^batch-/, ''));

    const bySite = new Map<string, number[]>(keys.map((key) => [key, []]));
    for (const entry of inWindow) bySite.get(entry.site!)?.push(entry.time);
    const counts = [...bySite.values()].map((times) => times.length);
    const gaps = [...bySite.values()].flatMap(gapsBetween);
    const pages = inWindow.length;
    const serverSeconds = serverBefore !== null && serverAfter !== null ? serverAfter - serverBefore : null;
    const per1000 = (value: number | null) => (value === null || pages === 0 ? null : round((value / pages) * 1000, 2));
    return {
      engine: 'temporal',
      kind: 'politeness',
      workflowId,
      batchStatus,
      sites: siteCount,
      pagesPerSecondPerSite: pagesPerSecond,
      allowedPagesPerSecond: siteCount * pagesPerSecond,
      seconds,
      pages,
      failedPages: inWindow.filter((e) => e.status !== 200).length,
      achievedPagesPerSecond: round(pages / seconds, 2)!,
      ceilingRatio: round(ceilingRatioOf(pages, siteCount, pagesPerSecond, seconds), 3)!,
      n: pages,
      repetitions: 1,
      pagesPerMinute: spread([(pages / seconds) * 60], 0),
      engineRssMiB: spread([engineRssMiB], 0),
      crawleeRatio: null,
      crawleeRssMiB: null,
      perSite: { min: Math.min(...counts), max: Math.max(...counts) },
      maxRequestsInAnySecondPerSite: Math.max(...[...bySite.values()].map((times) => maxInAnyWindow(times, 1000))),
      gapMs: {
        min: gaps.length ? round(Math.min(...gaps)) : null,
        p50: round(percentile(gaps, 50)),
        p95: round(percentile(gaps, 95)),
        p99: round(percentile(gaps, 99)),
        max: gaps.length ? round(Math.max(...gaps)) : null,
      },
      fetchLatencyMs: {
        pages: latencies.length,
        mean: latencies.length ? round(latencies.reduce((a, b) => a + b, 0) / latencies.length) : null,
        p50: round(percentile(latencies, 50)),
        p95: round(percentile(latencies, 95)),
      },
      ms: { workerStartup, runToFirstPage: Math.round(first - started) },
      cpu: {
        workerSeconds: round(workerSeconds, 2)!,
        workerSecondsPer1000Pages: per1000(workerSeconds),
        serverSeconds: round(serverSeconds, 2),
        serverSecondsPer1000Pages: per1000(serverSeconds),
        mirrorAndClientSeconds: round((self.user + self.system) / 1e6, 2)!,
      },
      history: {
        totalEvents: history.totalEvents,
        pages: pagesSoFar,
        eventsPerPage: pagesSoFar ? round(history.totalEvents / pagesSoFar, 2) : null,
        runs: history.totalRuns,
      },
      load: { before: loadBefore, after: loadAfter, busy: isBusy(loadBefore, availableParallelism()) },
    };
  } finally {
    killWorkers(workers);
    await connection.close().catch(() => undefined);
    await mirror.close();
  }
}
