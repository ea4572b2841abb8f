/**
 * The worker's limits from config/config.yaml security.system_limits are enforced, not only read:
 * max_memory_mb bounds the heap of the `orchestrator worker` process that polls Temporal, and
 * max_execution_time bounds a batch, whether started by `orchestrator run` or by a schedule.
 * Behaviour is checked from outside (the polling process's V8 heap limit, the batch's workflow
 * closing in Temporal and its row in SQLite), so any way of enforcing them passes.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { printFigures, recordFigures } from '../support/reliability-figures';
import { ReliabilityEnv, runOrchestrator, startOrchestrator } from '../support/reliability-env';
import { until } from '../support/until';

const SUITE = 'system limits';
const MAX_MEMORY_MB = 256;
/** V8's heap limit is the old space plus the young generation: 256 MB of old space gives 304 MB. */
const HEAP_SLACK_MB = 64;
const MAX_EXECUTION_S = 20;
/** Time for a batch past its limit to cancel its children (page activities see it within a heartbeat throttle, 8 s) and record how it ended. */
const CLOSE_MARGIN_S = 15;
/** Three sites one after the other (max_parallel_sites 1), each about 0.7 × the limit: the whole run is twice the limit. */
const SLOW_SITES = {
  mitula: [{ url: 'https://casas.mitula.mx/casas/venta-zapopan-jalisco', maxPages: 2 }],
  trovit: [{ url: 'https://casas.trovit.com.mx/venta-casas-zapopan', maxPages: 2 }],
  inmuebles24: [{ url: 'https://www.inmuebles24.com/casas-en-venta-en-zapopan.html', maxPages: 2 }],
};
const SLOW_PAGE_MS = 7000;
const SITES = {
  lamudi: [
    { url: 'https://www.lamudi.com.mx/jalisco/zapopan/casa/for-sale/', maxPages: 2 },
    { url: 'https://www.lamudi.com.mx/jalisco/guadalajara/departamento/for-rent/', maxPages: 2 },
  ],
};

