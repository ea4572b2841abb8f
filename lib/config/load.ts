/**
 * Reads config/config.yaml into an AppConfig: YAML → shape and cross-key checks (schema.ts) →
 * the schema's transform (site defaults merged under each site, paths made absolute, sites sorted)
 * → environment overrides.
 *
 * Every problem is collected before anything is thrown, so a user fixes the whole file in one go;
 * each one is a single line naming the file, the key path and the value found.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument, type Document, type YAMLError } from 'yaml';
import type { z } from 'zod';
import { UserInputProblems } from '../errors';
import {
  appConfigSchema,
  bindHostSchema,
  crossKeyProblems,
  hostPortSchema,
  isHttpUrl,
  knownKeysAt,
  LOG_LEVELS,
  logLevelSchema,
  portSchema,
  type ConfigPath,
  type ConfigProblem,
} from './schema';
import type { AppConfig } from './types';
import { parseSmtpUrl, redactSmtpUrl } from './email-settings';
import { proxyListPath, readProxyList, redactProxyValue } from './proxies';
import { databaseSettingProblem, redactDatabaseUrl, resolveDatabaseSetting } from '../store/database-url';

/** A config that cannot be used (each of its problems one sentence). */
export class ConfigError extends UserInputProblems {}

export interface LoadConfigOptions {
  /** The config file; relative paths are resolved against rootDir. Default: <rootDir>/config/config.yaml. */
  path?: string;
  /** The project root all relative paths are resolved against. Default: the directory holding package.json. */
  rootDir?: string;
  /** Source of the overrides (TEMPORAL_ADDRESS …). Default: process.env. */
  env?: NodeJS.ProcessEnv;
}

export const DEFAULT_CONFIG_PATH = path.join('config', 'config.yaml');

/** The nearest directory above this file that holds package.json: the project root. */
export function findProjectRoot(start: string = __dirname): string {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(start, '..', '..');
  }
}

export function loadConfig(options: LoadConfigOptions = {}): AppConfig {
  const rootDir = path.resolve(options.rootDir ?? findProjectRoot());
  const sourcePath = path.resolve(rootDir, options.path ?? DEFAULT_CONFIG_PATH);
  let text: string;
  try {
    text = fs.readFileSync(sourcePath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'config file not found' : `cannot read the config file (${code ?? String(error)})`;
    throw new ConfigError([`${displayPath(rootDir, sourcePath)}: ${reason}`]);
  }
  return parseConfigText(text, sourcePath, rootDir, options.env ?? process.env);
}

/**
 * The pure part of loadConfig, for tests and for configs that do not come from a file.
 * `sourcePath` is only used in messages and AppConfig.sourcePath (relative → against rootDir).
 */
export function parseConfigText(
  text: string,
  sourcePath: string,
  rootDir: string,
  env: NodeJS.ProcessEnv = {},
): AppConfig {
  const root = path.resolve(rootDir);
  const source = path.resolve(root, sourcePath);
  const file = displayPath(root, source);

  // merge: `<<: *anchor` lets users share a block of site settings, as YAML 1.1 allowed.
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { prettyErrors: true, merge: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(doc.errors.map((error) => `${file}: ${yamlErrorLine(error)}`));
  }
  const raw: unknown = doc.toJS();
  if (raw === null || raw === undefined) {
    throw new ConfigError([`${file}: the file is empty; it must hold the settings (temporal, storage, …, sites)`]);
  }

  // The file's shape first; the transform (schema.out) runs once the cross-key rules pass too.
  const schema = appConfigSchema({ sourcePath: source, rootDir: root });
  const parsed = schema.in.safeParse(raw);
  const problems: Located[] = [
    ...(parsed.success ? [] : parsed.error.issues.flatMap((issue) => fromIssue(issue, raw))),
    ...crossKeyProblems(raw).map((problem) => ({ problem, at: problem.path })),
  ];
  const lines = sortByFilePosition(withoutMisspeltMissing(problems), doc).map((problem) =>
    formatProblem(file, problem),
  );
  lines.push(...proxyListProblems(raw, source, root, file));

  const overrides = readEnvOverrides(env, root);
  lines.push(...overrides.problems);
  if (lines.length > 0 || !parsed.success) throw new ConfigError(lines);

  const config = schema.out.parse(parsed.data);
  for (const apply of overrides.apply) apply(config);
  return config;
}

// ── Messages ─────────────────────────────────────────────────────────────────────────────────

/** `config/config.yaml` for files under the root, the absolute path otherwise. */
export function displayPath(rootDir: string, file: string): string {
  const relative = path.relative(rootDir, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

/** sites.lamudi.retry.maximum_attempts, security.user_agents.custom_agents[1], sites["Viva.Nuncios"] */
export function formatConfigPath(keys: ConfigPath): string {
  return keys.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)) return `${text}[${JSON.stringify(key)}]`;
    return text ? `${text}.${key}` : key;
  }, '');
}

