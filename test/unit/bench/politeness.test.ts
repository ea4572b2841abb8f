/**
 * The politeness run's arithmetic (bench/lib/politeness.ts): the most requests one site got in any
 * 1-second window, the gaps between requests, the ceiling ratio, which requests count as pages,
 * and the bench config it writes (the product's limits kept on, the generic sites on).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ceilingRatioOf, gapsBetween, pageRequestsIn, writePolitenessConfig } from '../../../bench/lib/politeness';
import { maxInAnyWindow } from '../../../bench/lib/stats';
import { genericPortals } from '../../../mirror/sites/generic-portals';
import type { RequestLogEntry } from '../../../mirror/server';

describe('politeness run arithmetic', () => {
  it('maxInAnyWindow counts the most times in one half-open window, in any order', () => {
    assert.equal(maxInAnyWindow([], 1000), 0);
    assert.equal(maxInAnyWindow([5], 1000), 1);
    // Spaced exactly 500 ms: two per second, the third starts the next window.
    assert.equal(maxInAnyWindow([0, 500, 1000, 1500, 2000], 1000), 2);
    // Out of order, with a burst of three inside 999 ms.
    assert.equal(maxInAnyWindow([3000, 0, 999, 2500, 1, 6000], 1000), 3);
    assert.equal(maxInAnyWindow([0, 0, 0], 1000), 3);
    assert.throws(() => maxInAnyWindow([1], 0), /windowMs must be a number > 0, got 0/);
  });

  it('gapsBetween gives the spacing in time order', () => {
    assert.deepEqual(gapsBetween([]), []);
    assert.deepEqual(gapsBetween([10]), []);
    assert.deepEqual(gapsBetween([1500, 0, 510]), [510, 990]);
  });

  it('ceilingRatioOf divides by sites × rate × seconds', () => {
    assert.equal(ceilingRatioOf(4560, 20, 2, 120), 0.95);
    assert.equal(ceilingRatioOf(0, 20, 2, 120), 0);
    assert.throws(() => ceilingRatioOf(10, 0, 2, 120), /allowed pages must be > 0, got 0 × 2 × 120/);
  });

  it('pageRequestsIn keeps the pages of known sites in [from, to), not robots.txt or unknown hosts', () => {
    const entry = (time: number, site: string | null, path: string): RequestLogEntry => ({
      time,
      site,
      host: site ? `www.${site}.example.mx` : 'other.example',
      method: 'GET',
      path,
      status: 200,
    });
    const log = [
      entry(99, 'portal01', '/casas-en-venta/zapopan'),
      entry(100, 'portal01', '/robots.txt'),
      entry(100, 'portal01', '/casas-en-venta/zapopan?pagina=2'),
      entry(150, null, '/casas-en-venta/zapopan'),
      entry(199.9, 'portal02', '/casas-en-venta/zapopan'),
      entry(200, 'portal02', '/casas-en-venta/zapopan?pagina=2'),
    ];
    assert.deepEqual(
      pageRequestsIn(log, 100, 200).map((e) => [e.time, e.site]),
      [
        [100, 'portal01'],
        [199.9, 'portal02'],
      ],
    );
  });

  it('writePolitenessConfig keeps the limits on and sets each generic site to the rate', () => {
    const dir = mkdtempSync(join(tmpdir(), 'politeness-config-'));
    try {
      const sites = genericPortals(3);
      const bench = writePolitenessConfig(dir, {
        address: '127.0.0.1:17934',
        taskQueue: 'bench-politeness-test',
        sites,
        pagesPerSecond: 2,
        maxPages: 300,
      });
      const enabled = bench.config.sites.filter((site) => site.enabled);
      assert.deepEqual(
        enabled.map((site) => [site.key, site.adapter, site.fetcher, site.rateLimitSeconds, site.baseUrl]),
        [
          ['portal01', 'generic', 'http', 0.5, 'https://www.portal01.example.mx'],
          ['portal02', 'generic', 'http', 0.5, 'https://www.portal02.example.mx'],
          ['portal03', 'generic', 'http', 0.5, 'https://www.portal03.example.mx'],
        ],
      );
      assert.equal(bench.config.sites.length, 9, 'the six built-in portals are there, disabled');
      assert.deepEqual(bench.config.security.rateLimiting, { enable: true, requestsPerMinute: 120, burstLimit: 5 });
      assert.equal(bench.config.batch.maxParallelSites, 3);
      assert.equal(
        readFileSync(join(dir, 'urls', 'portal02.csv'), 'utf8'),
        'url,max_pages\nhttps://www.portal02.example.mx/casas-en-venta/zapopan,300\n',
      );
      assert.throws(
        () =>
          writePolitenessConfig(dir, {
            address: '127.0.0.1:17934',
            taskQueue: 'q',
            sites,
            pagesPerSecond: 0,
            maxPages: 1,
          }),
        /pagesPerSecond must be a number > 0, got 0/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
