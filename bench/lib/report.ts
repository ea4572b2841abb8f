/** The results as Markdown: the fair comparison's rows, every run, and the targets. */
import type { ComparisonRow, ProductionRow, Spread } from './comparison';
import type { CrawleeResult } from './crawlee';
import type { LoadSnapshot, MachineInfo } from './machine';
import type { OursResult } from './ours';
import type { PolitenessResult } from './politeness';
import type { ProfileSummary } from './profile';

export interface BenchResults {
  /** 1: one run per cell, Crawlee's CheerioCrawler, the worker alone measured; 2: issue 15's fair comparison. */
  version: 1 | 2;
  startedAt: string;
  finishedAt: string | null;
  machine: MachineInfo;
  loadAtStart: LoadSnapshot;
  options: Record<string, unknown>;
  /** perRun: a fresh dev server for every run of ours (version 2). */
  server: { address: string; db: string; reused: boolean; perRun?: boolean };
  /** The bench's own PostgreSQL, when the run's store was one (--store postgres). */
  postgres?: { version: string; durability: string };
  runs: Array<OursResult | CrawleeResult>;
  /** Each cell's runs together, median and range (version 2). */
  rows?: Array<ComparisonRow | ProductionRow>;
  /** The politeness-ceiling run (version 2). */
  politeness?: PolitenessResult | null;
  profiles: Array<{ run: string; summary: ProfileSummary; buckets: Array<{ bucket: string; percent: number }> }>;
  targets?: TargetRow[];
}

export interface TargetRow {
  target: string;
  goal: string;
  measured: string;
  /** 'partly': met by some of the runs it is judged on, not all. */
  met: boolean | 'partly' | null;
}

/** Throughput targets are judged on the runs of N ≥ 5,000: a 1,000-page batch lasts ten seconds, mostly start and tail. */
const JUDGED_FROM = 5000;

function verdict(values: boolean[]): boolean | 'partly' | null {
  if (values.length === 0) return null;
  if (values.every(Boolean)) return true;
  return values.some(Boolean) ? 'partly' : false;
}

const fmt = (v: number | null | undefined, digits = 0) =>
  v === null || v === undefined
    ? '—'
    : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function oursRuns(results: BenchResults): OursResult[] {
  return results.runs.filter((r): r is OursResult => r.engine === 'temporal');
}

export function crawleeRuns(results: BenchResults): CrawleeResult[] {
  return results.runs.filter((r): r is CrawleeResult => r.engine === 'crawlee');
}

