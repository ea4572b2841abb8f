/**
 * Alert emails: the end-of-batch notice (summary per site and alerts, the webhook's content) as a
 * plain-text message with a simple HTML part, sent through the configured SMTP server (nodemailer).
 *
 * Like the webhook, a failed email is reported, never thrown: it must not fail a batch. Its error
 * names the server (host:port) and never the password, which nodemailer's errors could otherwise
 * carry (an AUTH command is the password in base64).
 */
import type { createTransport as CreateTransport } from 'nodemailer';
import { batchWorkflowId } from '../contract/names';
import type { EmailConfig } from '../config/types';
import { alertsTitle, siteLine, summaryTitle, type BatchNotice } from './batch-notice';
// Listing data (site names, alert texts) can hold markup: everything is text in the HTML part.
import { escapeHtml } from '../html';

export interface EmailMessage {
  /**
   * The same for every send of one batch's notice: activities run at least once, and a retried
   * finalization sends it again, and an equal Message-ID lets mail systems and clients recognise the copy.
   */
  messageId: string;
  subject: string;
  text: string;
  html: string;
}

export interface EmailResult {
  sent: boolean;
  /** The recipients the server accepted. */
  accepted?: string[];
  messageId?: string;
  error?: string;
}

/** The batch notice as an email: subject, plain text, and the same in simple HTML. */
export function batchEmail(notice: BatchNotice): EmailMessage {
  const alerts = notice.alerts.length;
  const subject = `[scraping-orchestrator] ${summaryTitle(notice)}: ${notice.sites.length} site(s), ${alerts === 0 ? 'no alerts' : `${alerts} alert(s)`}`;
  const text = [
    summaryTitle(notice) + (notice.label ? ` (label ${notice.label})` : ''),
    '',
    'Sites:',
    ...(notice.sites.length > 0 ? notice.sites.map((site) => `• ${siteLine(site)}`) : ['(no site results)']),
    '',
    ...(alerts > 0
      ? [`${alertsTitle(notice)}:`, ...notice.alerts.map((alert) => `• ${alert.message}`)]
      : ['No alerts.']),
    '',
  ].join('\n');
  const list = (items: string[]) => `<ul>${items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`;
  const html = [
    '<!doctype html><html><body>',
    `<h2>${escapeHtml(summaryTitle(notice))}</h2>`,
    notice.label ? `<p>Label: ${escapeHtml(notice.label)}</p>` : '',
    '<h3>Sites</h3>',
    notice.sites.length > 0 ? list(notice.sites.map(siteLine)) : '<p>(no site results)</p>',
    alerts > 0
      ? `<h3>${escapeHtml(alertsTitle(notice))}</h3>${list(notice.alerts.map((alert) => alert.message))}`
      : '<p>No alerts.</p>',
    '</body></html>',
  ].join('\n');
  return { messageId: `<${batchWorkflowId(notice.batchId)}@scraping-orchestrator.local>`, subject, text, html };
}

export interface SendOptions {
  /** Connecting, the greeting and each SMTP reply are each bounded by this. */
  timeoutMs?: number;
  /** TLS options for tests (a server's own certificate authority); never needed for a public server. */
  tls?: { ca?: string | Buffer };
}

function serverName(settings: EmailConfig): string {
  return `SMTP server ${settings.host}:${settings.port}`;
}

/** Why the settings cannot log in before anything is tried; null when they can. */
function missingPassword(settings: EmailConfig): string | null {
  return settings.user && !settings.password
    ? `${serverName(settings)}: notifications.email.user is ${settings.user}, but no password is set (ORCHESTRATOR_SMTP_PASSWORD)`
    : null;
}

function transportFor(settings: EmailConfig, options: SendOptions) {
  const timeoutMs = options.timeoutMs ?? 30_000;
  // Loaded when a message is sent, not with this module: most workers never send one (with pg's
  // lazy load, lib/store/database.ts, 3 MiB less of the worker's heap).
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load, on purpose
  const { createTransport } = require('nodemailer') as { createTransport: typeof CreateTransport };
  return createTransport({
    host: settings.host,
    port: settings.port,
    // tls: TLS from the first byte. starttls: refuse to go on unless the plain connection is upgraded.
    secure: settings.security === 'tls',
    requireTLS: settings.security === 'starttls',
    ignoreTLS: settings.security === 'none',
    auth: settings.user ? { user: settings.user, pass: settings.password ?? '' } : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    tls: options.tls,
    logger: false,
  });
}

/** Send one message; resolves with what happened, never rejects. */
export async function sendEmail(
  settings: EmailConfig,
  message: EmailMessage,
  options: SendOptions = {},
): Promise<EmailResult> {
  const refused = missingPassword(settings);
  if (refused) return { sent: false, error: refused };
  const transport = transportFor(settings, options);
  try {
    const info = await transport.sendMail({
      messageId: message.messageId,
      from: settings.from,
      to: settings.to,
      subject: message.subject,
      text: message.text,
      html: message.html,
    });
    return { sent: true, accepted: info.accepted.map(String), messageId: info.messageId };
  } catch (error) {
    return { sent: false, error: redactSecret(`${serverName(settings)}: ${(error as Error).message}`, settings) };
  } finally {
    transport.close();
  }
}

/** Connect, say hello, upgrade or not as configured, and log in, without sending anything (`validate`). */
export async function verifyEmailServer(
  settings: EmailConfig,
  options: SendOptions = {},
): Promise<{ ok: true } | { ok: false; error: string }> {
  const refused = missingPassword(settings);
  if (refused) return { ok: false, error: refused };
  const transport = transportFor(settings, options);
  try {
    await transport.verify();
    return { ok: true };
  } catch (error) {
    return { ok: false, error: redactSecret(`${serverName(settings)}: ${(error as Error).message}`, settings) };
  } finally {
    transport.close();
  }
}

/** The text with the password, in the clear or as an AUTH command would carry it, replaced by ***. */
export function redactSecret(text: string, settings: Pick<EmailConfig, 'user' | 'password'>): string {
  const { user, password } = settings;
  if (!password) return text;
  const forms = [
    password,
    Buffer.from(password).toString('base64'),
    Buffer.from(`\u0000${user ?? ''}\u0000${password}`).toString('base64'),
  ];
  return forms.reduce((redacted, form) => redacted.split(form).join('***'), text);
}
