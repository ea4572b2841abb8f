/**
 * What a valid config/config.yaml is, and what the code reads from it: the shape of every section
 * (zod, strict: a misspelt key is an error, never silently ignored), the rules that span several
 * keys (site keys, adapters, settings inherited from `defaults`), and the transforms that turn the
 * file's snake_case into the AppConfig the code reads (types.ts derives every config type from
 * them). Reading the file and environment overrides live in load.ts.
 *
 * Every schema carries its own user-facing message ("must be a number ≥ 0"); load.ts prefixes the
 * file and key path and appends the value found, so a message reads as one complete sentence.
 */
import * as cheerio from '../cheerio-load';
import { isIP } from 'node:net';
import * as path from 'node:path';
import { getDomain } from 'tldts';
import { z } from 'zod';
import type { RetryPolicySettings } from '../contract/retry-policy';
import { NON_RETRYABLE_ERROR_TYPES } from '../errors';
import type { ListingRecord } from '../record/listing-record';
import { BUILTIN_SITE_KEYS } from '../record/sites';
import { INTERNAL_PORT_COUNT, portClashes } from '../cluster/ports';
import { emailSchema, PASSWORD_IN_FILE_MESSAGE } from './email-settings';
import { isProxyUrl, PROXY_URL_MESSAGE, proxyListPath, readProxyList } from './proxies';
import { databaseSettingProblem, resolveDatabaseSetting } from '../store/database-url';

// ── Problems ─────────────────────────────────────────────────────────────────────────────────

export type ConfigPath = ReadonlyArray<string | number>;

/** One mistake in the config, before the file name is attached. */
export interface ConfigProblem {
  path: ConfigPath;
  message: string;
  /** The offending value, shown as "got …" when present. */
  value?: unknown;
}

// ── Leaf values ──────────────────────────────────────────────────────────────────────────────

const MAPPING = 'must be a mapping of settings, one "key: value" per indented line';

/** A strict section: unknown keys are reported, and a non-mapping gets a readable message. */
function section<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  return z.strictObject(shape, { error: MAPPING });
}

function numberAtLeast(min: number) {
  const message = `must be a number ≥ ${min}`;
  return z.number({ error: message }).min(min, { error: message });
}

function numberAbove(min: number) {
  const message = `must be a number > ${min}`;
  return z.number({ error: message }).gt(min, { error: message });
}

function integerAtLeast(min: number) {
  const message = `must be an integer ≥ ${min}`;
  return z.int({ error: message }).min(min, { error: message });
}

function ratio() {
  const message = 'must be a number from 0 to 1';
  return z.number({ error: message }).min(0, { error: message }).max(1, { error: message });
}

function text(what: string) {
  const message = `must be ${what}`;
  return z.string({ error: message }).trim().min(1, { error: message });
}

const PORT_MESSAGE = 'must be an integer port from 1 to 65535';
export const portSchema = z
  .int({ error: PORT_MESSAGE })
  .min(1, { error: PORT_MESSAGE })
  .max(65535, { error: PORT_MESSAGE });

const booleanSchema = z.boolean({ error: 'must be true or false' });

const HOST_NAME_MESSAGE = 'must be a host name such as "www.example.com" (no scheme, port, path or IP address)';
const PUBLIC_SUFFIX_MESSAGE =
  'must be a host on a registrable domain such as "lamudi.net", not a public suffix (a declared host admits every host under it)';
/**
 * A DNS host name (a site's declared hosts): letters, digits, hyphens and dots, with a dot, no IP
 * address, and on a registrable domain of the Public Suffix List (tldts, as the host policy reads
 * it): "com.mx" or "github.io" would admit every host under them.
 */
const hostNameSchema = z
  .string({ error: HOST_NAME_MESSAGE })
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]$/, {
    error: HOST_NAME_MESSAGE,
    abort: true,
  })
  .refine((host) => getDomain(host, { allowPrivateDomains: true }) !== null, { error: PUBLIC_SUFFIX_MESSAGE });

const BIND_HOST_MESSAGE =
  'must be an IP address to listen on, such as 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)';
/** The address a server listens on (metrics.host). */
export const bindHostSchema = z
  .string({ error: BIND_HOST_MESSAGE })
  .trim()
  .refine((value) => isIP(value) !== 0, { error: BIND_HOST_MESSAGE });

/** "host:port", the form Temporal clients connect to ("[::1]:7233" for IPv6). */
const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[^\s:/[\]]+):(\d{1,5})$/;
export const hostPortSchema = z
  .string({ error: 'must be "host:port", e.g. 127.0.0.1:7233' })
  .trim()
  .refine(
    (value) => {
      const match = HOST_PORT.exec(value);
      return match !== null && Number(match[2]) >= 1 && Number(match[2]) <= 65535;
    },
    { error: 'must be "host:port", e.g. 127.0.0.1:7233' },
  );

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

const HTTP_URL_MESSAGE = 'must be an absolute http(s) URL, e.g. https://www.example.com';
export const httpUrlSchema = z
  .string({ error: HTTP_URL_MESSAGE })
  .trim()
  .refine(isHttpUrl, { error: HTTP_URL_MESSAGE });

