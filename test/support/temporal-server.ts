/**
 * The real Temporal dev server for integration tests: started once per test run (or reused when
 * one already answers at the test address), through the same provisioning module as the CLI.
 * Never a mock.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { provisionTemporalCli } from '../../lib/temporal/cli-binary';
import { startDevServer, stopDevServer, type DevServerSettings } from '../../lib/temporal/dev-server';

export const TEST_TEMPORAL_ADDRESS = process.env.TEST_TEMPORAL_ADDRESS ?? '127.0.0.1:17233';
export const TEST_UI_PORT = Number(process.env.TEST_TEMPORAL_UI_PORT ?? 18233);

const settings: DevServerSettings = {
  address: TEST_TEMPORAL_ADDRESS,
  namespace: 'default',
  uiPort: TEST_UI_PORT,
  // In memory: each test run starts clean; tests that restart a server use their own file.
  dbFile: null,
  retentionHours: 24,
};

let started: Promise<{ stop(): Promise<void> }> | null = null;
const dir = mkdtempSync(join(tmpdir(), 'orchestrator-test-server-'));

export function testServer(): Promise<{ stop(): Promise<void> }> {
  started ??= (async () => {
    const cli = await provisionTemporalCli({ onProgress: (line) => console.error(line) });
    const files = { cliPath: cli.path, logFile: join(dir, 'temporal.log'), pidFile: join(dir, 'temporal.pid') };
    const result = await startDevServer(settings, files);
    return { stop: async () => void (result.reused ? undefined : await stopDevServer(settings, files)) };
  })();
  return started;
}

/** Root hook: stop the server after the whole run, if this run started it. */
export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    if (started) await (await started).stop();
  },
};