describe('security.system_limits enforced on the worker and the batch (worker process, real dev server)', function () {
  this.timeout(300_000);
  after(() => printFigures(SUITE));

  it(`max_memory_mb: ${MAX_MEMORY_MB} → the process polling Temporal runs with a heap limit of at most ${MAX_MEMORY_MB} MB (+ young generation)`, async () => {
    const env = await ReliabilityEnv.create({
      name: 'memory',
      sites: SITES,
      edit: (doc) => (doc.security.system_limits.max_memory_mb = MAX_MEMORY_MB),
    });
    const dir = mkdtempSync(join(tmpdir(), 'orchestrator-rel-heap-'));
    const probe = join(dir, 'probe.js');
    const report = join(dir, 'heap.jsonl');
    // Preloaded into every Node process the worker command starts (NODE_OPTIONS is inherited), it
    // reports each one's pid and V8 heap limit, whichever way the limit is applied.
    writeFileSync(
      probe,
      `const { threadId } = require('node:worker_threads');
if (threadId === 0) require('node:fs').appendFileSync(${JSON.stringify(report)}, JSON.stringify({ pid: process.pid, heapLimitMb: require('node:v8').getHeapStatistics().heap_size_limit / 1048576, execArgv: process.execArgv }) + '\\n');
`,
    );
    const { child } = startOrchestrator(['--config', env.configPath, 'worker'], {
      ORCHESTRATOR_MIRROR_URL: env.fetchUrl,
      NODE_OPTIONS: `--require ${probe}`,
    });
    try {
      const client = await env.client();
      const pollerPid = await until(
        'a worker polling the task queue',
        async () => {
          const described = await client.workflowService.describeTaskQueue({
            namespace: 'default',
            taskQueue: { name: env.taskQueue },
            taskQueueType: 1,
          });
          const identity = described.pollers?.[0]?.identity;
          return identity ? Number(identity.split('@')[0]) : undefined;
        },
        120_000,
        250,
      );
      assert.ok(existsSync(report), 'the probe ran');
      const processes = readFileSync(report, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { pid: number; heapLimitMb: number; execArgv: string[] });
      const poller = processes.find((p) => p.pid === pollerPid);
      assert.ok(poller, `the polling process ${pollerPid} is not one the probe saw: ${JSON.stringify(processes)}`);
      recordFigures({
        suite: SUITE,
        case: `worker heap with max_memory_mb ${MAX_MEMORY_MB}`,
        processes: processes.length,
        pollerHeapLimitMb: Math.round(poller.heapLimitMb),
        execArgv: poller.execArgv.join(' ') || '(none)',
      });
      assert.ok(
        poller.heapLimitMb <= MAX_MEMORY_MB + HEAP_SLACK_MB,
        `the worker polls with a ${Math.round(poller.heapLimitMb)} MB heap limit; security.system_limits.max_memory_mb is ${MAX_MEMORY_MB}`,
      );
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await env.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // config/config.yaml: "max_execution_time: seconds a whole run may take". workflows/batch.ts gives
  // each site and detail child workflowExecutionTimeout = the limit, counted from the child's own
  // start: sites that wait for a parallel slot, and detail children started after their site, each
  // get the whole limit again.
  it(`max_execution_time: ${MAX_EXECUTION_S}s → a batch that would run longer ends by then (+${CLOSE_MARGIN_S}s), started by run or by a schedule, and SQLite says it ended`, async () => {
    const env = await ReliabilityEnv.create({
      name: 'exec-time',
      sites: SLOW_SITES,
      edit: (doc) => {
        doc.security.system_limits.max_execution_time = MAX_EXECUTION_S;
        doc.batch.max_parallel_sites = 1;
      },
    });
    // Two pages per site at 7 s each: three sites in a row take about 45 s.
    for (const site of env.sites) env.mirror.setFaults(site, { slowMs: SLOW_PAGE_MS });
    const scheduleId = `rel-exec-${Date.now().toString(36)}`;
    const workflowIds: string[] = [];
    try {
      await env.startWorker();
      const client = await env.client();
      const config = ['--config', env.configPath];
      const runId = `batch-rel-exec-${Date.now().toString(36)}`;
      const run = await runOrchestrator([...config, 'run', '--detach', '--id', runId]);
      assert.equal(run.code, 0, run.output);
      workflowIds.push(runId);
      const created = await runOrchestrator([
        ...config,
        'schedule',
        'create',
        '--cron',
        '0 0 1 1 *',
        '--timezone',
        'UTC',
        '--id',
        scheduleId,
        '--paused',
      ]);
      assert.equal(created.code, 0, created.output);
      const triggered = await runOrchestrator([...config, 'schedule', 'trigger', scheduleId]);
      assert.equal(triggered.code, 0, triggered.output);
      const scheduled = await until(
        'the scheduled batch',
        async () =>
          (await client.schedule.getHandle(scheduleId).describe()).info.recentActions[0]?.action.workflow.workflowId,
        30_000,
        250,
      );
      workflowIds.push(scheduled);

      // Each batch's limit counts from its own start (the scheduled one starts a few CLI calls later).
      const outcomes: Array<{
        workflowId: string;
        startedAt: number;
        closedAfterS: number | null;
        temporalStatus: string;
        sqliteStatus: string | null;
      }> = [];
      for (const workflowId of workflowIds) {
        const handle = client.workflow.getHandle(workflowId);
        const startedAt = (await handle.describe()).startTime.getTime();
        const deadline = startedAt + (MAX_EXECUTION_S + CLOSE_MARGIN_S) * 1000;
        let closedAfterS: number | null = null;
        let temporalStatus = 'RUNNING';
        await until(
          `${workflowId} to end`,
          async () => {
            const described = await handle.describe();
            temporalStatus = described.status.name;
            if (temporalStatus !== 'RUNNING')
              closedAfterS = Number((((described.closeTime?.getTime() ?? Date.now()) - startedAt) / 1000).toFixed(1));
            return temporalStatus !== 'RUNNING' || Date.now() > deadline;
          },
          Math.max(0, deadline - Date.now()) + 10_000,
          500,
        );
        const row = env.db()?.prepare('SELECT status FROM batches WHERE workflow_id = ?').get(workflowId) as
          { status: string } | undefined;
        outcomes.push({ workflowId, startedAt, closedAfterS, temporalStatus, sqliteStatus: row?.status ?? null });
      }
      // How long a batch past its limit really ran (for the report), before the assertions.
      for (const outcome of outcomes.filter((o) => o.temporalStatus === 'RUNNING')) {
        const ended = await client.workflow
          .getHandle(outcome.workflowId)
          .result()
          .then(
            () => Date.now(),
            () => Date.now(),
          );
        Object.assign(outcome, { ranS: Number(((ended - outcome.startedAt) / 1000).toFixed(1)) });
      }
      for (const { startedAt: _startedAt, ...outcome } of outcomes)
        recordFigures({
          suite: SUITE,
          case: `batch with max_execution_time ${MAX_EXECUTION_S}s: ${outcome.workflowId === runId ? 'run --detach' : 'schedule trigger'}`,
          ...outcome,
        });
      for (const outcome of outcomes) {
        assert.notEqual(
          outcome.temporalStatus,
          'RUNNING',
          `${outcome.workflowId} still runs ${MAX_EXECUTION_S + CLOSE_MARGIN_S}s after it started; max_execution_time is ${MAX_EXECUTION_S}s`,
        );
        assert.ok(
          outcome.sqliteStatus !== null && !['planned', 'running'].includes(outcome.sqliteStatus),
          `${outcome.workflowId}: SQLite still says ${outcome.sqliteStatus}`,
        );
      }
    } finally {
      const client = await env.client();
      for (const workflowId of workflowIds)
        await client.workflow
          .getHandle(workflowId)
          .terminate('test cleanup')
          .catch(() => undefined);
      await client.schedule
        .getHandle(scheduleId)
        .delete()
        .catch(() => undefined);
      await env.close();
    }
  });
});
