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
  it('writes one JSON object per line, at or above the configured level', () => {
    const dir = mkdtempSync(join(tmpdir(), 'logs-'));
    const logger = openLogFile({ dir, name: 'cli', level: 'info' });
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

  it('starts a new file past the size limit and keeps only the newest files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'logs-'));
    const logger = openLogFile({ dir, name: 'worker', level: 'info', maxBytes: 1024, keep: 2 });
    // About 300 bytes a line: a new file every 4 lines, 7 files' worth in 26 lines.
    for (let n = 0; n < 26; n++) logger.info({ n, padding: 'x'.repeat(200) }, 'page fetched');
    const files = readdirSync(logFolder(dir, 'worker')).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    // keep: 2 rolled files besides the current one, the newest.
    assert.deepEqual(
      files.map((file) => file.replace(/^worker\.\d{4}-\d{2}-\d{2}\./, '')),
      ['5.log', '6.log', '7.log'],
    );
    const written = lines(dir, 'worker');
    assert.deepEqual(
      written.map((line) => line.n),
      Array.from({ length: 26 - 16 }, (_, i) => 16 + i),
      'the lines of the files kept, in order',
    );
  });

  it('carries the Temporal SDK log calls with their level, metadata and error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'logs-'));
    const temporal = new PinoTemporalLogger(openLogFile({ dir, name: 'worker', level: 'debug' }));
    temporal.log('WARN', 'Activity failed', {
      sdkComponent: 'worker',
      taskQueue: 'scraping',
      error: new Error('timeout'),
    });
    temporal.debug('polling', { taskQueue: 'scraping' });
    temporal.trace('not written at debug');
    const [warn, debug] = lines(dir, 'worker');
    assert.equal(warn.level, 'warn');
    assert.equal(warn.msg, 'Activity failed');
    assert.equal(warn.sdkComponent, 'worker');
    assert.match(String((warn.err as { message: string }).message), /timeout/);
    assert.deepEqual([debug.level, debug.msg, debug.taskQueue], ['debug', 'polling', 'scraping']);
    assert.equal(lines(dir, 'worker').length, 2);
  });
});
