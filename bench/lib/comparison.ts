/**
 * The fair comparison of issue 15, as rows: each cell of the bench ran several times (alternating
 * ours and Crawlee), and a row gives the median and the range of every figure over those runs.
 * - A comparison row: ours at N pages against Crawlee's HttpCrawler at the same N, storing in the
 *   project's SQLite store ("engine + store", `crawleeRatio`) and storing nothing ("engine only",
 *   `crawleeRatioEngineOnly`: ours still stores, as it cannot run without its store).
 * - A production row: every site rate-limited, as every real portal is.
 * - The politeness row: the rate achieved against the rate allowed (bench/lib/politeness.ts).
 */
import type { CrawleeResult, CrawleeStoreKind } from './crawlee';
import type { OursResult } from './ours';
import { ratio, round } from './stats';

/** Median and range of one figure over a cell's runs. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** The median (the mean of the middle two for an even count), min and max; null for no values. */
export function spread(values: ReadonlyArray<number | null | undefined>, digits = 1): Spread | null {
  const known = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (known.length === 0) return null;
  const sorted = [...known].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(middle)] : (sorted[middle - 1] + sorted[middle]) / 2;
  return {
    median: round(median, digits)!,
    min: round(sorted[0], digits)!,
    max: round(sorted[sorted.length - 1], digits)!,
  };
}

export interface ComparisonRow {
  kind: 'comparison';
  n: number;
  workers: number;
  repetitions: number;
  crawler: 'HttpCrawler';
  /** Ours, end to end. */
  pagesPerMinute: Spread | null;
  crawleePagesPerMinute: Partial<Record<CrawleeStoreKind, Spread | null>>;
  /** Ours over Crawlee storing in the project's store, repetition by repetition: the fair ratio. */
  crawleeRatio: Spread | null;
  /** Ours (storing) over Crawlee storing nothing. */
  crawleeRatioEngineOnly: Spread | null;
  /** Worker trees + Temporal server (+ PostgreSQL), summed in the same samples. */
  engineRssMiB: Spread | null;
  /** The worker trees alone. */
  workersRssMiB: Spread | null;
  /** Crawlee's process, storing (the fair side); storing nothing beside it. */
  crawleeRssMiB: Spread | null;
  crawleeRssMiBEngineOnly: Spread | null;
  engineCpuSecondsPer1000Pages: Spread | null;
  workerCpuSecondsPer1000Pages: Spread | null;
  serverCpuSecondsPer1000Pages: Spread | null;
  crawleeCpuSecondsPer1000Pages: Spread | null;
  crawleeCpuSecondsPer1000PagesEngineOnly: Spread | null;
  historyEventsPerPage: Spread | null;
  /** 1-minute load average before each run, lowest and highest. */
  load: Spread | null;
}

export interface ProductionRow {
  kind: 'production';
  n: number;
  repetitions: number;
  rateLimitSeconds: number;
  pagesPerMinute: Spread | null;
  historyEventsPerPage: Spread | null;
  workerCpuMsPerPage: Spread | null;
  serverCpuMsPerPage: Spread | null;
  engineRssMiB: Spread | null;
  /**
   * Always null: Crawlee has no run on this path, so there is no ratio or Crawlee RSS to give. The
   * fields are there so that every row of a results file carries the same figures (issue 15).
   */
  crawleeRatio: null;
  crawleeRssMiB: null;
  load: Spread | null;
}

/** A run's place in its cell: which repetition it was. */
export interface Repeated {
  repetition?: number;
  /** A production-path run (every site rate-limited); absent for the comparison's runs. */
  rateLimitSeconds?: number;
}

type Ours = OursResult;
type Crawlee = CrawleeResult;

const pagesPerMinute = (r: Ours | Crawlee) => r.pagesPerMinute.endToEnd;
const crawleeRss = (r: Crawlee) => r.memory.peakSampledMiB;

/** Ours over Crawlee, pairing the runs of the same repetition. */
function pairedRatios(ours: Ours[], crawlee: Crawlee[]): number[] {
  return ours.flatMap((o) => {
    const c = crawlee.find((x) => x.repetition === o.repetition);
    const r = c ? ratio(pagesPerMinute(o), pagesPerMinute(c), 3) : null;
    return r === null ? [] : [r];
  });
}

