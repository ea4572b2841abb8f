/**
 * The Temporal dev server stopped in the middle of a batch (SIGTERM, as `orchestrator server stop`
 * does) and started again on the same SQLite file: the batch completes with the same worker
 * process, SQLite exactly as the mirror served it. Once while results pages are fetched, once
 * while a window of detail pages is in flight. Uses dev servers of its own (ports 17745, 17746),
 * never the shared test server.
 */
import { printFigures } from '../support/reliability-figures';
import { runServerRestart } from '../support/reliability-scenarios';

const SUITE = 'server restart';

describe('Temporal server stopped mid-batch and started on the same database (own dev server, worker process, local mirror)', function () {
  this.timeout(300_000);
  after(() => printFigures(SUITE));

  it('stopped while results pages are fetched: the batch completes, nothing lost or duplicated', async () => {
    await runServerRestart(17745, SUITE, 'results pages');
  });

  it('stopped while a window of detail pages is in flight: the batch completes, nothing lost or duplicated', async () => {
    await runServerRestart(17746, SUITE, 'detail pages');
  });
});
