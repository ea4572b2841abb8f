/**
 * kill -9 of `orchestrator worker` at twelve points of a batch (planning, results pages in flight
 * and just stored, detail windows, each finalization step, the final notification, and twice in a
 * row), then the worker started again. Every batch must complete with SQLite exactly as a fault-free
 * run left it and exactly as the mirror served it: no listing lost, changed or duplicated, no page
 * missing, every task through valid transitions, one backup, no partial file.
 */
import { strict as assert } from 'node:assert';
import { printFigures, recordFigures } from '../support/reliability-figures';
import { ReliabilityEnv } from '../support/reliability-env';
import { until } from '../support/until';
import { isAlive } from '../../lib/process/background';
import { CRASH_SITES, KILL_POINTS, runKillPoint, type KillOutcome } from '../support/reliability-scenarios';

const SUITE = 'kill -9';

describe('kill -9 of the worker process at 12 points of a batch (real dev server, local mirror)', function () {
  this.timeout(600_000);
  let reference: KillOutcome;

  before(async function () {
    this.timeout(300_000);
    reference = await runKillPoint(null, SUITE);
  });
  after(() => printFigures(SUITE));

  for (const point of KILL_POINTS) {
    it(`${point.name}: ${point.where} → the batch completes, SQLite equal to a fault-free run`, async () => {
      const outcome = await runKillPoint(point, SUITE);
      assert.deepEqual(outcome.rows, reference.rows, 'the listings table differs from the fault-free run');
    });
  }

  // `orchestrator worker` (bin/orchestrator) execs the worker with its memory settings: the process
  // the operator (or a supervisor) started is the one that polls, so killing it leaves no worker behind.
  // A launcher that ran the worker as its child would fail the first assertion (bug 6, RELIABILITY.md).
  it('kill -9 of the `orchestrator worker` process the operator started leaves no worker running', async () => {
    const env = await ReliabilityEnv.create({ name: 'orphan', sites: { mitula: CRASH_SITES.mitula } });
    let orphan: number | null = null;
    try {
      const worker = await env.startWorker();
      orphan = worker.workerPid;
      assert.equal(worker.workerPid, worker.pid, 'the process that polls is the one the operator started');
      process.kill(worker.pid, 'SIGKILL');
      await worker.exited;
      const stopped = await until(
        'the polling process to stop once the started process was killed',
        () => !isAlive(worker.workerPid),
        15_000,
        100,
      ).then(
        () => true,
        () => false,
      );
      recordFigures({
        suite: SUITE,
        case: 'SIGKILL of the started process',
        startedPid: worker.pid,
        pollingPid: worker.workerPid,
        samePid: worker.pid === worker.workerPid,
        pollerStillRunning15sLater: !stopped,
      });
      assert.ok(stopped, `process ${worker.workerPid} still runs and polls ${env.taskQueue}`);
    } finally {
      if (orphan !== null && isAlive(orphan)) process.kill(orphan, 'SIGKILL');
      await env.close();
    }
  });
});
