/**
 * The reliability suite in brief, inside `npm test` (the whole of it is `npm run test:reliability`,
 * see RELIABILITY.md): `orchestrator worker` killed with SIGKILL while a window of detail pages is
 * in flight, a storm of transient faults (429s with Retry-After, a burst of 503s, connection resets),
 * and the Temporal dev server stopped and started again in the middle of a batch. Each batch must
 * complete with SQLite exactly as the mirror served it: no listing lost or duplicated, no page
 * missing, every task through valid transitions.
 */
import { KILL_POINTS, runKillPoint, runServerRestart, runStorm, SMOKE_STORM } from '../support/reliability-scenarios';
import { printFigures } from '../support/reliability-figures';

const SUITE = 'smoke';

describe('reliability smoke: crash, fault storm, server restart (real dev server, worker process, local mirror)', function () {
  this.timeout(300_000);
  after(() => printFigures(SUITE));

  it('kill -9 of the worker while detail pages are in flight: the batch completes exactly once restarted', async () => {
    await runKillPoint(KILL_POINTS.find((point) => point.name === 'detail-window')!, SUITE);
  });

  it('429s with Retry-After, 503s and connection resets: every site completes, retries counted, Retry-After honoured', async () => {
    await runStorm(SMOKE_STORM, SUITE, 'smoke');
  });

  it('the Temporal server stopped mid-batch and started on the same database: the batch completes', async () => {
    await runServerRestart(17744, SUITE);
  });
});
