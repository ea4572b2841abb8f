/**
 * Reliability scenarios shared by the full suite (test/reliability) and the smoke test inside
 * `npm test` (test/integration/reliability-smoke.test.ts): kill -9 of the worker at a chosen point
 * of a batch, a Temporal server restart in the middle of a batch, and a storm of transient faults.
 * Each one runs a real batch against the mirror with `orchestrator worker` as a separate process,
 * then checks SQLite against the mirror's catalogue (ReliabilityEnv.checkBatch).
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { provisionTemporalCli } from '../../lib/temporal/cli-binary';
import {
  isServing,
  startDevServer,
  stopDevServer,
  type DevServerFiles,
  type DevServerSettings,
} from '../../lib/temporal/dev-server';
import type { MirrorFaults } from '../../mirror/faults';
import type { RequestLogEntry } from '../../mirror/server';
import { checkFigures, recordFigures, seconds } from './reliability-figures';
import { ReliabilityEnv, type BatchCheck, type Probe, type StartUrlRow } from './reliability-env';
import { until } from './until';

/** Lamudi (results pages, then a detail page per listing) and Mitula (results pages only), small. */
export const CRASH_SITES: Record<string, StartUrlRow[]> = {
  lamudi: [
    { url: 'https://www.lamudi.com.mx/jalisco/zapopan/casa/for-sale/', maxPages: 2 },
    { url: 'https://www.lamudi.com.mx/jalisco/guadalajara/departamento/for-rent/', maxPages: 2 },
  ],
  mitula: [{ url: 'https://casas.mitula.mx/casas/venta-zapopan-jalisco', maxPages: 2 }],
};
/** Every page answers this much later, so each phase of the batch lasts long enough to be hit. */
const CRASH_SLOW_MS = 250;
const CRASH_DETAIL_WINDOW = 5;

const stamp = () => `${Date.now().toString(36)}${process.pid.toString(36)}`;

// ── A webhook receiver that can hold a notification open ─────────────────────────────────────

