/**
 * A batch environment for integration tests: the real dev server, the local mirror serving the
 * shipped start URLs, real workers on a suite-unique task queue, and a Temporal client.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { writeStartUrls } from './temp-config';
import { dirname, join } from 'node:path';
import type { AppConfig } from '../../lib/config/types';
import type { ListingRecord } from '../../lib/record/listing-record';
import { loadStartUrls } from '../../lib/urls/start-urls';
import { startMirror, type MirrorServer } from '../../mirror/server';
import { installRuntime } from '../../workers/runtime';
import { createWorkers, type OrchestratorWorkers } from '../../workers/worker';
import { startBatch } from '../../client/batch-client';
import type { BatchInput, BatchResult } from '../../lib/contract/payloads';
import { expectedRecords } from './expected-records';
import { runScope, testServer, TEST_TEMPORAL_ADDRESS, whileOpening } from './temporal-server';
import { testConfig, type TestConfigOptions } from './test-config';

export interface BatchHarness {
  config: AppConfig;
  mirror: MirrorServer;
  client: Client;
  workers: OrchestratorWorkers;
  runBatch(id: string, input?: BatchInput): Promise<BatchResult>;
  /** The records a correct batch stores for a site: card records, merged with detail records where the site has them. */
  expectedRecords(site: string, maxPages?: number): ListingRecord[];
  /** The same, as the mirror served them at another epoch (before or after its changes). */
  expectedRecordsAt(epoch: number, site: string): ListingRecord[];
  close(): Promise<void>;
}

export interface HarnessOptions extends Omit<TestConfigOptions, 'mirrorUrl'> {
  pagesPerSearch?: number;
  /** Start URLs per site instead of the shipped urls/*.csv (written to a scratch urls folder). */
  startUrls?: Record<string, Array<{ url: string; maxPages: number }>>;
  /** Adjust the config before the workers start (rate limits, windows). */
  edit?: (config: AppConfig) => AppConfig;
}

export function startBatchHarness(options: HarnessOptions): Promise<BatchHarness> {
  // The run's end waits for a harness still opening (a before hook that timed out) before it closes anything.
  return whileOpening(openBatchHarness(options));
}

async function openBatchHarness(options: HarnessOptions): Promise<BatchHarness> {
  await testServer();
  let base = testConfig({ ...options, mirrorUrl: null });
  if (options.startUrls) {
    const urlsDir = join(dirname(base.storage.database), 'urls');
    writeStartUrls(urlsDir, options.startUrls);
    base = { ...base, storage: { ...base.storage, urlsDir } };
  }
  if (options.edit) base = options.edit(base);
  const searches: Record<string, string[]> = {};
  for (const [site, starts] of loadStartUrls(
    base,
    base.sites.map((s) => s.key),
  )) {
    searches[site] = starts.map((start) => new URL(start.url).pathname + new URL(start.url).search);
  }
  // Everything opened below is closed by close(), or by the run's end when a suite never gets to
  // call it (a before hook that timed out goes on opening things after mocha moved on).
  const opened = runScope(`the batch harness on task queue ${base.temporal.taskQueue}`);
  const mirror = await startMirror({ pagesPerSearch: options.pagesPerSearch ?? 2, searches });
  await opened.add(() => mirror.close());
  const config: AppConfig = { ...base, mirror: { url: mirror.url } };
  installRuntime(config); // before the first connection, which would create a default runtime
  const nativeConnection = await NativeConnection.connect({ address: TEST_TEMPORAL_ADDRESS });
  await opened.add(() => nativeConnection.close());
  const workers = await createWorkers(config, { connection: nativeConnection, liftRateLimits: true });
  const running = workers.run();
  await opened.add(async () => {
    workers.shutdown();
    await running;
  });
  const connection = await Connection.connect({ address: TEST_TEMPORAL_ADDRESS });
  await opened.add(() => connection.close());
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const startUrls = loadStartUrls(
    config,
    config.sites.map((s) => s.key),
  );

  const harness: BatchHarness = {
    config,
    mirror,
    client,
    workers,
    async runBatch(id, input = {}) {
      const handle = await startBatch(client, config, input, id);
      return handle.result();
    },
    expectedRecords(site, maxPages = Infinity) {
      return expectedRecords(mirror.catalog, site, startUrls.get(site) ?? [], maxPages);
    },
    expectedRecordsAt(epoch, site) {
      const current = mirror.catalog.epoch;
      mirror.catalog.setEpoch(epoch);
      try {
        return harness.expectedRecords(site);
      } finally {
        mirror.catalog.setEpoch(current);
      }
    },
    close: () => opened.closeAll(),
  };
  return harness;
}
