/**
 * lib/notify/email.ts against a real SMTP server on loopback (smtp-server): the batch notice as
 * a message, sent over STARTTLS, TLS or a plain local relay, with and without a login; and every
 * way it can fail (a wrong password, no password, no STARTTLS, nothing listening, recipients
 * refused) reported with the server's host and port and never the password.
 */
import { strict as assert } from 'node:assert';
import { createServer } from 'node:net';
import type { EmailConfig } from '../../../../lib/config/types';
import type { BatchNotice } from '../../../../lib/notify/batch-notice';
import { siteLine } from '../../../../lib/notify/batch-notice';
import { batchEmail, redactSecret, sendEmail, verifyEmailServer } from '../../../../lib/notify/email';
import type { SiteMetrics } from '../../../../lib/metrics/site-metrics';
import { startSmtpSink, type SmtpSink } from '../../../support/smtp-sink';

const PASSWORD = 'correct horse battery staple';

function metrics(site: string, pages: number, listings: number): SiteMetrics {
  return {
    site,
    pagesFetched: pages,
    pagesFailed: 0,
    listingsSeen: listings,
    listingsNew: listings - 5,
    listingsUpdated: 3,
    listingsUnchanged: 2,
    listingsRemoved: 4,
    priceChanges: 2,
    detailPagesDone: 0,
    detailPagesFailed: 0,
    successRate: 1,
    pagesPerMinute: 30,
    latencyAvgMs: 120,
    latencyP50Ms: 100,
    latencyP95Ms: 300,
    fillRates: { price: 1, bedrooms: 0.9, area: 0.8, coordinates: 0.5 },
    previousBatchId: null,
  };
}

const notice: BatchNotice = {
  batchId: '20251128-060000',
  status: 'completed_with_errors',
  label: 'nightly',
  sites: [metrics('lamudi', 12, 240), metrics('trovit', 0, 0)],
  alerts: [
    {
      batchId: '20251128-060000',
      site: 'trovit',
      kind: 'site_failed',
      message: 'trovit: the site failed (ServerError after 5 attempts)',
    },
    {
      batchId: '20251128-060000',
      site: 'lamudi',
      kind: 'fill_rate_drop',
      message: 'lamudi: <b>price</b> fill rate fell from 100% to 40%',
    },
  ],
};

function settingsFor(
  sink: { port: number },
  security: EmailConfig['security'],
  login: { user: string; password: string | null } | null,
): EmailConfig {
  return {
    host: '127.0.0.1',
    port: sink.port,
    security,
    from: 'Scraping orchestrator <orchestrator@example.com>',
    to: ['ops@example.com', 'oncall@example.com'],
    user: login?.user ?? null,
    password: login?.password ?? null,
  };
}

/** No form of the password in an error: in the clear, or base64 as AUTH PLAIN / LOGIN carry it. */
function assertNoPassword(text: string | undefined): void {
  for (const form of [
    PASSWORD,
    Buffer.from(PASSWORD).toString('base64'),
    Buffer.from(`\u0000alerts\u0000${PASSWORD}`).toString('base64'),
  ]) {
    assert.ok(!(text ?? '').includes(form), `the password shows in: ${text}`);
  }
}