export interface Webhook {
  url: string;
  /** Payloads received, in order. */
  received: Array<{ event?: string; batch?: { id?: string } }>;
  /** Hold (never answer) the next `batch_end` notification of this batch; resolves when it arrives. */
  holdNext(batchId: string): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhook(): Promise<Webhook> {
  const received: Webhook['received'] = [];
  const held: ServerResponse[] = [];
  let hold: { batchId: string; arrived: () => void } | null = null;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const payload = JSON.parse(body);
      received.push(payload);
      if (hold && payload.event === 'batch_end' && payload.batch?.id === hold.batchId) {
        const { arrived } = hold;
        hold = null;
        held.push(response);
        arrived();
        return;
      }
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    holdNext: (batchId) => new Promise<void>((arrived) => (hold = { batchId, arrived })),
    close: async () => {
      for (const response of held) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// ── kill -9 ──────────────────────────────────────────────────────────────────────────────────

export interface KillPoint {
  name: string;
  /** Where in the batch the kill lands (for the report). */
  where: string;
  /** The condition that triggers the kill: monotone, so a kill that lands a little late still lands. */
  reached(env: ReliabilityEnv, probe: Probe): boolean;
  /** Kill the restarted worker again as soon as it polls (recovery interrupted). */
  twice?: boolean;
  /** Trigger on the batch's final notification, held open by the webhook. */
  onNotification?: boolean;
}

const mainDone = (p: Probe) => p.tasks['lamudi/main'] === 'completed';

export const KILL_POINTS: KillPoint[] = [
  {
    name: 'planned',
    where: 'batch and tasks written, before the first page',
    reached: (_, p) => p.batchStatus !== null,
  },
  {
    name: 'listing-in-flight',
    where: 'first Lamudi results page requested, not answered',
    reached: (env) => env.mirror.requestLog('lamudi').some((e) => e.path !== '/robots.txt'),
  },
  { name: 'listing-committed', where: 'first results page stored', reached: (_, p) => p.listingOkTotal >= 1 },
  {
    name: 'listing-half',
    where: "half of Lamudi's results pages stored",
    reached: (_, p) => (p.listingOk.lamudi ?? 0) >= 2,
  },
  { name: 'main-completed', where: 'Lamudi results done, detail workflow starting', reached: (_, p) => mainDone(p) },
  {
    name: 'detail-window',
    where: 'first detail page stored, a window of detail pages in flight',
    reached: (_, p) => mainDone(p) && p.detail.done >= 1,
  },
  {
    name: 'detail-half',
    where: 'half of the detail pages stored',
    reached: (_, p) => mainDone(p) && p.detail.total > 0 && p.detail.done >= p.detail.total / 2,
  },
  {
    name: 'detail-last',
    where: 'all but the last window of detail pages stored',
    reached: (_, p) => mainDone(p) && p.detail.total > 0 && p.detail.done >= p.detail.total - CRASH_DETAIL_WINDOW,
  },
  {
    name: 'statistics',
    where: 'finalization: statistics written (site_metrics)',
    reached: (_, p) => p.siteMetricsRows > 0,
  },
  {
    name: 'backup',
    where: 'finalization: backup being written (or just written)',
    reached: (_, p) => p.backups.length > 0,
  },
  {
    name: 'notification',
    where: 'batch status written, the final webhook in flight',
    reached: () => false,
    onNotification: true,
  },
  {
    name: 'twice',
    where: 'detail pages in flight, then again while the new worker recovers',
    reached: (_, p) => mainDone(p) && p.detail.done >= 3,
    twice: true,
  },
];

/** A one-line account of the batch when the kill landed. */
export function describeProbe(env: ReliabilityEnv, probe: Probe): string {
  if (probe.batchStatus === null) return 'no batch row yet';
  const pages = env.sites.map((site) => `${site} ${probe.listingOk[site] ?? 0}/${env.expectedPages(site)}`).join(', ');
  return (
    `batch ${probe.batchStatus}; results pages ${pages}; detail ${probe.detail.done}/${probe.detail.total}` +
    `${probe.siteMetricsRows ? '; statistics written' : ''}${probe.backups.length ? '; backup written' : ''}`
  );
}

export interface KillOutcome {
  check: BatchCheck;
  rows: Array<Record<string, unknown>>;
  stateAtKill: string;
}

/**
 * One batch of CRASH_SITES with `point`'s kill -9 of the worker (none when point is null: the
 * reference run), the worker started again, the batch followed to its end and checked.
 */
export async function runKillPoint(point: KillPoint | null, suite: string): Promise<KillOutcome> {
  const webhook = await startWebhook();
  const env = await ReliabilityEnv.create({
    name: `kill-${point?.name ?? 'reference'}`,
    sites: CRASH_SITES,
    webhookUrl: webhook.url,
    detailWindow: CRASH_DETAIL_WINDOW,
  });
  let passed = false;
  try {
    for (const site of env.sites) env.mirror.setFaults(site, { slowMs: CRASH_SLOW_MS });
    let worker = await env.startWorker();
    const batchId = `rel-kill-${point?.name ?? 'reference'}-${stamp()}`;
    const notified = point?.onNotification ? webhook.holdNext(batchId) : null;
    const started = Date.now();
    const handle = await env.startBatch(`batch-${batchId}`, {});
    let stateAtKill = '–';
    let killedAt = started;
    let restarts = 0;
    if (point) {
      if (notified)
        await Promise.race([
          notified,
          handle.result().then(() => Promise.reject(new Error('the batch ended without notifying'))),
        ]);
      else await until(`kill point ${point.name}`, () => point.reached(env, env.probe(batchId)), 240_000, 10);
      stateAtKill = describeProbe(env, env.probe(batchId));
      await worker.kill9();
      killedAt = Date.now();
      worker = await env.startWorker();
      restarts++;
      if (point.twice) {
        await worker.kill9();
        worker = await env.startWorker();
        restarts++;
      }
    }
    const result = await handle.result();
    const ended = Date.now();
    assert.equal(result.status, 'completed', JSON.stringify(result.sites));
    const check = env.checkBatch(batchId);
    assert.equal(
      check.listingsCompared,
      env.sites.reduce((sum, site) => sum + env.expected(site).length, 0),
    );
    const backups = env.backupFiles(batchId);
    const complete = backups.filter((name) => name.endsWith('.db'));
    assert.equal(complete.length, 1, `one backup of the batch, got ${backups.join(', ')}`);
    // A kill during the backup leaves its .partial file behind (see at-least-once.test.ts): counted here.
    const partialBackupFiles = backups.length - complete.length;
    const endNotifications = webhook.received.filter((m) => m.event === 'batch_end' && m.batch?.id === batchId).length;
    recordFigures({
      suite,
      case: point?.name ?? 'reference (no kill)',
      where: point?.where ?? 'fault-free run',
      stateAtKill,
      kills: point ? (point.twice ? 2 : 1) : 0,
      restarts,
      completed: result.status,
      killToEndS: point ? seconds(ended - killedAt) : null,
      batchS: seconds(ended - started),
      ...checkFigures(check),
      endNotifications,
      partialBackupFiles,
    });
    const rows = env.listingRows();
    passed = true;
    return { check, rows, stateAtKill };
  } finally {
    await env.close({ keep: !passed });
    await webhook.close();
  }
}

// ── Temporal server restart ──────────────────────────────────────────────────────────────────

/** The server outage: longer than a page activity's heartbeat timeout (10 s) and the SDK's retries of a completion. */
export const OUTAGE_MS = 15_000;

/**
 * A batch on a dev server of our own (SQLite file in a scratch folder, on `port`): the server is
 * stopped while Lamudi's results (or detail) pages are being fetched, stays down until the worker
 * has finished what it holds and seen its calls fail, starts again on the same file, and the batch
 * completes with the same worker process.
 */
export async function runServerRestart(
  port: number,
  suite: string,
  stopDuring: 'results pages' | 'detail pages' = 'results pages',
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'orchestrator-rel-server-'));
  const settings: DevServerSettings = {
    address: `127.0.0.1:${port}`,
    namespace: 'default',
    uiPort: port + 1000,
    dbFile: join(dir, 'temporal.db'),
    retentionHours: 24,
  };
  if (await isServing(settings.address))
    throw new Error(`a Temporal server already answers at ${settings.address}: this test needs the port for its own`);
  const cli = await provisionTemporalCli({ onProgress: (line) => console.error(line) });
  const files: DevServerFiles = {
    cliPath: cli.path,
    logFile: join(dir, 'temporal.log'),
    pidFile: join(dir, 'temporal.pid'),
  };
  await startDevServer(settings, files);
  const env = await ReliabilityEnv.create({
    name: 'server-restart',
    sites: CRASH_SITES,
    temporalAddress: settings.address,
    detailWindow: CRASH_DETAIL_WINDOW,
  });
  let passed = false;
  try {
    for (const site of env.sites) env.mirror.setFaults(site, { slowMs: 400 });
    const worker = await env.startWorker();
    const batchId = `rel-server-restart-${stamp()}`;
    const started = Date.now();
    await env.startBatch(`batch-${batchId}`, {});
    const stopNow =
      stopDuring === 'results pages'
        ? (p: Probe) => (p.listingOk.lamudi ?? 0) >= 2
        : (p: Probe) => mainDone(p) && p.detail.done >= 5;
    await until(`the batch in its ${stopDuring}`, () => stopNow(env.probe(batchId)), 120_000, 10);
    const atStop = describeProbe(env, env.probe(batchId));
    await stopDevServer(settings, files);
    const stopped = Date.now();
    assert.equal(await isServing(settings.address), false, 'the server still answers after stop');
    // The worker finishes the pages it holds; their completions have nowhere to go. The outage lasts
    // until the worker has nothing in flight and has seen its calls to the server fail, and at least
    // OUTAGE_MS: longer than a page activity's heartbeat timeout and the SDK's retries of a completion.
    const unavailable = (entry: { error?: unknown }) =>
      /unavailable/i.test(typeof entry.error === 'string' ? entry.error : '');
    await until(
      'the worker to have nothing in flight and to see the server gone',
      () =>
        env.sites.every((site) => env.inFlight(site, 'listing') + env.inFlight(site, 'detail') === 0) &&
        env.workerLog(stopped).some(unavailable) &&
        Date.now() - stopped >= OUTAGE_MS,
      60_000,
      100,
    );
    const whileDown = describeProbe(env, env.probe(batchId));
    assert.ok(worker.alive(), `the worker died while the server was down:\n${env.workerOutput().slice(-2000)}`);
    await startDevServer(settings, files);
    const restarted = Date.now();
    // Calls the worker's SDK core gave up on while the server was away (completions it could not report).
    const abandoned = env
      .workerLog(stopped)
      .filter(
        (entry) =>
          entry.level === 'warn' &&
          /worker::(activities|workflow)/.test(String(entry.target)) &&
          Date.parse(entry.time) < restarted,
      ).length;
    const client = await env.reconnect();
    const result = await client.workflow.getHandle(`batch-${batchId}`).result();
    const ended = Date.now();
    assert.equal(result.status, 'completed', JSON.stringify(result.sites));
    assert.ok(worker.alive(), 'the same worker process served the batch to its end');
    const check = env.checkBatch(batchId);
    recordFigures({
      suite,
      case: `Temporal dev server stopped during ${stopDuring}, started on the same database`,
      atStop,
      whileDown,
      downS: seconds(restarted - stopped),
      restartToEndS: seconds(ended - restarted),
      batchS: seconds(ended - started),
      completed: result.status,
      workerSurvived: worker.alive(),
      completionsAbandonedWhileDown: abandoned,
      ...checkFigures(check),
    });
    passed = true;
  } finally {
    await env.close({ keep: !passed });
    await stopDevServer(settings, files).catch(() => undefined);
    if (passed && !process.env.RELIABILITY_KEEP) rmSync(dir, { recursive: true, force: true });
  }
}

// ── Storms of transient faults ───────────────────────────────────────────────────────────────

/** Page requests of a site in the mirror log (robots.txt excluded), in arrival order. */
export function pageRequests(log: RequestLogEntry[]): RequestLogEntry[] {
  return log.filter((entry) => entry.path !== '/robots.txt');
}

/**
 * For every answer with `status` that carried Retry-After, the time until the next request for the
 * same path: Temporal must not retry sooner than the site asked.
 */
export function retryGaps(log: RequestLogEntry[], status: number): number[] {
  const requests = pageRequests(log);
  return requests.flatMap((entry, index) => {
    if (entry.status !== status) return [];
    const next = requests.slice(index + 1).find((later) => later.path === entry.path);
    return next ? [next.time - entry.time] : [];
  });
}

export interface StormSite {
  site: string;
  urls: StartUrlRow[];
  faults: MirrorFaults;
  /** Failed attempts the first page must show before it succeeds. */
  failedAttempts: number;
  errorType: string;
  /** Retry-After the site sends, in seconds (checked against the mirror log). */
  retryAfterSeconds?: number;
  /** Status the mirror logs for a failed attempt (0: connection reset); null: not checked (a timed-out answer may still be on its way). */
  status: number | null;
}

/** The storm of the smoke test: 429s with Retry-After, a burst of 503s, connection resets. */
export const SMOKE_STORM: StormSite[] = [
  {
    site: 'lamudi',
    urls: [{ url: 'https://www.lamudi.com.mx/jalisco/zapopan/casa/for-sale/', maxPages: 2 }],
    faults: { status429: { count: 3, retryAfterSeconds: 2 } },
    failedAttempts: 3,
    errorType: 'RateLimitedError',
    retryAfterSeconds: 2,
    status: 429,
  },
  {
    site: 'mitula',
    urls: [{ url: 'https://casas.mitula.mx/casas/venta-zapopan-jalisco', maxPages: 2 }],
    faults: { status503: { burst: 2, retryAfterSeconds: 1 } },
    failedAttempts: 2,
    errorType: 'ServerError',
    retryAfterSeconds: 1,
    status: 503,
  },
  {
    site: 'trovit',
    urls: [{ url: 'https://casas.trovit.com.mx/venta-casas-zapopan', maxPages: 2 }],
    faults: { resetConnection: { count: 2 } },
    failedAttempts: 2,
    errorType: 'NetworkError',
    status: 0,
  },
];

/**
 * One batch whose sites each suffer a transient fault on their first page(s): the batch completes,
 * every listing is stored, the first page shows its failed attempts (pages table and mirror log
 * agree) and no retry came sooner than the site's Retry-After.
 */
export async function runStorm(
  storm: StormSite[],
  suite: string,
  name: string,
  during?: (env: ReliabilityEnv, batchId: string) => Promise<void>,
  edit?: (doc: Record<string, any>) => void,
): Promise<void> {
  await ReliabilityEnv.within(
    {
      name: `storm-${name}`.replace(/\W+/g, '-'),
      sites: Object.fromEntries(storm.map((s) => [s.site, s.urls])),
      pagesPerSearch: 2,
      edit,
    },
    async (env) => {
      for (const s of storm) env.mirror.setFaults(s.site, s.faults);
      await env.startWorker();
      const batchId = `rel-storm-${name}-${stamp()}`;
      const started = Date.now();
      const handle = await env.startBatch(`batch-${batchId}`, {});
      await during?.(env, batchId);
      const result = await handle.result();
      const ended = Date.now();
      assert.equal(result.status, 'completed', JSON.stringify(result.sites));
      const check = env.checkBatch(batchId);
      const db = env.db()!;
      for (const s of storm) {
        const firstUrl = new URL(s.urls[0].url).href;
        const attempts = db
          .prepare(
            `SELECT attempt, error_type AS errorType, status_code AS status FROM pages WHERE batch_id = ? AND site = ? AND kind = 'listing' AND url = ? ORDER BY attempt`,
          )
          .all(batchId, s.site, firstUrl) as Array<{
          attempt: number;
          errorType: string | null;
          status: number | null;
        }>;
        assert.deepEqual(
          attempts.map((a) => [a.attempt, a.errorType]),
          [...Array.from({ length: s.failedAttempts }, (_, i) => [i + 1, s.errorType]), [s.failedAttempts + 1, null]],
          `${s.site}: the first page's attempts in the pages table`,
        );
        const log = pageRequests(env.mirror.requestLog(s.site));
        const firstPath = new URL(s.urls[0].url).pathname + new URL(s.urls[0].url).search;
        const requestsForFirst = log.filter((e) => e.path === firstPath);
        if (s.status === null)
          assert.equal(
            requestsForFirst.length,
            s.failedAttempts + 1,
            `${s.site}: requests for the first page in the mirror's log`,
          );
        else
          assert.deepEqual(
            requestsForFirst.map((e) => e.status),
            [...Array(s.failedAttempts).fill(s.status), 200],
            `${s.site}: the mirror's log of the first page`,
          );
        const gaps = s.retryAfterSeconds === undefined || s.status === null ? [] : retryGaps(log, s.status);
        for (const gap of gaps)
          assert.ok(
            gap >= s.retryAfterSeconds! * 1000,
            `${s.site}: retried ${gap.toFixed(0)} ms after a ${s.status} that asked for ${s.retryAfterSeconds} s`,
          );
        recordFigures({
          suite,
          case: `${name}: ${s.site} ${JSON.stringify(s.faults)}`,
          faultsInjected: requestsForFirst.length - 1,
          errorType: s.errorType,
          attemptsInPagesTable: attempts.length,
          requestsInMirrorLog: requestsForFirst.length,
          retryAfterS: s.retryAfterSeconds ?? null,
          minRetryGapS: gaps.length ? seconds(Math.min(...gaps)) : null,
          maxRetryGapS: gaps.length ? seconds(Math.max(...gaps)) : null,
          siteState: result.sites.find((x) => x.site === s.site)?.state ?? null,
          listingsCompared: env.expected(s.site).length,
        });
      }
      recordFigures({
        suite,
        case: `${name}: batch`,
        completed: result.status,
        batchS: seconds(ended - started),
        ...checkFigures(check),
      });
    },
  );
}