/** A URL, or null to switch the feature off. */
const optionalUrlSchema = z
  .string({ error: `${HTTP_URL_MESSAGE}, or null` })
  .trim()
  .refine(isHttpUrl, { error: `${HTTP_URL_MESSAGE}, or null` })
  .nullable();

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
export const logLevelSchema = z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` });

const pathSchema = text('a file or directory path');

// ── Durations ────────────────────────────────────────────────────────────────────────────────

const DURATION_UNITS_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
const DURATION_PATTERN = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/;
const DURATION_MESSAGE = 'must be a duration > 0 such as "500ms", "2s", "1m", "1h", or a number of seconds';

/** "500ms" | "2s" | "1m" | "1h" | seconds as a number → milliseconds; anything else → null. */
export function parseDurationMs(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.round(value * 1000) : null;
  if (typeof value !== 'string') return null;
  const match = DURATION_PATTERN.exec(value.trim());
  if (!match) return null;
  return Math.round(Number(match[1]) * DURATION_UNITS_MS[match[2] as keyof typeof DURATION_UNITS_MS]);
}

/** Output: milliseconds. */
const durationSchema = z.union([z.number(), z.string()], { error: DURATION_MESSAGE }).transform((value, ctx) => {
  const ms = parseDurationMs(value);
  if (ms === null || ms <= 0) {
    ctx.addIssue({ code: 'custom', message: DURATION_MESSAGE });
    return z.NEVER;
  }
  return ms;
});

/** Milliseconds back in the config's own notation, for messages: 120000 → "2m". */
export function formatDurationMs(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

// ── Sections ─────────────────────────────────────────────────────────────────────────────────

// Each section's transform gives the names the code reads; paths stay as written until
// appConfigSchema resolves them against the project root.

const temporalSchema = section({
  address: hostPortSchema,
  namespace: text('a Temporal namespace name'),
  task_queue: text('a task queue name'),
  ui_port: portSchema,
  db_file: pathSchema,
  retention_hours: integerAtLeast(1),
  embedded: booleanSchema,
}).transform((temporal) => ({
  address: temporal.address,
  namespace: temporal.namespace,
  taskQueue: temporal.task_queue,
  uiPort: temporal.ui_port,
  /** Dev-server SQLite file (absolute in AppConfig). */
  dbFile: temporal.db_file,
  retentionHours: temporal.retention_hours,
  /** Start the embedded dev server when none answers at `address`. */
  embedded: temporal.embedded,
}));

/** A SQLite file path or a postgres:// URL (lib/store/database-url.ts). */
const databaseSchema = text('a SQLite file path or a postgres:// URL').superRefine((database, context) => {
  const problem = databaseSettingProblem(database);
  if (problem) context.addIssue({ code: 'custom', message: problem });
});

/** Paths: absolute in AppConfig. */
const storageSchema = section({
  database: databaseSchema,
  /** PostgreSQL connections per process (workers and CLI); SQLite has one. */
  pool_size: integerAtLeast(1).default(10),
  backups_dir: pathSchema,
  backup_retention: integerAtLeast(1),
  exports_dir: pathSchema,
  temp_dir: pathSchema,
  urls_dir: pathSchema,
}).transform((storage) => ({
  database: storage.database,
  poolSize: storage.pool_size,
  backupsDir: storage.backups_dir,
  backupRetention: storage.backup_retention,
  exportsDir: storage.exports_dir,
  tempDir: storage.temp_dir,
  urlsDir: storage.urls_dir,
}));

const batchSchema = section({
  max_parallel_sites: integerAtLeast(1),
  detail_window: integerAtLeast(1),
  max_history_events_per_run: integerAtLeast(100),
}).transform((batch) => ({
  maxParallelSites: batch.max_parallel_sites,
  /** Concurrent detail-page activities per detail workflow. */
  detailWindow: batch.detail_window,
  /** Continue-as-new bound for workflow histories. */
  maxHistoryEventsPerRun: batch.max_history_events_per_run,
}));

const EXTENSION_MESSAGE = 'must be a file extension such as ".csv"';
const extensionSchema = z.string({ error: EXTENSION_MESSAGE }).regex(/^\.[A-Za-z0-9]+$/, { error: EXTENSION_MESSAGE });

/** `security.browser` when the file leaves a key out (the whole mapping is optional). */
const BROWSER_DEFAULTS = { restart_every_pages: 50, pool_size: 2, challenge_wait_seconds: 15 } as const;

const POOL_SIZE_MESSAGE = 'must be an integer from 1 to 16';

/** The real-browser fetcher (sites with fetcher: browser): one Chromium per worker process. */
const browserSchema = section({
  restart_every_pages: integerAtLeast(1).optional(),
  pool_size: z
    .int({ error: POOL_SIZE_MESSAGE })
    .min(1, { error: POOL_SIZE_MESSAGE })
    .max(16, { error: POOL_SIZE_MESSAGE })
    .optional(),
  challenge_wait_seconds: durationSchema.optional(),
})
  .optional()
  .transform((browser) => ({
    /** The browser is closed and started again after this many pages (bounds its memory). */
    restartEveryPages: browser?.restart_every_pages ?? BROWSER_DEFAULTS.restart_every_pages,
    /** Pages (tabs) open at once in the worker process, across sites. */
    poolSize: browser?.pool_size ?? BROWSER_DEFAULTS.pool_size,
    /** How long a challenge page may take to clear before ChallengePageError. */
    challengeWaitMs: browser?.challenge_wait_seconds ?? BROWSER_DEFAULTS.challenge_wait_seconds * 1000,
  }));

const securitySchema = section({
  rate_limiting: section({
    enable: booleanSchema,
    requests_per_minute: numberAbove(0),
    burst_limit: integerAtLeast(1),
  }).transform((limits) => ({
    enable: limits.enable,
    requestsPerMinute: limits.requests_per_minute,
    burstLimit: limits.burst_limit,
  })),
  user_agents: section({
    rotate: booleanSchema,
    custom_agents: z.array(text('a User-Agent string'), { error: 'must be a list of User-Agent strings' }),
  }).transform((agents) => ({ rotate: agents.rotate, customAgents: agents.custom_agents })),
  robots_txt: section({
    respect: booleanSchema,
    cache_duration: durationSchema,
  }).transform((robots) => ({ respect: robots.respect, cacheDurationMs: robots.cache_duration })),
  data_validation: section({
    max_field_length: integerAtLeast(1),
    allowed_extensions: z.array(extensionSchema, { error: 'must be a list of file extensions such as [".csv"]' }),
  }).transform((validation) => ({
    maxFieldLength: validation.max_field_length,
    allowedExtensions: validation.allowed_extensions,
  })),
  system_limits: section({
    // Below about 128 MB the worker spends its time collecting garbage or runs out of heap.
    max_memory_mb: integerAtLeast(128),
    max_execution_time: durationSchema,
    max_file_size_mb: numberAbove(0),
  }).transform((limits) => ({
    maxMemoryMb: limits.max_memory_mb,
    maxExecutionTimeMs: limits.max_execution_time,
    maxFileSizeMb: limits.max_file_size_mb,
  })),
  /** With its defaults filled in. */
  browser: browserSchema,
}).transform((security) => ({
  rateLimiting: security.rate_limiting,
  userAgents: security.user_agents,
  robotsTxt: security.robots_txt,
  dataValidation: security.data_validation,
  systemLimits: security.system_limits,
  browser: security.browser,
}));

// ── Per-site settings (also the `defaults` section) ─────────────────────────────────────────

const ERROR_TYPE_MESSAGE = 'must be an error class name such as "NotFoundError"';
const errorTypeSchema = z
  .string({ error: ERROR_TYPE_MESSAGE })
  .regex(/^[A-Z][A-Za-z0-9_]*$/, { error: ERROR_TYPE_MESSAGE });

const FETCH_SHAPE = {
  timeout_seconds: durationSchema,
  max_response_bytes: integerAtLeast(1024),
  max_redirects: integerAtLeast(0),
};

const RETRY_SHAPE = {
  initial_interval: durationSchema,
  backoff_coefficient: numberAtLeast(1),
  maximum_interval: durationSchema,
  maximum_attempts: integerAtLeast(1),
  /** Added to the error classes' own non-retryable list (lib/errors.ts), never replacing it. */
  non_retryable_error_types: z.array(errorTypeSchema, { error: 'must be a list of error class names' }),
};

const proxyUrlSchema = z.string({ error: PROXY_URL_MESSAGE }).trim().refine(isProxyUrl, { error: PROXY_URL_MESSAGE });
const PROXY_LIST_MESSAGE = `must be a list of proxy URLs, each one ${PROXY_URL_MESSAGE.replace(/^must be /, '')}`;
const proxyListSchema = z.array(proxyUrlSchema, { error: PROXY_LIST_MESSAGE }).min(1, { error: PROXY_LIST_MESSAGE });
const PROXY_SOURCES_MESSAGE = 'give exactly one of urls, file or tiers';

/**
 * Proxies as Crawlee's ProxyConfiguration takes them (lib/fetch/proxy-pool.ts): a list (`urls`, or
 * `file`: one URL per line, relative to the config file), or `tiers`, lists from the cheapest up
 * (tieredProxyUrls). `rest_seconds`: how long a blocked or unreachable proxy is left out. Under a
 * site, null turns inherited proxies off.
 */
const proxiesSchema = section({
  urls: proxyListSchema.optional(),
  file: text('a file path (one proxy URL per line, relative to the config file)').optional(),
  tiers: z
    .array(proxyListSchema, { error: 'must be a list of proxy URL lists, the cheapest tier first' })
    .min(1, { error: 'must be a list of proxy URL lists, the cheapest tier first' })
    .optional(),
  rest_seconds: durationSchema.optional(),
})
  .refine(
    (proxies) => [proxies.urls, proxies.file, proxies.tiers].filter((given) => given !== undefined).length === 1,
    {
      error: PROXY_SOURCES_MESSAGE,
    },
  )
  .nullable();

/** How long an unhealthy proxy rests when rest_seconds is not given. */
export const DEFAULT_PROXY_REST_MS = 300_000;

/** auto: http first; a site whose page meets an anti-bot challenge moves to the browser (lib/fetch/auto-fetcher.ts). */
export const FETCHERS = ['http', 'browser', 'auto'] as const;

/**
 * Settings a site inherits from `defaults` and may override key by key. Every one of them is
 * optional here; `requiredTuningProblems` checks that each is set on the site or under defaults.
 */
const TUNING_SHAPE = {
  rate_limit_seconds: numberAtLeast(0),
  fetcher: z.enum(FETCHERS, { error: 'must be "http", "browser" or "auto"' }),
  fetch: section(FETCH_SHAPE).partial(),
  retry: section(RETRY_SHAPE).partial(),
  /** Not required: without proxies every request goes out directly. */
  proxies: proxiesSchema,
};

/** Keys a site must end up with after inheriting `defaults`, with what each must be. */
const REQUIRED_TUNING: ReadonlyArray<{ path: [string] | [string, string]; message: string }> = [
  { path: ['rate_limit_seconds'], message: 'a number ≥ 0' },
  { path: ['fetcher'], message: '"http", "browser" or "auto"' },
  { path: ['fetch', 'timeout_seconds'], message: 'a duration such as "30s"' },
  { path: ['fetch', 'max_response_bytes'], message: 'an integer ≥ 1024' },
  { path: ['fetch', 'max_redirects'], message: 'an integer ≥ 0' },
  { path: ['retry', 'initial_interval'], message: 'a duration such as "2s"' },
  { path: ['retry', 'backoff_coefficient'], message: 'a number ≥ 1' },
  { path: ['retry', 'maximum_interval'], message: 'a duration such as "1m"' },
  { path: ['retry', 'maximum_attempts'], message: 'an integer ≥ 1' },
];

const defaultsSchema = section(TUNING_SHAPE).partial();

// ── Generic adapter selectors ────────────────────────────────────────────────────────────────

/** Made on the first selector checked: a configuration without generic sites loads no cheerio. */
let probe: ReturnType<typeof cheerio.load> | undefined;

/** Whether cheerio can compile the selector: a typo fails at load time, not mid-run. */
export function isCssSelector(selector: string): boolean {
  try {
    (probe ??= cheerio.load('<html><body></body></html>'))(selector);
    return true;
  } catch {
    return false;
  }
}

const CSS_MESSAGE = 'must be a valid CSS selector';
const cssSelectorSchema = z.string({ error: CSS_MESSAGE }).refine(isCssSelector, { error: CSS_MESSAGE });
const requiredCssSelectorSchema = z
  .string({ error: CSS_MESSAGE })
  .trim()
  .min(1, { error: CSS_MESSAGE })
  .refine(isCssSelector, { error: CSS_MESSAGE });

const ATTR_MESSAGE = 'must be an HTML attribute name such as "href" or "data-id"';
const attrSchema = z.string({ error: ATTR_MESSAGE }).regex(/^[A-Za-z_:][-A-Za-z0-9_:.]*$/, { error: ATTR_MESSAGE });

/** `{ selector, attr }`, or a bare string as shorthand for `{ selector }` (read the element's text). */
const fieldSelectorSchema = z.preprocess(
  (value) => (typeof value === 'string' ? { selector: value } : value),
  z.strictObject(
    { selector: cssSelectorSchema.optional(), attr: attrSchema.optional() },
    { error: 'must be a CSS selector, or a mapping with "selector" and/or "attr"' },
  ),
);

/** YAML (snake_case) names of the generic adapter's fields → the record fields they fill. */
export const GENERIC_FIELD_KEYS = {
  title: 'title',
  price: 'price',
  operation: 'operation',
  property_type: 'propertyType',
  bedrooms: 'bedrooms',
  bathrooms: 'bathrooms',
  parking_spaces: 'parkingSpaces',
  built_area_m2: 'builtAreaM2',
  land_area_m2: 'landAreaM2',
  neighborhood: 'neighborhood',
  city: 'city',
  state: 'state',
  address: 'address',
  description: 'description',
  images: 'images',
  publisher: 'publisher',
  published_at: 'publishedAt',
  lat: 'lat',
  lng: 'lng',
} as const satisfies Record<string, keyof ListingRecord>;

/** A listing field the generic adapter can read from a card. */
export type GenericField = (typeof GENERIC_FIELD_KEYS)[keyof typeof GENERIC_FIELD_KEYS];

type YamlGenericField = keyof typeof GENERIC_FIELD_KEYS;

const fieldsShape = Object.fromEntries(
  Object.keys(GENERIC_FIELD_KEYS).map((key) => [key, fieldSelectorSchema.optional()]),
) as Record<YamlGenericField, z.ZodOptional<typeof fieldSelectorSchema>>;

/** Where a value is in a card: `selector` inside the card ("" or absent: the card itself), `attr` to read (absent: the text). */
type FieldSelectorShape = z.output<typeof fieldSelectorSchema>;

function toFieldSelector(value: FieldSelectorShape): FieldSelectorShape {
  const result: FieldSelectorShape = {};
  if (value.selector !== undefined && value.selector.trim() !== '') result.selector = value.selector.trim();
  if (value.attr !== undefined) result.attr = value.attr;
  return result;
}

/** Output: the generic adapter's selectors (camelCase), ready for createGenericAdapter. */
export const selectorsSchema = section({
  card: requiredCssSelectorSchema,
  external_id: fieldSelectorSchema,
  url: fieldSelectorSchema,
  fields: section(fieldsShape).optional(),
  next_page: requiredCssSelectorSchema.optional(),
  no_results: text('a CSS selector or a text that marks a page without results').optional(),
}).transform((raw) => {
  const fields: Partial<Record<GenericField, FieldSelectorShape>> = {};
  for (const [yamlKey, value] of Object.entries(raw.fields ?? {})) {
    if (value) fields[GENERIC_FIELD_KEYS[yamlKey as YamlGenericField]] = toFieldSelector(value);
  }
  return {
    /** One element per listing card. */
    card: raw.card,
    /** Where the listing id is: a selector inside the card plus attribute, or the card's own attribute. */
    externalId: toFieldSelector(raw.external_id),
    url: toFieldSelector(raw.url),
    /** Optional per-field selectors inside the card; fields not given stay null. */
    fields,
    /** The next-page link (href read); absent → single page. */
    ...(raw.next_page !== undefined ? { nextPage: raw.next_page } : {}),
    /** Text or selector whose presence means "no results" (an empty page is then a success). */
    ...(raw.no_results !== undefined ? { noResults: raw.no_results } : {}),
  };
});

// ── Sites ────────────────────────────────────────────────────────────────────────────────────

export const ADAPTERS = ['builtin', 'generic'] as const;
export const SITE_KEY_PATTERN = /^[a-z][a-z0-9_-]*$/;

const siteSchema = section({
  enabled: booleanSchema.optional(),
  priority: integerAtLeast(1),
  base_url: httpUrlSchema,
  hosts: z.array(hostNameSchema, { error: 'must be a list of host names such as ["www.example.com"]' }).optional(),
  has_detail_scraper: booleanSchema.optional(),
  adapter: z.enum(ADAPTERS, { error: 'must be "builtin" or "generic"' }).optional(),
  selectors: selectorsSchema.optional(),
  rate_limit_seconds: TUNING_SHAPE.rate_limit_seconds.optional(),
  fetcher: TUNING_SHAPE.fetcher.optional(),
  fetch: TUNING_SHAPE.fetch.optional(),
  retry: TUNING_SHAPE.retry.optional(),
  proxies: TUNING_SHAPE.proxies.optional(),
});

/** The dashboard's port when config.yaml has no `dashboard` section. */
export const DEFAULT_DASHBOARD_PORT = 8484;

/** `cluster` when the file leaves a key out (the whole section is optional). */
export const CLUSTER_DEFAULTS = {
  data_dir: 'data/cluster',
  postgres_port: 15432,
  internal_ports: 7234,
  postgres_run_as: 'postgres',
} as const;

const INTERNAL_PORTS_MESSAGE = `must be an integer port from 1 to ${65536 - INTERNAL_PORT_COUNT} (the first of ${INTERNAL_PORT_COUNT} consecutive ports)`;
const ACCOUNT_MESSAGE = 'must be the name of an account on this machine, such as "postgres"';

/**
 * `orchestrator cluster`: a Temporal cluster on PostgreSQL. Its frontend listens at temporal.address
 * and its Web UI at temporal.ui_port, so workers, commands and the links they print reach it unchanged.
 */
const clusterSchema = section({
  data_dir: pathSchema.optional(),
  postgres_port: portSchema.optional(),
  internal_ports: z
    .int({ error: INTERNAL_PORTS_MESSAGE })
    .min(1, { error: INTERNAL_PORTS_MESSAGE })
    .max(65536 - INTERNAL_PORT_COUNT, { error: INTERNAL_PORTS_MESSAGE })
    .optional(),
  postgres_run_as: z
    .string({ error: ACCOUNT_MESSAGE })
    .trim()
    .regex(/^[a-z_][a-z0-9_-]*$/, { error: ACCOUNT_MESSAGE })
    .optional(),
})
  .optional()
  .transform((cluster) => ({
    /** PostgreSQL's data, the servers' rendered configs, logs and pid files (absolute in AppConfig). */
    dataDir: cluster?.data_dir ?? CLUSTER_DEFAULTS.data_dir,
    /** PostgreSQL listens on 127.0.0.1 at this port. */
    postgresPort: cluster?.postgres_port ?? CLUSTER_DEFAULTS.postgres_port,
    /** The first of INTERNAL_PORT_COUNT consecutive loopback ports of the server's internal services. */
    internalPorts: cluster?.internal_ports ?? CLUSTER_DEFAULTS.internal_ports,
    /** The account PostgreSQL runs as when the orchestrator runs as root (initdb and postgres refuse root). */
    postgresRunAs: cluster?.postgres_run_as ?? CLUSTER_DEFAULTS.postgres_run_as,
  }));

// ── The whole file ───────────────────────────────────────────────────────────────────────────

/** The file's shape, section by section; appConfigSchema adds what needs the file's location or several sections. */
export const configFileSchema = section({
  temporal: temporalSchema,
  storage: storageSchema,
  batch: batchSchema,
  notifications: section({ webhook_url: optionalUrlSchema, email: emailSchema }).transform(
    // email only when configured: absent means off, as in configs built by hand (tests).
    (notifications): { webhookUrl: string | null; email?: z.output<typeof emailSchema> } => ({
      webhookUrl: notifications.webhook_url,
      ...(notifications.email ? { email: notifications.email } : {}),
    }),
  ),
  alerts: section({ listing_drop_ratio: ratio(), fill_rate_drop: ratio() }).transform((alerts) => ({
    listingDropRatio: alerts.listing_drop_ratio,
    fillRateDrop: alerts.fill_rate_drop,
  })),
  logging: section({ level: logLevelSchema, dir: pathSchema }),
  metrics: section({ prometheus_port: portSchema.nullable(), host: bindHostSchema.optional() }).transform(
    (metrics) => ({
      prometheusPort: metrics.prometheus_port,
      /** The address the endpoint listens on; absent → 127.0.0.1 (workers/runtime.ts). */
      ...(metrics.host ? { host: metrics.host } : {}),
    }),
  ),
  /** `url`: the local mirror (http://127.0.0.1:PORT); when set, every portal request goes there, Host header kept. */
  mirror: section({ url: optionalUrlSchema }),
  // Optional, so configuration files written before the dashboard existed still load.
  dashboard: section({ port: portSchema })
    .optional()
    .transform((dashboard) => ({
      /** `orchestrator dashboard` listens on 127.0.0.1 at this port. */
      port: dashboard?.port ?? DEFAULT_DASHBOARD_PORT,
    })),
  // Optional, so configuration files written before the cluster existed still load.
  cluster: clusterSchema,
  security: securitySchema,
  defaults: defaultsSchema,
  sites: z.record(z.string(), siteSchema, { error: 'must be a mapping of site keys to site settings' }),
});

type ConfigFile = z.output<typeof configFileSchema>;
type SiteEntry = ConfigFile['sites'][string];

/** Where the config came from: AppConfig carries it, and relative paths in the file are resolved against rootDir. */
export interface ConfigLocation {
  /** Absolute path of the file (for messages). */
  sourcePath: string;
  /** The project root all relative paths are resolved against. */
  rootDir: string;
}

/**
 * config/config.yaml → AppConfig: the file's shape (`.in`, which reports every mistake), then
 * (`.out`) paths made absolute and `defaults` merged under each site, sites in priority order
 * (then key order). The second step relies on crossKeyProblems having found nothing: every site
 * then ends up with each setting it inherits.
 */
export function appConfigSchema({ sourcePath, rootDir }: ConfigLocation) {
  const resolve = (relative: string) => path.resolve(rootDir, relative);
  return configFileSchema.transform((file) => ({
    /** Absolute path of the file this came from (for messages). */
    sourcePath,
    /** The project root all relative paths below are resolved against. */
    rootDir,
    temporal: { ...file.temporal, dbFile: resolve(file.temporal.dbFile) },
    storage: {
      ...file.storage,
      database: resolveDatabaseSetting(rootDir, file.storage.database),
      backupsDir: resolve(file.storage.backupsDir),
      exportsDir: resolve(file.storage.exportsDir),
      tempDir: resolve(file.storage.tempDir),
      urlsDir: resolve(file.storage.urlsDir),
    },
    batch: file.batch,
    notifications: file.notifications,
    alerts: file.alerts,
    logging: { ...file.logging, dir: resolve(file.logging.dir) },
    metrics: file.metrics,
    mirror: file.mirror,
    dashboard: file.dashboard,
    cluster: { ...file.cluster, dataDir: resolve(file.cluster.dataDir) },
    security: file.security,
    /** Sites in priority order (then key order). */
    sites: Object.entries(file.sites)
      .map(([key, site]) => siteConfig(key, site, file.defaults, sourcePath))
      .sort((a, b) => a.priority - b.priority || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
  }));
}

/** After the cross-key checks every inherited key is set; reaching this is a bug in the checks, not a user mistake. */
function defined<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`config check missed ${what}`);
  return value;
}

/** "https://www.lamudi.com.mx/" → "https://www.lamudi.com.mx": the origin, plus a path if one was given. */
function normalizeBaseUrl(value: string): string {
  const url = new URL(value);
  return url.origin + url.pathname.replace(/\/+$/, '');
}

/** One site with `defaults` merged under it, key by key. */
function siteConfig(key: string, site: SiteEntry, defaults: ConfigFile['defaults'], sourcePath: string) {
  const what = (name: string) => `sites.${key}.${name}`;
  const fetch = { ...defaults.fetch, ...site.fetch };
  const retry = { ...defaults.retry, ...site.retry };
  const retryPolicy: RetryPolicySettings = {
    initialIntervalMs: defined(retry.initial_interval, what('retry.initial_interval')),
    backoffCoefficient: defined(retry.backoff_coefficient, what('retry.backoff_coefficient')),
    maximumIntervalMs: defined(retry.maximum_interval, what('retry.maximum_interval')),
    maximumAttempts: defined(retry.maximum_attempts, what('retry.maximum_attempts')),
    // The classes' own list, then the names the site (or else defaults) adds, each name once.
    nonRetryableErrorTypes: [...new Set([...NON_RETRYABLE_ERROR_TYPES, ...(retry.non_retryable_error_types ?? [])])],
  };
  const adapter = site.adapter ?? 'builtin';
  return {
    key,
    enabled: site.enabled ?? true,
    /** 1 runs first. */
    priority: site.priority,
    /** The portal's origin, e.g. https://www.inmuebles24.com; start URLs must be on its domain. */
    baseUrl: normalizeBaseUrl(site.base_url),
    /**
     * Host names beyond base_url's registrable domain that the site's pages live on (each with its
     * subdomains); every request must be on that domain or one of these (lib/security/host-policy.ts).
     */
    ...(site.hosts ? { hosts: site.hosts } : {}),
    hasDetailScraper: site.has_detail_scraper ?? false,
    /** 'builtin' for the six portals, 'generic' for a portal described by selectors. */
    adapter,
    /** auto: http, and the browser for the rest of the worker's life once a page meets a challenge. */
    fetcher: defined(site.fetcher ?? defaults.fetcher, what('fetcher')),
    /** Minimum spacing between two requests to this site, across all workers. */
    rateLimitSeconds: defined(site.rate_limit_seconds ?? defaults.rate_limit_seconds, what('rate_limit_seconds')),
    retry: retryPolicy,
    fetch: {
      timeoutMs: defined(fetch.timeout_seconds, what('fetch.timeout_seconds')),
      maxResponseBytes: defined(fetch.max_response_bytes, what('fetch.max_response_bytes')),
      /** Redirects followed at most (always within the site's domain). */
      maxRedirects: defined(fetch.max_redirects, what('fetch.max_redirects')),
    },
    ...(adapter === 'generic' ? { genericSelectors: defined(site.selectors, what('selectors')) } : {}),
    /** Proxy URLs by tier (cheapest first) and how long an unhealthy one rests; null: no proxy. */
    proxies: proxySettings(site.proxies === undefined ? defaults.proxies : site.proxies, sourcePath),
  };
}

type ProxiesEntry = z.output<typeof proxiesSchema> | undefined;

/** The site's proxies as the pool takes them: every source as tiers, the list file read (checked by load.ts before). */
function proxySettings(proxies: ProxiesEntry, sourcePath: string): { tiers: string[][]; restMs: number } | null {
  if (!proxies) return null;
  const tiers = proxies.tiers ?? [
    proxies.urls ?? readProxyList(proxyListPath(sourcePath, proxies.file!), proxies.file!).urls,
  ];
  return { tiers, restMs: proxies.rest_seconds ?? DEFAULT_PROXY_REST_MS };
}

// ── Rules across keys ────────────────────────────────────────────────────────────────────────

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function child(value: unknown, key: string): unknown {
  return isMapping(value) ? value[key] : undefined;
}

/**
 * Problems zod cannot see because they involve a map key or two sections at once. Works on the raw
 * YAML value and looks only at values of the right type, so it runs even when the shape check
 * failed elsewhere and every problem is reported in one go.
 */
export function crossKeyProblems(raw: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  // A password in the file: said once, without its value, with where it belongs instead.
  const email = child(child(raw, 'notifications'), 'email');
  if (isMapping(email) && 'password' in email)
    problems.push({ path: ['notifications', 'email', 'password'], message: PASSWORD_IN_FILE_MESSAGE });
  const defaults = child(raw, 'defaults');
  problems.push(...intervalProblems(['defaults', 'retry'], child(defaults, 'retry'), undefined));
  problems.push(...clusterPortProblems(raw));

  const sites = child(raw, 'sites');
  if (!isMapping(sites)) return problems;
  if (Object.keys(sites).length === 0) {
    problems.push({ path: ['sites'], message: 'no site is configured: add at least one site' });
  }
  for (const [key, site] of Object.entries(sites)) {
    const path = ['sites', key];
    if (!SITE_KEY_PATTERN.test(key)) {
      problems.push({
        path,
        message: 'a site key must be lowercase letters, digits, "-" or "_", starting with a letter',
        value: key,
      });
    }
    if (!isMapping(site)) continue; // zod reports the type
    problems.push(...adapterProblems(key, site));
    problems.push(...requiredTuningProblems(path, site, defaults));
    problems.push(...intervalProblems([...path, 'retry'], child(site, 'retry'), child(defaults, 'retry')));
  }
  return problems;
}

/**
 * The cluster's ports against each other and against temporal.address and temporal.ui_port, which
 * the cluster listens on too. Only for a file with a `cluster` section (a file without one is not
 * refused for a feature it does not set up; `cluster start` checks again, after environment
 * overrides), and only when every port is well-formed (the shape check reports the rest).
 */
function clusterPortProblems(raw: unknown): ConfigProblem[] {
  const temporal = child(raw, 'temporal');
  const cluster = child(raw, 'cluster');
  if (!isMapping(cluster)) return [];
  const address = child(temporal, 'address');
  const frontend = typeof address === 'string' ? Number(HOST_PORT.exec(address.trim())?.[2]) : NaN;
  const ports = {
    frontend,
    ui: child(temporal, 'ui_port'),
    postgres: child(cluster, 'postgres_port') ?? CLUSTER_DEFAULTS.postgres_port,
    internalFirst: child(cluster, 'internal_ports') ?? CLUSTER_DEFAULTS.internal_ports,
  };
  const valid = Object.values(ports).every((port) => typeof port === 'number' && Number.isInteger(port) && port > 0);
  if (!valid) return [];
  return portClashes(ports as { frontend: number; ui: number; postgres: number; internalFirst: number }).map(
    (clash) => ({ path: ['cluster'], message: `two servers would listen on one port: ${clash}` }),
  );
}

function adapterProblems(key: string, site: Record<string, unknown>): ConfigProblem[] {
  const path = ['sites', key];
  const adapter = site.adapter ?? 'builtin';
  const builtin = (BUILTIN_SITE_KEYS as readonly string[]).includes(key);
  if (adapter === 'builtin') {
    const problems: ConfigProblem[] = [];
    if (!builtin && SITE_KEY_PATTERN.test(key)) {
      problems.push({
        path,
        message:
          `unknown built-in site "${key}": use adapter: generic with selectors ` +
          `(the built-in sites are ${BUILTIN_SITE_KEYS.join(', ')})`,
      });
    }
    if (site.selectors !== undefined) {
      problems.push({
        path: [...path, 'selectors'],
        message: 'selectors are read only with adapter: generic; remove them or set adapter: generic',
      });
    }
    return problems;
  }
  if (adapter === 'generic') {
    const problems: ConfigProblem[] = [];
    if (site.selectors === undefined) {
      problems.push({
        path,
        message: 'adapter generic needs "selectors" (card, external_id, url and fields) to read the pages',
      });
    }
    if (site.has_detail_scraper === true) {
      problems.push({
        path: [...path, 'has_detail_scraper'],
        message: 'the generic adapter reads results pages only; set has_detail_scraper: false',
        value: true,
      });
    }
    return problems;
  }
  return []; // an unknown adapter name is reported by the schema
}

/** A setting missing both on the site and under defaults. */
function requiredTuningProblems(path: ConfigPath, site: Record<string, unknown>, defaults: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const required of REQUIRED_TUNING) {
    const [first, second] = required.path;
    const fromSite = second === undefined ? site[first] : child(site[first], second);
    const fromDefaults = second === undefined ? child(defaults, first) : child(child(defaults, first), second);
    // A section of the wrong type is reported by the schema; do not add a "missing" for each key.
    if (second !== undefined && site[first] !== undefined && !isMapping(site[first])) continue;
    if (fromSite === undefined && fromDefaults === undefined) {
      problems.push({
        path: [...path, ...required.path],
        message: `missing (must be ${required.message}); set it on the site or under defaults.${required.path.join('.')}`,
      });
    }
  }
  return problems;
}

/** maximum_interval below initial_interval makes Temporal reject the retry policy at run time. */
function intervalProblems(path: ConfigPath, retry: unknown, inherited: unknown): ConfigProblem[] {
  const initialRaw = child(retry, 'initial_interval') ?? child(inherited, 'initial_interval');
  const maximumRaw = child(retry, 'maximum_interval') ?? child(inherited, 'maximum_interval');
  // Only judge the site when it sets one of them; inherited pairs are judged under defaults.
  if (
    inherited !== undefined &&
    child(retry, 'initial_interval') === undefined &&
    child(retry, 'maximum_interval') === undefined
  ) {
    return [];
  }
  const initial = parseDurationMs(initialRaw);
  const maximum = parseDurationMs(maximumRaw);
  if (initial === null || maximum === null || initial <= 0 || maximum <= 0 || maximum >= initial) return [];
  return [
    {
      path: [...path, 'maximum_interval'],
      message: `must not be shorter than initial_interval (${formatDurationMs(initial)})`,
      value: maximumRaw,
    },
  ];
}

// ── Key lookup, for "did you mean" hints ────────────────────────────────────────────────────

/** The parts of a zod definition walked to find the keys a mapping accepts. */
interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  valueType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
}

function objectKeys(schema: z.ZodType | undefined, depth = 0): { keys?: string[]; schema?: z.ZodType } {
  if (!schema || depth > 8) return {};
  const def = schema.def as unknown as SchemaDef;
  if (def.type === 'object' && def.shape) return { keys: Object.keys(def.shape), schema };
  if (def.innerType) return objectKeys(def.innerType, depth + 1);
  if (def.type === 'pipe') {
    const found = objectKeys(def.in, depth + 1);
    return found.keys ? found : objectKeys(def.out, depth + 1);
  }
  return {};
}

function childSchema(schema: z.ZodType, key: string | number): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema;
  for (let depth = 0; current && depth < 8; depth++) {
    const def = current.def as unknown as SchemaDef;
    if (def.type === 'object' && def.shape) return typeof key === 'string' ? def.shape[key] : undefined;
    if (def.type === 'record') return def.valueType;
    if (def.innerType) current = def.innerType;
    else if (def.type === 'pipe') current = objectKeys(def.in).keys ? def.in : def.out;
    else return undefined;
  }
  return undefined;
}

/** The keys the mapping at `path` of config.yaml accepts (e.g. ["sites", "lamudi"] → enabled, priority …). */
export function knownKeysAt(path: ConfigPath): string[] {
  let schema: z.ZodType | undefined = configFileSchema;
  for (const key of path) {
    schema = schema ? childSchema(schema, key) : undefined;
  }
  return objectKeys(schema).keys ?? [];
}
