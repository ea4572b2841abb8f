/**
 * The durable batch end to end, on the real dev server against the local mirror: every site's
 * listings land in SQLite exactly as the mirror served them; a second batch sees exactly the
 * mirror's price changes and removals; a site that always answers 500 fails alone.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import { Worker } from '@temporalio/worker';
import { getBatch, getTasks, getTransitions } from '../../lib/store/batches';
import { openDatabase } from '../../lib/store/database';
import { getListings } from '../../lib/store/listings';
import { getSiteMetrics } from '../../lib/metrics/site-metrics';
import { checkTransitionChain } from '../../lib/contract/statuses';
import { startBatchHarness, type BatchHarness } from '../support/batch-harness';
import { historyToFixture } from '../support/history-fixtures';

const SITES = ['inmuebles24', 'casasyterrenos', 'lamudi', 'mitula', 'propiedades', 'trovit'];

describe('batch workflow (real Temporal dev server, local mirror)', function () {
  this.timeout(300_000);
  let harness: BatchHarness;
  let webhook: Server;
  const received: Array<Record<string, unknown>> = [];

  before(async () => {
    webhook = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        received.push(JSON.parse(body));
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    const webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hook`;
    harness = await startBatchHarness({ taskQueue: `test-batch-${Date.now()}`, webhookUrl, pagesPerSearch: 2 });
  });
  after(async () => {
    await harness?.close();
    webhook?.close();
  });

  it('scrapes all six sites into SQLite exactly as the mirror served them', async () => {
    const result = await harness.runBatch('batch-it-first');
    assert.equal(result.status, 'completed', JSON.stringify(result.sites));
    assert.equal(result.batchId, 'it-first');
    assert.deepEqual(result.sites.map((s) => s.site).sort(), [...SITES].sort());

    const db = await openDatabase(harness.config.storage.database);
    try {
      for (const site of SITES) {
        const expected = harness.expectedRecords(site);
        assert.ok(expected.length > 20, `${site}: the mirror served ${expected.length} listings`);
        assert.deepEqual(await getListings(db, site), expected, `${site}: stored listings differ from the mirror's`);
      }
      for (const task of await getTasks(db, 'it-first')) {
        assert.equal(task.state, 'completed', `${task.id} is ${task.state}`);
        assert.deepEqual(checkTransitionChain(await getTransitions(db, task.id)), [], task.id);
      }
      assert.equal((await getBatch(db, 'it-first'))!.status, 'completed');
      const metrics = await getSiteMetrics(db, 'it-first');
      assert.equal(metrics.length, 6);
      for (const m of metrics) {
        assert.equal(m.pagesFailed, 0);
        assert.equal(m.listingsNew, harness.expectedRecords(m.site).length);
        assert.ok(m.latencyP95Ms !== null && m.latencyP95Ms >= (m.latencyP50Ms ?? 0));
      }
      // The backup opens with the same row counts.
      const backups = readdirSync(harness.config.storage.backupsDir);
      const backupFile = backups.find((name) => name.endsWith('-it-first.db'));
      assert.ok(backupFile, `no backup in ${backups}`);
      const backup = new Database(`${harness.config.storage.backupsDir}/${backupFile}`, { readonly: true });
      for (const table of ['listings', 'pages', 'tasks', 'batch_listings'] as const) {
        const backupCount = (backup.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
        const storeCount = await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        assert.equal(backupCount, storeCount.n, table);
      }
      backup.close();
    } finally {
      await db.destroy();
    }
    const summary = received.find((message) => message.event === 'batch_end');
    assert.ok(summary, 'the webhook received the batch summary');
    assert.match(String(summary.text), /Batch it-first completed/);
  });

  it('replays the recorded batch, site and detail histories without nondeterminism', async () => {
    const ids = ['batch-it-first', 'batch-it-first/lamudi', 'batch-it-first/lamudi/detail'];
    const histories = await Promise.all(
      ids.map(async (workflowId) => ({
        workflowId,
        history: await harness.client.workflow.getHandle(workflowId).fetchHistory(),
      })),
    );
    if (process.env.RECORD_HISTORIES) {
      // `RECORD_HISTORIES=1 npx mocha test/integration/batch.test.ts` refreshes the fixtures that
      // test/unit/workflows/replay.test.ts replays on every run, without a server.
      const dir = join(__dirname, '..', 'fixtures', 'histories');
      mkdirSync(dir, { recursive: true });
      for (const { workflowId, history } of histories) {
        writeFileSync(
          join(dir, `${workflowId.replace(/^batch-it-first/, 'batch').replace(/\//g, '--')}.json`),
          historyToFixture(workflowId, history),
        );
      }
    }
    for await (const result of Worker.runReplayHistories(
      { workflowsPath: require.resolve('../../workflows') },
      histories,
    )) {
      assert.equal(result.error, undefined, `${result.workflowId}: ${result.error}`);
    }
  });

  it("reports exactly the mirror's price changes and removals in the next batch", async () => {
    harness.mirror.setEpoch(1);
    const result = await harness.runBatch('batch-it-second');
    assert.equal(result.status, 'completed');
    const db = await openDatabase(harness.config.storage.database);
    try {
      const metrics = new Map((await getSiteMetrics(db, 'it-second')).map((m) => [m.site, m]));
      for (const site of SITES) {
        const before = new Map(harness.expectedRecordsAt(0, site).map((r) => [r.externalId, r]));
        const after = harness.expectedRecords(site);
        const removed = [...before.keys()].filter((id) => !after.some((r) => r.externalId === id)).length;
        const priceChanges = after.filter(
          (r) => before.has(r.externalId) && before.get(r.externalId)!.price !== r.price,
        ).length;
        assert.ok(
          removed > 0 && priceChanges > 0,
          `${site}: the mirror changed nothing (removed ${removed}, prices ${priceChanges})`,
        );
        const m = metrics.get(site)!;
        assert.equal(m.listingsRemoved, removed, `${site} removed`);
        assert.equal(m.priceChanges, priceChanges, `${site} price changes`);
        const history = await db
          .selectFrom('price_history')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('site', '=', site)
          .where('batch_id', '=', 'it-second')
          .executeTakeFirstOrThrow();
        assert.equal(history.n, priceChanges);
      }
    } finally {
      await db.destroy();
    }
  });

  it('fails one site that always answers 500 after its declared attempts; the others complete', async () => {
    harness.mirror.setFaults('trovit', { status500Always: true });
    try {
      const result = await harness.runBatch('batch-it-500', { sites: ['trovit', 'mitula'], maxPages: 1 });
      assert.equal(result.status, 'completed_with_errors');
      assert.equal(result.sites.find((s) => s.site === 'trovit')!.state, 'failed');
      assert.equal(result.sites.find((s) => s.site === 'mitula')!.state, 'completed');
      const attempts = harness.mirror.requestLog('trovit').filter((entry) => entry.status === 500).length;
      const declared = harness.config.sites.find((s) => s.key === 'trovit')!.retry.maximumAttempts;
      assert.equal(attempts, declared, 'one request per declared attempt');
      const db = await openDatabase(harness.config.storage.database);
      try {
        const trovit = (await getTasks(db, 'it-500')).find((t) => t.site === 'trovit')!;
        assert.equal(trovit.state, 'failed');
        assert.deepEqual(checkTransitionChain(await getTransitions(db, trovit.id)), []);
        // The site workflow writes the task's states; the page activity only its attempts.
        assert.deepEqual(
          (await getTransitions(db, trovit.id)).map((t) => `${t.to}:${t.reason}`),
          ['pending:planned', 'running:site workflow started', 'failed:page failed after its retries'],
        );
        const rows = await db
          .selectFrom('pages')
          .select('attempt')
          .where('batch_id', '=', 'it-500')
          .where('site', '=', 'trovit')
          .orderBy('id')
          .execute();
        assert.deepEqual(
          rows.map((row) => row.attempt),
          Array.from({ length: declared }, (_, i) => i + 1),
          'one page row per attempt',
        );
      } finally {
        await db.destroy();
      }
      assert.ok(
        received.some((m) => m.event === 'alerts' && JSON.stringify(m.alerts).includes('site_failed')),
        'the alert was sent',
      );
    } finally {
      harness.mirror.clearFaults('trovit');
    }
  });
});
