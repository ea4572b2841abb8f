/**
 * The fair comparison's rows (bench/lib/comparison.ts) and issue 15's targets on them
 * (bench/lib/report.ts): medians and ranges, ours paired with Crawlee repetition by repetition,
 * the production path apart, and saved results of the earlier format still printed.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { comparisonRows, productionRows, spread } from '../../../bench/lib/comparison';
import type { CrawleeResult } from '../../../bench/lib/crawlee';
import type { OursResult } from '../../../bench/lib/ours';
import { fairTargets, markdown, type BenchResults } from '../../../bench/lib/report';

const load = (one: number) => ({ before: { at: '', loadavg: [one, 0, 0], uptime: '' }, after: {}, busy: false });

/** The fields the rows read of a run of ours; the rest of a result does not enter them. */
function ours(n: number, repetition: number, pagesPerMinute: number, extra: Partial<OursResult> = {}): OursResult {
  return {
    engine: 'temporal',
    targetPages: n,
    workers: 1,
    repetition,
    pages: { total: n },
    pagesPerMinute: { endToEnd: pagesPerMinute },
    wholeEngine: {
      peakRssMiB: 400 + repetition,
      withoutServerPeakRssMiB: 250,
      cpuSecondsPer1000Pages: 10 + repetition,
    },
    cpu: {
      workerSeconds: n / 100,
      workerSecondsPer1000Pages: 9,
      serverSeconds: n / 1000,
      serverSecondsPer1000Pages: 1,
    },
    history: { eventsPerPage: 0.8 },
    load: load(repetition),
    ...extra,
  } as unknown as OursResult;
}

function crawlee(n: number, repetition: number, store: 'none' | 'sqlite', pagesPerMinute: number): CrawleeResult {
  return {
    engine: 'crawlee',
    crawler: 'HttpCrawler',
    store,
    targetPages: n,
    repetition,
    pagesPerMinute: { endToEnd: pagesPerMinute },
    memory: { peakSampledMiB: store === 'sqlite' ? 420 : 380 },
    cpu: { secondsPer1000Pages: store === 'sqlite' ? 12 : 9 },
    load: load(repetition),
  } as unknown as CrawleeResult;
}

describe('bench: the fair comparison rows', () => {
  it('spread gives the median (the middle two averaged for an even count), min and max, skipping unknowns', () => {
    assert.deepEqual(spread([3, 1, 2]), { median: 2, min: 1, max: 3 });
    assert.deepEqual(spread([4, 1, 3, 2]), { median: 2.5, min: 1, max: 4 });
    assert.deepEqual(spread([null, 5, undefined, Number.NaN]), { median: 5, min: 5, max: 5 });
    assert.equal(spread([null, undefined]), null);
    assert.deepEqual(spread([1, 2.5], 0), { median: 2, min: 1, max: 3 });
  });

  it('pairs each run of ours with the Crawlee run of the same repetition, storing and not, and leaves the production path out', () => {
    const runs = [
      ours(5000, 1, 600),
      crawlee(5000, 1, 'sqlite', 500),
      crawlee(5000, 1, 'none', 1000),
      crawlee(5000, 2, 'none', 1200),
      crawlee(5000, 2, 'sqlite', 600),
      ours(5000, 2, 660),
      ours(5000, 3, 540),
      crawlee(5000, 3, 'sqlite', 600),
      crawlee(5000, 3, 'none', 900),
      ours(2000, 1, 100, { rateLimitSeconds: 0.25 }),
    ];
    const [row, ...others] = comparisonRows(runs);
    assert.equal(others.length, 0, 'one row: the rate-limited run is not a comparison cell');
    assert.equal(row.n, 5000);
    assert.equal(row.repetitions, 3);
    assert.deepEqual(row.pagesPerMinute, { median: 600, min: 540, max: 660 });
    // 600/500, 660/600, 540/600: not the ratio of the medians (600/600).
    assert.deepEqual(row.crawleeRatio, { median: 1.1, min: 0.9, max: 1.2 });
    assert.deepEqual(row.crawleeRatioEngineOnly, { median: 0.6, min: 0.55, max: 0.6 });
    assert.deepEqual(row.crawleePagesPerMinute, {
      none: { median: 1000, min: 900, max: 1200 },
      sqlite: { median: 600, min: 500, max: 600 },
    });
    assert.deepEqual(row.engineRssMiB, { median: 402, min: 401, max: 403 });
    assert.deepEqual(row.crawleeRssMiB, { median: 420, min: 420, max: 420 });
    assert.deepEqual(row.crawleeRssMiBEngineOnly, { median: 380, min: 380, max: 380 });
    assert.deepEqual(row.engineCpuSecondsPer1000Pages, { median: 12, min: 11, max: 13 });
    assert.deepEqual(row.load, { median: 2, min: 1, max: 3 });
  });

  it('gives the production path its own row, with CPU per page in ms', () => {
    const runs = [ours(2000, 1, 400, { rateLimitSeconds: 0.25 }), ours(2000, 2, 500, { rateLimitSeconds: 0.25 })];
    assert.deepEqual(comparisonRows(runs), []);
    const [row] = productionRows(runs);
    assert.equal(row.rateLimitSeconds, 0.25);
    assert.deepEqual(row.pagesPerMinute, { median: 450, min: 400, max: 500 });
    // 20 s of worker CPU over 2,000 pages, 2 s of server CPU.
    assert.deepEqual(row.workerCpuMsPerPage, { median: 10, min: 10, max: 10 });
    assert.deepEqual(row.serverCpuMsPerPage, { median: 1, min: 1, max: 1 });
    // Crawlee has no rate-limited run: no ratio and no RSS of its own, said as null.
    assert.equal(row.crawleeRatio, null);
    assert.equal(row.crawleeRssMiB, null);
  });

  it('gives every row the figures issue 15 asks of each, null where a row has none', () => {
    const runs = [ours(5000, 1, 600), crawlee(5000, 1, 'sqlite', 500), ours(1000, 1, 100, { rateLimitSeconds: 0.25 })];
    const rows = [...comparisonRows(runs), ...productionRows(runs)];
    assert.deepEqual(
      rows.map((r) => r.kind),
      ['comparison', 'production'],
    );
    for (const row of rows)
      for (const key of ['pagesPerMinute', 'crawleeRatio', 'engineRssMiB', 'crawleeRssMiB', 'repetitions', 'n'])
        assert.ok(key in row, `${row.kind} row lacks ${key}`);
  });
});