export function evaluateTargets(results: BenchResults, variant = 'cli'): TargetRow[] {
  // The production path's runs are judged by issue 15's targets only: their pace is the rate limit.
  const ours = oursRuns(results).filter((r) => (r.variant ?? 'cli') === variant && r.rateLimitSeconds === undefined);
  // Version 2 pairs ours with Crawlee repetition by repetition (fairTargets); version 1 had one run of each.
  const crawlee = results.version === 1 ? crawleeRuns(results) : [];
  const rows: TargetRow[] = results.version === 1 || variant !== 'cli' ? [] : fairTargets(results);
  if (ours.length === 0) return rows;
  const judged = ours.filter((r) => r.targetPages >= JUDGED_FROM || ours.every((x) => x.targetPages < JUDGED_FROM));
  rows.push({
    target: 'pages per minute, end to end',
    goal: `≥ 6,000 on ${results.machine.nproc} cores (judged at N ≥ ${JUDGED_FROM.toLocaleString('en-US')})`,
    measured: ours.map((r) => `${fmt(r.pagesPerMinute.endToEnd)} (N=${fmt(r.targetPages)}, ${r.workers}w)`).join('; '),
    met: verdict(judged.map((r) => (r.pagesPerMinute.endToEnd ?? 0) >= 6000)),
  });
  const ratios = ours.flatMap((r) => {
    const c = crawlee.find((x) => x.targetPages === r.targetPages);
    return c && r.pagesPerMinute.endToEnd && c.pagesPerMinute.endToEnd
      ? [{ r, ratio: r.pagesPerMinute.endToEnd / c.pagesPerMinute.endToEnd }]
      : [];
  });
  if (ratios.length) {
    rows.push({
      target: 'ours / Crawlee pages per minute',
      goal: `≥ 0.8 (judged at N ≥ ${JUDGED_FROM.toLocaleString('en-US')})`,
      measured: ratios.map(({ r, ratio }) => `${ratio.toFixed(2)} (N=${fmt(r.targetPages)}, ${r.workers}w)`).join('; '),
      met: verdict(ratios.filter(({ r }) => judged.includes(r)).map(({ ratio }) => ratio >= 0.8)),
    });
  }
  const oneWorker = ours.filter((r) => r.workers === 1).sort((a, b) => a.targetPages - b.targetPages);
  const flat =
    oneWorker.length >= 2 ? oneWorker[oneWorker.length - 1].memory.peakMiB / oneWorker[0].memory.peakMiB : null;
  // The tree: the worker process, and in results files from before bin/orchestrator execed it, its
  // launcher (a bare Node process whose pages are mostly the same Node binary the worker maps,
  // counted again in a sum of RSS).
  const limitMiB = 300e6 / 2 ** 20;
  const treeOk = ours.every((r) => r.memory.peakMiB <= limitMiB);
  const processOk = ours.every((r) => workerProcessPeakMiB(r) <= limitMiB);
  rows.push({
    target: 'worker peak RSS',
    goal: `≤ 300 MB (${fmt(limitMiB, 1)} MiB), flat from 1,000 to 20,000 pages`,
    measured:
      ours
        .map(
          (r) =>
            (r.memory.workers.some((w) => w.processes > 1)
              ? `${fmt(r.memory.peakMiB)} MiB with the launcher, ${fmt(workerProcessPeakMiB(r))} MiB the worker process`
              : `${fmt(r.memory.peakMiB)} MiB`) + ` (N=${fmt(r.targetPages)}, ${r.workers}w)`,
        )
        .join('; ') + (flat ? `; largest/smallest N (1 worker) ×${flat.toFixed(2)}` : ''),
    met:
      treeOk && (flat === null || flat <= 1.15)
        ? true
        : processOk || ours.some((r) => r.memory.peakMiB <= limitMiB)
          ? 'partly'
          : false,
  });
  rows.push({
    target: 'Temporal history events per page',
    goal: '≤ 4',
    measured: ours.map((r) => `${fmt(r.history.eventsPerPage, 2)} (N=${fmt(r.targetPages)}, ${r.workers}w)`).join('; '),
    met: verdict(ours.map((r) => (r.history.eventsPerPage ?? Infinity) <= 4)),
  });
  rows.push({
    target: 'page latency p95 (original design)',
    goal: '< 2 s',
    measured: ours.map((r) => `${fmt(r.latencyMs.p95)} ms (N=${fmt(r.targetPages)}, ${r.workers}w)`).join('; '),
    met: ours.every((r) => (r.latencyMs.p95 ?? Infinity) < 2000),
  });
  rows.push({
    target: 'worker start-up (original design)',
    goal: '< 30 s',
    measured: `${fmt(Math.max(...ours.flatMap((r) => r.ms.workerStartup)) / 1000, 1)} s at most (spawn → polling every queue)`,
    met: Math.max(...ours.flatMap((r) => r.ms.workerStartup)) < 30_000,
  });
  return rows;
}

const spreadText = (s: Spread | null | undefined, digits = 0) =>
  s ? `${fmt(s.median, digits)} [${fmt(s.min, digits)}–${fmt(s.max, digits)}]` : '—';

