/**
 * A real SMTP server on loopback for the alert-email tests (smtp-server): it takes messages as a
 * mail server would, optionally only over TLS (from the start, or after STARTTLS) and only after a
 * login, and keeps what it received, decoded enough to read (headers, the text and HTML parts).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The login used, when there was one. */
  user: string | null;
  /** Whether the message came over TLS. */
  secure: boolean;
  subject: string;
  text: string;
  html: string;
  raw: string;
}

export interface SmtpSinkOptions {
  /** tls: TLS from the first byte; starttls: plain, STARTTLS offered (and required for a login); none: no TLS at all. */
  security: 'tls' | 'starttls' | 'none';
  /** The only login accepted; without it, no login is needed. */
  login?: { user: string; password: string };
  /** Refuse every recipient with this SMTP reply (e.g. "550 mailbox unavailable"). */
  refuseRecipients?: string;
}

export interface SmtpSink {
  port: number;
  received: ReceivedMail[];
  /** Every AUTH attempt: the user, and whether it was accepted. */
  logins: Array<{ user: string; accepted: boolean }>;
  /** The server's certificate: the CA a client needs to trust it. */
  certificate: string;
  /** Wait for the next message (resolves at once when one is already there beyond `count`). */
  nextMail(count?: number): Promise<ReceivedMail>;
  /** Change what the server refuses (tests that flip it between batches). */
  refuseRecipients(reply: string | null): void;
  close(): Promise<void>;
}

/** A self-signed certificate for 127.0.0.1, made once per process. */
let certificate: { key: string; cert: string } | null = null;
function loopbackCertificate(): { key: string; cert: string } {
  if (!certificate) {
    const dir = mkdtempSync(join(tmpdir(), 'smtp-sink-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    certificate = {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  }
  return certificate;
}

export async function startSmtpSink(options: SmtpSinkOptions): Promise<SmtpSink> {
  const { key, cert } = loopbackCertificate();
  const received: ReceivedMail[] = [];
  const logins: SmtpSink['logins'] = [];
  const waiting: Array<{ count: number; resolve: (mail: ReceivedMail) => void }> = [];
  let refusal = options.refuseRecipients ?? null;
  const settings: SMTPServerOptions = {
    secure: options.security === 'tls',
    key,
    cert,
    disabledCommands: [...(options.security === 'none' ? ['STARTTLS'] : []), ...(options.login ? [] : ['AUTH'])],
    // Over "none" there is no TLS to wait for; elsewhere a login is only taken over TLS, as real servers do.
    allowInsecureAuth: options.security === 'none',
    authOptional: !options.login,
    disableReverseLookup: true,
    logger: false,
    onAuth(auth, _session, callback) {
      const accepted =
        !!options.login && auth.username === options.login.user && auth.password === options.login.password;
      logins.push({ user: auth.username ?? '', accepted });
      if (!accepted) return callback(new Error('Invalid username or password'));
      callback(null, { user: auth.username });
    },
    onRcptTo(_address, _session, callback) {
      if (!refusal) return callback();
      const error = new Error(refusal.replace(/^\d{3}\s*/, '')) as Error & { responseCode: number };
      error.responseCode = Number(refusal.slice(0, 3)) || 550;
      callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const mail: ReceivedMail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          user: (session.user as string | undefined) ?? null,
          secure: session.secure,
          subject: header(raw, 'subject'),
          text: mimePart(raw, 'text/plain'),
          html: mimePart(raw, 'text/html'),
          raw,
        };
        received.push(mail);
        for (const waiter of waiting.splice(0)) {
          if (received.length > waiter.count) waiter.resolve(received[waiter.count]);
          else waiting.push(waiter);
        }
        callback();
      });
    },
  };
  const server = new SMTPServer(settings);
  server.on('error', () => undefined); // a client that hangs up mid-way is not the test's failure
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    received,
    logins,
    certificate: cert,
    nextMail(count = received.length) {
      if (received.length > count) return Promise.resolve(received[count]);
      return new Promise((resolve) => waiting.push({ count, resolve }));
    },
    refuseRecipients(reply) {
      refusal = reply;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// ── Just enough MIME to read what nodemailer sends ─────────────────────────────────────────────

function headerBlock(raw: string): string {
  const end = raw.indexOf('\r\n\r\n');
  return (end === -1 ? raw : raw.slice(0, end)).replace(/\r\n[ \t]+/g, ' ');
}

/** A header's value (unfolded; encoded-words decoded). */
export function header(raw: string, name: string): string {
  const line = headerBlock(raw)
    .split('\r\n')
    .find((entry) => entry.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  const value = line ? line.slice(name.length + 1).trim() : '';
  return value.replace(/=\?utf-8\?([QB])\?([^?]*)\?=\s*/gi, (_, kind: string, text: string) =>
    kind.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64').toString('utf8')
      : decodeQuotedPrintable(text.replace(/_/g, ' ')),
  );
}

function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  const joined = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < joined.length; i++) {
    if (joined[i] === '=' && /^[0-9A-F]{2}$/i.test(joined.slice(i + 1, i + 3))) {
      bytes.push(parseInt(joined.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(joined[i], 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The decoded body of the first part of this type (the whole body of a one-part message). */
export function mimePart(raw: string, type: string): string {
  const parts = raw.split(/\r\n--[^\r\n]+\r\n/);
  for (const part of parts) {
    const contentType = header(part, 'content-type').toLowerCase();
    if (!contentType.startsWith(type)) continue;
    const bodyStart = part.indexOf('\r\n\r\n');
    const body = part.slice(bodyStart + 4).replace(/\r\n--[^\r\n]+--\r\n?$/, '');
    const encoding = header(part, 'content-transfer-encoding').toLowerCase();
    if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    if (encoding === 'quoted-printable') return decodeQuotedPrintable(body).replace(/\r\n/g, '\n');
    return body.replace(/\r\n/g, '\n');
  }
  return '';
}
