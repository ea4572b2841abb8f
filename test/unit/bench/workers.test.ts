/**
 * The bench's worker processes (bench/lib/workers.ts): a worker that stops before it polls is
 * reported with its own last words, as a plain message, and both of its output streams reach its log.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { spawnWorker, waitForPollers } from '../../../bench/lib/workers';
import { UserInputError } from '../../../lib/errors';

describe('bench worker processes', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'bench-workers-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('says why a worker stopped before it polled, in its own words, without a stack', async () => {
    const missing = join(dir, 'no-such-config.yaml');
    const worker = await spawnWorker(
      missing,
      'http://127.0.0.1:9',
      join(dir, 'worker.log'),
      join(dir, 'worker.mem.jsonl'),
    );
    const code = await worker.exited;
    assert.notEqual(code, 0);
    // The worker is gone before the first look at the server, so the client is never used: lazy, it never connects.
    const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:9' }) });
    await assert.rejects(
      waitForPollers(client, 'default', [{ name: 'q', type: 'workflow' }], [worker]),
      (error: Error) => {
        assert.ok(error instanceof UserInputError, String(error));
        assert.match(error.message, new RegExp(`worker ${worker.pid} exited with code ${code} before it polled`));
        assert.match(error.message, /no-such-config\.yaml: config file not found/);
        return true;
      },
    );
  });
});
