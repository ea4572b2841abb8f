/**
 * Recorded histories of the batch, site and detail workflows replay against the current workflow
 * code without nondeterminism: a change that would break running batches fails here, no server needed.
 * Refresh the fixtures with `RECORD_HISTORIES=1 npx mocha test/integration/batch.test.ts`; keep
 * older ones, in a folder of their own, for as long as batches recorded like them may still be
 * open when a new version starts (README, Upgrading).
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { historyFromFixture } from '../../support/history-fixtures';

const dir = join(__dirname, '..', '..', 'fixtures', 'histories');

describe('replay of recorded workflow histories', function () {
  this.timeout(120_000);
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.json'));

  it('has a recorded history of each workflow type from the current code', () => {
    const types = files
      .filter((file) => dirname(file) === '.')
      .map(
        (file) =>
          historyFromFixture(readFileSync(join(dir, file), 'utf8')).history.events[0]
            .workflowExecutionStartedEventAttributes!.workflowType!.name,
      );
    assert.deepEqual([...new Set(types)].sort(), ['batchWorkflow', 'detailWorkflow', 'siteWorkflow']);
  });

  it('replays every recorded history without nondeterminism', async () => {
    const histories = files.map((file) => historyFromFixture(readFileSync(join(dir, file), 'utf8')));
    let replayed = 0;
    for await (const result of Worker.runReplayHistories(
      { workflowsPath: require.resolve('../../../workflows') },
      histories,
    )) {
      assert.equal(result.error, undefined, `${result.workflowId}: ${result.error}`);
      replayed++;
    }
    assert.equal(replayed, files.length);
  });
});
