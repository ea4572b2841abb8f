/**
 * `orchestrator validate` with alert emails configured, through the real executable: the check
 * logs in to a real SMTP server on loopback (sending nothing), names a failure with the server's
 * host and port, and shows the password nowhere, in the text or the JSON.
 */
import { strict as assert } from 'node:assert';
import { runCli } from '../../support/cli';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink';
import { writeTempConfig } from '../../support/temp-config';

/** No Temporal server answers here: that check fails, the email check is what is looked at. */
const NO_SERVER_PORT = 17_998;
const PASSWORD = 'validate-s3cret';

describe('orchestrator validate: alert email', function () {
  this.timeout(60_000);
  let smtp: SmtpSink;
  let configPath: string;

  before(async () => {
    smtp = await startSmtpSink({ security: 'none', login: { user: 'alerts', password: PASSWORD } });
    configPath = writeTempConfig(NO_SERVER_PORT, NO_SERVER_PORT + 1000, (doc) => {
      doc.temporal.embedded = false;
      doc.notifications.email = {
        host: '127.0.0.1',
        port: smtp.port,
        security: 'none',
        from: 'orchestrator@example.com',
        to: ['ops@example.com'],
        user: 'alerts',
      };
    }).path;
  });
  after(() => smtp?.close());

  it('passes when the server takes the login, and sends nothing', async () => {
    const result = await runCli(['--config', configPath, 'validate'], {
      env: { ORCHESTRATOR_SMTP_PASSWORD: PASSWORD },
    });
    assert.match(
      result.stdout,
      new RegExp(
        `✔ alert email\\s+smtp://alerts@127\\.0\\.0\\.1:${smtp.port} \\(unencrypted, password set\\), from orchestrator@example\\.com to ops@example\\.com: the server answers and accepts the login`,
      ),
    );
    assert.deepEqual(smtp.logins, [{ user: 'alerts', accepted: true }]);
    assert.equal(smtp.received.length, 0);
    assert.ok(!`${result.stdout}${result.stderr}`.includes(PASSWORD));
  });

  it('fails naming the server when the login is refused, without the password, in text and JSON', async () => {
    const wrong = `${PASSWORD}-wrong`;
    for (const args of [['validate'], ['validate', '--json']]) {
      const result = await runCli(['--config', configPath, ...args], { env: { ORCHESTRATOR_SMTP_PASSWORD: wrong } });
      assert.equal(result.code, 1);
      const output = `${result.stdout}${result.stderr}`;
      assert.match(output, new RegExp(`SMTP server 127\\.0\\.0\\.1:${smtp.port}: Invalid login: 535`));
      assert.match(
        result.stderr,
        /^error: 2 checks failed: Temporal server \(.*\); alert email \(SMTP server 127\.0\.0\.1:\d+: Invalid login/,
      );
      for (const form of [
        wrong,
        Buffer.from(wrong).toString('base64'),
        Buffer.from(`\u0000alerts\u0000${wrong}`).toString('base64'),
      ]) {
        assert.ok(!output.includes(form), `the password shows in:\n${output}`);
      }
    }
  });

  it('says the password is missing when only the user is configured', async () => {
    const result = await runCli(['--config', configPath, 'validate'], { env: { ORCHESTRATOR_SMTP_PASSWORD: '' } });
    assert.match(
      result.stdout,
      /✘ alert email\s+SMTP server 127\.0\.0\.1:\d+: notifications\.email\.user is alerts, but no password is set \(ORCHESTRATOR_SMTP_PASSWORD\)/,
    );
  });
});
