/**
 * `orchestrator server start` against a dev server that is slow to start or fails to, with the
 * real CLI behind a wrapper given as TEMPORAL_CLI_PATH, as a user would: readiness is seen
 * promptly (measured against an independent observer of the server), progress is printed while
 * it starts, and a server process that exits fails the command at once with the end of its log.
 * The 100 s start and the demo on a slow server are in test/reliability/slow-server.test.ts.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTemporalCli } from '../../lib/temporal/cli-binary';
import { runCli } from '../support/cli';
import { assertSeenPromptly, runCliTimed, startWithSlowCli, text, writeSlowCli } from '../support/slow-server';
import { writeTempConfig } from '../support/temp-config';
import { ownServerPorts } from '../support/temporal-server';

describe('dev server readiness (real CLI behind a slow wrapper)', function () {
  this.timeout(180_000);
  const { port, uiPort, address } = ownServerPorts(1);
  const scratch = mkdtempSync(join(tmpdir(), 'readiness-'));
  const config = writeTempConfig(port, uiPort);

  after(async () => {
    await runCli(['--config', config.path, 'server', 'stop']);
  });

  it('sees a server that needs 20 s within a second of it serving, printing progress meanwhile', async () => {
    const slow = writeSlowCli(scratch, 20, findTemporalCli()!.path);
    const began = Date.now();
    const { run, servedAt } = await startWithSlowCli(config.path, address, slow, 120_000);
    assert.match(
      text(run.stdout),
      new RegExp(`^Temporal dev server started \\(pid \\d+\\) at ${address}, database .*temporal\\.db\\.`, 'm'),
    );

    const lines = run.stderr.map((line) => line.text);
    assert.match(
      lines[0],
      new RegExp(
        `^Waiting for the Temporal dev server \\(pid \\d+\\) to answer at ${address}; its first start creates the database .*temporal\\.db, which can take a while …$`,
      ),
    );
    const still = lines.filter((line) =>
      /^… the Temporal dev server \(pid \d+\) is still starting \(\d+ s\); its log: .*temporal-server-\d+\.log$/.test(
        line,
      ),
    );
    assert.ok(still.length >= 1, `no progress line while it started:\n${lines.join('\n')}`);
    const answered = run.stderr.find((line) =>
      new RegExp(`^Temporal dev server answers at ${address} \\(after \\d+\\.\\d s\\)\\.$`).test(line.text),
    );
    assert.ok(answered, lines.join('\n'));

    const execAt = assertSeenPromptly(slow, 20, answered.at, servedAt);
    assert.ok(execAt - began >= 20_000, 'the wrapper waited its 20 s');
  });

  it('fails at once, with the end of the server log, when the real server exits at start-up', async () => {
    await runCli(['--config', config.path, 'server', 'stop']);
    // Something that is not Temporal holds the port: the real CLI cannot bind it and exits.
    const squatter: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      squatter.once('error', reject);
      squatter.listen(port, '127.0.0.1', resolve);
    });
    try {
      const slow = writeSlowCli(scratch, 0, findTemporalCli()!.path);
      const run = await runCliTimed(
        ['--config', config.path, 'server', 'start'],
        { TEMPORAL_CLI_PATH: slow.path },
        120_000,
      );
      assert.equal(run.code, 1);
      const error = text(run.stderr);
      assert.match(
        error,
        new RegExp(
          `error: the Temporal dev server \\(pid \\d+\\) exited \\(exit code 1\\) \\d+ s after it was started, before it answered at ${address}; the end of .*temporal-server-${port}\\.log:`,
        ),
      );
      assert.match(error, /address already in use/);
      assert.doesNotMatch(error, /\n\s+at /, 'a stack trace');
      const failedAt = run.stderr.find((line) => line.text.startsWith('error:'))!.at;
      const execAt = slow.execAt()!;
      console.log(`      exiting server: exec → failure reported ${failedAt - execAt} ms`);
      // The CLI needs a moment to load and fail; the wait adds next to nothing (no probe or deadline in between).
      assert.ok(failedAt - execAt < 10_000, `${failedAt - execAt} ms`);
    } finally {
      squatter.close();
    }
  });
});