export function comparisonRows(runs: ReadonlyArray<OursResult | CrawleeResult>): ComparisonRow[] {
  const ours = runs.filter((r): r is Ours => r.engine === 'temporal' && r.rateLimitSeconds === undefined);
  const crawlee = runs.filter((r): r is Crawlee => r.engine === 'crawlee' && r.crawler === 'HttpCrawler');
  const cells = [...new Set(ours.map((r) => `${r.targetPages}/${r.workers}`))];
  return cells.map((cell) => {
    const mine = ours.filter((r) => `${r.targetPages}/${r.workers}` === cell);
    const { targetPages: n, workers } = mine[0];
    const theirs = (store: CrawleeStoreKind) =>
      crawlee.filter((r) => r.targetPages === n && (r.store ?? 'none') === store);
    const storing = theirs('sqlite');
    const bare = theirs('none');
    const whole = (r: Ours) => r.wholeEngine;
    return {
      kind: 'comparison',
      n,
      workers,
      repetitions: mine.length,
      crawler: 'HttpCrawler',
      pagesPerMinute: spread(mine.map(pagesPerMinute), 0),
      crawleePagesPerMinute: {
        ...(bare.length ? { none: spread(bare.map(pagesPerMinute), 0) } : {}),
        ...(storing.length ? { sqlite: spread(storing.map(pagesPerMinute), 0) } : {}),
      },
      crawleeRatio: spread(pairedRatios(mine, storing), 2),
      crawleeRatioEngineOnly: spread(pairedRatios(mine, bare), 2),
      engineRssMiB: spread(
        mine.map((r) => whole(r)?.peakRssMiB),
        0,
      ),
      workersRssMiB: spread(
        mine.map((r) => whole(r)?.withoutServerPeakRssMiB),
        0,
      ),
      crawleeRssMiB: spread(storing.map(crawleeRss), 0),
      crawleeRssMiBEngineOnly: spread(bare.map(crawleeRss), 0),
      engineCpuSecondsPer1000Pages: spread(
        mine.map((r) => whole(r)?.cpuSecondsPer1000Pages),
        2,
      ),
      workerCpuSecondsPer1000Pages: spread(
        mine.map((r) => r.cpu.workerSecondsPer1000Pages),
        2,
      ),
      serverCpuSecondsPer1000Pages: spread(
        mine.map((r) => r.cpu.serverSecondsPer1000Pages),
        2,
      ),
      crawleeCpuSecondsPer1000Pages: spread(
        storing.map((r) => r.cpu.secondsPer1000Pages),
        2,
      ),
      crawleeCpuSecondsPer1000PagesEngineOnly: spread(
        bare.map((r) => r.cpu.secondsPer1000Pages),
        2,
      ),
      historyEventsPerPage: spread(
        mine.map((r) => r.history.eventsPerPage),
        2,
      ),
      load: spread(
        [...mine, ...storing, ...bare].map((r) => r.load.before.loadavg[0]),
        2,
      ),
    };
  });
}

export function productionRows(runs: ReadonlyArray<OursResult | CrawleeResult>): ProductionRow[] {
  const limited = runs.filter((r): r is Ours => r.engine === 'temporal' && r.rateLimitSeconds !== undefined);
  const cells = [...new Set(limited.map((r) => `${r.targetPages}/${r.rateLimitSeconds}`))];
  return cells.map((cell) => {
    const mine = limited.filter((r) => `${r.targetPages}/${r.rateLimitSeconds}` === cell);
    const perPageMs = (seconds: number | null, r: Ours) =>
      seconds === null || r.pages.total === 0 ? null : (seconds / r.pages.total) * 1000;
    return {
      kind: 'production',
      n: mine[0].targetPages,
      repetitions: mine.length,
      rateLimitSeconds: mine[0].rateLimitSeconds!,
      pagesPerMinute: spread(mine.map(pagesPerMinute), 0),
      historyEventsPerPage: spread(
        mine.map((r) => r.history.eventsPerPage),
        2,
      ),
      workerCpuMsPerPage: spread(
        mine.map((r) => perPageMs(r.cpu.workerSeconds, r)),
        1,
      ),
      serverCpuMsPerPage: spread(
        mine.map((r) => perPageMs(r.cpu.serverSeconds, r)),
        1,
      ),
      engineRssMiB: spread(
        mine.map((r) => r.wholeEngine?.peakRssMiB),
        0,
      ),
      crawleeRatio: null,
      crawleeRssMiB: null,
      load: spread(
        mine.map((r) => r.load.before.loadavg[0]),
        2,
      ),
    };
  });
}
