/**
 * isAlive (lib/process/background.ts): a running process is alive, an ended one is not, and
 * neither is a zombie, an ended process whose parent has not collected it yet (stopProcess and the
 * build-stop test wait on isAlive; a slow reaper must not read as a process still running).
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { isAlive } from '../../../../lib/process/background';

const state = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.charAt(stat.lastIndexOf(')') + 2);
};

describe('isAlive', () => {
  it('is true for a running process, false for an ended one and for a zombie', async function () {
    if (process.platform !== 'linux') this.skip();
    // `sleep 0.05` ends at once, and its parent, `sleep 30` (exec'd over the shell), never collects it: a zombie.
    const parent = spawn('sh', ['-c', 'sleep 0.05 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const zombie = Number(
        await new Promise<string>((resolve) => parent.stdout.once('data', (chunk: Buffer) => resolve(String(chunk)))),
      );
      assert.ok(isAlive(parent.pid!), 'the running parent');
      for (let i = 0; i < 200 && state(zombie) !== 'Z'; i++) await delay(10);
      assert.equal(state(zombie), 'Z', 'the child ended and was not collected');
      assert.equal(isAlive(zombie), false, 'a zombie is not alive');
    } finally {
      parent.kill('SIGKILL');
    }
    await new Promise((resolve) => parent.once('exit', resolve));
    assert.equal(isAlive(parent.pid!), false, 'an ended, collected process');
  });
});
