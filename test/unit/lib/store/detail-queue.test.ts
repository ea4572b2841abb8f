/** Failing what is left of a detail window leaves the entries already handled alone. */
import { strict as assert } from 'node:assert';
import {
  detailCounts,
  enqueueDetails,
  failPendingDetails,
  finishDetail,
  pendingDetails,
} from '../../../../lib/store/detail-queue';
import { describeOnEachBackend } from '../../../support/store-backends';

describeOnEachBackend('detail queue', (backend) => {
  it('fails only the pending entries of the given window and says how many', async () => {
    const db = await backend.open();
    try {
      await enqueueDetails(
        db,
        'b1',
        'lamudi',
        [1, 2, 3, 4, 5].map((n) => ({ url: `https://www.lamudi.com.mx/detalle/${n}`, externalId: null })),
      );
      const [a, b, c, d, e] = (await pendingDetails(db, 'b1', 'lamudi', 0, 10)).map((entry) => entry.seq);
      await finishDetail(db, a, 'done');
      await finishDetail(db, b, 'skipped', 'gone');
      assert.equal(await failPendingDetails(db, [a, b, c, d], 'ServerError: 503'), 2);
      assert.deepEqual(await detailCounts(db, 'b1', 'lamudi'), { pending: 1, done: 1, failed: 2, skipped: 1 });
      assert.deepEqual(
        (await pendingDetails(db, 'b1', 'lamudi', 0, 10)).map((entry) => entry.seq),
        [e],
      );
      assert.equal(await failPendingDetails(db, [], 'x'), 0);
    } finally {
      await db.destroy();
    }
  });
});
