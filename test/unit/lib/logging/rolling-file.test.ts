/**
 * The rolling log file: a process that starts appends to the day's newest file, a new day starts a
 * new file numbered 1, and the oldest files go once more than `keep` are behind the current one,
 * while files that are not this stem's stay.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localDay, RollingFile } from '../../../../lib/logging/rolling-file';

describe('rolling log file', () => {
  // Local times, as the file names are local dates.
  const noon = new Date(2026, 10, 28, 12, 0, 0).getTime();
  const beforeMidnight = new Date(2026, 10, 28, 23, 59, 59, 999).getTime();
  const afterMidnight = new Date(2026, 10, 29, 0, 0, 0, 1).getTime();

  it('names files by the local date', () => {
    assert.equal(localDay(noon), '2026-11-28');
    assert.equal(localDay(beforeMidnight), '2026-11-28');
    assert.equal(localDay(afterMidnight), '2026-11-29');
  });

  it("appends to the day's newest file when a process starts, whatever older days were numbered", () => {
    const folder = mkdtempSync(join(tmpdir(), 'rolling-'));
    writeFileSync(join(folder, 'worker.2026-11-28.1.log'), 'one\n');
    writeFileSync(join(folder, 'worker.2026-11-28.3.log'), 'three\n');
    writeFileSync(join(folder, 'worker.2026-11-27.9.log'), 'yesterday\n');
    const file = new RollingFile({ folder, stem: 'worker', maxBytes: 1000, keep: 5, now: () => noon });
    assert.equal(file.path(), join(folder, 'worker.2026-11-28.3.log'));
    file.write('more\n');
    file.close();
    assert.equal(readFileSync(join(folder, 'worker.2026-11-28.3.log'), 'utf8'), 'three\nmore\n');
  });

  it('starts file 1 of the new day at midnight, and keeps the newest files besides it, not others', () => {
    const folder = mkdtempSync(join(tmpdir(), 'rolling-'));
    writeFileSync(join(folder, 'worker.2026-11-26.4.log'), 'old\n');
    writeFileSync(join(folder, 'cli.2026-11-20.1.log'), 'another kind\n');
    writeFileSync(join(folder, 'notes.txt'), 'not a log\n');
    let now = noon;
    const file = new RollingFile({ folder, stem: 'worker', maxBytes: 10, keep: 2, now: () => now });
    file.write('a 12345678\n'); // past 10 bytes: the next line goes to file 2
    file.write('b\n');
    now = afterMidnight;
    file.write('c\n');
    file.close();
    assert.deepEqual(readdirSync(folder).sort(), [
      'cli.2026-11-20.1.log',
      'notes.txt',
      'worker.2026-11-28.1.log',
      'worker.2026-11-28.2.log',
      'worker.2026-11-29.1.log',
    ]);
    assert.equal(readFileSync(join(folder, 'worker.2026-11-28.2.log'), 'utf8'), 'b\n');
    assert.equal(readFileSync(join(folder, 'worker.2026-11-29.1.log'), 'utf8'), 'c\n');
  });
});
