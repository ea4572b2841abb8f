/**
 * Alert emails end to end: a real batch (dev server, workers, the local mirror, one site failing
 * on every page) whose finalization sends its summary and alerts to a real SMTP server on loopback,
 * logging in with the password from the settings; and a server that refuses the message, which
 * the batch reports in its notification result without failing (or showing the password).
 */
import { strict as assert } from 'node:assert';
import { defaultPayloadConverter } from '@temporalio/common';
import type { NotificationResult } from '../../activities/finalization';
import { startBatchHarness, type BatchHarness } from '../support/batch-harness';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';

const PASSWORD = 'batch-alerts-p4ss';

describe('alert emails from a real batch (dev server, mirror, SMTP server)', function () {
  this.timeout(300_000);
  let smtp: SmtpSink;
  let harness: BatchHarness;

  before(async () => {
    smtp = await startSmtpSink({ security: 'none', login: { user: 'alerts', password: PASSWORD } });
    harness = await startBatchHarness({
      taskQueue: `test-email-${Date.now()}`,
      sites: ['mitula', 'trovit'],
      pagesPerSearch: 1,
      edit: (config) => ({
        ...config,
        notifications: {
          ...config.notifications,
          email: {
            host: '127.0.0.1',
            port: smtp.port,
            security: 'none',
            from: 'Orchestrator <orchestrator@example.com>',
            to: ['ops@example.com'],
            user: 'alerts',
            password: PASSWORD,
          },
        },
      }),
    });
    harness.mirror.setFaults('trovit', { status500Always: true });
  });
  after(async () => {
    await harness?.close();
    await smtp?.close();
  });

  /** What sendNotifications returned, read from the batch workflow's history. */
  async function notificationResults(workflowId: string): Promise<NotificationResult[]> {
    const history = await harness.client.workflow.getHandle(workflowId).fetchHistory();
    const events = history.events ?? [];
    const scheduled = events.find(
      (event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'sendNotifications',
    );
    assert.ok(scheduled, 'sendNotifications was scheduled');
    const completed = events.find(
      (event) => Number(event.activityTaskCompletedEventAttributes?.scheduledEventId) === Number(scheduled.eventId),
    );
    assert.ok(completed, 'sendNotifications completed');
    return defaultPayloadConverter.fromPayload(completed.activityTaskCompletedEventAttributes!.result!.payloads![0]);
  }

  it('emails the batch summary and its alerts, logged in with the configured user', async () => {
    const result = await harness.runBatch('batch-email-1', { maxPages: 1 });
    assert.equal(result.status, 'completed_with_errors', JSON.stringify(result.sites));
    const mail = await smtp.nextMail(0);
    assert.equal(mail.from, 'orchestrator@example.com');
    assert.deepEqual(mail.to, ['ops@example.com']);
    assert.equal(mail.user, 'alerts');
    assert.match(
      mail.subject,
      /^\[scraping-orchestrator\] Batch email-1 completed_with_errors: 2 site\(s\), \d+ alert\(s\)$/,
    );
    assert.match(mail.text, /^Batch email-1 completed_with_errors\n/);
    assert.match(
      mail.text,
      /^• mitula: [1-9]\d* pages, [1-9]\d* listings \(\d+ new, \d+ updated, \S+ removed\), \d+ price changes$/m,
    );
    assert.match(mail.text, /^• trovit: 0 pages, 0 listings/m);
    assert.match(mail.text, /^\d+ alert\(s\) in batch email-1:\n(• .*\n)*• trovit: .*/m);
    assert.match(mail.html, /<h2>Batch email-1 completed_with_errors<\/h2>/);
    const results = await notificationResults('batch-email-1');
    assert.deepEqual(
      results.map((r) => [r.channel, r.sent]),
      [['email', true]],
    );
  });

  it('a server that refuses the message: the batch is not failed, the result says why, without the password', async () => {
    smtp.refuseRecipients('550 mailbox unavailable');
    try {
      const result = await harness.runBatch('batch-email-2', { sites: ['mitula'], maxPages: 1 });
      assert.equal(result.status, 'completed');
      const [email] = await notificationResults('batch-email-2');
      assert.equal(email.channel, 'email');
      assert.equal(email.sent, false);
      assert.match(email.error!, new RegExp(`^SMTP server 127\\.0\\.0\\.1:${smtp.port}: .*550 mailbox unavailable`));
      assert.ok(!JSON.stringify(email).includes(PASSWORD));
    } finally {
      smtp.refuseRecipients(null);
    }
  });
});
