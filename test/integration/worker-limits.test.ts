/**
 * The configured system limits hold: the worker's heap is capped at
 * security.system_limits.max_memory_mb, and a site whose scraping outlasts max_execution_time
 * fails alone, with its task failed and the reason recorded.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { getTasks, getTransitions } from '../../lib/store/batches';
import { openDatabase } from '../../lib/store/database';
import { checkTransitionChain } from '../../lib/contract/statuses';
import { startBatchHarness } from '../support/batch-harness';
import { BIN } from '../support/cli';
import { writeTempConfig } from '../support/temp-config';
import { testServer, TEST_TEMPORAL_ADDRESS } from '../support/temporal-server';

describe('system limits (real dev server)', function () {
  this.timeout(180_000);
  before(() => testServer());

  it('runs the worker under the configured heap limit', async () => {
    const temp = writeTempConfig(17998, 18998, (doc) => {
      doc.temporal.address = TEST_TEMPORAL_ADDRESS;
      doc.temporal.task_queue = `test-heap-${Date.now()}`;
      doc.security.system_limits.max_memory_mb = 256;
      doc.metrics.prometheus_port = null;
    });
    const worker = spawn(BIN, ['--config', temp.path, 'worker'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const limit = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start-up line: ${output}`)), 120_000);
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /heap limit (\d+) MB/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      };
      worker.stdout.on('data', read);
      worker.stderr.on('data', read);
      worker.on('exit', (code) => reject(new Error(`worker exited with ${code}: ${output}`)));
    });
    // bin/orchestrator execed Node with the flag: the process started is the worker, not a launcher of it.
    const commandLine = readFileSync(`/proc/${worker.pid}/cmdline`, 'utf8').split('\0');
    const exited = new Promise((resolve) => worker.on('exit', resolve));
    worker.kill('SIGTERM');
    await exited;
    assert.ok(limit <= 256 + 64, `heap limit ${limit} MB`);
    assert.ok(commandLine.includes('--max-old-space-size=256'), commandLine.join(' '));
  });

  it('fails a site that outlasts max_execution_time; the others complete', async () => {
    const harness = await startBatchHarness({
      taskQueue: `test-exec-limit-${Date.now()}`,
      sites: ['trovit', 'mitula'],
      pagesPerSearch: 1,
      edit: (config) => ({
        ...config,
        security: { ...config.security, systemLimits: { ...config.security.systemLimits, maxExecutionTimeMs: 8000 } },
      }),
    });
    try {
      harness.mirror.setFaults('trovit', { slowMs: 4000 });
      const result = await harness.runBatch('batch-it-exec-limit', { sites: ['trovit', 'mitula'] });
      assert.equal(result.status, 'completed_with_errors');
      const trovit = result.sites.find((s) => s.site === 'trovit')!;
      assert.equal(trovit.state, 'failed');
      assert.match(trovit.error ?? '', /timed out|timeout/i);
      assert.equal(result.sites.find((s) => s.site === 'mitula')!.state, 'completed');
      const db = await openDatabase(harness.config.storage.database);
      try {
        const task = (await getTasks(db, 'it-exec-limit')).find((t) => t.site === 'trovit' && t.kind === 'main')!;
        assert.equal(task.state, 'failed');
        assert.deepEqual(checkTransitionChain(await getTransitions(db, task.id)), []);
      } finally {
        await db.destroy();
      }
    } finally {
      await harness.close();
    }
  });
});