/** Issue 15's targets, on the fair comparison's rows of N ≥ 5,000, the production path and the politeness run: medians judge. */
export function fairTargets(results: BenchResults): TargetRow[] {
  const all = results.rows ?? [];
  const comparisons = all.filter((r): r is ComparisonRow => r.kind === 'comparison');
  const judged = comparisons.filter((r) => r.n >= JUDGED_FROM);
  const production = all.filter((r): r is ProductionRow => r.kind === 'production');
  const at = (r: ComparisonRow) => ` (N=${fmt(r.n)}, ${r.workers}w, ${r.repetitions} runs)`;
  const judge = (test: (r: ComparisonRow) => boolean | null) =>
    verdict(judged.flatMap((r) => (test(r) === null ? [] : [test(r)!])));
  const rows: TargetRow[] = [
    {
      target: 'ours / Crawlee pages per minute, both storing (fair comparison)',
      goal: `≥ 1.1 (median, judged at N ≥ ${fmt(JUDGED_FROM)})`,
      measured: comparisons.map((r) => `${spreadText(r.crawleeRatio, 2)}${at(r)}`).join('; ') || '—',
      met: judge((r) => (r.crawleeRatio ? r.crawleeRatio.median >= 1.1 : null)),
    },
    {
      target: 'peak RSS of our whole engine (workers + server) vs Crawlee, both storing',
      goal: "≤ Crawlee's (medians)",
      measured:
        comparisons
          .map((r) => `${spreadText(r.engineRssMiB)} vs ${spreadText(r.crawleeRssMiB)} MiB${at(r)}`)
          .join('; ') || '—',
      met: judge((r) => (r.engineRssMiB && r.crawleeRssMiB ? r.engineRssMiB.median <= r.crawleeRssMiB.median : null)),
    },
    {
      target: 'CPU per page of our whole engine vs Crawlee, both storing',
      goal: "≤ Crawlee's (medians)",
      measured:
        comparisons
          .map(
            (r) =>
              `${spreadText(r.engineCpuSecondsPer1000Pages, 2)} vs ${spreadText(r.crawleeCpuSecondsPer1000Pages, 2)} s / 1,000 pages${at(r)}`,
          )
          .join('; ') || '—',
      met: judge((r) =>
        r.engineCpuSecondsPer1000Pages && r.crawleeCpuSecondsPer1000Pages
          ? r.engineCpuSecondsPer1000Pages.median <= r.crawleeCpuSecondsPer1000Pages.median
          : null,
      ),
    },
    {
      target: 'production path: history events per page',
      goal: '≤ 8',
      measured:
        production
          .map(
            (r) =>
              `${spreadText(r.historyEventsPerPage, 2)} (N=${fmt(r.n)}, 1 page / ${r.rateLimitSeconds} s per site)`,
          )
          .join('; ') || '—',
      met: verdict(production.map((r) => (r.historyEventsPerPage?.median ?? Infinity) <= 8)),
    },
  ];
  const p = results.politeness;
  rows.push({
    target: 'politeness ceiling: achieved / allowed rate',
    goal: '≥ 0.95',
    measured: p
      ? `${fmt(p.ceilingRatio, 3)}: ${fmt(p.achievedPagesPerSecond, 1)} of ${fmt(p.allowedPagesPerSecond)} pages/s (${p.sites} sites × ${p.pagesPerSecondPerSite}/s, ${p.seconds} s); at most ${p.maxRequestsInAnySecondPerSite} requests to one site in any second`
      : '—',
    met: p ? p.ceilingRatio >= 0.95 : null,
  });
  return rows;
}

