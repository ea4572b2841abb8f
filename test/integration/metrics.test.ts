/**
 * Worker metrics and logs, end to end: a real `orchestrator worker` process (the Temporal runtime
 * is process-wide and must be installed before any connection, so the worker gets a process of
 * its own) runs a batch against the local mirror, with one 503 on the way. Its Prometheus
 * endpoint then serves the SDK's metrics and the project's own with non-zero values, and its log
 * folder holds JSON lines from the worker and from the Temporal runtime.
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startBatch } from '../../client/batch-client';
import { loadConfig } from '../../lib/config/load';
import { loadStartUrls } from '../../lib/urls/start-urls';
import { startMirror, type MirrorServer } from '../../mirror/server';
import { BIN } from '../support/cli';
import { testServer, TEST_TEMPORAL_ADDRESS, TEST_UI_PORT } from '../support/temporal-server';
import { until } from '../support/wait';
import { writeTempConfig, type TempConfig } from '../support/temp-config';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** One Prometheus sample: name{labels} value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseMetrics(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line)!;
      const labels = Object.fromEntries(
        [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
      );
      return { name: match[1], labels, value: Number(match[3]) };
    });
}

function total(samples: Sample[], name: string, labels: Record<string, string>): number {
  return samples
    .filter(
      (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
    )
    .reduce((sum, sample) => sum + sample.value, 0);
}

describe('worker metrics and logs (a real worker process)', function () {
  this.timeout(240_000);
  let config: TempConfig;
  let mirror: MirrorServer;
  let worker: ChildProcess | undefined;
  let workerOutput = '';
  let metricsPort: number;
  const taskQueue = `test-metrics-${Date.now()}`;

  before(async () => {
    await testServer();
    metricsPort = await freePort();
    config = writeTempConfig(Number(TEST_TEMPORAL_ADDRESS.split(':')[1]), TEST_UI_PORT, (doc) => {
      doc.temporal = { ...doc.temporal, task_queue: taskQueue, embedded: false };
      doc.metrics = { prometheus_port: metricsPort };
      doc.logging = { ...doc.logging, level: 'info' };
      // The mirror is ours: no politeness waits; one quick retry after the planned 503.
      doc.defaults = {
        ...doc.defaults,
        rate_limit_seconds: 0,
        retry: { ...doc.defaults.retry, initial_interval: '200ms' },
      };
      doc.sites.mitula = { ...doc.sites.mitula, rate_limit_seconds: 0 };
      doc.security.rate_limiting.enable = false;
    });
    const appConfig = loadConfig({ path: config.path });
    const searches = Object.fromEntries(
      [...loadStartUrls(appConfig, ['mitula'])].map(([site, starts]) => [
        site,
        starts.map((start) => new URL(start.url).pathname + new URL(start.url).search),
      ]),
    );
    mirror = await startMirror({ pagesPerSearch: 1, searches });
    // The first page request answers 503: a retried attempt the error metric must count.
    mirror.setFaults('mitula', { status503: { burst: 1 } });
    worker = spawn(BIN, ['--config', config.path, 'worker'], {
      env: { ...process.env, ORCHESTRATOR_MIRROR_URL: mirror.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout!.on('data', (chunk) => (workerOutput += chunk));
    worker.stderr!.on('data', (chunk) => (workerOutput += chunk));
    await until('the worker to poll', () => (/task queues: /.test(workerOutput) ? true : null), {
      seen: () => workerOutput,
    });
  });

  after(async () => {
    if (worker && worker.exitCode === null) {
      worker.kill('SIGKILL');
      await new Promise((resolve) => worker!.once('exit', resolve));
    }
    await mirror?.close();
  });

  it('serves the SDK and project metrics after a batch, and stops gracefully on SIGTERM', async () => {
    assert.match(workerOutput, new RegExp(`Prometheus metrics on http://127\\.0\\.0\\.1:${metricsPort}/metrics`));
    const appConfig = { ...loadConfig({ path: config.path }), mirror: { url: mirror.url } };
    const connection = await Connection.connect({ address: TEST_TEMPORAL_ADDRESS });
    try {
      const client = new Client({ connection });
      const handle = await startBatch(
        client,
        appConfig,
        { sites: ['mitula'], maxPages: 1 },
        `batch-metrics-${Date.now()}`,
      );
      const result = await handle.result();
      assert.equal(result.status, 'completed', JSON.stringify(result.sites));
      const pages = result.sites[0].pages;
      const listings = result.sites[0].listings;
      assert.ok(pages >= 3 && listings > 0, `pages ${pages}, listings ${listings}`);

      const samples = parseMetrics(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text());
      const site = { site: 'mitula', taskQueue: `${taskQueue}-site-mitula` };
      assert.equal(total(samples, 'orchestrator_pages_fetched', { ...site, kind: 'listing', outcome: 'ok' }), pages);
      assert.equal(
        total(samples, 'orchestrator_pages_fetched', { ...site, kind: 'listing', outcome: 'error' }),
        1,
        'the 503 attempt',
      );
      assert.equal(total(samples, 'orchestrator_activity_errors', { ...site, error_class: 'ServerError' }), 1);
      assert.equal(total(samples, 'orchestrator_listings_upserted', { ...site, source: 'card' }), listings);
      assert.equal(total(samples, 'orchestrator_page_latency_count', { ...site, kind: 'listing' }), pages + 1);
      assert.ok(total(samples, 'orchestrator_page_latency_sum', { ...site, kind: 'listing' }) > 0);
      assert.ok(
        samples.some((s) => s.name === 'orchestrator_page_latency_bucket' && s.labels.le === '60000'),
        'the configured latency buckets',
      );
      assert.ok(total(samples, 'orchestrator_listings_new', site) > 0);
      // The SDK's own metrics on the same endpoint.
      assert.ok(
        total(samples, 'temporal_activity_execution_latency_count', { task_queue: `${taskQueue}-site-mitula` }) >=
          pages,
      );
      assert.ok(
        samples.some((s) => s.name === 'temporal_worker_task_slots_available' && s.labels.task_queue === taskQueue),
      );
    } finally {
      await connection.close();
    }

    worker!.kill('SIGTERM');
    const code = await until('the worker to exit', () => worker!.exitCode, {
      seen: () => workerOutput,
    });
    assert.equal(code, 0, workerOutput);
    assert.match(workerOutput, /worker stopped/);
  });

  it('wrote JSON log lines of the worker and of the Temporal runtime into the log folder', () => {
    const folder = join(config.dir, 'logs', 'worker');
    const files = readdirSync(folder);
    assert.ok(
      files.every((file) => /^worker\.\d{4}-\d{2}-\d{2}\.\d+\.log$/.test(file)),
      `${files}`,
    );
    const lines = files
      .flatMap((file) => readFileSync(join(folder, file), 'utf8').trimEnd().split('\n'))
      .map((line) => JSON.parse(line));
    assert.ok(
      lines.every(
        (line) => typeof line.time === 'string' && typeof line.level === 'string' && line.process === 'worker',
      ),
    );
    assert.ok(lines.some((line) => line.msg === 'Prometheus metrics on /metrics' && line.port === metricsPort));
    assert.ok(
      lines.some((line) => /task queues: /.test(line.msg)),
      "the worker command's own lines",
    );
    // The runtime's lines: worker state changes at info, the 503 attempt at warn, with its error.
    assert.ok(
      lines.some((line) => line.sdkComponent === 'worker' && /state/i.test(line.msg)),
      'worker state from the SDK',
    );
    const failed = lines.find((line) => line.level === 'warn' && /Activity failed/i.test(line.msg));
    assert.ok(failed, `an "Activity failed" warning among:\n${lines.map((l) => `${l.level} ${l.msg}`).join('\n')}`);
    assert.match(JSON.stringify(failed), /503/);
  });

  it("logged the worker command in the CLI's log, as every command, from the worker's own entry", () => {
    const folder = join(config.dir, 'logs', 'cli');
    const lines = readdirSync(folder)
      .flatMap((file) => readFileSync(join(folder, file), 'utf8').trimEnd().split('\n'))
      .map((line) => JSON.parse(line));
    const started = lines.find((line) => line.msg === 'command started' && line.command === 'worker');
    assert.ok(started, lines.map((line) => line.msg).join('\n'));
    assert.equal(started.globals.config, config.path);
    assert.ok(lines.some((line) => line.msg === 'command finished' && line.exitCode === 0 && line.pid === started.pid));
  });
});
