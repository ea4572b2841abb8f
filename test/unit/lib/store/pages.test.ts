/** Attempts are numbered per page in a batch, whatever activity attempt fetched it. */
import { strict as assert } from 'node:assert';
import { nextAttempt, recordPage, type PageAttempt } from '../../../../lib/store/pages';
import { describeOnEachBackend } from '../../../support/store-backends';

describeOnEachBackend('page attempts', (backend) => {
  const page = { batchId: 'b1', site: 'lamudi', kind: 'listing' as const, url: 'https://www.lamudi.com.mx/jalisco/' };
  const row = (attempt: number, ok: boolean): PageAttempt => ({
    ...page,
    attempt,
    statusCode: ok ? 200 : 503,
    latencyMs: 10,
    bytes: 100,
    listings: ok ? 20 : 0,
    errorType: ok ? null : 'ServerError',
    error: ok ? null : '503',
  });

  it('counts the attempts recorded for the same page of the same batch, and no other', async () => {
    const db = await backend.open();
    try {
      assert.equal(await nextAttempt(db, page), 1);
      await recordPage(db, row(1, false));
      assert.equal(await nextAttempt(db, page), 2);
      await recordPage(db, row(2, true));
      assert.equal(await nextAttempt(db, page), 3);
      assert.equal(await nextAttempt(db, { ...page, url: `${page.url}?page=2` }), 1, 'another page');
      assert.equal(await nextAttempt(db, { ...page, batchId: 'b2' }), 1, 'another batch');
      assert.equal(await nextAttempt(db, { ...page, kind: 'detail' }), 1, 'another kind');
      // A replay of an attempt already recorded overwrites its row: the count does not grow.
      await recordPage(db, row(2, true));
      assert.equal(await nextAttempt(db, page), 3);
    } finally {
      await db.destroy();
    }
  });
});
