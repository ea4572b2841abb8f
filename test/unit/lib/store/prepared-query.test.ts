/** A query built once with slots runs with each call's values, in the store or in a transaction. */
import { strict as assert } from 'node:assert';
import { inTransaction } from '../../../../lib/store/database';
import { prepareQuery } from '../../../../lib/store/prepared-query';
import type { BatchStatus } from '../../../../lib/contract/statuses';
import { describeOnEachBackend } from '../../../support/store-backends';

describeOnEachBackend('prepared queries', (backend) => {
  let builds = 0;
  type NewBatch = { id: string; label: string | null; status: BatchStatus; createdAt: string };
  const insertBatch = prepareQuery((db, batch: NewBatch) => {
    builds++;
    return db.insertInto('batches').values({
      id: batch.id,
      label: batch.label,
      status: batch.status,
      sites: '[]',
      options: '{}',
      created_at: batch.createdAt,
    });
  });
  const batchesWithStatus = prepareQuery((db, filter: { status: BatchStatus }) =>
    db.selectFrom('batches').select('id').where('status', '=', filter.status).orderBy('id'),
  );

  it('builds once per backend and binds each run its own values, NULL included', async () => {
    const db = await backend.open();
    try {
      const before = builds;
      await insertBatch.execute(db, { id: 'b1', label: 'daily', status: 'running', createdAt: '2026-12-04T10:00:00Z' });
      await insertBatch.execute(db, { id: 'b2', label: null, status: 'completed', createdAt: '2026-12-04T11:00:00Z' });
      await inTransaction(db, (trx) =>
        insertBatch.execute(trx, { id: 'b3', label: 'again', status: 'running', createdAt: '2026-12-04T12:00:00Z' }),
      );
      assert.equal(builds - before, 1, 'built once for three runs');
      const running = await batchesWithStatus.execute(db, { status: 'running' });
      assert.deepEqual(
        running.rows.map((row) => row.id),
        ['b1', 'b3'],
      );
      const rows = await db.selectFrom('batches').select(['id', 'label', 'created_at']).orderBy('id').execute();
      assert.deepEqual(rows, [
        { id: 'b1', label: 'daily', created_at: '2026-12-04T10:00:00Z' },
        { id: 'b2', label: null, created_at: '2026-12-04T11:00:00Z' },
        { id: 'b3', label: 'again', created_at: '2026-12-04T12:00:00Z' },
      ]);
    } finally {
      await db.destroy();
    }
  });

  it('refuses a run that leaves a value out, and a builder that takes the values whole', async () => {
    const db = await backend.open();
    try {
      await assert.rejects(
        insertBatch.execute(db, { id: 'b1', label: null, status: 'running' } as never),
        /no value for "createdAt"/,
      );
      type Row = { id: string; status: BatchStatus; sites: string; options: string; created_at: string };
      const whole = prepareQuery((trx, row: Row) => trx.insertInto('batches').values(row));
      await assert.rejects(
        whole.execute(db, { id: 'b1', status: 'running', sites: '[]', options: '{}', created_at: 'x' }),
        /name each value/,
      );
      assert.equal((await db.selectFrom('batches').select('id').execute()).length, 0, 'nothing written');
    } finally {
      await db.destroy();
    }
  });
});
