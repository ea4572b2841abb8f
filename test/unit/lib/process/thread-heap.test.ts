/**
 * Threads' young generations (lib/process/thread-heap.ts), each measured in a Node process of its
 * own started with --max-semi-space-size, as the worker's launch starts the worker: a thread that
 * keeps what it allocates grows its young generation as far as it is let, and reports the largest
 * new space it saw.
 */
import assert from 'node:assert/strict';
import { inFreshNode } from '../../../support/fresh-node';

const THREAD_HEAP = require.resolve('../../../../lib/process/thread-heap');

/** The thread's source: allocates and keeps, then posts the largest new-space size, in bytes. */
const GROWING_THREAD = `
  const { getHeapSpaceStatistics } = require('node:v8');
  const kept = [];
  let largest = 0;
  for (let i = 0; i < 400000; i++) {
    kept.push({ i, text: 'x' + i });
    if (i % 1000 === 0) largest = Math.max(largest, getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);
  }
  require('node:worker_threads').parentPort.postMessage(largest);`;

/**
 * Runs `body` (which has `Worker`, the module's exports, `source`, and `firstAnswer(thread)`, a
 * promise of the thread's message) in a process started with the flag; prints what it resolves to.
 */
function inProcess(semiSpaceFlagMb: number, body: string): number[] {
  const script = `
    const { Worker } = require('node:worker_threads');
    const { startThread, withThreadSemiSpace } = require(${JSON.stringify(THREAD_HEAP)});
    const source = ${JSON.stringify(GROWING_THREAD)};
    const firstAnswer = (thread) => new Promise((resolve) => thread.once('message', (bytes) => { thread.terminate(); resolve(bytes / 1048576); }));
    (async () => { process.stdout.write(JSON.stringify(await (async () => { ${body} })())); })();`;
  return inFreshNode<number[]>(script, [`--max-semi-space-size=${semiSpaceFlagMb}`, '-r', 'tsx/cjs']);
}

describe('thread heaps (lib/process/thread-heap)', function () {
  this.timeout(60_000);

  it("startThread sizes the thread's young generation by its own limit, not by the process's flag", function () {
    const [plain, started] = inProcess(
      1,
      `const limits = { maxYoungGenerationSizeMb: 48 };
       return [await firstAnswer(new Worker(source, { eval: true, resourceLimits: limits })),
               await firstAnswer(startThread(source, limits))];`,
    );
    // The flag wins over a plain thread's limit (1 MB semi-spaces): what startThread is there for.
    assert.ok(plain <= 2, `a plain thread is held to the flag (${plain} MiB)`);
    assert.ok(started >= 16, `the started thread grows to its own limit (${started} MiB)`);
  });

  it('withThreadSemiSpace holds the threads started inside it, and only those', function () {
    // The process's flag is the worker's (semi-spaces of 8 MB); the SDK's workflow thread takes no limits.
    const [before, inside, after] = inProcess(
      8,
      `const before = await firstAnswer(new Worker(source, { eval: true }));
       const inside = await withThreadSemiSpace(1, () => firstAnswer(new Worker(source, { eval: true })));
       const after = await firstAnswer(new Worker(source, { eval: true }));
       return [before, inside, after];`,
    );
    assert.ok(before >= 8, `without it a thread grows to the process's flag (${before} MiB)`);
    assert.ok(inside <= 2, `inside, a thread is held to 1 MB semi-spaces (${inside} MiB)`);
    assert.ok(after >= 8, `after it settles, threads grow again (${after} MiB)`);
  });
});
