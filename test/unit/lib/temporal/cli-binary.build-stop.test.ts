/**
 * A Temporal CLI build that is interrupted stops with its parent: `orchestrator server install`
 * killed by SIGTERM (a CI timeout) or SIGINT (Ctrl-C) while `go install` runs leaves neither the go
 * command nor the compilers it started behind. A stand-in `go` on PATH plays the build: it answers
 * `go env GOVERSION` and, for `go install`, starts a long "compiler" and waits for it.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { isAlive } from '../../../../lib/process/background';
import { BIN } from '../../../support/cli';

/** Poll `condition` every 50 ms until it holds; fail after `timeoutMs`. */
async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await delay(50);
  }
}

describe('an interrupted Temporal CLI build', function () {
  this.timeout(60_000);

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`stops the go command and its compilers when the CLI gets ${signal}`, async () => {
      const scratch = mkdtempSync(join(tmpdir(), 'cli-build-stop-'));
      const bin = join(scratch, 'bin');
      mkdirSync(bin);
      writeFileSync(
        join(bin, 'go'),
        [
          '#!/bin/sh',
          'if [ "$1" = env ]; then echo go1.26.0; exit 0; fi',
          'sleep 300 &',
          `echo $! > '${scratch}/compiler.pid'`,
          `echo $$ > '${scratch}/go.pid'`,
          'wait',
          '',
        ].join('\n'),
      );
      chmodSync(join(bin, 'go'), 0o755);
      const cli = spawn(BIN, ['server', 'install'], {
        // An empty cache and no `temporal` anywhere: provisioning goes to the (stand-in) Go build.
        env: {
          ...process.env,
          PATH: `${bin}:/usr/bin:/bin`,
          XDG_CACHE_HOME: join(scratch, 'cache'),
          TEMPORAL_CLI_PATH: '',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      cli.stderr.on('data', (chunk) => (stderr += chunk));
      const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
        cli.on('exit', (code, killed) => resolve(killed ?? code)),
      );
      try {
        await until(
          () => existsSync(join(scratch, 'go.pid')) && existsSync(join(scratch, 'compiler.pid')),
          30_000,
          'the build started',
        );
        const go = Number(readFileSync(join(scratch, 'go.pid'), 'utf8'));
        const compiler = Number(readFileSync(join(scratch, 'compiler.pid'), 'utf8'));
        assert.match(stderr, /Building the Temporal CLI v1\.5\.1 with go1\.26\.0/);
        cli.kill(signal);
        assert.equal(await exited, signal, `the CLI ended by ${signal}`);
        await until(() => !isAlive(go) && !isAlive(compiler), 5000, 'the go command and its compiler stopped');
      } finally {
        if (cli.exitCode === null && cli.signalCode === null) cli.kill('SIGKILL');
        for (const name of ['go.pid', 'compiler.pid']) {
          const file = join(scratch, name);
          if (existsSync(file)) {
            try {
              process.kill(Number(readFileSync(file, 'utf8')), 'SIGKILL');
            } catch {
              // stopped, as it should be
            }
          }
        }
      }
    });
  }
});
