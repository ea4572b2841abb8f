import { strict as assert } from 'node:assert';
import { createBatch, getTransitions, taskId, transitionTask } from '../../../lib/store/batches';
import { openDatabase } from '../../../lib/store/database';
import { checkTransitionChain, isValidTransition } from '../../../lib/contract/statuses';

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

  it('records each change with its reason, ignores repeats and refuses invalid moves', () => {
    const db = openDatabase(':memory:');
    createBatch(db, {
      id: 'b',
      label: null,
      parentBatchId: null,
      sites: ['trovit'],
      detailSites: [],
      options: {},
      workflowId: 'batch-b',
    });
    const id = taskId('b', 'trovit', 'main');
    assert.equal(transitionTask(db, id, 'running', 'page 1'), 'changed');
    assert.equal(transitionTask(db, id, 'running', 'page 2'), 'unchanged');
    assert.equal(transitionTask(db, id, 'retrying', 'page 3 attempt 2'), 'changed');
    assert.equal(transitionTask(db, id, 'completed', 'done'), 'changed');
    assert.equal(transitionTask(db, id, 'running', 'late replay'), 'invalid');
    const chain = getTransitions(db, id);
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
    db.close();
  });
});
