/**
 * A rate-limited site runs windows of pages, and the store's pace row keeps its spacing: a batch of
 * Mitula (a results walk of 20 pages) and Lamudi (2 results pages and their detail pages), both
 * limited to one request per SPACING_MS, on a real dev server against the local mirror. The site
 * workflow's history holds a few events per page (one page per activity cost about 7.9), and the
 * mirror's own log shows no two requests of a site closer than the spacing, less timer slack, and
 * at most k + 1 of them in any k spacings.
 */
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { startBatch } from '../../client/batch-client';
import { detailWorkflowId, siteWorkflowId } from '../../lib/contract/names';
import { loadConfig } from '../../lib/config/load';
import { startMirror, type MirrorServer } from '../../mirror/server';
import { installRuntime } from '../../workers/runtime';
import { createWorkers, type OrchestratorWorkers } from '../../workers/worker';
import { writeTempConfig } from '../support/temp-config';
import { testServer, TEST_TEMPORAL_ADDRESS } from '../support/temporal-server';
import { maxInAnyWindow } from '../../bench/lib/stats';

const SPACING_MS = 300;
/**
 * How much closer than the spacing two arrivals at the mirror may be. A request leaves when its
 * slot's timer fires and the process gets round to sending it: here one event loop runs both
 * sites' fetchers and parsers, the workers' activity plumbing and the mirror, on a shared two-core
 * machine, and a request sent while another page is being parsed leaves that much later (measured:
 * up to 62 ms with a benchmark running beside, load average 3.5 to 7; often the first page of a
 * window or of the detail walk). The punctual request after it then comes that much closer. Slots themselves never come closer than the spacing
 * (test/unit/lib/store/site-pace.test.ts), and the windows of k spacings below hold regardless.
 */
const SLACK_MS = 100;
const RESULTS_PAGES = 20;
/** The cost of a results page when each was an activity of its own (README, Performance). */
const ONE_PAGE_PER_ACTIVITY_EVENTS = 7.9;

describe('rate-limited sites run windows of pages, spaced by the pace row (real dev server, local mirror)', function () {
  this.timeout(300_000);
  let mirror: MirrorServer;
  let workers: OrchestratorWorkers | undefined;
  let running: Promise<void> | undefined;
  let connection: Connection | undefined;
  let native: NativeConnection | undefined;

  after(async () => {
    workers?.shutdown();
    await running;
    await native?.close();
    await connection?.close();
    await mirror?.close();
  });

  it('walks several results pages per activity, and no two requests of a site come closer than the spacing', async () => {
    await testServer();
    const mitulaSearch = '/casas/venta-zapopan-jalisco';
    const lamudiSearch = '/jalisco/zapopan/casa/for-sale/';
    mirror = await startMirror({
      pagesPerSearch: RESULTS_PAGES,
      searches: { mitula: [mitulaSearch], lamudi: [lamudiSearch] },
    });
    const temp = writeTempConfig(17998, 18998, (doc) => {
      doc.temporal.address = TEST_TEMPORAL_ADDRESS;
      doc.temporal.task_queue = `test-paced-${Date.now()}`;
      doc.temporal.embedded = false;
      doc.mirror.url = mirror.url;
      // Only the pace under test: no per-process requests-per-minute cap on top.
      doc.security.rate_limiting.enable = false;
      doc.sites.mitula.rate_limit_seconds = SPACING_MS / 1000;
      doc.sites.lamudi.rate_limit_seconds = SPACING_MS / 1000;
    });
    writeFileSync(`${temp.dir}/mitula.csv`, `url,max_pages\nhttps://casas.mitula.mx${mitulaSearch},${RESULTS_PAGES}\n`);
    writeFileSync(`${temp.dir}/lamudi.csv`, `url,max_pages\nhttps://www.lamudi.com.mx${lamudiSearch},2\n`);
    const loaded = loadConfig({ path: temp.path });
    const config = {
      ...loaded,
      sites: loaded.sites.filter((s) => s.key === 'mitula' || s.key === 'lamudi'),
      storage: { ...loaded.storage, urlsDir: temp.dir },
    };

    installRuntime(config);
    native = await NativeConnection.connect({ address: TEST_TEMPORAL_ADDRESS });
    workers = await createWorkers(config, { connection: native });
    running = workers.run();
    connection = await Connection.connect({ address: TEST_TEMPORAL_ADDRESS });
    const client = new Client({ connection });

    mirror.resetLog();
    const workflowId = `batch-it-paced-${Date.now()}`;
    const handle = await startBatch(client, config, { sites: ['mitula', 'lamudi'] }, workflowId);
    const result = await handle.result();
    assert.equal(result.status, 'completed', JSON.stringify(result.sites));

    // The results walk: several pages per activity, a few events per page.
    const siteHistory = await client.workflow.getHandle(siteWorkflowId(workflowId, 'mitula')).fetchHistory();
    const windows = siteHistory.events!.filter((event) => event.activityTaskScheduledEventAttributes);
    const walks = windows.filter(
      (event) => event.activityTaskScheduledEventAttributes!.activityType!.name === 'scrapeListingPages',
    );
    const eventsPerPage = siteHistory.events!.length / RESULTS_PAGES;
    const detailHistory = await client.workflow.getHandle(detailWorkflowId(workflowId, 'lamudi')).fetchHistory();
    const detailWindows = detailHistory.events!.filter(
      (event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'scrapeDetailPages',
    ).length;

    const seen = ['mitula', 'lamudi'].map((site) => {
      const times = mirror
        .requestLog(site)
        .map((entry) => entry.time)
        .sort((a, b) => a - b);
      const gaps = times.slice(1).map((time, i) => time - times[i]);
      const spanMs = times[times.length - 1] - times[0];
      return {
        site,
        requests: times.length,
        spanMs,
        closest: [...gaps].sort((a, b) => a - b).slice(0, 3),
        windows: [1, 2, 5, 10].map((k) => ({ k, most: maxInAnyWindow(times, k * SPACING_MS) })),
      };
    });
    console.log(
      `      mitula: ${RESULTS_PAGES} results pages in ${walks.length} activities, ${siteHistory.events!.length} events (${eventsPerPage.toFixed(2)} per page); ` +
        `lamudi: ${result.sites.find((s) => s.site === 'lamudi')?.detail?.done} detail pages in ${detailWindows} activities`,
    );
    for (const { site, requests, spanMs, closest, windows: counts } of seen)
      console.log(
        `      ${site}: ${requests} requests (robots.txt included) in ${(spanMs / 1000).toFixed(1)} s, ` +
          `${((requests - 1) / (spanMs / SPACING_MS)).toFixed(3)} of the allowed rate; closest gaps ${closest.map((gap) => gap.toFixed(1)).join(', ')} ms; ` +
          counts.map(({ k, most }) => `at most ${most} in ${k} spacings`).join(', '),
      );
    for (const { site, closest, windows: counts } of seen) {
      assert.ok(closest[0] >= SPACING_MS - SLACK_MS, `${site}: two requests ${closest[0].toFixed(1)} ms apart`);
      for (const { k, most } of counts)
        assert.ok(most <= k + 1, `${site}: ${most} requests within ${k} spacings, where the pace allows ${k + 1}`);
    }
    assert.ok(walks.length <= RESULTS_PAGES / 4, `${walks.length} activities for ${RESULTS_PAGES} pages`);
    assert.ok(
      eventsPerPage < ONE_PAGE_PER_ACTIVITY_EVENTS / 2,
      `${eventsPerPage.toFixed(2)} history events per results page`,
    );
  });
});
