/**
 * How `orchestrator worker` is launched: the launcher finds the command behind the global options,
 * and the settings cap the heap at max_memory_mb and point the worker at a prebuilt bundle.
 */
import { strict as assert } from 'node:assert';
import { readFileSync, rmSync } from 'node:fs';
import { loadConfig } from '../../../lib/config/load';
import { heapLimitFlag, workerLaunchSettings, WORKFLOW_BUNDLE_ENV } from '../../../workers/launch-settings';
import { testConfig } from '../../support/test-config';

// Plain JavaScript, loaded before anything else by bin/orchestrator.js.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- plain JavaScript without types
const { commandLine } = require('../../../bin/worker-launcher.js') as {
  commandLine(args: string[]): {
    globals: { config?: string; mirror?: boolean };
    command: string | null;
    rest: string[];
  };
};

describe('worker launch settings', function () {
  this.timeout(60_000);

  it('finds the command behind the global options, in both spellings of --config', () => {
    assert.deepEqual(commandLine(['--config', 'my.yaml', '--mirror', 'worker', '--help']), {
      globals: { config: 'my.yaml', mirror: true },
      command: 'worker',
      rest: ['--help'],
    });
    assert.deepEqual(commandLine(['--config=my.yaml', 'run', '--sites', 'worker']), {
      globals: { config: 'my.yaml' },
      command: 'run',
      rest: ['--sites', 'worker'],
    });
    assert.deepEqual(commandLine(['--mirror']), { globals: { mirror: true }, command: null, rest: [] });
  });

  it('caps the heap at max_memory_mb only when the current limit is above it (plus the young generation)', () => {
    const base = loadConfig({ env: {} });
    const config = {
      ...base,
      security: { ...base.security, systemLimits: { ...base.security.systemLimits, maxMemoryMb: 300 } },
    };
    assert.equal(heapLimitFlag(config, 4144), '--max-old-space-size=300');
    assert.equal(heapLimitFlag(config, 364), null);
    assert.equal(heapLimitFlag(config, 365), '--max-old-space-size=300');
  });

  it('builds the workflow bundle into storage.temp_dir, named by its content, and hands it on', async () => {
    const config = testConfig({ taskQueue: 'unit-launch-settings' });
    const first = await workerLaunchSettings(config);
    const second = await workerLaunchSettings(config);
    const bundle = first.env[WORKFLOW_BUNDLE_ENV];
    try {
      assert.ok(bundle.startsWith(config.storage.tempDir), bundle);
      assert.equal(second.env[WORKFLOW_BUNDLE_ENV], bundle, 'the same code gives the same file');
      assert.match(readFileSync(bundle, 'utf8'), /batchWorkflow/);
      assert.ok(
        first.nodeFlags.some((flag) => flag.startsWith('--max-old-space-size=')),
        `this test process has a larger heap than ${config.security.systemLimits.maxMemoryMb} MB: ${first.nodeFlags}`,
      );
      assert.equal(first.env.MALLOC_ARENA_MAX, process.env.MALLOC_ARENA_MAX ?? '2');
    } finally {
      rmSync(config.storage.tempDir, { recursive: true, force: true });
    }
  });
});
