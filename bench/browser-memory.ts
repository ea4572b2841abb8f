/**
 * Peak memory of a long browser-fetcher run: N mirror pages (default 500, Inmuebles24 results and
 * detail pages, the biggest the mirror serves) through BrowserFetcher with the shipped
 * security.browser settings, sampling the memory of this process plus every Chromium process it
 * started (found through /proc as its descendants), logging each browser restart.
 *
 *   npx tsx bench/browser-memory.ts [--pages 500] [--restart-every N] [--pool N] [--concurrency N]
 *
 * RSS counts memory shared between Chromium's processes once per process (an overestimate);
 * PSS (/proc/PID/smaps_rollup) splits shared pages between them, which is what the machine pays.
 * Not a test: it prints figures.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../lib/config/load';
import { BrowserFetcher } from '../lib/fetch/browser-fetcher';
import { findChromium, type BrowserPoolEvent } from '../lib/fetch/browser-pool';
import { startMirror } from '../mirror/server';
import { isChallengePage } from '../scrapers/page';

interface Args {
  pages: number;
  restartEvery: number;
  pool: number;
  concurrency: number;
  sampleMs: number;
}

function parseArgs(argv: string[]): Args {
  const config = loadConfig();
  const args: Args = {
    pages: 500,
    restartEvery: config.security.browser.restartEveryPages,
    pool: config.security.browser.poolSize,
    concurrency: config.security.browser.poolSize,
    sampleMs: 100,
  };
  for (let i = 0; i < argv.length; i += 2) {
    const value = Number(argv[i + 1]);
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`${argv[i]} needs a positive integer, got ${argv[i + 1]}`);
    if (argv[i] === '--pages') args.pages = value;
    else if (argv[i] === '--restart-every') args.restartEvery = value;
    else if (argv[i] === '--pool') args.pool = value;
    else if (argv[i] === '--concurrency') args.concurrency = value;
    else if (argv[i] === '--sample-ms') args.sampleMs = value;
    else throw new Error(`unknown option ${argv[i]} (--pages, --restart-every, --pool, --concurrency, --sample-ms)`);
  }
  return args;
}

// ── /proc sampling ───────────────────────────────────────────────────────────────────────────

const PAGE_KB = 4;

/** pid → parent pid for every live process. */
function parents(): Map<number, number> {
  const map = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the ")" that ends the command name: state, ppid, …
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      map.set(Number(entry), ppid);
    } catch {
      // gone meanwhile
    }
  }
  return map;
}

function descendants(root: number): number[] {
  const tree = parents();
  const found: number[] = [];
  const frontier = [root];
  while (frontier.length > 0) {
    const pid = frontier.pop()!;
    for (const [child, parent] of tree) {
      if (parent === pid) {
        found.push(child);
        frontier.push(child);
      }
    }
  }
  return found;
}

function memoryKb(pid: number): { rss: number; pss: number } | null {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const rss = Number(/^Rss:\s+(\d+)/m.exec(rollup)?.[1] ?? NaN);
    const pss = Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? NaN);
    if (Number.isFinite(rss) && Number.isFinite(pss)) return { rss, pss };
    const statm = readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ');
    const resident = Number(statm[1]) * PAGE_KB;
    return { rss: resident, pss: resident };
  } catch {
    return null;
  }
}

function isChromium(pid: number): boolean {
  try {
    return /chrom/i.test(readFileSync(`/proc/${pid}/comm`, 'utf8'));
  } catch {
    return false;
  }
}

interface Sample {
  at: number;
  page: number;
  generation: number;
  nodeRss: number;
  chromiumRss: number;
  chromiumPss: number;
  nodePss: number;
  processes: number;
}

function sample(page: number, generation: number, started: number): Sample {
  const self = memoryKb(process.pid) ?? { rss: 0, pss: 0 };
  let chromiumRss = 0;
  let chromiumPss = 0;
  let processes = 0;
  for (const pid of descendants(process.pid)) {
    if (!isChromium(pid)) continue;
    const kb = memoryKb(pid);
    if (!kb) continue;
    chromiumRss += kb.rss;
    chromiumPss += kb.pss;
    processes++;
  }
  return {
    at: performance.now() - started,
    page,
    generation,
    nodeRss: self.rss,
    nodePss: self.pss,
    chromiumRss,
    chromiumPss,
    processes,
  };
}

const mb = (kb: number): string => `${(kb / 1024).toFixed(0)} MB`;