/** A value as the user wrote it: strings quoted, long structures cut. */
function showValue(value: unknown): string {
  if (typeof value === 'number')
    return Number.isNaN(value) ? '.nan' : Number.isFinite(value) ? String(value) : value > 0 ? '.inf' : '-.inf';
  if (typeof value === 'string' || Array.isArray(value) || (typeof value === 'object' && value !== null)) {
    const json = JSON.stringify(value);
    return json.length > 80 ? `${json.slice(0, 77)}...` : json;
  }
  return String(value);
}

function formatProblem(file: string, problem: ConfigProblem): string {
  const where = problem.path.length > 0 ? `${file}: ${formatConfigPath(problem.path)}: ` : `${file}: `;
  const got = 'value' in problem ? `, got ${showValue(problem.value)}` : '';
  return `${where}${problem.message}${got}`;
}

/**
 * The bad lines of every `proxies.file` (defaults and sites), each named by its file and line, and
 * files that cannot be read, named by the key that points to them.
 */
function proxyListProblems(raw: unknown, source: string, root: string, file: string): string[] {
  const at = (keys: ConfigPath): unknown => valueAt(raw, keys).value;
  const owners: ConfigPath[] = [['defaults', 'proxies']];
  const sites = at(['sites']);
  if (sites && typeof sites === 'object') for (const key of Object.keys(sites)) owners.push(['sites', key, 'proxies']);
  return owners.flatMap((keys) => {
    const listFile = at([...keys, 'file']);
    if (typeof listFile !== 'string' || listFile.trim() === '') return []; // the schema reports it
    const absolute = proxyListPath(source, listFile.trim());
    return readProxyList(absolute, displayPath(root, absolute)).problems.map((problem) =>
      problem.includes('cannot read') ? `${file}: ${formatConfigPath([...keys, 'file'])}: ${problem}` : problem,
    );
  });
}

/** "line 3, column 1: YAML syntax error: Map keys must be unique" */
function yamlErrorLine(error: YAMLError): string {
  const reason = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  const position = error.linePos?.[0];
  return position
    ? `line ${position.line}, column ${position.col}: YAML syntax error: ${reason}`
    : `YAML syntax error: ${reason}`;
}

function valueAt(raw: unknown, keys: ConfigPath): { found: boolean; value: unknown } {
  let current: unknown = raw;
  for (const key of keys) {
    if (current === null || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, key)) {
      return { found: false, value: undefined };
    }
    current = (current as Record<string | number, unknown>)[key];
  }
  return { found: true, value: current };
}