describe("bench: issue 15's targets", () => {
  const results = (runs: Array<OursResult | CrawleeResult>, ceilingRatio: number | null): BenchResults =>
    ({
      version: 2,
      runs,
      rows: [...comparisonRows(runs), ...productionRows(runs)],
      politeness: ceilingRatio === null ? null : { ceilingRatio, sites: 20, pagesPerSecondPerSite: 2 },
    }) as unknown as BenchResults;
  const met = (rows: ReturnType<typeof fairTargets>, prefix: string) =>
    rows.find((r) => r.target.startsWith(prefix))?.met;

  it('judges the medians at N ≥ 5,000 only, and the politeness ceiling at 0.95', () => {
    const fast = [ours(5000, 1, 700), crawlee(5000, 1, 'sqlite', 600), crawlee(5000, 1, 'none', 900)];
    const rows = fairTargets(results(fast, 0.96));
    assert.equal(met(rows, 'ours / Crawlee'), true, '700/600 = 1.17');
    assert.equal(met(rows, 'peak RSS'), true, '401 ≤ 420 MiB');
    assert.equal(met(rows, 'CPU per page'), true, '11 ≤ 12 s');
    assert.equal(met(rows, 'politeness'), true);
    assert.equal(met(rows, 'production path'), null, 'no production run: not judged');

    const slow = fairTargets(results([ours(5000, 1, 600), crawlee(5000, 1, 'sqlite', 600)], 0.9));
    assert.equal(met(slow, 'ours / Crawlee'), false, '1.0 < 1.1');
    assert.equal(met(slow, 'politeness'), false);

    const small = fairTargets(results([ours(1000, 1, 100), crawlee(1000, 1, 'sqlite', 600)], null));
    assert.equal(met(small, 'ours / Crawlee'), null, 'N = 1,000 is not judged');
    assert.equal(met(small, 'politeness'), null);
  });

  it('still prints every results file saved before, which has no rows', () => {
    const dir = join(__dirname, '..', '..', '..', 'bench', 'results');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    assert.ok(files.length > 0);
    for (const file of files) {
      const saved = JSON.parse(readFileSync(join(dir, file), 'utf8')) as BenchResults;
      const text = markdown(saved);
      assert.match(text, /^Machine: /, file);
      assert.equal(text.includes('Fair comparison'), saved.version === 2 && (saved.rows ?? []).length > 0, file);
    }
  });
});
