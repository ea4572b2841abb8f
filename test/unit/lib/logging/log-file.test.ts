/**
 * Log files: JSON lines with time, level name, process and message, at the configured level;
 * a new file past the size limit, old ones pruned; the Temporal SDK's log calls land in the same
 * file with their metadata and errors.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logFolder, openLogFile } from '../../../../lib/logging/log-file';
import { PinoTemporalLogger } from '../../../../lib/logging/temporal-logger';

function lines(dir: string, name: string): Array<Record<string, unknown>> {
  const folder = logFolder(dir, name);
  return readdirSync(folder)
    .sort()
    .flatMap((file) => readFileSync(join(folder, file), 'utf8').trimEnd().split('\n').filter(Boolean))
    .map((line) => JSON.parse(line));
}

describe('log files', () => {
  it('writes one JSON object per line, at or above the configured level', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logs-'));
    const { logger, ready } = openLogFile({ dir, name: 'cli', level: 'info' });
    await ready;
    logger.debug('hidden');
    logger.info({ command: 'list' }, 'command started');
    logger.error({ err: new Error('boom') }, 'failed');
    const written = lines(dir, 'cli');
    assert.deepEqual(
      written.map((line) => [line.level, line.msg, line.process]),
      [
        ['info', 'command started', 'cli'],
        ['error', 'failed', 'cli'],
      ],
    );
    assert.equal(written[0].command, 'list');
    assert.match(String(written[0].time), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.match(String((written[1].err as { stack: string }).stack), /Error: boom/);
    assert.match(readdirSync(logFolder(dir, 'cli'))[0], /^cli\.\d{4}-\d{2}-\d{2}\.1\.log$/);
  });

  it('starts a new file past the size limit and keeps only the newest files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logs-'));
    const { logger } = openLogFile({ dir, name: 'worker', level: 'info', maxSize: '1k', keep: 2 });
    const deadline = Date.now() + 10_000;
    // Rolling happens once the stream reports its writes: write until a roll and its cleanup are seen.
    let n = 0;
    while (Date.now() < deadline) {
      logger.info({ n: n++, padding: 'x'.repeat(200) }, 'page fetched');
      if (n % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
      const files = readdirSync(logFolder(dir, 'worker'));
      if (files.some((file) => /\.(5|6|7)\.log$/.test(file))) break;
    }
    // Pruning runs after each roll, asynchronously: poll until it has caught up with the last one.
    const prunedBy = Date.now() + 5000;
    const pruned = (names: string[]) => names.length <= 3 && !names.some((file) => /\.1\.log$/.test(file));
    while (!pruned(readdirSync(logFolder(dir, 'worker'))) && Date.now() < prunedBy) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    const files = readdirSync(logFolder(dir, 'worker')).sort();
    // keep: 2 rolled files besides the current one.
    assert.ok(files.length >= 2 && files.length <= 3, `files: ${files}`);
    assert.ok(!files.some((file) => /\.1\.log$/.test(file)), `the oldest file is pruned: ${files}`);
    for (const file of files) assert.match(file, /^worker\.\d{4}-\d{2}-\d{2}\.\d+\.log$/);
    const written = lines(dir, 'worker');
    assert.ok(written.every((line) => line.msg === 'page fetched'));
  });

  it('carries the Temporal SDK log calls with their level, metadata and error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logs-'));
    const file = openLogFile({ dir, name: 'worker', level: 'debug' });
    const temporal = new PinoTemporalLogger(file.logger);
    temporal.log('WARN', 'Activity failed', {
      sdkComponent: 'worker',
      taskQueue: 'scraping',
      error: new Error('timeout'),
    });
    temporal.debug('polling', { taskQueue: 'scraping' });
    temporal.trace('not written at debug');
    await file.ready;
    const [warn, debug] = lines(dir, 'worker');
    assert.equal(warn.level, 'warn');
    assert.equal(warn.msg, 'Activity failed');
    assert.equal(warn.sdkComponent, 'worker');
    assert.match(String((warn.err as { message: string }).message), /timeout/);
    assert.deepEqual([debug.level, debug.msg, debug.taskQueue], ['debug', 'polling', 'scraping']);
    assert.equal(lines(dir, 'worker').length, 2);
  });
});
