/**
 * How `orchestrator worker` is launched: the command found behind the global options, the settings
 * that cap the heap at max_memory_mb and point the worker at a prebuilt bundle, and the command line
 * bin/orchestrator execs.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { loadConfig } from '../../../lib/config/load';
import { loadAppConfig } from '../../../lib/config/profile';
import { heapLimitFlag, shellWord, workerLaunchCommand, workerLaunchSettings } from '../../../workers/launch-settings';
import {
  commandLine,
  configEnv,
  launchedConfig,
  WORKER_LAUNCHED_ENV,
  WORKFLOW_BUNDLE_ENV,
} from '../../../workers/launched';
import { writeTempConfig } from '../../support/temp-config';
import { testConfig } from '../../support/test-config';

/** The words sh makes of a line: each on a line of its own, as printf prints them. */
function shellWords(line: string): string[] {
  return execFileSync('sh', ['-c', `printf '%s\\n' ${line}`], { encoding: 'utf8' })
    .split('\n')
    .slice(0, -1);
}

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

  it('writes any word for sh as it is: quotes, spaces, $, backslashes', () => {
    const words = ["it's", 'a b', '$HOME', 'back\\slash', '"double"', '*', ''];
    assert.deepEqual(shellWords(words.map(shellWord).join(' ')), words);
  });

  it('gives a command line only for a worker to start, with its settings and the node that asked', async () => {
    for (const args of [['run'], ['--config', 'x.yaml', 'worker', '--help'], ['worker', '-h'], ['worker', 'now'], []])
      assert.equal(await workerLaunchCommand(args), null, args.join(' '));
    // A configuration that does not load: the worker command, run the ordinary way, reports it.
    assert.equal(await workerLaunchCommand(['--config', '/nonexistent/config.yaml', 'worker']), null);
    const temp = writeTempConfig(17998, 18998, (doc) => {
      doc.security.system_limits.max_memory_mb = 300;
    });
    try {
      const line = await workerLaunchCommand(['--config', temp.path, 'worker'], '/opt/node 20/bin/node');
      assert.ok(line);
      const words = shellWords(line);
      const node = words.indexOf('/opt/node 20/bin/node');
      assert.equal(words[0], 'env');
      assert.ok(node > 0, line);
      const env = Object.fromEntries(words.slice(1, node).map((word) => word.split(/=(.*)/s).slice(0, 2)));
      assert.equal(env[WORKER_LAUNCHED_ENV], '1');
      assert.match(readFileSync(env[WORKFLOW_BUNDLE_ENV], 'utf8'), /batchWorkflow/);
      // The configuration as the launcher loaded it, which the worker reads instead of the file.
      assert.deepEqual(launchedConfig(env), loadAppConfig({ config: temp.path }));
      assert.equal(launchedConfig(env)?.security.systemLimits.maxMemoryMb, 300);
      assert.equal(launchedConfig({}), null);
      // One too large for the environment is not handed on: the worker loads it itself.
      const large = loadAppConfig({ config: temp.path });
      large.sites[0] = { ...large.sites[0], baseUrl: `https://example.com/${'x'.repeat(100_000)}` };
      assert.deepEqual(configEnv(large), {});
      assert.ok(words.slice(node + 1).includes('--max-old-space-size=300'), line);
    } finally {
      rmSync(temp.dir, { recursive: true, force: true });
    }
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
