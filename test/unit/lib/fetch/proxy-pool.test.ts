import assert from 'node:assert/strict';
import { ProxyPool } from '../../../../lib/fetch/proxy-pool';

const A = 'http://user:secret@proxy-a.example:8000';
const B = 'http://proxy-b.example:8000';
const C = 'http://proxy-c.example:8000';

/** A pool on a clock the test moves by hand. */
function poolOf(tiers: string[][], restMs = 60_000) {
  const clock = { now: 1_000 };
  return { pool: new ProxyPool({ tiers, restMs }, () => clock.now), clock };
}

describe('ProxyPool', () => {
  it('keeps a session on its proxy, and spreads new sessions over the proxies', () => {
    const { pool } = poolOf([[A, B]]);
    const first = pool.proxyFor('lamudi#0');
    for (let i = 0; i < 5; i++) assert.equal(pool.proxyFor('lamudi#0'), first);
    const second = pool.proxyFor('inmuebles24#0');
    assert.notEqual(second, first);
    assert.deepEqual(new Set([first, second]), new Set([A, B]));
  });

  it('moves a session to another proxy after a block, and rests the blocked one', () => {
    const { pool } = poolOf([[A, B]]);
    const first = pool.proxyFor('s');
    pool.reportTrouble('s', first);
    assert.equal(pool.resting(first), true);
    const next = pool.proxyFor('s');
    assert.notEqual(next, first);
    // A new session does not get the resting proxy either.
    assert.equal(pool.proxyFor('other'), next);
  });

  it('lets a proxy back in once it has rested rest_seconds, not before', () => {
    const { pool, clock } = poolOf([[A, B]], 30_000);
    pool.reportTrouble('s', A);
    clock.now += 29_999;
    assert.equal(pool.resting(A), true);
    assert.equal(pool.proxyFor('t'), B);
    clock.now += 1;
    assert.equal(pool.resting(A), false);
    assert.equal(pool.proxyFor('u'), A, 'the recovered proxy has no session, so it is chosen');
  });

  it('moves a session off its proxy when another session made that proxy rest', () => {
    const { pool } = poolOf([[A, B]]);
    assert.equal(pool.proxyFor('s'), A);
    pool.reportTrouble('t', A);
    assert.equal(pool.proxyFor('s'), B);
  });

  it('starts on the cheapest tier, goes up when the tier is all resting, and comes back after the rest', () => {
    const { pool, clock } = poolOf([[A, B], [C]], 10_000);
    assert.notEqual(pool.proxyFor('s1'), C);
    assert.notEqual(pool.proxyFor('s2'), C);
    assert.notEqual(pool.proxyFor('s3'), C, 'a third session still shares the cheap tier');
    pool.reportTrouble('s1', A);
    pool.reportTrouble('s2', B);
    assert.equal(pool.proxyFor('s1'), C);
    assert.equal(pool.proxyFor('s3'), C, 'its proxy rests too');
    clock.now += 10_000;
    assert.notEqual(pool.proxyFor('new'), C, 'the cheap tier is back');
    assert.equal(pool.proxyFor('s1'), C, 'a session stays where it is while its proxy is healthy');
  });

  it('uses the proxy that recovers first when every proxy rests', () => {
    const { pool, clock } = poolOf([[A], [B]], 10_000);
    pool.reportTrouble('s', A);
    clock.now += 5_000;
    pool.reportTrouble('s', B);
    assert.equal(pool.proxyFor('s'), A);
  });

  it('shows proxies without their passwords', () => {
    const { pool } = poolOf([[A], [B]]);
    assert.deepEqual(pool.describe(), [
      { proxy: 'http://user:***@proxy-a.example:8000', tier: 0, resting: false },
      { proxy: 'http://proxy-b.example:8000', tier: 1, resting: false },
    ]);
  });

  it('refuses to start without a proxy', () => {
    assert.throws(() => new ProxyPool({ tiers: [[]], restMs: 1 }), /at least one proxy/);
  });
});
