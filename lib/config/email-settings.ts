/**
 * The alert email settings (notifications.email): their shape in config/config.yaml, the URL form
 * an environment variable can give instead, and how they are shown without their password.
 *
 * The password is never read from the file, which is committed and copied around: it comes from
 * ORCHESTRATOR_SMTP_PASSWORD, or inside ORCHESTRATOR_SMTP_URL. A `password` key in the file is an
 * error that says so (reported without its value).
 */
import { z } from 'zod';

export const SMTP_SECURITY = ['starttls', 'tls', 'none'] as const;
/** starttls: upgrade required; tls: TLS from the start; none: unencrypted (a local relay). */
export type SmtpSecurity = (typeof SMTP_SECURITY)[number];

/** The usual port of each kind of connection, used when `port` is left out. */
export const DEFAULT_SMTP_PORT: Record<SmtpSecurity, number> = { starttls: 587, tls: 465, none: 25 };

const SECURITY_MESSAGE =
  'must be "starttls" (plain connection upgraded to TLS, required; port 587), "tls" (TLS from the start; port 465) or "none" (no encryption: a relay on this machine or network only)';
const ADDRESS = /^[^\s@<>",;:()[\]\\]+@[^\s@<>",;:()[\]\\]+$/;
const ADDRESS_MESSAGE = 'must be an email address such as ops@example.com';
const FROM_MESSAGE =
  'must be an email address, optionally with a name: "Scraping orchestrator <orchestrator@example.com>"';

export function isEmailAddress(value: string): boolean {
  return ADDRESS.test(value);
}

/** "ops@example.com" or "Name <ops@example.com>". */
export function isSenderAddress(value: string): boolean {
  const named = /^[^<>]*<([^<>]+)>$/.exec(value);
  return isEmailAddress(named ? named[1].trim() : value);
}

const addressSchema = z.string({ error: ADDRESS_MESSAGE }).trim().refine(isEmailAddress, { error: ADDRESS_MESSAGE });
const PORT_MESSAGE = 'must be an integer port from 1 to 65535';

/** notifications.email in the file; null (or left out) = no alert emails. */
export const emailSchema = z
  .strictObject(
    {
      host: z
        .string({ error: "must be the SMTP server's host name or address" })
        .trim()
        .min(1, { error: "must be the SMTP server's host name or address" }),
      port: z
        .int({ error: PORT_MESSAGE })
        .min(1, { error: PORT_MESSAGE })
        .max(65535, { error: PORT_MESSAGE })
        .optional(),
      security: z.enum(SMTP_SECURITY, { error: SECURITY_MESSAGE }).optional(),
      from: z.string({ error: FROM_MESSAGE }).trim().refine(isSenderAddress, { error: FROM_MESSAGE }),
      to: z
        .array(addressSchema, { error: 'must be a list of email addresses, e.g. [ops@example.com]' })
        .min(1, { error: 'must name at least one address' }),
      user: z
        .string({ error: 'must be the SMTP login user, or null' })
        .trim()
        .min(1, { error: 'must be the SMTP login user, or null' })
        .nullable()
        .optional(),
      // Accepted by the shape only so that passwordInFileProblem can say what to do instead.
      password: z.unknown().optional(),
    },
    { error: 'must be a mapping of settings (host, port, security, from, to, user), or null' },
  )
  .transform((raw) => {
    const security = raw.security ?? 'starttls';
    return {
      host: raw.host,
      port: raw.port ?? DEFAULT_SMTP_PORT[security],
      security,
      /** "orchestrator@example.com" or "Name <orchestrator@example.com>". */
      from: raw.from,
      to: raw.to,
      /** SMTP login; null = no authentication. */
      user: raw.user ?? null,
      /** From ORCHESTRATOR_SMTP_PASSWORD or ORCHESTRATOR_SMTP_URL only, never from the file. */
      password: null as string | null,
    };
  })
  .nullable()
  .optional();

/** Alert emails (notifications.email, or ORCHESTRATOR_SMTP_URL). */
export type EmailConfig = NonNullable<z.output<typeof emailSchema>>;

/** The message for a password written into the file (its value is never shown). */
export const PASSWORD_IN_FILE_MESSAGE =
  'a password is never read from this file: remove it and set ORCHESTRATOR_SMTP_PASSWORD (or ORCHESTRATOR_SMTP_URL) in the environment';

type Parsed<T> = { ok: true; value: T } | { ok: false; expected: string };

const URL_FORM = 'smtps://user:password@host:465?from=orchestrator@example.com&to=ops@example.com,oncall@example.com';

/**
 * ORCHESTRATOR_SMTP_URL: the whole email setting in one value, for an environment that keeps its
 * secrets in variables. smtp:// is STARTTLS (port 587), smtps:// TLS (465), smtp://…?security=none
 * unencrypted (25); from and to are query parameters. "none" switches email off.
 */
export function parseSmtpUrl(text: string): Parsed<EmailConfig | null> {
  const value = text.trim();
  if (value.toLowerCase() === 'none') return { ok: true, value: null };
  const fail = (why: string): Parsed<never> => ({ ok: false, expected: `${why}; the form is ${URL_FORM}, or "none"` });
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail('must be an smtp:// or smtps:// URL');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
    return fail(`must be an smtp:// or smtps:// URL, not ${url.protocol}//`);
  if (url.hostname === '') return fail('names no host');
  const asked = url.searchParams.get('security');
  if (asked !== null && asked !== 'none')
    return fail('takes security=none only (smtp:// is STARTTLS, smtps:// is TLS)');
  if (asked === 'none' && url.protocol === 'smtps:') return fail('cannot be smtps:// with security=none');
  const security: SmtpSecurity = url.protocol === 'smtps:' ? 'tls' : asked === 'none' ? 'none' : 'starttls';
  const from = url.searchParams.get('from')?.trim() ?? '';
  if (!isSenderAddress(from)) return fail('needs from=<sender address>');
  const to = (url.searchParams.get('to') ?? '')
    .split(',')
    .map((address) => address.trim())
    .filter(Boolean);
  if (to.length === 0 || !to.every(isEmailAddress)) return fail('needs to=<address>[,<address>…]');
  const unknown = [...url.searchParams.keys()].filter((key) => !['security', 'from', 'to'].includes(key));
  if (unknown.length > 0) return fail(`has unknown parameter ${unknown[0]}`);
  return {
    ok: true,
    value: {
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port ? Number(url.port) : DEFAULT_SMTP_PORT[security],
      security,
      from,
      to,
      user: url.username ? decodeURIComponent(url.username) : null,
      password: url.password ? decodeURIComponent(url.password) : null,
    },
  };
}

/**
 * An SMTP URL as it may be shown (messages, logs): the password, if any, replaced by ***. A value
 * that is not an smtp(s) URL may hold a password anywhere, so none of it is shown.
 */
export function redactSmtpUrl(text: string): string {
  try {
    const url = new URL(text.trim());
    if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') return '(a value that is not an smtp(s) URL, not shown)';
    if (url.password) url.password = '***';
    return JSON.stringify(url.toString());
  } catch {
    return '(a value that is not an smtp(s) URL, not shown)';
  }
}

/** Where alert emails go, for `validate` and logs: never the password, only whether one is set. */
export function describeEmail(email: EmailConfig): string {
  const login = email.user ? `${email.user}@` : '';
  const how = { starttls: 'STARTTLS', tls: 'TLS', none: 'unencrypted' }[email.security];
  const password = email.user ? (email.password ? ', password set' : ', no password set') : '';
  return `smtp://${login}${email.host}:${email.port} (${how}${password}), from ${email.from} to ${email.to.join(', ')}`;
}
