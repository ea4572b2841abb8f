/**
 * notifications.email in config/config.yaml and its environment variables: off by default, read
 * with its defaults, each mistake one line, and the password only ever from the environment,
 * never shown in a message.
 */
import assert from 'node:assert/strict';
import { describeEmail } from '../../../../lib/config/email-settings';
import { edited, parse, problems, SHIPPED } from './shipped-config';

const SECRET = 's3cr3t-pa55';

/** The shipped file with notifications.email set to `email`. */
function withEmail(email: unknown): string {
  return edited((doc) => doc.setIn(['notifications', 'email'], doc.createNode(email)));
}

const EMAIL = {
  host: 'smtp.example.com',
  from: 'Scraping orchestrator <orchestrator@example.com>',
  to: ['ops@example.com'],
};

describe('notifications.email', () => {
  it('is off as shipped', () => {
    assert.equal(parse(SHIPPED).notifications.email ?? null, null);
  });

  it('is read with its defaults: STARTTLS on 587, no login', () => {
    assert.deepEqual(parse(withEmail(EMAIL)).notifications.email, {
      host: 'smtp.example.com',
      port: 587,
      security: 'starttls',
      from: EMAIL.from,
      to: ['ops@example.com'],
      user: null,
      password: null,
    });
    const tls = parse(withEmail({ ...EMAIL, security: 'tls', user: 'orchestrator@example.com' })).notifications.email!;
    assert.equal(tls.port, 465);
    assert.equal(tls.user, 'orchestrator@example.com');
    assert.equal(parse(withEmail({ ...EMAIL, security: 'none', port: 2525 })).notifications.email!.port, 2525);
  });

  it('takes the password from ORCHESTRATOR_SMTP_PASSWORD only', () => {
    const config = parse(withEmail({ ...EMAIL, user: 'orchestrator@example.com' }), {
      ORCHESTRATOR_SMTP_PASSWORD: SECRET,
    });
    assert.equal(config.notifications.email!.password, SECRET);
    // Nothing to log into when email is off: the variable changes nothing.
    assert.equal(parse(SHIPPED, { ORCHESTRATOR_SMTP_PASSWORD: SECRET }).notifications.email ?? null, null);
  });

  it('refuses a password written into the file, without repeating it', () => {
    const found = problems(withEmail({ ...EMAIL, user: 'orchestrator@example.com', password: SECRET }));
    assert.deepEqual(found, [
      'config/config.yaml: notifications.email.password: a password is never read from this file: remove it and set ORCHESTRATOR_SMTP_PASSWORD (or ORCHESTRATOR_SMTP_URL) in the environment',
    ]);
  });

  it('reports each mistake in one line', () => {
    assert.deepEqual(problems(withEmail({ host: '', from: 'nobody', to: [], security: 'ssl', port: 0 })), [
      'config/config.yaml: notifications.email.host: must be the SMTP server\'s host name or address, got ""',
      'config/config.yaml: notifications.email.from: must be an email address, optionally with a name: "Scraping orchestrator <orchestrator@example.com>", got "nobody"',
      'config/config.yaml: notifications.email.to: must name at least one address, got []',
      'config/config.yaml: notifications.email.security: must be "starttls" (plain connection upgraded to TLS, required; port 587), "tls" (TLS from the start; port 465) or "none" (no encryption: a relay on this machine or network only), got "ssl"',
      'config/config.yaml: notifications.email.port: must be an integer port from 1 to 65535, got 0',
    ]);
    assert.deepEqual(problems(withEmail({ ...EMAIL, to: ['ops@example.com', 'not an address'], pasword: 'x' })), [
      'config/config.yaml: notifications.email.to[1]: must be an email address such as ops@example.com, got "not an address"',
      'config/config.yaml: notifications.email: unknown key "pasword" (did you mean "password"?)',
    ]);
  });

  it('ORCHESTRATOR_SMTP_URL gives the whole setting, password included, or "none" turns it off', () => {
    const url = `smtps://alerts%40example.com:${encodeURIComponent(`${SECRET}/:@`)}@mail.example.com?from=orchestrator@example.com&to=ops@example.com,oncall@example.com`;
    assert.deepEqual(parse(SHIPPED, { ORCHESTRATOR_SMTP_URL: url }).notifications.email, {
      host: 'mail.example.com',
      port: 465,
      security: 'tls',
      from: 'orchestrator@example.com',
      to: ['ops@example.com', 'oncall@example.com'],
      user: 'alerts@example.com',
      password: `${SECRET}/:@`,
    });
    const relay = parse(SHIPPED, {
      ORCHESTRATOR_SMTP_URL: 'smtp://127.0.0.1:2525?security=none&from=a@example.com&to=b@example.com',
    }).notifications.email!;
    assert.deepEqual([relay.security, relay.port, relay.user, relay.password], ['none', 2525, null, null]);
    assert.equal(parse(withEmail(EMAIL), { ORCHESTRATOR_SMTP_URL: 'none' }).notifications.email, null);
    // The specific variable wins over the password inside the URL.
    assert.equal(
      parse(SHIPPED, { ORCHESTRATOR_SMTP_URL: url, ORCHESTRATOR_SMTP_PASSWORD: 'other' }).notifications.email!.password,
      'other',
    );
  });

  it('a bad ORCHESTRATOR_SMTP_URL is one line that does not show its password', () => {
    const [line] = problems(SHIPPED, {
      ORCHESTRATOR_SMTP_URL: `smtps://alerts:${SECRET}@mail.example.com?to=ops@example.com`,
    });
    assert.equal(
      line,
      'environment variable ORCHESTRATOR_SMTP_URL (overrides notifications.email): needs from=<sender address>; the form is ' +
        'smtps://user:password@host:465?from=orchestrator@example.com&to=ops@example.com,oncall@example.com, or "none", ' +
        'got "smtps://alerts:***@mail.example.com?to=ops@example.com"',
    );
    const [notUrl] = problems(SHIPPED, { ORCHESTRATOR_SMTP_URL: `alerts:${SECRET} mail.example.com` });
    assert.match(
      notUrl,
      /must be an smtp:\/\/ or smtps:\/\/ URL.*, got \(a value that is not an smtp\(s\) URL, not shown\)$/,
    );
    assert.ok(!notUrl.includes(SECRET));
  });

  it('is described for validate and logs without its password', () => {
    const config = parse(withEmail({ ...EMAIL, user: 'alerts' }), { ORCHESTRATOR_SMTP_PASSWORD: SECRET });
    const shown = describeEmail(config.notifications.email!);
    assert.equal(
      shown,
      'smtp://alerts@smtp.example.com:587 (STARTTLS, password set), from Scraping orchestrator <orchestrator@example.com> to ops@example.com',
    );
    assert.ok(!shown.includes(SECRET));
  });
});
