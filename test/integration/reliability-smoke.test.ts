/**
 * The reliability suite in brief, inside `npm test` (the whole of it is `npm run test:reliability`,
 * see RELIABILITY.md): `orchestrator worker` killed with SIGKILL while a window of detail pages is
 * in flight, and a storm of transient faults (429s with Retry-After, a burst of 503s, connection
 * resets). The server restart runs in the full suite only (test/reliability/server-restart.test.ts):
 * its wait for the worker to notice the outage reads the SDK's log wording and timed out once on a
 * loaded machine, which must not turn CI red. Each batch must
 * complete with SQLite exactly as the mirror served it: no listing lost or duplicated, no page
 * missing, every task through valid transitions.
 */
import { KILL_POINTS, runKillPoint, runStorm, SMOKE_STORM } from '../support/reliability-scenarios';
import { printFigures } from '../support/reliability-figures';

const SUITE = 'smoke';

describe('reliability smoke: crash and fault storm (real dev server, worker process, local mirror)', function () {
  this.timeout(300_000);
  after(() => printFigures(SUITE));

  it('kill -9 of the worker while detail pages are in flight: the batch completes exactly once restarted', async () => {
    await runKillPoint(
      KILL_POINTS.find((point) => point.name === 'detail-window')!,
      SUITE,
    );
  });

  it('429s with Retry-After, 503s and connection resets: every site completes, retries counted, Retry-After honoured', async () => {
    await runStorm(SMOKE_STORM, SUITE, 'smoke');
  });
});