/** Issue 15's tables: the fair comparison's rows, the production path and the politeness ceiling; medians with [min–max]. */
function fairTables(results: BenchResults): string[] {
  const rows = results.rows ?? [];
  const lines: string[] = [];
  const comparisons = rows.filter((r): r is ComparisonRow => r.kind === 'comparison');
  if (comparisons.length) {
    lines.push(
      'Fair comparison: Crawlee HttpCrawler, each page parsed once by our adapter; our engine counted whole (worker processes + a fresh Temporal dev server per run). Median [min–max] over the runs; ours stores every page in SQLite.',
      '',
      '| N pages | runs | ours pages/min | Crawlee pages/min: storing / storing nothing | ours/Crawlee, both storing | ours/Crawlee storing nothing | peak RSS MiB: ours whole engine (workers alone) | peak RSS MiB: Crawlee storing / storing nothing | CPU s / 1,000 pages: ours whole engine (worker + server) | CPU s / 1,000 pages: Crawlee storing / storing nothing | history events / page | 1-min load before runs |',
      '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    );
    for (const r of comparisons)
      lines.push(
        `| ${fmt(r.n)} | ${r.repetitions} | ${spreadText(r.pagesPerMinute)} | ${spreadText(r.crawleePagesPerMinute.sqlite)} / ${spreadText(r.crawleePagesPerMinute.none)} | ${spreadText(r.crawleeRatio, 2)} | ${spreadText(r.crawleeRatioEngineOnly, 2)} | ${spreadText(r.engineRssMiB)} (${spreadText(r.workersRssMiB)}) | ${spreadText(r.crawleeRssMiB)} / ${spreadText(r.crawleeRssMiBEngineOnly)} | ${spreadText(r.engineCpuSecondsPer1000Pages, 2)} (${fmt(r.workerCpuSecondsPer1000Pages?.median, 2)} + ${fmt(r.serverCpuSecondsPer1000Pages?.median, 2)}) | ${spreadText(r.crawleeCpuSecondsPer1000Pages, 2)} / ${spreadText(r.crawleeCpuSecondsPer1000PagesEngineOnly, 2)} | ${spreadText(r.historyEventsPerPage, 2)} | ${fmt(r.load?.min, 2)}–${fmt(r.load?.max, 2)} |`,
      );
  }
  const production = rows.filter((r): r is ProductionRow => r.kind === 'production');
  if (production.length) {
    lines.push(
      '',
      'Production path: every site rate-limited (one page per the given seconds, the token bucket at the same pace), as every real portal is.',
      '',
      '| N pages | runs | rate limit per site | pages/min | history events / page | worker CPU ms / page | server CPU ms / page | peak RSS MiB, whole engine | 1-min load before runs |',
      '|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    );
    for (const r of production)
      lines.push(
        `| ${fmt(r.n)} | ${r.repetitions} | 1 page / ${r.rateLimitSeconds} s | ${spreadText(r.pagesPerMinute)} | ${spreadText(r.historyEventsPerPage, 2)} | ${spreadText(r.workerCpuMsPerPage, 1)} | ${spreadText(r.serverCpuMsPerPage, 1)} | ${spreadText(r.engineRssMiB)} | ${fmt(r.load?.min, 2)}–${fmt(r.load?.max, 2)} |`,
      );
  }
  const p = results.politeness;
  if (p)
    lines.push(
      '',
      `Politeness ceiling: ${p.sites} sites of the generic adapter on the mirror, each limited to ${p.pagesPerSecondPerSite} pages/s, for ${p.seconds} s: ` +
        `${fmt(p.pages)} pages, ${fmt(p.achievedPagesPerSecond, 1)} of the ${fmt(p.allowedPagesPerSecond)} pages/s allowed, ceilingRatio **${fmt(p.ceilingRatio, 3)}**; ` +
        `at most ${p.maxRequestsInAnySecondPerSite} requests to one site in any second.${p.engineRssMiB ? ` Peak RSS of the whole engine (worker + server): ${fmt(p.engineRssMiB.median)} MiB.` : ''} Load ${p.load.before.loadavg[0]} → ${p.load.after.loadavg[0]}${p.load.busy ? ' (busy)' : ''}.`,
    );
  return lines;
}

/** Peak RSS of the largest process of a worker's tree (the worker itself), over its worker processes. */
function workerProcessPeakMiB(r: OursResult): number {
  return Math.max(...r.memory.workers.map((w) => w.largestProcessHwmMiB));
}

export function markdown(results: BenchResults): string {
  const m = results.machine;
  const lines: string[] = [];
  lines.push(
    `Machine: ${m.nproc} cores (${m.cpuModel}), ${fmt(m.memoryMiB / 1024, 1)} GiB memory, Node ${m.node}, ${m.kernel}; ` +
      `host \`${m.hostname}\`; run ${results.startedAt}. Temporal dev server ${results.server.db}. ` +
      `Store: ${results.postgres ? `PostgreSQL ${results.postgres.version} of the bench's own, a new database per run (${results.postgres.durability})` : 'SQLite, a new file per run'}. ` +
      `Load average at start: ${results.loadAtStart.loadavg.join(', ')}.`,
  );
  if (results.version === 2) lines.push('', ...fairTables(results), '', 'Every run:');
  lines.push('');
  lines.push(
    '| N pages | engine | store | workers | pages | pages/min (end to end) | ours/Crawlee | CPU-bound pages/min* | run → first page | p50 / p95 latency ms | peak RSS MiB (worker process alone) | CPU s / 1,000 pages (worker + server [+ PostgreSQL]) | history events / page | store bytes / 1,000 listings | load avg before → after |',
  );
  lines.push('|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  const crawlee = crawleeRuns(results);
  const sorted = [...results.runs].sort(
    (a, b) =>
      a.targetPages - b.targetPages ||
      (a.engine === 'crawlee' ? 1 : 0) - (b.engine === 'crawlee' ? 1 : 0) ||
      ((a as OursResult).workers ?? 0) - ((b as OursResult).workers ?? 0),
  );
  for (const r of sorted) {
    const load = `${r.load.before.loadavg[0]} → ${r.load.after.loadavg[0]}${r.load.busy ? ' (busy)' : ''}`;
    if (r.engine === 'temporal') {
      // Version 2: the Crawlee run of the same repetition that stored as ours does.
      const c = crawlee.find(
        (x) =>
          x.targetPages === r.targetPages &&
          (results.version === 1 || (x.repetition === r.repetition && x.store === 'sqlite' && !r.rateLimitSeconds)),
      );
      const ratio =
        c?.pagesPerMinute.endToEnd && r.pagesPerMinute.endToEnd
          ? (r.pagesPerMinute.endToEnd / c.pagesPerMinute.endToEnd).toFixed(2)
          : '—';
      const rssRatio = c ? ` (×${(r.memory.peakMiB / c.memory.peakMiB).toFixed(2)} of Crawlee)` : '';
      const store = r.store ?? 'sqlite';
      const cpu =
        `${fmt(r.cpu.workerSecondsPer1000Pages, 1)} + ${fmt(r.cpu.serverSecondsPer1000Pages, 1)}` +
        (store === 'postgres' ? ` + ${fmt(r.cpu.postgresSecondsPer1000Pages, 1)}` : '');
      const size = store === 'postgres' ? r.postgres : r.sqlite;
      lines.push(
        `| ${fmt(r.targetPages)} | Temporal (ours${r.variant && r.variant !== 'cli' ? `, ${r.variant} prototype` : ''}${r.rateLimitSeconds ? `, every site 1 page / ${r.rateLimitSeconds} s` : ''}) | ${store === 'postgres' ? 'PostgreSQL' : 'SQLite'} | ${r.workers} | ${fmt(r.pages.total)} | ${fmt(r.pagesPerMinute.endToEnd)} | ${ratio} | ${fmt(r.cpuBoundPagesPerMinute)} | ${fmt(r.ms.runToFirstPage)} ms | ${fmt(r.latencyMs.p50)} / ${fmt(r.latencyMs.p95)} | ${fmt(r.memory.peakMiB)} (${fmt(workerProcessPeakMiB(r))})${rssRatio}; during batch ${fmt(r.memory.peakDuringBatchMiB)} | ${cpu} | ${fmt(r.history.eventsPerPage, 2)} | ${fmt(size?.bytesPer1000Listings)} | ${load} |`,
      );
    } else {
      lines.push(
        `| ${fmt(r.targetPages)} | Crawlee ${r.crawler ?? 'CheerioCrawler'} | ${r.store === 'sqlite' ? "SQLite (the project's store)" : '— (stores nothing)'} | 1 process, concurrency ${r.concurrency} | ${fmt(r.pages.total)} | ${fmt(r.pagesPerMinute.endToEnd)} | 1.00 | ${fmt(r.cpuBoundPagesPerMinute)} | ${fmt(r.ms.runToFirstPage)} ms | ${fmt(r.latencyMs.headersP50)} / ${fmt(r.latencyMs.headersP95)} (headers) | ${fmt(r.memory.peakMiB)} | ${fmt(r.cpu.secondsPer1000Pages, 1)} | — | — | ${load} |`,
      );
    }
  }
  lines.push('');
  lines.push(
    `\\* CPU-bound pages/min: ${m.nproc} cores × 60 s ÷ the CPU seconds one page cost (worker processes + Temporal server + mirror, + PostgreSQL on that store, for ours; crawler + mirror for Crawlee), i.e. the rate if nobody else used the machine.`,
  );
  if (sorted.some((r) => r.engine === 'temporal' && r.store === 'postgres'))
    lines.push(
      '',
      "Store bytes: SQLite, the file (page_count × page_size after a WAL checkpoint); PostgreSQL, the store's tables, indexes and sequences (pg_table_size each, after a VACUUM), without the system catalogs every database carries. " +
        "The store's CPU per page: on SQLite inside the worker's; on PostgreSQL the worker's (the driver) + PostgreSQL's.",
    );
  // Results saved before 2026-12-03 may also hold runs of the window-activity prototype (variant "proto").
  for (const variant of ['cli', 'proto']) {
    const targets = evaluateTargets(results, variant);
    if (!targets.length) continue;
    lines.push('');
    lines.push(
      variant === 'cli'
        ? 'Targets (the engine as it was run):'
        : 'Targets (the window-activity prototype of 2026-11-28):',
    );
    lines.push('');
    lines.push('| target | goal | measured | met |');
    lines.push('|---|---|---|---|');
    for (const t of targets)
      lines.push(
        `| ${t.target} | ${t.goal} | ${t.measured} | ${t.met === null ? '—' : t.met === 'partly' ? '**partly**' : t.met ? 'yes' : '**no**'} |`,
      );
  }
  lines.push(...threadLines(results));
  for (const p of results.profiles) {
    lines.push('');
    // CPU.<date>.<time>.<pid>.<thread>.<seq>: thread 0 runs the activities, 1 the workflows (the SDK
    // starts it with the worker), 2 the parser (started at the first page).
    const thread =
      ['main thread: activities', 'workflow thread', 'parser thread'][
        Number(/\.(\d+)\.\d+\.cpuprofile$/.exec(p.run)?.[1] ?? 0)
      ] ?? 'another thread';
    lines.push(
      `Worker CPU profile during the batch (${p.run}, ${thread}, ${fmt(p.summary.totalMs / 1000, 1)} s sampled): ` +
        p.buckets.map((b) => `${b.bucket} ${b.percent}%`).join(', ') +
        '.',
    );
  }
  return lines.join('\n');
}

/**
 * Each engine's CPU by thread in its first run of each cell (results saved before carry none): the
 * worker's threads against Crawlee's one, and what V8 does beside them.
 */
function threadLines(results: BenchResults): string[] {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const run of results.runs) {
    const threads = run.cpu.threads;
    const label =
      run.engine === 'temporal'
        ? `ours, N = ${fmt(run.targetPages)}, ${run.workers} worker${run.workers === 1 ? '' : 's'}${run.rateLimitSeconds ? `, every site 1 page / ${run.rateLimitSeconds} s` : ''}`
        : `Crawlee ${run.store === 'sqlite' ? 'storing' : 'storing nothing'}, N = ${fmt(run.targetPages)}`;
    if (!threads?.length || seen.has(label)) continue;
    seen.add(label);
    lines.push(`- ${label}: ${threads.map((t) => `${t.name} ${fmt(t.seconds, 1)}`).join(', ')}`);
  }
  if (!lines.length) return [];
  return [
    '',
    'CPU seconds by thread over the batch, the first run of each cell ("main" is a process\'s first thread; Node leaves its JavaScript worker threads, the parser\'s and the workflows\', and V8\'s background threads, garbage collection and the optimizing compiler, all named "node"):',
    '',
    ...lines,
  ];
}
