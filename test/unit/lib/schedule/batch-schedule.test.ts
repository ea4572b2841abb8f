/**
 * Schedule building without a server: cron expressions, time zones, overlap policies and
 * durations are checked with a message naming the wrong part; a valid request becomes the
 * Schedule the design asks for (startWorkflow batchWorkflow on the task queue, overlap SKIP,
 * catch-up one hour, the batch input as its argument).
 */
import { strict as assert } from 'node:assert';
import { UserInputError } from '../../../../lib/errors';
import {
  batchScheduleOptions,
  checkDuration,
  checkScheduleId,
  checkTimezone,
  parseOverlapPolicy,
} from '../../../../lib/schedule/batch-schedule';
import { checkCron } from '../../../../lib/schedule/cron';
import { testConfig } from '../../../support/test-config';

const userError = (pattern: RegExp) => (error: Error) => error instanceof UserInputError && pattern.test(error.message);

describe('cron expressions', () => {
  it('accepts five-field expressions, names, lists, ranges, steps and macros', () => {
    for (const cron of [
      '0 6 * * *',
      '*/15 * * * *',
      '0 6 * * 1-5',
      '30 5 1,15 * *',
      '0 0 * JAN-MAR sun',
      '0 6 * * 7',
      '@daily',
      '@every 2h',
      '@hourly',
    ]) {
      assert.equal(checkCron(cron), cron);
    }
    assert.equal(checkCron('  0   6 * *  * '), '0 6 * * *');
  });

  it('names the field and the value that is wrong', () => {
    assert.throws(() => checkCron('0 24 * * *'), userError(/bad cron "0 24 \* \* \*": hour 24 is outside 0–23/));
    assert.throws(() => checkCron('61 * * * *'), userError(/minute 61 is outside 0–59/));
    assert.throws(() => checkCron('0 6 * *'), userError(/it has 4 fields, not 5/));
    assert.throws(() => checkCron('0 6 * * FUNDAY'), userError(/day of week "FUNDAY" is not a number or a name/));
    assert.throws(() => checkCron('0 6 0 * *'), userError(/day of month 0 is outside 1–31/));
    assert.throws(() => checkCron('*/0 * * * *'), userError(/minute step "0" must be a whole number > 0/));
    assert.throws(() => checkCron('0 9-5 * * *'), userError(/hour range "9-5" ends before it starts/));
    assert.throws(() => checkCron('@sometimes'), userError(/unknown macro "@sometimes"/));
    assert.throws(() => checkCron('CRON_TZ=UTC 0 6 * * *'), userError(/--timezone/));
    assert.throws(() => checkCron(''), userError(/it is empty/));
    // Temporal's parser has no '?' (Quartz syntax): refused here rather than by the server.
    assert.throws(() => checkCron('0 12 ? * MON'), userError(/day of month "\?" is not a number/));
  });
});

describe('schedule options', () => {
  const config = testConfig({ taskQueue: 'tq-schedule-unit' });
  const request = {
    scheduleId: 'daily-batch',
    cron: '0 6 * * *',
    timezone: 'America/Mexico_City',
    input: { sites: ['lamudi', 'trovit'], maxPages: 5 },
    overlap: parseOverlapPolicy('skip'),
    catchupWindow: '1h',
  };

  it('builds a Schedule that starts batchWorkflow on the task queue with the batch input', () => {
    const options = batchScheduleOptions(config, request);
    assert.deepEqual(options.spec, { cronExpressions: ['0 6 * * *'], timezone: 'America/Mexico_City' });
    assert.equal(options.action.type, 'startWorkflow');
    assert.equal(options.action.workflowType, 'batchWorkflow');
    assert.equal(options.action.taskQueue, 'tq-schedule-unit');
    assert.equal(options.action.workflowId, 'batch-daily-batch');
    assert.deepEqual(options.action.args, [{ sites: ['lamudi', 'trovit'], maxPages: 5 }]);
    assert.deepEqual(options.policies, { overlap: 'SKIP', catchupWindow: '1h', pauseOnFailure: false });
    assert.deepEqual(options.memo, {
      cron: '0 6 * * *',
      timezone: 'America/Mexico_City',
      input: { sites: ['lamudi', 'trovit'], maxPages: 5 },
    });
    const attributes = options.action.typedSearchAttributes as Array<{ key: { name: string }; value: unknown }>;
    assert.deepEqual(
      attributes.map((pair) => [pair.key.name, pair.value]),
      [['BatchStatus', 'running']],
    );
    assert.match(String(options.action.staticSummary), /scheduled batch · daily-batch · 2 sites/);
  });

  it('refuses bad time zones, overlap policies, durations, ids and sites, naming them', () => {
    assert.throws(
      () => batchScheduleOptions(config, { ...request, timezone: 'Mars/Olympus' }),
      userError(/bad time zone "Mars\/Olympus"/),
    );
    assert.throws(() => checkTimezone('america/mexico_city'), userError(/bad time zone/));
    assert.equal(checkTimezone('UTC'), 'UTC');
    assert.throws(() => batchScheduleOptions(config, { ...request, cron: '0 25 * * *' }), userError(/hour 25/));
    assert.throws(
      () => batchScheduleOptions(config, { ...request, input: { sites: ['vivanuncios'] } }),
      userError(/unknown site "vivanuncios"/),
    );
    assert.throws(
      () => batchScheduleOptions(config, { ...request, catchupWindow: 'an hour' }),
      userError(/bad catch-up window "an hour"/),
    );
    assert.throws(
      () => parseOverlapPolicy('sometimes'),
      userError(/bad overlap policy "sometimes": choose one of skip, buffer-one/),
    );
    assert.equal(parseOverlapPolicy('buffer-one'), 'BUFFER_ONE');
    assert.equal(parseOverlapPolicy('ALLOW_ALL'), 'ALLOW_ALL');
    assert.throws(() => checkScheduleId('daily batch'), userError(/bad schedule id "daily batch"/));
    assert.equal(checkDuration('90s', 'jitter'), '90s');
  });

  it('adds jitter and a paused state when asked', () => {
    const options = batchScheduleOptions(config, { ...request, jitter: '5m', paused: true, note: 'maintenance' });
    assert.equal(options.spec.jitter, '5m');
    assert.deepEqual(options.state, { paused: true, note: 'maintenance' });
  });
});
