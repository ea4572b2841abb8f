/**
 * What a valid config/config.yaml is: the shape of every section (zod, strict: a misspelt key is an
 * error, never silently ignored) plus the rules that span several keys (site keys, adapters,
 * settings inherited from `defaults`). Reading the file, environment overrides and turning the
 * result into an AppConfig live in load.ts.
 *
 * Every schema carries its own user-facing message ("must be a number ≥ 0"); load.ts prefixes the
 * file and key path and appends the value found, so a message reads as one complete sentence.
 */
import * as cheerio from 'cheerio';
import { isIP } from 'node:net';
import { getDomain } from 'tldts';
import { z } from 'zod';
import { BUILTIN_SITE_KEYS } from '../record/listing-record';
import { emailSchema, PASSWORD_IN_FILE_MESSAGE } from './email-settings';
import type { FieldSelector, GenericField, GenericSelectors } from './types';

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

const temporalSchema = section({
  address: hostPortSchema,
  namespace: text('a Temporal namespace name'),
  task_queue: text('a task queue name'),
  ui_port: portSchema,
  db_file: pathSchema,
  retention_hours: integerAtLeast(1),
  embedded: booleanSchema,
});

const storageSchema = section({
  database: pathSchema,
  backups_dir: pathSchema,
  backup_retention: integerAtLeast(1),
  exports_dir: pathSchema,
  temp_dir: pathSchema,
  urls_dir: pathSchema,
});

const batchSchema = section({
  max_parallel_sites: integerAtLeast(1),
  detail_window: integerAtLeast(1),
  max_history_events_per_run: integerAtLeast(100),
});

const EXTENSION_MESSAGE = 'must be a file extension such as ".csv"';
const extensionSchema = z.string({ error: EXTENSION_MESSAGE }).regex(/^\.[A-Za-z0-9]+$/, { error: EXTENSION_MESSAGE });

/** `security.browser` when the file leaves a key out (the whole mapping is optional). */
export const BROWSER_DEFAULTS = { restart_every_pages: 50, pool_size: 2, challenge_wait_seconds: 15 } as const;

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
});

const securitySchema = section({
  rate_limiting: section({
    enable: booleanSchema,
    requests_per_minute: numberAbove(0),
    burst_limit: integerAtLeast(1),
  }),
  user_agents: section({
    rotate: booleanSchema,
    custom_agents: z.array(text('a User-Agent string'), { error: 'must be a list of User-Agent strings' }),
  }),
  robots_txt: section({
    respect: booleanSchema,
    cache_duration: durationSchema,
  }),
  data_validation: section({
    max_field_length: integerAtLeast(1),
    allowed_extensions: z.array(extensionSchema, { error: 'must be a list of file extensions such as [".csv"]' }),
  }),
  system_limits: section({
    // Below about 128 MB the worker spends its time collecting garbage or runs out of heap.
    max_memory_mb: integerAtLeast(128),
    max_execution_time: durationSchema,
    max_file_size_mb: numberAbove(0),
  }),
  browser: browserSchema.optional(),
});

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

const probe = cheerio.load('<html><body></body></html>');

/** Whether cheerio can compile the selector: a typo fails at load time, not mid-run. */
export function isCssSelector(selector: string): boolean {
  try {
    probe(selector);
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

/** YAML (snake_case) names of the generic adapter's fields → record field names. */
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
} as const satisfies Record<string, GenericField>;

// Compile-time check that every GenericField has a YAML name: adding a field to types.ts without
// adding it above makes this line fail to type-check.
type MissingGenericFields = Exclude<GenericField, (typeof GENERIC_FIELD_KEYS)[keyof typeof GENERIC_FIELD_KEYS]>;
const everyGenericFieldNamed: [MissingGenericFields] extends [never] ? true : never = true;
void everyGenericFieldNamed;

type YamlGenericField = keyof typeof GENERIC_FIELD_KEYS;

const fieldsShape = Object.fromEntries(
  Object.keys(GENERIC_FIELD_KEYS).map((key) => [key, fieldSelectorSchema.optional()]),
) as Record<YamlGenericField, z.ZodOptional<typeof fieldSelectorSchema>>;

function toFieldSelector(value: { selector?: string; attr?: string }): FieldSelector {
  const result: FieldSelector = {};
  if (value.selector !== undefined && value.selector.trim() !== '') result.selector = value.selector.trim();
  if (value.attr !== undefined) result.attr = value.attr;
  return result;
}

/** Output: GenericSelectors (camelCase), ready for createGenericAdapter. */
export const selectorsSchema = section({
  card: requiredCssSelectorSchema,
  external_id: fieldSelectorSchema,
  url: fieldSelectorSchema,
  fields: section(fieldsShape).optional(),
  next_page: requiredCssSelectorSchema.optional(),
  no_results: text('a CSS selector or a text that marks a page without results').optional(),
}).transform((raw): GenericSelectors => {
  const fields: GenericSelectors['fields'] = {};
  for (const [yamlKey, value] of Object.entries(raw.fields ?? {})) {
    if (value) fields[GENERIC_FIELD_KEYS[yamlKey as YamlGenericField]] = toFieldSelector(value);
  }
  const selectors: GenericSelectors = {
    card: raw.card,
    externalId: toFieldSelector(raw.external_id),
    url: toFieldSelector(raw.url),
    fields,
  };
  if (raw.next_page !== undefined) selectors.nextPage = raw.next_page;
  if (raw.no_results !== undefined) selectors.noResults = raw.no_results;
  return selectors;
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
});

// ── The whole file ───────────────────────────────────────────────────────────────────────────

export const configFileSchema = section({
  temporal: temporalSchema,
  storage: storageSchema,
  batch: batchSchema,
  notifications: section({ webhook_url: optionalUrlSchema, email: emailSchema }),
  alerts: section({ listing_drop_ratio: ratio(), fill_rate_drop: ratio() }),
  logging: section({ level: logLevelSchema, dir: pathSchema }),
  metrics: section({ prometheus_port: portSchema.nullable(), host: bindHostSchema.optional() }),
  mirror: section({ url: optionalUrlSchema }),
  security: securitySchema,
  defaults: defaultsSchema,
  sites: z.record(z.string(), siteSchema, { error: 'must be a mapping of site keys to site settings' }),
});

/** The file after shape checks: snake_case keys, durations in milliseconds, selectors camelCase. */
export type ConfigFile = z.output<typeof configFileSchema>;
export type SiteEntry = ConfigFile['sites'][string];
export type SiteDefaults = ConfigFile['defaults'];

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
