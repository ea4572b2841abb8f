/**
 * Starting the dev server when it cannot come up: a CLI that exits, is killed, cannot be run, or
 * never answers. Stand-in CLIs (shell scripts) stand for those failures; no Temporal server runs
 * here (the real one is in test/integration/dev-server-readiness.test.ts).
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive } from '../../../../lib/process/background';
import { startDevServer, type DevServerFiles, type DevServerSettings } from '../../../../lib/temporal/dev-server';
import { isServing, ServerStartError } from '../../../../lib/temporal/readiness';
import { writeExecutable } from '../../../support/executable-file';

/** A port nothing listens on: the readiness probe sees a refusal. */
const FREE_PORT = 17_919;

describe('dev server start-up failures', function () {
  this.timeout(20_000);
  const scratch = mkdtempSync(join(tmpdir(), 'dev-server-start-'));
  const settings: DevServerSettings = {
    address: `127.0.0.1:${FREE_PORT}`,
    namespace: 'default',
    uiPort: FREE_PORT + 1000,
    dbFile: null,
    retentionHours: 24,
  };

  /** A stand-in CLI running `body`; the files it is started with. */
  function fakeCli(name: string, body: string[]): DevServerFiles {
    const cliPath = join(scratch, name);
    writeExecutable(cliPath, ['#!/bin/sh', ...body, ''].join('\n'));
    return { cliPath, logFile: join(scratch, `${name}.log`), pidFile: join(scratch, `${name}.pid`) };
  }

  async function startFailure(
    files: DevServerFiles,
    timeoutMs?: number,
  ): Promise<{ error: ServerStartError; at: number; progress: string[] }> {
    const progress: string[] = [];
    try {
      await startDevServer(settings, files, { timeoutMs, onProgress: (line) => progress.push(line) });
    } catch (error) {
      return { error: error as ServerStartError, at: Date.now(), progress };
    }
    throw new Error('startDevServer resolved, but the server never served');
  }

  it('fails as soon as the server process exits, naming its exit code and quoting the end of its log', async () => {
    const exitedAt = join(scratch, 'exits.at');
    const files = fakeCli('exits', [
      'echo "starting up"',
      'echo "can\'t set frontend port: bind: address already in use" >&2',
      'sleep 1',
      `date +%s%3N > '${exitedAt}'`,
      'exit 3',
    ]);
    const { error, at, progress } = await startFailure(files);
    assert.ok(error instanceof ServerStartError, String(error));
    assert.match(
      error.message,
      /^the Temporal dev server \(pid \d+\) exited \(exit code 3\) \d+ s after it was started, before it answered at 127\.0\.0\.1:17919; the end of .*exits\.log:\n/,
    );
    assert.match(error.message, /\n {2}starting up\n {2}can't set frontend port: bind: address already in use$/);
    // "At once": the exit ends the wait, not the next probe or a deadline.
    const lagMs = at - Number(readFileSync(exitedAt, 'utf8'));
    assert.ok(lagMs < 500, `the failure came ${lagMs} ms after the process exited`);
    assert.equal(existsSync(files.pidFile), false, 'the pid file of a server that is gone');
    assert.match(progress[0], /^Waiting for the Temporal dev server \(pid \d+\) to answer at 127\.0\.0\.1:17919 …$/);
  });

  it('says so when the server process is killed by a signal', async () => {
    const { error } = await startFailure(fakeCli('killed', ['echo "about to be killed"', 'kill -KILL $$']));
    assert.match(error.message, /exited \(killed by SIGKILL\)/);
    assert.match(error.message, /about to be killed/);
  });

  it('fails at once, with the reason, when the CLI cannot be run at all', async () => {
    const notExecutable = join(scratch, 'not-executable');
    writeFileSync(notExecutable, 'plain text');
    const files = {
      cliPath: notExecutable,
      logFile: join(scratch, 'not-executable.log'),
      pidFile: join(scratch, 'not-executable.pid'),
    };
    const started = Date.now();
    const { error, at } = await startFailure(files);
    assert.match(
      error.message,
      /^the Temporal CLI at .*not-executable could not be started: spawn .*not-executable EACCES$/,
    );
    assert.ok(at - started < 2000, `${at - started} ms`);
  });

  it('gives up on a server that never answers after the limit, and stops it', async () => {
    const files = fakeCli('silent', ['exec sleep 300']);
    const { error, progress } = await startFailure(files, 1500);
    assert.match(
      error.message,
      /^the Temporal dev server \(pid (\d+)\) did not answer at 127\.0\.0\.1:17919 within 2 s; the end of .*silent\.log:\n {2}\(the log is empty\)$/,
    );
    const pid = Number(/pid (\d+)/.exec(error.message)![1]);
    // Stopped: gone, or a zombie its parent (this process) has not collected yet.
    assert.equal(isAlive(pid), false, 'the silent server was left running');
    assert.equal(existsSync(files.pidFile), false);
    assert.equal(progress.length, 1, progress.join('\n'));
  });
});

describe('isServing (the readiness probe)', () => {
  let notGrpc: Server;
  const accepted = new Set<Socket>();
  before(async () => {
    // Accepts TCP and never speaks HTTP/2: a port held by something that is not Temporal.
    notGrpc = createServer((socket) => {
      accepted.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => notGrpc.listen(0, '127.0.0.1', resolve));
  });
  after(() => {
    for (const socket of accepted) socket.destroy();
    notGrpc.close();
  });

  it('answers false at once for a refused port', async () => {
    const started = Date.now();
    assert.equal(await isServing(`127.0.0.1:${FREE_PORT}`), false);
    assert.ok(Date.now() - started < 200, `${Date.now() - started} ms`);
  });

  it('answers false, within its timeout, for a port that accepts but is not a Temporal frontend', async () => {
    const started = Date.now();
    const port = (notGrpc.address() as { port: number }).port;
    assert.equal(await isServing(`127.0.0.1:${port}`, 800), false);
    assert.ok(Date.now() - started < 2000, `${Date.now() - started} ms`);
  });

  it('answers false, without throwing, for an address that is not host:port', async () => {
    assert.equal(await isServing('no-port-here'), false);
  });
});
