/** Failing what is left of a detail window leaves the entries already handled alone. */
import { strict as assert } from 'node:assert';
import { openDatabase } from '../../../../lib/store/database';
import {
  detailCounts,
  enqueueDetails,
  failPendingDetails,
  finishDetail,
  pendingDetails,
} from '../../../../lib/store/detail-queue';

describe('detail queue', () => {
  it('fails only the pending entries of the given window and says how many', () => {
    const db = openDatabase(':memory:');
    enqueueDetails(
      db,
      'b1',
      'lamudi',
      [1, 2, 3, 4, 5].map((n) => ({ url: `https://www.lamudi.com.mx/detalle/${n}`, externalId: null })),
    );
    const [a, b, c, d, e] = pendingDetails(db, 'b1', 'lamudi', 0, 10).map((entry) => entry.seq);
    finishDetail(db, a, 'done');
    finishDetail(db, b, 'skipped', 'gone');
    assert.equal(failPendingDetails(db, [a, b, c, d], 'ServerError: 503'), 2);
    assert.deepEqual(detailCounts(db, 'b1', 'lamudi'), { pending: 1, done: 1, failed: 2, skipped: 1 });
    assert.deepEqual(
      pendingDetails(db, 'b1', 'lamudi', 0, 10).map((entry) => entry.seq),
      [e],
    );
    assert.equal(failPendingDetails(db, [], 'x'), 0);
    db.close();
  });
});
