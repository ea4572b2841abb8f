/**
 * How long a batch stands still when the worker dies inside an activity. Temporal learns of the
 * loss only when the activity's attempt times out, so every activity needs a timeout that lets a
 * crash be noticed quickly: page activities heartbeat (10 s), but the control activities (planBatch,
 * markTask, nextDetails) and the finalization ones wait out their whole start-to-close or heartbeat
 * timeout. To kill the worker inside one deterministically, another connection holds SQLite's write
 * lock, so the activity is blocked in its first write when the kill lands.
 */
import { strict as assert } from 'node:assert';
import Database from 'better-sqlite3';
import { temporal } from '@temporalio/proto';
import { checkFigures, printFigures, recordFigures } from '../support/reliability-figures';
import { ReliabilityEnv } from '../support/reliability-env';
import { until } from '../support/until';

const SUITE = 'kill -9 inside an activity';
/** Worker restart (workflow bundle included) plus one page timeout and the rest of a tiny batch. */
const RECOVERY_BOUND_S = 40;
const STARTED = temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;
const SITES = { mitula: [{ url: 'https://casas.mitula.mx/casas/venta-zapopan-jalisco', maxPages: 1 }] };

const CASES = [
  { activity: 'planBatch', lockWhen: 'before the batch starts', finalization: false },
  { activity: 'scrapeListingPages', lockWhen: 'before the batch starts, released at planning', finalization: false },
  { activity: 'a finalization step', lockWhen: 'once every task completed', finalization: true },
];

describe('kill -9 of the worker inside an activity: the batch resumes within a bound (worker process, real dev server)', function () {
  this.timeout(400_000);
  after(() => printFigures(SUITE));

  for (const c of CASES) {
    it(`inside ${c.activity}: the batch completes within ${RECOVERY_BOUND_S} s of the kill, exactly`, async () => {
      const env = await ReliabilityEnv.create({ name: `in-${c.activity.replace(/\W+/g, '-')}`, sites: SITES });
      let passed = false;
      try {
        // The results page answers slowly, so the lock can be taken while it downloads.
        if (c.activity === 'scrapeListingPages') env.mirror.setFaults('mitula', { slowMs: 1500 });
        let worker = await env.startWorker();
        const batchId = `rel-in-activity-${Date.now().toString(36)}`;
        const workflowId = `batch-${batchId}`;
        const lock = () => {
          const locker = new Database(env.config.storage.database);
          locker.exec('BEGIN EXCLUSIVE');
          return locker;
        };
        let locker = c.finalization ? null : lock();
        const handle = await env.startBatch(workflowId, {});
        const client = await env.client();
        if (c.activity === 'scrapeListingPages') {
          // Let planning through, then hold the lock as the page activity starts writing.
          await until(
            'planBatch blocked',
            async () =>
              (await client.workflow.getHandle(workflowId).describe()).raw.pendingActivities?.some(
                (a) => a.activityType?.name === 'planBatch' && a.state === STARTED,
              ),
            60_000,
            50,
          );
          locker!.exec('ROLLBACK');
          await until(
            'the results page requested',
            () => env.mirror.requestLog('mitula').some((e) => e.path !== '/robots.txt'),
            60_000,
            5,
          );
          locker!.exec('BEGIN EXCLUSIVE');
        }
        if (c.finalization) {
          await until(
            'every task completed',
            () =>
              Object.values(env.probe(batchId).tasks).every((state) => state === 'completed') &&
              Object.keys(env.probe(batchId).tasks).length > 0,
            120_000,
            5,
          );
          locker = lock();
        }
        const watched = c.activity === 'scrapeListingPages' ? `${workflowId}/mitula` : workflowId;
        const blocked = await until(
          `${c.activity} started and blocked on the lock`,
          async () => {
            const pending =
              (
                await client.workflow
                  .getHandle(watched)
                  .describe()
                  .catch(() => null)
              )?.raw.pendingActivities ?? [];
            const names = c.finalization ? ['storeSiteStatistics', 'detectBatchAlerts', 'finishBatch'] : [c.activity];
            return (
              pending.find((a) => names.includes(a.activityType?.name ?? '') && a.state === STARTED)?.activityType
                ?.name ?? undefined
            );
          },
          120_000,
          50,
        );
        await worker.kill9();
        const killed = Date.now();
        locker!.exec('ROLLBACK');
        locker!.close();
        worker = await env.startWorker();
        const restartedAfterS = (Date.now() - killed) / 1000;
        const result = await handle.result();
        const recoveryS = (Date.now() - killed) / 1000;
        assert.equal(result.status, 'completed', JSON.stringify(result.sites));
        const check = env.checkBatch(batchId);
        recordFigures({
          suite: SUITE,
          case: `killed inside ${blocked}`,
          workerBackAfterS: Number(restartedAfterS.toFixed(1)),
          killToEndS: Number(recoveryS.toFixed(1)),
          boundS: RECOVERY_BOUND_S,
          ...checkFigures(check),
        });
        passed = true;
        assert.ok(
          recoveryS <= RECOVERY_BOUND_S,
          `the batch stood still ${recoveryS.toFixed(0)} s after the worker died inside ${blocked} (bound ${RECOVERY_BOUND_S} s)`,
        );
      } finally {
        await env.close({ keep: !passed });
      }
    });
  }
});
