/**
 * A dev server whose start takes longer than the old 90 s limit, as a first start on a fresh
 * machine did (issue 16): the real CLI behind a wrapper that sleeps 100 s, given as
 * TEMPORAL_CLI_PATH. `orchestrator server start` sees it within a second of it serving and prints
 * progress all along; the demo (`orchestrator --mirror run`, what `npm run demo` runs) completes on
 * it, in a scratch HOME with its own ports. The 20 s start is in npm test
 * (test/integration/dev-server-readiness.test.ts).
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTemporalCli } from '../../lib/temporal/cli-binary';
import { runCli } from '../support/cli';
import {
  assertSeenPromptly,
  runCliTimed,
  startWithSlowCli,
  text,
  writeSlowCli,
  type TimedRun,
} from '../support/slow-server';
import { writeTempConfig, type TempConfig } from '../support/temp-config';
import { ownServerPorts } from '../support/temporal-server';

const DELAY_SECONDS = 100;

/** The progress lines of a start: the first, one every 10 s, the last. */
function assertProgress(run: TimedRun, address: string): void {
  const lines = run.stderr.map((line) => line.text);
  const waiting = lines.findIndex((line) => line.startsWith('Waiting for the Temporal dev server'));
  assert.match(
    lines[waiting] ?? '',
    new RegExp(
      `^Waiting for the Temporal dev server \\(pid \\d+\\) to answer at ${address}; its first start creates the database .*temporal\\.db, which can take a while …$`,
    ),
    lines.join('\n'),
  );
  const still = lines.filter((line) =>
    /^… the Temporal dev server \(pid \d+\) is still starting \(\d+ s\); its log: /.test(line),
  );
  const seconds = still.map((line) => Number(/\((\d+) s\)/.exec(line)![1]));
  assert.ok(
    still.length >= DELAY_SECONDS / 10 - 1,
    `${still.length} progress lines in ${DELAY_SECONDS} s:\n${lines.join('\n')}`,
  );
  // One every 10 s: the n-th says 10·n s, give or take the probe it waited for.
  seconds.forEach((value, index) =>
    assert.ok(value >= 10 * (index + 1) && value <= 10 * (index + 1) + 2, `progress line ${index + 1} says ${value} s`),
  );
  assert.ok(
    lines.some((line) =>
      new RegExp(`^Temporal dev server answers at ${address} \\(after \\d+\\.\\d s\\)\\.$`).test(line),
    ),
    lines.join('\n'),
  );
}

describe(`a dev server that takes ${DELAY_SECONDS} s to start (real CLI behind a slow wrapper)`, function () {
  this.timeout(600_000);
  const scratch = mkdtempSync(join(tmpdir(), 'slow-server-'));
  const configs: TempConfig[] = [];
  let slow: ReturnType<typeof writeSlowCli>;

  before(() => {
    slow = writeSlowCli(scratch, DELAY_SECONDS, findTemporalCli()!.path);
  });
  after(async () => {
    for (const config of configs) await runCli(['--config', config.path, 'server', 'stop']);
  });

  it('server start sees it within a second of it serving, with a progress line every 10 s', async () => {
    const { port, uiPort, address } = ownServerPorts(3);
    const config = writeTempConfig(port, uiPort);
    configs.push(config);
    const { run, servedAt } = await startWithSlowCli(config.path, address, slow, 400_000);
    assertProgress(run, address);

    const answered = run.stderr.find((line) => line.text.startsWith('Temporal dev server answers at'))!;
    assertSeenPromptly(slow, DELAY_SECONDS, answered.at, servedAt);
  });

  it('the demo (orchestrator --mirror run) completes on it, in a scratch HOME with its own ports', async () => {
    const { port, uiPort, address } = ownServerPorts(4);
    const config = writeTempConfig(port, uiPort);
    configs.push(config);
    const home = join(config.dir, 'home');
    mkdirSync(home);
    const run = await runCliTimed(
      ['--config', config.path, '--mirror', 'run'],
      { TEMPORAL_CLI_PATH: slow.path, HOME: home, XDG_CACHE_HOME: '', XDG_CONFIG_HOME: '' },
      540_000,
    );
    assert.equal(run.code, 0, `${text(run.stderr)}\n${text(run.stdout)}`);
    assertProgress(run, address);
    const summary = text(run.stdout);
    assert.match(summary, /^Batch \S+: completed$/m, summary);
    for (const site of ['casasyterrenos', 'inmuebles24', 'lamudi', 'mitula', 'propiedades', 'trovit']) {
      assert.match(summary, new RegExp(`^${site}\\s+completed`, 'm'), summary);
    }
  });
});