describe('alert email: the message', () => {
  it("carries the webhook's content: the status, one line per site, and every alert", () => {
    const message = batchEmail(notice);
    assert.equal(
      message.subject,
      '[scraping-orchestrator] Batch 20251128-060000 completed_with_errors: 2 site(s), 2 alert(s)',
    );
    assert.equal(
      message.text,
      [
        'Batch 20251128-060000 completed_with_errors (label nightly)',
        '',
        'Sites:',
        `• ${siteLine(notice.sites[0])}`,
        `• ${siteLine(notice.sites[1])}`,
        '',
        '2 alert(s) in batch 20251128-060000:',
        '• trovit: the site failed (ServerError after 5 attempts)',
        '• lamudi: <b>price</b> fill rate fell from 100% to 40%',
        '',
      ].join('\n'),
    );
    assert.match(
      siteLine(notice.sites[0]),
      /^lamudi: 12 pages, 240 listings \(235 new, 3 updated, 4 removed\), 2 price changes$/,
    );
    // The HTML part holds the same, as text: markup in data is shown, never interpreted.
    assert.match(message.html, /<h2>Batch 20251128-060000 completed_with_errors<\/h2>/);
    assert.ok(
      message.html.includes('<li>lamudi: &lt;b&gt;price&lt;/b&gt; fill rate fell from 100% to 40%</li>'),
      message.html,
    );
    assert.ok(!message.html.includes('<b>price</b>'));
  });

  it('says so when there are no alerts', () => {
    const message = batchEmail({ ...notice, status: 'completed', alerts: [] });
    assert.match(message.subject, /: 2 site\(s\), no alerts$/);
    assert.match(message.text, /\nNo alerts\.\n$/);
  });
});

