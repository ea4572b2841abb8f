/**
 * The validated configuration (config/config.yaml after schema checks, defaults and environment
 * overrides). YAML keys are snake_case; here they are camelCase, and durations are milliseconds.
 */

export interface RetryPolicyConfig {
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumIntervalMs: number;
  maximumAttempts: number;
  nonRetryableErrorTypes: string[];
}

export interface FetchConfig {
  timeoutMs: number;
  maxResponseBytes: number;
  /** Redirects followed at most (always within the site's domain). */
  maxRedirects: number;
}

/** CSS selectors of the generic adapter: a portal with plain HTML cards, added by config alone. */
export interface GenericSelectors {
  /** One element per listing card. */
  card: string;
  /** Where the listing id is: a selector inside the card plus attribute, or the card's own attribute. */
  externalId: FieldSelector;
  url: FieldSelector;
  /** Optional per-field selectors inside the card; fields not given stay null. */
  fields: Partial<Record<GenericField, FieldSelector>>;
  /** The next-page link (href read); absent → single page. */
  nextPage?: string;
  /** Text or selector whose presence means "no results" (an empty page is then a success). */
  noResults?: string;
}

export type GenericField =
  | 'title'
  | 'price'
  | 'operation'
  | 'propertyType'
  | 'bedrooms'
  | 'bathrooms'
  | 'parkingSpaces'
  | 'builtAreaM2'
  | 'landAreaM2'
  | 'neighborhood'
  | 'city'
  | 'state'
  | 'address'
  | 'description'
  | 'images'
  | 'publisher'
  | 'publishedAt'
  | 'lat'
  | 'lng';

export interface FieldSelector {
  /** CSS selector inside the card; "" or absent means the card element itself. */
  selector?: string;
  /** Attribute to read; absent → the element's text. */
  attr?: string;
}

export interface SiteConfig {
  key: string;
  enabled: boolean;
  /** 1 runs first. */
  priority: number;
  /** The portal's origin, e.g. https://www.inmuebles24.com; start URLs must be on its domain. */
  baseUrl: string;
  /**
   * Host names beyond base_url's registrable domain that the site's pages live on (each with its
   * subdomains); every request must be on that domain or one of these (lib/security/host-policy.ts).
   */
  hosts?: string[];
  hasDetailScraper: boolean;
  /** 'builtin' for the six portals, 'generic' for a portal described by selectors. */
  adapter: 'builtin' | 'generic';
  genericSelectors?: GenericSelectors;
  /** auto: http, and the browser for the rest of the worker's life once a page meets a challenge. */
  fetcher: 'http' | 'browser' | 'auto';
  /** Minimum spacing between two requests to this site, across all workers. */
  rateLimitSeconds: number;
  retry: RetryPolicyConfig;
  fetch: FetchConfig;
}

export interface SecurityConfig {
  rateLimiting: { enable: boolean; requestsPerMinute: number; burstLimit: number };
  userAgents: { rotate: boolean; customAgents: string[] };
  robotsTxt: { respect: boolean; cacheDurationMs: number };
  dataValidation: { maxFieldLength: number; allowedExtensions: string[] };
  systemLimits: { maxMemoryMb: number; maxExecutionTimeMs: number; maxFileSizeMb: number };
}

/** The real-browser fetcher's settings (YAML: security.browser; every key optional). */
export interface BrowserConfig {
  /** The browser is closed and started again after this many pages (bounds its memory). */
  restartEveryPages: number;
  /** Pages (tabs) open at once in the worker process, across sites. */
  poolSize: number;
  /** How long a challenge page may take to clear before ChallengePageError. */
  challengeWaitMs: number;
}

export type SmtpSecurity = 'starttls' | 'tls' | 'none';

/** Alert emails (notifications.email, or ORCHESTRATOR_SMTP_URL). */
export interface EmailConfig {
  host: string;
  port: number;
  /** starttls: upgrade required; tls: TLS from the start; none: unencrypted (a local relay). */
  security: SmtpSecurity;
  /** "orchestrator@example.com" or "Name <orchestrator@example.com>". */
  from: string;
  to: string[];
  /** SMTP login; null = no authentication. */
  user: string | null;
  /** From ORCHESTRATOR_SMTP_PASSWORD or ORCHESTRATOR_SMTP_URL only, never from the file. */
  password: string | null;
}

export interface AppConfig {
  /** Absolute path of the file this came from (for messages). */
  sourcePath: string;
  /** The project root all relative paths below are resolved against. */
  rootDir: string;
  temporal: {
    address: string;
    namespace: string;
    taskQueue: string;
    uiPort: number;
    /** Dev-server SQLite file (absolute). */
    dbFile: string;
    retentionHours: number;
    /** Start the embedded dev server when none answers at `address`. */
    embedded: boolean;
  };
  storage: {
    /** Absolute paths. */
    database: string;
    backupsDir: string;
    backupRetention: number;
    exportsDir: string;
    tempDir: string;
    urlsDir: string;
  };
  batch: {
    maxParallelSites: number;
    /** Concurrent detail-page activities per detail workflow. */
    detailWindow: number;
    /** Continue-as-new bound for workflow histories. */
    maxHistoryEventsPerRun: number;
  };
  /** email: null or absent = no alert emails (absent in configs built by hand, e.g. tests). */
  notifications: { webhookUrl: string | null; email?: EmailConfig | null };
  alerts: { listingDropRatio: number; fillRateDrop: number };
  logging: { level: 'trace' | 'debug' | 'info' | 'warn' | 'error'; dir: string };
  /** `host`: the address the endpoint listens on; absent → 127.0.0.1 (workers/runtime.ts). */
  metrics: { prometheusPort: number | null; host?: string };
  /** Base URL of the local mirror (http://127.0.0.1:PORT): when set, every portal request goes there, Host header kept. */
  mirror: { url: string | null };
  security: SecurityConfig;
  /** From security.browser, with its defaults filled in. */
  browser: BrowserConfig;
  /** Sites in priority order (then key order). */
  sites: SiteConfig[];
}
