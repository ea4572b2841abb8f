/**
 * Typed scraping errors. Each class says whether asking again can succeed (`static retryable`, from
 * its base: RetryableScrapeError or PermanentScrapeError), and its name is what Temporal records as
 * the failure type. The page activities' retry policy never retries a class that says no:
 * NON_RETRYABLE_ERROR_TYPES (the default of every site's retry.non_retryable_error_types) is read
 * from the classes, not written out.
 */

/** What an error class says about itself, read without an instance. */
export interface ErrorClass {
  readonly name: string;
  /** Whether trying the same request again later can succeed. */
  readonly retryable: boolean;
}

export abstract class ScrapeError extends Error {
  /** Whether trying the same request again later can succeed: its class's `static retryable`. */
  readonly retryable: boolean;
  constructor(
    message: string,
    readonly url?: string,
  ) {
    super(message);
    this.name = new.target.name;
    this.retryable = (new.target as Partial<ErrorClass>).retryable === true;
  }
}

/** The base of the classes below whose failure asking again later can cure. */
abstract class RetryableScrapeError extends ScrapeError {
  static readonly retryable = true;
}

/** The base of the classes below whose failure asking again cannot change. */
abstract class PermanentScrapeError extends ScrapeError {
  static readonly retryable = false;
}

// ── Retryable: the site or the network may answer next time ─────────────────────────────────

export class NetworkError extends RetryableScrapeError {}

export class FetchTimeoutError extends RetryableScrapeError {}

/** 5xx answers. */
export class ServerError extends RetryableScrapeError {
  constructor(
    message: string,
    url: string,
    readonly status: number,
    readonly retryAfterMs?: number,
  ) {
    super(message, url);
  }
}

/** 429 Too Many Requests; retryAfterMs comes from the Retry-After header when present. */
export class RateLimitedError extends RetryableScrapeError {
  constructor(
    message: string,
    url: string,
    readonly retryAfterMs?: number,
  ) {
    super(message, url);
  }
}

/**
 * The HTML arrived cut (no closing </html>): a connection closed early or a proxy gave up, and
 * asking again gets the whole page. The message reads like UnrecognisedMarkupError's
 * ("<site> <kind> page not recognised: the HTML is truncated …"), but a retry policy retries it.
 */
export class TruncatedPageError extends RetryableScrapeError {
  constructor(
    readonly site: string,
    readonly pageKind: string,
    url?: string,
  ) {
    super(`${site} ${pageKind} page not recognised: the HTML is truncated (no closing </html>)`, url);
  }
}

// ── Non-retryable: asking again gives the same answer ────────────────────────────────────────

/** A 4xx answer that says no to this request for good; `status` is the code the site gave. */
abstract class ClientStatusError extends PermanentScrapeError {
  constructor(
    message: string,
    url: string,
    readonly status: number,
  ) {
    super(message, url);
  }
}

/** 404 / 410: the page does not exist (a removed listing, a page past the end). */
export class NotFoundError extends ClientStatusError {}

/** 401 / 403 without a challenge page: the site refuses this client. */
export class AccessDeniedError extends ClientStatusError {}

export class RobotsDisallowedError extends PermanentScrapeError {}

/** An anti-bot challenge (Cloudflare "Just a moment", Turnstile, ShieldSquare) instead of content. */
export class ChallengePageError extends PermanentScrapeError {}

/** The page is not what the parser knows: cards missing, embedded data missing (truncated HTML is TruncatedPageError). */
export class UnrecognisedMarkupError extends PermanentScrapeError {
  constructor(
    readonly site: string,
    readonly pageKind: string,
    readonly missing: string,
    url?: string,
  ) {
    super(`${site} ${pageKind} page not recognised: ${missing}`, url);
  }
}

export class ResponseTooLargeError extends PermanentScrapeError {}

/** A redirect that leaves the site's domain, or too many redirects. */
export class RedirectError extends PermanentScrapeError {}

/** A response that is not HTML/text (an image, a PDF) where a page was expected. */
export class ContentTypeError extends PermanentScrapeError {}

/**
 * A URL the host policy refuses (lib/security/host-policy.ts): not http(s), an IP literal, off the
 * site's domain, or a host that resolves to a loopback, private or otherwise non-public address.
 * Nothing was sent there; `reason` says which rule refused it. `byPage`: the refused URL is where
 * the page asked for (`url`) tried to take the browser (its script, a redirect hop), rather than
 * the URL asked for itself.
 */
export class HostPolicyError extends PermanentScrapeError {
  constructor(
    message: string,
    url: string,
    readonly reason: HostRefusalReason,
    readonly byPage = false,
  ) {
    super(message, url);
  }
}

export type HostRefusalReason =
  'invalid-url' | 'scheme' | 'credentials' | 'ip-literal' | 'localhost' | 'off-domain' | 'non-public-address';

/**
 * Every ScrapeError class, by name. A class exported from this module and left out of here fails
 * to compile (test/unit/lib/errors.test.ts checks it at type level, under `tsc` in npm test), so the
 * list derived from it cannot miss one.
 */
export const SCRAPE_ERROR_CLASSES = {
  NetworkError,
  FetchTimeoutError,
  ServerError,
  RateLimitedError,
  TruncatedPageError,
  NotFoundError,
  AccessDeniedError,
  RobotsDisallowedError,
  ChallengePageError,
  UnrecognisedMarkupError,
  ResponseTooLargeError,
  RedirectError,
  ContentTypeError,
  HostPolicyError,
} satisfies Record<string, ErrorClass & (new (...args: never[]) => ScrapeError)>;

/**
 * The error types a page activity never retries: every class above whose `retryable` is false, in
 * the order above. A site's retry.non_retryable_error_types in config/config.yaml adds to these.
 * (A UserInputError is never a page's failure: `planBatch` and the CLI fail it at once themselves.)
 */
export const NON_RETRYABLE_ERROR_TYPES: readonly string[] = Object.values(SCRAPE_ERROR_CLASSES)
  .filter((errorClass) => !errorClass.retryable)
  .map((errorClass) => errorClass.name);

/**
 * A mistake in the user's input (config, CSV, command-line arguments): printed as one clear line,
 * never with a stack trace.
 */
export class UserInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserInputError';
  }
}

/** User input with mistakes found all at once: `problems` holds one complete sentence per mistake, a line each in the message. */
export class UserInputProblems extends UserInputError {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = new.target.name;
  }
}
