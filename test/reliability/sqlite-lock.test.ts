/**
 * The SQLite file locked by another process for longer than the worker's busy_timeout (5 s): a
 * second connection holds BEGIN EXCLUSIVE in the middle of a batch until Temporal shows an activity
 * attempt that failed because of it. The failed attempts are retried once the lock is gone, and the
 * batch completes with every listing stored exactly once.
 */
import { strict as assert } from 'node:assert';
import Database from 'better-sqlite3';
import { checkFigures, printFigures, recordFigures, seconds } from '../support/reliability-figures';
import { ReliabilityEnv } from '../support/reliability-env';
import { until } from '../support/until';
import { CRASH_SITES } from '../support/reliability-scenarios';

const SUITE = 'SQLite locked';
const BUSY_TIMEOUT_MS = 5000; // lib/store/database.ts openDatabase default

describe('the SQLite file locked by another process for longer than busy_timeout (worker process, real dev server)', function () {
  this.timeout(300_000);
  after(() => printFigures(SUITE));

  for (const phase of ['results pages', 'detail pages'] as const) {
    it(`locked while ${phase} are stored: activities fail on the lock, are retried, nothing lost or duplicated`, async () => {
      await ReliabilityEnv.within(
        {
          name: `lock-${phase.split(' ')[0]}`,
          sites: CRASH_SITES,
          detailWindow: 5,
        },
        async (env) => {
          for (const site of env.sites) env.mirror.setFaults(site, { slowMs: 250 });
          const worker = await env.startWorker();
          const batchId = `rel-lock-${phase.split(' ')[0]}-${Date.now().toString(36)}`;
          const workflowId = `batch-${batchId}`;
          const started = Date.now();
          const handle = await env.startBatch(workflowId, {});
          await until(
            `the batch in its ${phase}`,
            () => {
              const p = env.probe(batchId);
              return phase === 'results pages'
                ? (p.listingOk.lamudi ?? 0) >= 1
                : p.tasks['lamudi/main'] === 'completed' && p.detail.done >= 1;
            },
            120_000,
            10,
          );

          const locker = new Database(env.config.storage.database);
          locker.exec('BEGIN EXCLUSIVE');
          const locked = Date.now();
          const client = await env.client();
          const workflows = [
            workflowId,
            ...env.sites.map((site) => `${workflowId}/${site}`),
            `${workflowId}/lamudi/detail`,
          ];
          // Released once an attempt has failed because of it: either its write gave up after busy_timeout
          // ("database is locked"), or, better-sqlite3 waiting synchronously, the worker's event loop was
          // blocked so long that the attempt missed its heartbeats and Temporal timed it out.
          let failures: string[];
          try {
            failures = await until(
              'an activity attempt failed because of the lock',
              async () => {
                if (Date.now() - locked < BUSY_TIMEOUT_MS) return undefined;
                const found: string[] = [];
                for (const id of workflows) {
                  const described = await client.workflow
                    .getHandle(id)
                    .describe()
                    .catch(() => null);
                  for (const activity of described?.raw.pendingActivities ?? []) {
                    const message = activity.lastFailure?.message ?? '';
                    if ((activity.attempt ?? 1) >= 2 && /database is locked|timeout/i.test(message)) {
                      found.push(
                        `${activity.activityType?.name} attempt ${activity.attempt} after "${message.split('\n')[0]}"`,
                      );
                    }
                  }
                }
                return found.length > 0 ? found : undefined;
              },
              120_000,
              250,
            );
          } finally {
            locker.exec('ROLLBACK');
            locker.close();
          }
          const heldMs = Date.now() - locked;
          assert.ok(heldMs >= BUSY_TIMEOUT_MS, `the lock was held ${heldMs} ms, not longer than busy_timeout`);

          const result = await handle.result();
          assert.equal(result.status, 'completed', JSON.stringify(result.sites));
          assert.ok(worker.alive(), 'the worker process survived the lock');
          const check = env.checkBatch(batchId);
          recordFigures({
            suite: SUITE,
            case: `BEGIN EXCLUSIVE held by another process during ${phase}`,
            lockHeldS: seconds(heldMs),
            busyTimeoutS: BUSY_TIMEOUT_MS / 1000,
            attemptsFailedOnLock: failures.length,
            failures: [...new Set(failures.map((f) => f.replace(/ attempt \d+/, '')))].join('; '),
            completed: result.status,
            batchS: seconds(Date.now() - started),
            ...checkFigures(check),
          });
        },
      );
    });
  }
});