// ── The run ──────────────────────────────────────────────────────────────────────────────────

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (!findChromium()) {
    console.error('Chromium not found at /usr/bin/chromium (or CHROMIUM_PATH): run scripts/install-chromium.sh');
    process.exit(2);
  }
  const site = 'inmuebles24';
  // Enough results pages for the run, plus their detail pages; a mix like a real batch (1 results page, then its details).
  const pagesPerSearch = Math.ceil(args.pages / 3 / 20) + 1;
  const mirror = await startMirror({ pagesPerSearch });
  const mirrorSite = mirror.catalog.site(site);
  const urls: string[] = [];
  for (const search of mirror.catalog.searches(site)) {
    for (let page = 1; page <= mirror.catalog.totalPages(site, search) && urls.length < args.pages; page++) {
      const input = mirror.catalog.page(site, search, page)!;
      urls.push(mirrorSite.listPageUrl(search, page));
      for (const facts of input.items) if (urls.length < args.pages) urls.push(mirrorSite.detailUrl!(facts));
    }
  }
  if (urls.length < args.pages) throw new Error(`the mirror has only ${urls.length} pages`);

  const tempDir = mkdtempSync(join(tmpdir(), 'browser-memory-'));
  const started = performance.now();
  let done = 0;
  let generation = 0;
  const samples: Sample[] = [];
  const onEvent = (event: BrowserPoolEvent): void => {
    const now = sample(done, generation, started);
    if (event.type === 'launch') {
      generation = event.generation;
      console.log(
        `${(now.at / 1000).toFixed(1).padStart(6)} s  page ${String(done).padStart(3)}  launch #${event.generation} (Chromium ${event.version}, ${Math.round(event.launchMs)} ms)`,
      );
    } else if (event.type === 'restart') {
      console.log(
        `${(now.at / 1000).toFixed(1).padStart(6)} s  page ${String(done).padStart(3)}  restart after ${event.pagesServed} pages: ` +
          `Chromium ${mb(now.chromiumPss)} PSS (${mb(now.chromiumRss)} RSS, ${now.processes} processes), node ${mb(now.nodeRss)} RSS`,
      );
    } else {
      console.log(
        `${(now.at / 1000).toFixed(1).padStart(6)} s  page ${String(done).padStart(3)}  ${event.type} (generation ${event.generation})`,
      );
    }
  };
  const fetcher = new BrowserFetcher({
    pool: { tempDir, poolSize: args.pool, restartEveryPages: args.restartEvery, onEvent },
    mirrorUrl: mirror.url,
    timeoutMs: 30_000,
    maxResponseBytes: 10_485_760,
    maxRedirects: 5,
    challengeWaitMs: 15_000,
    robots: { respect: true, cacheDurationMs: 3_600_000 },
    rateLimit: {}, // the mirror is ours: no politeness waits in a memory benchmark
    allowedHosts: { [site]: mirrorSite.host },
    recognizeChallenge: (html) => isChallengePage(html),
  });
  const timer = setInterval(() => samples.push(sample(done, generation, started)), args.sampleMs);

  console.log(
    `browser-memory: ${args.pages} pages of ${site} (results + detail), pool ${args.pool}, concurrency ${args.concurrency}, restart every ${args.restartEvery} pages`,
  );
  let next = 0;
  let bytes = 0;
  const latencies: number[] = [];
  const worker = async (): Promise<void> => {
    while (next < urls.length) {
      const url = urls[next++];
      const page = await fetcher.fetch(url, { site });
      bytes += page.bytes;
      latencies.push(page.latencyMs);
      done++;
      if (done % 100 === 0) {
        const now = sample(done, generation, started);
        const heap = process.memoryUsage().heapUsed / 1024;
        console.log(
          `${(now.at / 1000).toFixed(1).padStart(6)} s  page ${String(done).padStart(3)}  Chromium ${mb(now.chromiumPss)} PSS, node ${mb(now.nodeRss)} RSS (JS heap ${mb(heap)})`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: args.concurrency }, worker));
  const elapsed = performance.now() - started;
  samples.push(sample(done, generation, started));
  const stats = fetcher.pool.stats();
  await fetcher.close();
  clearInterval(timer);
  const after = descendants(process.pid).filter(isChromium).length;
  await mirror.close();
  rmSync(tempDir, { recursive: true, force: true });

  const peak = (pick: (s: Sample) => number): Sample => samples.reduce((best, s) => (pick(s) > pick(best) ? s : best));
  const totalRss = peak((s) => s.nodeRss + s.chromiumRss);
  const totalPss = peak((s) => s.nodePss + s.chromiumPss);
  const chromePss = peak((s) => s.chromiumPss);
  const nodeRss = peak((s) => s.nodeRss);
  latencies.sort((a, b) => a - b);
  const perGeneration = new Map<number, number>();
  for (const s of samples)
    perGeneration.set(s.generation, Math.max(perGeneration.get(s.generation) ?? 0, s.chromiumPss));

  console.log('');
  console.log(
    `pages fetched        ${done} in ${(elapsed / 1000).toFixed(1)} s (${(done / (elapsed / 1000)).toFixed(1)} pages/s), ${(bytes / 1048576).toFixed(0)} MB of HTML`,
  );
  console.log(
    `page latency         p50 ${Math.round(latencies[Math.floor(latencies.length / 2)])} ms, p95 ${Math.round(latencies[Math.floor(latencies.length * 0.95)])} ms`,
  );
  console.log(
    `browser launches     ${stats.generation} (${stats.restarts} restarts), peak ${stats.peakOpenPages} pages open`,
  );
  console.log(`samples              ${samples.length}, every ${args.sampleMs} ms`);
  console.log(
    `peak total (PSS)     ${mb(totalPss.nodePss + totalPss.chromiumPss)}  (node ${mb(totalPss.nodePss)} + Chromium ${mb(totalPss.chromiumPss)}, at page ${totalPss.page})`,
  );
  console.log(
    `peak total (RSS)     ${mb(totalRss.nodeRss + totalRss.chromiumRss)}  (node ${mb(totalRss.nodeRss)} + Chromium ${mb(totalRss.chromiumRss)} in ${totalRss.processes} processes, at page ${totalRss.page})`,
  );
  console.log(`peak Chromium (PSS)  ${mb(chromePss.chromiumPss)} at page ${chromePss.page}`);
  console.log(`peak node (RSS)      ${mb(nodeRss.nodeRss)}`);
  console.log(
    `Chromium PSS peak per launch: ${[...perGeneration]
      .filter(([g]) => g > 0)
      .map(([g, kb]) => `#${g} ${mb(kb)}`)
      .join(', ')}`,
  );
  console.log(`Chromium processes left after close(): ${after}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
