/** Runs bench/lib/crawlee-child.ts against a fresh mirror and measures it as the worker is measured. */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { AppConfig } from '../../lib/config/types';
import { startMirror } from '../../mirror/server';
import type { Repeated } from './comparison';
import { childEnv } from './config';
import type { CrawleeChildResult, CrawleeJob } from './crawlee-child';
import { isBusy, loadSnapshot, type LoadSnapshot } from './machine';
import { mirrorSearches, type BenchPlan } from './plan';
import { cpuSeconds, RssSampler, threadCpuBetween, threadCpuSeconds, type ThreadCpu } from './proc';
import { percentile, round } from './stats';

const ROOT = join(__dirname, '..', '..');

/** What the Crawlee process does with the records: nothing ("engine only"), or the project's SQLite store ("engine + store"). */
export type CrawleeStoreKind = 'none' | 'sqlite';
export const CRAWLEE_STORE_KINDS: readonly CrawleeStoreKind[] = ['none', 'sqlite'];

export interface CrawleeResult extends Repeated {
  engine: 'crawlee';
  /** The crawler class; absent in results saved before HttpCrawler (CheerioCrawler then, parsing each page twice). */
  crawler?: 'HttpCrawler';
  /** Absent in results saved before the Crawlee side could store ('none' then). */
  store?: CrawleeStoreKind;
  targetPages: number;
  concurrency: number;
  pages: {
    listing: number;
    detail: number;
    total: number;
    failed: number;
    parseErrors: number;
    mirrorPageRequests: number;
    robotsRequests: number;
  };
  listings: number;
  ms: { endToEnd: number; runToFirstPage: number | null; firstToLastPage: number | null; processStartup: number };
  pagesPerMinute: { endToEnd: number | null; fetchWindow: number | null };
  latencyMs: {
    headersP50: number | null;
    headersP95: number | null;
    handlerP50: number | null;
    handlerP95: number | null;
  };
  memory: {
    method: string;
    pid: number;
    peakSampledMiB: number;
    hwmMiB: number;
    samples: Array<[number, number]>;
    peakMiB: number;
  };
  cpu: {
    seconds: number;
    secondsPer1000Pages: number | null;
    mirrorSeconds: number;
    /** Each thread of Crawlee's process over the crawl, the busiest first; absent in results saved before. */
    threads?: ThreadCpu[];
  };
  /** As OursResult.cpuBoundPagesPerMinute: cores × 60 s over the CPU a page costs (crawler + mirror). */
  cpuBoundPagesPerMinute: number | null;
  load: { before: LoadSnapshot; after: LoadSnapshot; busy: boolean };
}