/** The closest known key by edit distance, when it is close enough to be a typo. */
function closestKey(unknown: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(unknown.toLowerCase(), candidate);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best !== null && bestDistance <= Math.max(2, Math.floor(best.length / 4)) ? best : null;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** A problem plus the key it is about, which for an unknown key is one level below its path. */
interface Located {
  problem: ConfigProblem;
  at: ConfigPath;
  /** For an unknown key: the known key it is probably a typo of. */
  meant?: string;
}

function fromIssue(issue: z.core.$ZodIssue, raw: unknown): Located[] {
  const keys = issue.path.filter((key): key is string | number => typeof key !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(keys);
    return issue.keys.map((key) => {
      const meant = closestKey(key, known);
      const hint = meant !== null ? ` (did you mean "${meant}"?)` : '';
      return {
        problem: { path: keys, message: `unknown key "${key}"${hint}` },
        at: [...keys, key],
        meant: meant ?? undefined,
      };
    });
  }
  const { found, value: written } = valueAt(raw, keys);
  // A proxy or database URL is shown without its password, like every such URL anywhere.
  const value = keys.includes('proxies')
    ? redactProxyValue(written)
    : keys.join('.') === 'storage.database' && typeof written === 'string'
      ? redactDatabaseUrl(written)
      : written;
  const problem: ConfigProblem = found
    ? { path: keys, message: issue.message, value }
    : { path: keys, message: `missing (${issue.message})` };
  return [{ problem, at: keys }];
}

/**
 * "unknown key max_paralel_sites (did you mean max_parallel_sites?)" already says what is wrong;
 * the "max_parallel_sites: missing" it causes is dropped rather than reported twice.
 */
function withoutMisspeltMissing(problems: readonly Located[]): Located[] {
  const meant = new Set(
    problems
      .filter((entry) => entry.meant !== undefined)
      .map((entry) => formatConfigPath([...entry.problem.path, entry.meant!])),
  );
  return problems.filter(
    (entry) => !(entry.problem.message.startsWith('missing') && meant.has(formatConfigPath(entry.problem.path))),
  );
}

/** Problems in the order their keys appear in the file, so the list reads top to bottom. */
function sortByFilePosition(problems: readonly Located[], doc: Document): ConfigProblem[] {
  const offsetOf = (keys: ConfigPath): number => {
    // The deepest node that exists: a missing key sorts where its parent mapping starts.
    for (let length = keys.length; length > 0; length--) {
      const node = doc.getIn(keys.slice(0, length), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return node.range[0];
    }
    return 0;
  };
  return problems
    .map(({ problem, at }, index) => ({ problem, index, offset: offsetOf(at) }))
    .sort((a, b) => a.offset - b.offset || a.index - b.index)
    .map(({ problem }) => problem);
}

// ── Environment overrides ────────────────────────────────────────────────────────────────────

type Parsed<T> = { ok: true; value: T } | { ok: false; expected: string };

interface EnvOverride {
  variable: string;
  /** The config key it replaces, for messages. */
  key: string;
  /** Validate the text; on success return how to apply it. */
  read(
    text: string,
    rootDir: string,
  ): { ok: true; apply: (config: AppConfig) => void } | { ok: false; expected: string };
  /** How a wrong value is quoted in the message; for variables holding a password, without it. */
  show?: (text: string) => string;
}

function override<T>(
  variable: string,
  key: string,
  parse: (text: string, rootDir: string) => Parsed<T>,
  set: (config: AppConfig, value: T) => void,
): EnvOverride {
  return {
    variable,
    key,
    read(text, rootDir) {
      const parsed = parse(text, rootDir);
      return parsed.ok ? { ok: true, apply: (config) => set(config, parsed.value) } : parsed;
    },
  };
}

function nonEmpty(text: string): Parsed<string> {
  return text.trim() !== '' ? { ok: true, value: text.trim() } : { ok: false, expected: 'must not be blank' };
}

/** The variable's text, as `prepare` hands it over (as it is by default), through `schema`; `expected` when refused. */
function bySchema<T>(
  schema: z.ZodType<T>,
  expected: string,
  prepare: (text: string) => unknown = (text) => text,
): (text: string) => Parsed<T> {
  return (text) => {
    const result = schema.safeParse(prepare(text));
    return result.success ? { ok: true, value: result.data } : { ok: false, expected };
  };
}

// Digits only: Number() would also take " 0x1F", "1e3" or "".
const port = bySchema(portSchema, 'must be an integer port from 1 to 65535', (text) =>
  /^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined,
);

/** "none" switches the feature off, as null does in the file. */
function urlOrNone(text: string): Parsed<string | null> {
  const value = text.trim();
  if (value.toLowerCase() === 'none') return { ok: true, value: null };
  return isHttpUrl(value) ? { ok: true, value } : { ok: false, expected: 'must be an absolute http(s) URL, or "none"' };
}

const ENV_OVERRIDES: readonly EnvOverride[] = [
  override(
    'TEMPORAL_ADDRESS',
    'temporal.address',
    bySchema(hostPortSchema, 'must be "host:port", e.g. 127.0.0.1:7233'),
    (config, value) => (config.temporal.address = value),
  ),
  override(
    'TEMPORAL_NAMESPACE',
    'temporal.namespace',
    nonEmpty,
    (config, value) => (config.temporal.namespace = value),
  ),
  override(
    'TEMPORAL_TASK_QUEUE',
    'temporal.task_queue',
    nonEmpty,
    (config, value) => (config.temporal.taskQueue = value),
  ),
  override('TEMPORAL_UI_PORT', 'temporal.ui_port', port, (config, value) => (config.temporal.uiPort = value)),
  {
    ...override(
      'ORCHESTRATOR_DATABASE',
      'storage.database',
      (text, rootDir) => {
        const problem = databaseSettingProblem(text.trim());
        return problem
          ? { ok: false, expected: problem }
          : { ok: true, value: resolveDatabaseSetting(rootDir, text.trim()) };
      },
      (config, value) => (config.storage.database = value),
    ),
    show: (text) => JSON.stringify(redactDatabaseUrl(text.trim())),
  },
  override(
    'ORCHESTRATOR_WEBHOOK_URL',
    'notifications.webhook_url',
    urlOrNone,
    (config, value) => (config.notifications.webhookUrl = value),
  ),
  // The whole email setting in one URL, password included: replaces notifications.email.
  {
    ...override(
      'ORCHESTRATOR_SMTP_URL',
      'notifications.email',
      parseSmtpUrl,
      (config, value) => (config.notifications.email = value),
    ),
    show: redactSmtpUrl,
  },
  {
    ...override(
      'ORCHESTRATOR_SMTP_PASSWORD',
      'the SMTP password',
      (text) => ({ ok: true, value: text }),
      (config, value) => {
        // Only a configured email has a login to use it for.
        if (config.notifications.email) config.notifications.email = { ...config.notifications.email, password: value };
      },
    ),
    show: () => '(not shown)',
  },
  override('ORCHESTRATOR_MIRROR_URL', 'mirror.url', urlOrNone, (config, value) => (config.mirror.url = value)),
  override(
    'ORCHESTRATOR_LOG_LEVEL',
    'logging.level',
    bySchema(logLevelSchema, `must be one of ${LOG_LEVELS.join(', ')}`, (text) => text.trim().toLowerCase()),
    (config, value) => (config.logging.level = value),
  ),
  override(
    'ORCHESTRATOR_METRICS_PORT',
    'metrics.prometheus_port',
    (text): Parsed<number | null> => {
      if (text.trim().toLowerCase() === 'off') return { ok: true, value: null };
      const parsed = port(text);
      return parsed.ok ? parsed : { ok: false, expected: `${parsed.expected}, or "off"` };
    },
    (config, value) => (config.metrics.prometheusPort = value),
  ),
  override(
    'ORCHESTRATOR_METRICS_HOST',
    'metrics.host',
    bySchema(bindHostSchema, 'must be an IP address to listen on, such as 127.0.0.1 or 0.0.0.0'),
    (config, value) => (config.metrics.host = value),
  ),
];

/** The names of every variable that overrides a config key. */
export const CONFIG_ENV_VARIABLES: readonly string[] = ENV_OVERRIDES.map((entry) => entry.variable);

function readEnvOverrides(
  env: NodeJS.ProcessEnv,
  rootDir: string,
): { apply: Array<(config: AppConfig) => void>; problems: string[] } {
  const apply: Array<(config: AppConfig) => void> = [];
  const problems: string[] = [];
  for (const entry of ENV_OVERRIDES) {
    const text = env[entry.variable];
    if (text === undefined || text.trim() === '') continue; // an empty variable counts as unset
    const result = entry.read(text, rootDir);
    if (result.ok) apply.push(result.apply);
    else
      problems.push(
        `environment variable ${entry.variable} (overrides ${entry.key}): ${result.expected}, got ${entry.show ? entry.show(text) : JSON.stringify(text)}`,
      );
  }
  return { apply, problems };
}
