import { strict as assert } from 'node:assert';
import { createBatch, getTasks, getTransitions, taskId, transitionTask } from '../../../../lib/store/batches';
import type { Db } from '../../../../lib/store/database';
import { recordPage } from '../../../../lib/store/pages';
import { checkTransitionChain, isValidTransition } from '../../../../lib/contract/statuses';
import { describeOnEachBackend } from '../../../support/store-backends';

describe('task states', () => {
  it('allows only the documented transitions', () => {
    assert.ok(isValidTransition('pending', 'running'));
    assert.ok(isValidTransition('running', 'retrying'));
    assert.ok(isValidTransition('retrying', 'running'));
    assert.ok(isValidTransition('retrying', 'failed'));
    assert.ok(!isValidTransition('completed', 'running'));
    assert.ok(!isValidTransition('pending', 'completed'));
    assert.ok(!isValidTransition('failed', 'retrying'));
  });
});

describeOnEachBackend('task states in the store', (backend) => {
  it('records each change with its reason, ignores repeats and refuses invalid moves', async () => {
    const db = await backend.open();
    try {
      await createBatch(db, {
        id: 'b',
        label: null,
        parentBatchId: null,
        sites: ['trovit'],
        detailSites: [],
        options: {},
        workflowId: 'batch-b',
      });
      const id = taskId('b', 'trovit', 'main');
      assert.equal(await transitionTask(db, id, 'running', 'page 1'), 'changed');
      assert.equal(await transitionTask(db, id, 'running', 'page 2'), 'unchanged');
      assert.equal(await transitionTask(db, id, 'retrying', 'page 3 attempt 2'), 'changed');
      assert.equal(await transitionTask(db, id, 'completed', 'done'), 'changed');
      assert.equal(await transitionTask(db, id, 'running', 'late replay'), 'invalid');
      const chain = await getTransitions(db, id);
      assert.deepEqual(
        chain.map((t) => `${t.from}>${t.to}:${t.reason}`),
        [
          'null>pending:planned',
          'pending>running:page 1',
          'running>retrying:page 3 attempt 2',
          'retrying>completed:done',
        ],
      );
      assert.deepEqual(checkTransitionChain(chain), []);
      assert.deepEqual(
        checkTransitionChain([
          { from: null, to: 'pending' },
          { from: 'pending', to: 'completed' },
        ]),
        ['#1: pending → completed is not allowed'],
      );
    } finally {
      await db.destroy();
    }
  });
});

describeOnEachBackend('retrying, as the store reads it', (backend) => {
  const batchId = 'r';
  const attempt = (url: string, n: number, errorType: string | null) => ({
    batchId,
    site: 'trovit',
    kind: 'listing' as const,
    url,
    attempt: n,
    statusCode: errorType === 'ServerError' ? 503 : 200,
    latencyMs: 1,
    bytes: 1,
    listings: 0,
    errorType,
    error: errorType && `${errorType}: no`,
  });
  const mainState = async (db: Db) => (await getTasks(db, batchId)).find((task) => task.kind === 'main')!.state;

  it('a running main task whose latest page attempt failed reads as retrying, and as running once a later attempt answers', async () => {
    const db = await backend.open();
    try {
      await createBatch(db, {
        id: batchId,
        label: null,
        parentBatchId: null,
        sites: ['trovit'],
        detailSites: ['trovit'],
        options: {},
        workflowId: 'batch-r',
      });
      const main = taskId(batchId, 'trovit', 'main');
      await recordPage(db, attempt('https://trovit/1', 1, 'ServerError'));
      assert.equal(await mainState(db), 'pending', 'a task not started yet is not retrying');
      await transitionTask(db, main, 'running', 'site workflow started');
      assert.equal(await mainState(db), 'retrying');
      assert.equal((await getTasks(db, batchId)).find((task) => task.kind === 'detail')!.state, 'pending');
      await recordPage(db, attempt('https://trovit/1', 2, null));
      assert.equal(await mainState(db), 'running', 'the second attempt answered');
      await recordPage(db, attempt('https://trovit/2', 1, 'RobotsDisallowedError'));
      assert.equal(await mainState(db), 'running', 'a refused page is skipped, not retried');
      await recordPage(db, attempt('https://trovit/4', 1, 'UnrecognisedMarkupError'));
      assert.equal(await mainState(db), 'running', 'a failure of a class that is not retryable is not retried');
      await recordPage(db, attempt('https://trovit/3', 1, 'ServerError'));
      assert.equal(await mainState(db), 'retrying');
      await transitionTask(db, main, 'failed', 'page failed after its retries');
      assert.equal(await mainState(db), 'failed', 'a task that ended reads as it ended');
      assert.deepEqual(
        (await getTransitions(db, main)).map((t) => t.to),
        ['pending', 'running', 'failed'],
        'reading writes nothing',
      );
    } finally {
      await db.destroy();
    }
  });
});