export async function runCrawlee(options: {
  plan: BenchPlan;
  config: AppConfig;
  concurrency: number;
  scratch: string;
  id: string;
  store: CrawleeStoreKind;
  /** Which run of its cell this is (1, 2, …). */
  repetition?: number;
  log: (line: string) => void;
}): Promise<CrawleeResult> {
  const { plan, config } = options;
  const dir = join(options.scratch, options.id);
  const storageDir = join(dir, 'crawlee-storage');
  mkdirSync(storageDir, { recursive: true });
  const mirror = await startMirror({
    pagesPerSearch: plan.pagesPerSearch,
    searches: mirrorSearches(plan),
    maxLogEntries: 2_000_000,
  });
  try {
    const maxAttempts = Math.max(
      ...config.sites.filter((s) => plan.sites.includes(s.key)).map((s) => s.retry.maximumAttempts),
    );
    const job: CrawleeJob = {
      mirrorPort: mirror.port,
      concurrency: options.concurrency,
      maxFieldLength: config.security.dataValidation.maxFieldLength,
      // Our page activities make up to maximum_attempts attempts: the same number of tries.
      maxRequestRetries: Math.max(0, maxAttempts - 1),
      storageDir,
      storeFile: options.store === 'sqlite' ? join(dir, 'crawlee-store.db') : null,
      hosts: [...new Set(plan.searches.map((s) => new URL(s.url).hostname))],
      searches: plan.searches.map((s) => ({
        site: s.site,
        url: s.url,
        maxPages: s.maxPages,
        hasDetail: plan.detailSites.includes(s.site),
      })),
    };
    const jobFile = join(dir, 'crawlee-job.json');
    writeFileSync(jobFile, JSON.stringify(job));
    const spawnedAt = Date.now();
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', join(__dirname, 'crawlee-child.ts'), jobFile], {
      cwd: ROOT,
      env: childEnv({
        ...(process.env.BENCH_CRAWLEE_DEBUG ? { BENCH_CRAWLEE_DEBUG: '1' } : {}),
        CRAWLEE_STORAGE_DIR: storageDir,
        CRAWLEE_PERSIST_STORAGE: 'false',
        CRAWLEE_PURGE_ON_START: 'true',
      }),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const messages: Array<{ type: string; result?: CrawleeChildResult }> = [];
    let wake: () => void = () => undefined;
    child.on('message', (m) => {
      messages.push(m as { type: string });
      wake();
    });
    const next = async (type: string) => {
      for (;;) {
        const found = messages.find((m) => m.type === type);
        if (found) return found;
        if (child.exitCode !== null)
          throw new Error(`the Crawlee process exited with code ${child.exitCode} before "${type}"`);
        await Promise.race([new Promise<void>((resolve) => (wake = resolve)), exited, delay(1000)]);
      }
    };
    await next('ready');
    const processStartup = Date.now() - spawnedAt;
    const pid = child.pid!;
    const loadBefore = loadSnapshot();
    const sampler = new RssSampler([pid]);
    const cpuBefore = cpuSeconds(pid) ?? 0;
    const threadsBefore = threadCpuSeconds([pid]);
    const selfBefore = process.cpuUsage();
    mirror.resetLog();
    child.send({ type: 'go' });
    const done = (await next('done')).result!;
    const cpuAfter = cpuSeconds(pid) ?? cpuBefore;
    const threads = threadCpuBetween(threadsBefore, threadCpuSeconds([pid]));
    const self = process.cpuUsage(selfBefore);
    const [rss] = sampler.stop();
    const loadAfter = loadSnapshot();
    if (child.connected) child.send({ type: 'exit' });
    await Promise.race([exited, delay(10_000)]);
    if (child.exitCode === null) child.kill('SIGKILL');

    const entries = mirror.requestLog();
    const pageRequests = entries.filter((e) => e.site !== null && !e.path.startsWith('/robots.txt'));
    let first: number | null = null;
    let last: number | null = null;
    for (const e of pageRequests) {
      first = first === null ? e.time : Math.min(first, e.time);
      last = last === null ? e.time : Math.max(last, e.time);
    }
    const total = done.listingPages + done.detailPages;
    const endToEnd = done.endedAt - done.startedAt;
    const window = first !== null && last !== null ? last - first : null;
    const cpu = cpuAfter - cpuBefore;
    options.log(`    Crawlee: ${total} pages in ${(endToEnd / 1000).toFixed(1)} s`);
    return {
      engine: 'crawlee',
      crawler: 'HttpCrawler',
      store: options.store,
      ...(options.repetition !== undefined ? { repetition: options.repetition } : {}),
      targetPages: plan.targetPages,
      concurrency: options.concurrency,
      pages: {
        listing: done.listingPages,
        detail: done.detailPages,
        total,
        failed: done.failed,
        parseErrors: done.parseErrors,
        mirrorPageRequests: pageRequests.length,
        robotsRequests: entries.length - pageRequests.length,
      },
      listings: done.listings,
      ms: {
        endToEnd: Math.round(endToEnd),
        runToFirstPage: first === null ? null : Math.round(first - done.startedAt),
        firstToLastPage: window === null ? null : Math.round(window),
        processStartup,
      },
      pagesPerMinute: {
        endToEnd: round((total / endToEnd) * 60_000, 0),
        fetchWindow: window ? round((pageRequests.length / window) * 60_000, 0) : null,
      },
      latencyMs: {
        headersP50: round(percentile(done.headerLatencies, 50)),
        headersP95: round(percentile(done.headerLatencies, 95)),
        handlerP50: round(percentile(done.handlerLatencies, 50)),
        handlerP95: round(percentile(done.handlerLatencies, 95)),
      },
      memory: {
        method: 'separate process: /proc/<pid>/status VmRSS sampled every 250 ms, VmHWM at the end of the crawl',
        pid,
        peakSampledMiB: rss.peakSampledMiB,
        hwmMiB: rss.hwmMiB,
        samples: rss.samples,
        peakMiB: rss.hwmMiB,
      },
      cpuBoundPagesPerMinute: total
        ? round((availableParallelism() * 60 * total) / (cpu + (self.user + self.system) / 1e6), 0)
        : null,
      cpu: {
        seconds: round(cpu, 2)!,
        secondsPer1000Pages: total ? round((cpu / total) * 1000, 2) : null,
        mirrorSeconds: round((self.user + self.system) / 1e6, 2)!,
        threads,
      },
      load: { before: loadBefore, after: loadAfter, busy: isBusy(loadBefore, availableParallelism()) },
    };
  } finally {
    await mirror.close();
  }
}