describe('alert email: sending through a real SMTP server', function () {
  this.timeout(30_000);
  const sinks: SmtpSink[] = [];
  async function sink(...args: Parameters<typeof startSmtpSink>): Promise<SmtpSink> {
    const started = await startSmtpSink(...args);
    sinks.push(started);
    return started;
  }
  after(async () => {
    for (const started of sinks) await started.close();
  });
  /** The batch email, sent to `server` as user alerts with PASSWORD, trusting the server's certificate. */
  const sendAsAlerts = (server: SmtpSink, security: EmailConfig['security']) =>
    sendEmail(settingsFor(server, security, { user: 'alerts', password: PASSWORD }), batchEmail(notice), {
      tls: { ca: server.certificate },
      timeoutMs: 5000,
    });

  it('over STARTTLS with a login: the server gets the summary and alerts, from and to as configured', async () => {
    const server = await sink({ security: 'starttls', login: { user: 'alerts', password: PASSWORD } });
    const result = await sendAsAlerts(server, 'starttls');
    assert.equal(result.sent, true, result.error);
    assert.deepEqual(result.accepted, ['ops@example.com', 'oncall@example.com']);
    const [mail] = server.received;
    assert.equal(mail.from, 'orchestrator@example.com');
    assert.deepEqual(mail.to, ['ops@example.com', 'oncall@example.com']);
    assert.equal(mail.user, 'alerts');
    assert.equal(mail.secure, true, 'upgraded to TLS before the login');
    assert.equal(mail.subject, batchEmail(notice).subject);
    assert.equal(mail.text.trimEnd(), batchEmail(notice).text.trimEnd());
    assert.match(mail.html, /lamudi: &lt;b&gt;price&lt;\/b&gt; fill rate fell/);
    assert.match(mail.html, /trovit: the site failed \(ServerError after 5 attempts\)/);
    assert.match(mail.raw, /^From: Scraping orchestrator <orchestrator@example\.com>\r$/m);
    // One batch, one Message-ID, however often a retried finalization sends it.
    assert.match(mail.raw, /^Message-ID: <batch-20251128-060000@scraping-orchestrator\.local>\r$/m);
    assert.equal(result.messageId, '<batch-20251128-060000@scraping-orchestrator.local>');
  });

  it('over TLS from the start (port 465 style)', async () => {
    const server = await sink({ security: 'tls', login: { user: 'alerts', password: PASSWORD } });
    const result = await sendAsAlerts(server, 'tls');
    assert.equal(result.sent, true, result.error);
    assert.equal(server.received[0].secure, true);
  });

  it('through a plain local relay without a login (security: none)', async () => {
    const server = await sink({ security: 'none' });
    const result = await sendEmail(settingsFor(server, 'none', null), batchEmail(notice), { timeoutMs: 5000 });
    assert.equal(result.sent, true, result.error);
    assert.equal(server.received[0].secure, false);
    assert.equal(server.received[0].user, null);
  });

  it('a wrong password: not sent, the error names the server and shows no password', async () => {
    const server = await sink({ security: 'starttls', login: { user: 'alerts', password: 'the right one' } });
    const result = await sendAsAlerts(server, 'starttls');
    assert.equal(result.sent, false);
    assert.match(result.error!, new RegExp(`^SMTP server 127\\.0\\.0\\.1:${server.port}: Invalid login: 535 `));
    assertNoPassword(result.error);
    assert.deepEqual(server.logins, [{ user: 'alerts', accepted: false }]);
    assert.equal(server.received.length, 0);
  });

  it('a user without a password: not sent, and nothing is tried', async () => {
    const server = await sink({ security: 'none' });
    const result = await sendEmail(settingsFor(server, 'none', { user: 'alerts', password: null }), batchEmail(notice));
    assert.equal(result.sent, false);
    assert.equal(
      result.error,
      `SMTP server 127.0.0.1:${server.port}: notifications.email.user is alerts, but no password is set (ORCHESTRATOR_SMTP_PASSWORD)`,
    );
    assert.deepEqual(server.logins, []);
  });

  it('starttls is required: a server that does not offer it gets nothing, not even the login', async () => {
    const server = await sink({ security: 'none', login: { user: 'alerts', password: PASSWORD } });
    const result = await sendEmail(
      settingsFor(server, 'starttls', { user: 'alerts', password: PASSWORD }),
      batchEmail(notice),
      { timeoutMs: 5000 },
    );
    assert.equal(result.sent, false);
    assert.match(result.error!, new RegExp(`^SMTP server 127\\.0\\.0\\.1:${server.port}: .*STARTTLS`));
    assert.deepEqual(server.logins, [], 'the password went out unencrypted');
    assert.equal(server.received.length, 0);
  });

  it('nothing listening: the error names host and port, no password', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await sendEmail(
      settingsFor({ port }, 'starttls', { user: 'alerts', password: PASSWORD }),
      batchEmail(notice),
      { timeoutMs: 5000 },
    );
    assert.equal(result.sent, false);
    assert.match(result.error!, new RegExp(`^SMTP server 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
    assertNoPassword(result.error);
  });

  it('a server that refuses the recipients: the error carries its reply, no password', async () => {
    const server = await sink({
      security: 'starttls',
      login: { user: 'alerts', password: PASSWORD },
      refuseRecipients: '550 mailbox unavailable',
    });
    const result = await sendAsAlerts(server, 'starttls');
    assert.equal(result.sent, false);
    assert.match(result.error!, new RegExp(`^SMTP server 127\\.0\\.0\\.1:${server.port}: .*550 mailbox unavailable`));
    assertNoPassword(result.error);
  });

  it('verifyEmailServer logs in without sending, and fails like sendEmail', async () => {
    const server = await sink({ security: 'starttls', login: { user: 'alerts', password: PASSWORD } });
    assert.deepEqual(
      await verifyEmailServer(settingsFor(server, 'starttls', { user: 'alerts', password: PASSWORD }), {
        tls: { ca: server.certificate },
        timeoutMs: 5000,
      }),
      { ok: true },
    );
    const wrong = await verifyEmailServer(
      settingsFor(server, 'starttls', { user: 'alerts', password: `${PASSWORD}!` }),
      { tls: { ca: server.certificate }, timeoutMs: 5000 },
    );
    assert.equal(wrong.ok, false);
    assert.match((wrong as { error: string }).error, /^SMTP server 127\.0\.0\.1:\d+: Invalid login/);
    assert.equal(server.received.length, 0);
  });

  it('redactSecret hides the password in every form an SMTP error could carry it', () => {
    const plain = Buffer.from(`\u0000alerts\u0000${PASSWORD}`).toString('base64');
    assert.equal(
      redactSecret(`AUTH PLAIN ${plain} / ${PASSWORD}`, { user: 'alerts', password: PASSWORD }),
      'AUTH PLAIN *** / ***',
    );
  });
});
