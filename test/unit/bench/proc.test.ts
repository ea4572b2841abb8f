/**
 * The benchmark's reading of /proc (bench/lib/proc.ts): a stat line whose command name holds
 * spaces and parentheses, and each thread's CPU time between two readings.
 */
import { strict as assert } from 'node:assert';
import { parseStat, threadCpuBetween, threadCpuSeconds, type ThreadCpu } from '../../../bench/lib/proc';

describe('bench /proc readings', () => {
  it('reads a stat line whose command name holds spaces and parentheses', () => {
    const { name, fields } = parseStat('4321 (tokio (rt) w) S 1 4321 4321 0 -1 4194560 10 0 0 0 250 40 0 0 20 0 9');
    assert.equal(name, 'tokio (rt) w');
    assert.equal(fields[0], 'S', 'field 3, the state');
    assert.equal(Number(fields[11]) + Number(fields[12]), 290, 'utime + stime, fields 14 and 15');
  });

  it("gives this process's main thread the CPU it used between two readings", () => {
    const before = threadCpuSeconds([process.pid]);
    assert.equal(before.get(`${process.pid}/${process.pid}`)?.name, 'main');
    // Use at least 300 ms of CPU on this thread (a condition on CPU time, not a wait).
    const start = process.cpuUsage();
    let spin = 0;
    while (process.cpuUsage(start).user < 300_000) spin++;
    assert.ok(spin > 0);
    const threads = threadCpuBetween(before, threadCpuSeconds([process.pid]));
    const main = threads.find((t) => t.tid === process.pid);
    assert.ok(main && main.seconds >= 0.2, JSON.stringify(threads));
    assert.equal(threads[0].tid, process.pid, 'the busiest first');
  });

  it('leaves out threads under the minimum, counts new threads from zero, and sorts the busiest first', () => {
    const thread = (tid: number, seconds: number): [string, ThreadCpu] => [
      `1/${tid}`,
      { pid: 1, tid, name: 'node', seconds },
    ];
    const before = new Map([thread(1, 5), thread(2, 1), thread(3, 2)]);
    const after = new Map([thread(1, 5.01), thread(2, 4), thread(3, 2.5), thread(4, 0.7)]);
    assert.deepEqual(
      threadCpuBetween(before, after).map((t) => [t.tid, t.seconds]),
      [
        [2, 3],
        [4, 0.7],
        [3, 0.5],
      ],
    );
  });
});
