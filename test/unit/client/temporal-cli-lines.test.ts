/**
 * The README's "Using the Temporal CLI" block is exactly what client/temporal-cli-lines.ts
 * renders, so the lines the integration test runs are the lines a reader copies; and the lines
 * carry what a batch needs (type, task queue, input, workflow id, BatchId; the schedule's cron,
 * time zone and overlap policy).
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  readmeCliBlock,
  README_VALUES,
  scheduleCreateArgs,
  shellLine,
  shellQuote,
  workflowStartArgs,
} from '../../../client/temporal-cli-lines';

function readmeBlock(): string {
  const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
  const match = /<!-- temporal-cli:begin -->\n```sh\n([\s\S]*?)\n```\n<!-- temporal-cli:end -->/.exec(readme);
  assert.ok(match, 'README.md has the temporal-cli block between its markers');
  return match[1];
}

describe('README Temporal CLI lines', () => {
  it('are exactly the lines the module renders (and the integration test runs)', () => {
    assert.equal(readmeBlock(), readmeCliBlock());
  });

  it('start a batch with its type, queue, input, workflow id and BatchId', () => {
    const line = shellLine(workflowStartArgs(README_VALUES)).replace(/ \\\n\s+/g, ' ');
    assert.equal(
      line,
      `temporal workflow start --type batchWorkflow --task-queue scraping --workflow-id batch-20251128-cli --search-attribute 'BatchId="20251128-cli"' --input '{"sites":["mitula"],"maxPages":1}'`,
    );
  });

  it('create the daily schedule at 06:00 Mexico City, skipping overlaps', () => {
    const line = shellLine(scheduleCreateArgs(README_VALUES)).replace(/ \\\n\s+/g, ' ');
    for (const part of [
      `--schedule-id daily-batch`,
      `--cron '0 6 * * *'`,
      '--time-zone America/Mexico_City',
      '--overlap-policy Skip',
      '--type batchWorkflow',
      '--task-queue scraping',
      `--input '{"maxPages":5}'`,
    ]) {
      assert.ok(line.includes(part), `${part} in ${line}`);
    }
  });

  it('quotes for a POSIX shell so the shell gives back each argument unchanged', () => {
    assert.equal(shellQuote('plain-arg_1.2:3'), 'plain-arg_1.2:3');
    assert.equal(shellQuote('0 6 * * *'), `'0 6 * * *'`);
    assert.equal(shellQuote(`it's`), `'it'\\''s'`);
  });
});
