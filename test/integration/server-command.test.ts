/**
 * `orchestrator server start|stop|status` and the main job command, run as a user would: a real
 * dev server on its own ports and database, health from the Temporal CLI, the Web UI answering,
 * reuse of a running server, and a batch that outlives a stop and start.
 */
import { strict as assert } from 'node:assert';
import { findTemporalCli } from '../../lib/temporal/cli-binary';
import { runCli, runProgram } from '../support/cli';
import { ownServerPorts } from '../support/temporal-server';
import { writeTempConfig, type TempConfig } from '../support/temp-config';

describe('orchestrator server (real dev server on its own database)', function () {
  this.timeout(300_000);
  const { port, uiPort, address } = ownServerPorts(2);
  let config: TempConfig;
  let temporal: string;

  before(() => {
    temporal = findTemporalCli()!.path; // provisioned by the run's global setup
    config = writeTempConfig(port, uiPort);
  });
  after(async () => {
    await runCli(['--config', config.path, 'server', 'stop']);
  });

  it('starts, answers health and the Web UI, reuses a running server, and keeps completed workflows across a restart', async () => {
    const started = await runCli(['--config', config.path, 'server', 'start']);
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stdout, new RegExp(`Temporal dev server started \\(pid \\d+\\) at ${address}`));

    const health = await runProgram(temporal, ['operator', 'cluster', 'health', '--address', config.address]);
    assert.match(health.stdout, /SERVING/);
    const ui = await fetch(`http://127.0.0.1:${config.uiPort}/`);
    assert.equal(ui.status, 200);
    assert.match(await ui.text(), /<html/i);

    const again = await runCli(['--config', config.path, 'server', 'start']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, new RegExp(`already answers at ${address}: reusing it`));

    // The main job's command, end to end on this server: one small site from the bundled mirror.
    const run = await runCli([
      '--config',
      config.path,
      '--mirror',
      'run',
      '--sites',
      'mitula',
      '--max-pages',
      '1',
      '--id',
      'batch-persist',
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Batch persist: completed/);
    assert.match(run.stdout, /mitula\s+completed/);

    const stopped = await runCli(['--config', config.path, 'server', 'stop']);
    assert.match(stopped.stdout, /stopped/);
    const status = await runCli(['--config', config.path, 'server', 'status']);
    assert.equal(status.code, 1);
    assert.match(status.stdout, /not running/);

    const restarted = await runCli(['--config', config.path, 'server', 'start']);
    assert.equal(restarted.code, 0, restarted.stderr);
    const listed = await runProgram(temporal, [
      'workflow',
      'list',
      '--address',
      config.address,
      '--query',
      'WorkflowId = "batch-persist"',
    ]);
    assert.match(listed.stdout, /batch-persist/);
    assert.match(listed.stdout, /Completed/);
    const attributes = await runProgram(temporal, [
      'operator',
      'search-attribute',
      'list',
      '--address',
      config.address,
    ]);
    for (const name of ['BatchId', 'Site', 'BatchStatus']) assert.match(attributes.stdout, new RegExp(name));
  });
});
