/**
 * config/config.yaml as shipped, environment overrides, and every kind of mistake a user can make
 * in the file: each must come back as one line naming the file, the key path and the value.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError, loadConfig, parseConfigText } from '../../../../lib/config/load';
import { ApplicationFailure } from '@temporalio/common';
import { toActivityFailure } from '../../../../activities/failures';
import { NON_RETRYABLE_ERROR_TYPES, ScrapeError, TruncatedPageError } from '../../../../lib/errors';
import { edited, parse, problems, ROOT, SHIPPED } from './shipped-config';

/** The shipped text with `from` replaced; fails the test if `from` is not there. */
function replaced(from: string, to: string): string {
  assert.ok(SHIPPED.includes(from), `the shipped config no longer contains ${JSON.stringify(from)}`);
  return SHIPPED.replace(from, to);
}

function onlyProblem(text: string, env: NodeJS.ProcessEnv = {}): string {
  const found = problems(text, env);
  assert.equal(found.length, 1, `expected one problem, got:\n${found.join('\n')}`);
  return found[0];
}

/** Setting `path` of the shipped config to `value` is the one problem, `message`, named with the file and key path. */
function assertOneProblem(path: string[], value: unknown, message: string): void {
  assert.equal(
    onlyProblem(edited((doc) => doc.setIn(path, value))),
    `config/config.yaml: ${path.join('.')}: ${message}`,
  );
}

const SITE_ORDER = ['inmuebles24', 'casasyterrenos', 'lamudi', 'mitula', 'propiedades', 'trovit'];

describe('config/config.yaml as shipped', () => {
  const config = loadConfig({ env: {} });

  it('loads from the project root by default, with the six portals in priority order', () => {
    assert.equal(config.rootDir, ROOT);
    assert.equal(config.sourcePath, path.join(ROOT, 'config', 'config.yaml'));
    assert.deepEqual(
      config.sites.map((site) => site.key),
      SITE_ORDER,
    );
    assert.deepEqual(
      config.sites.map((site) => site.priority),
      [1, 2, 3, 4, 5, 6],
    );
    assert.deepEqual(
      config.sites.map((site) => site.baseUrl),
      [
        'https://www.inmuebles24.com',
        'https://www.casasyterrenos.com',
        'https://www.lamudi.com.mx',
        'https://casas.mitula.mx',
        'https://propiedades.com',
        'https://casas.trovit.com.mx',
      ],
    );
  });

  it('describes each portal: built-in adapter, a browser for the Cloudflare portals, detail scrapers, pacing', () => {
    for (const site of config.sites) {
      assert.equal(site.enabled, true, site.key);
      assert.equal(site.adapter, 'builtin', site.key);
      assert.equal(site.genericSelectors, undefined, site.key);
      assert.equal(
        site.fetcher,
        site.key === 'inmuebles24' || site.key === 'propiedades' ? 'browser' : site.key === 'lamudi' ? 'auto' : 'http',
        site.key,
      );
      assert.equal(site.hasDetailScraper, site.key === 'inmuebles24' || site.key === 'lamudi', site.key);
      assert.equal(site.rateLimitSeconds, site.key === 'inmuebles24' ? 3 : 2, site.key);
    }
  });

  it('merges the defaults under every site, key by key', () => {
    const byKey = new Map(config.sites.map((site) => [site.key, site]));
    // Lamudi sets none of these: it has the defaults.
    const defaultRetry = {
      initialIntervalMs: 2000,
      backoffCoefficient: 2,
      maximumIntervalMs: 60_000,
      maximumAttempts: 5,
      nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES],
    };
    const defaultFetch = { timeoutMs: 30_000, maxResponseBytes: 10_485_760, maxRedirects: 5 };
    assert.deepEqual(byKey.get('lamudi')!.retry, defaultRetry);
    assert.deepEqual(byKey.get('lamudi')!.fetch, defaultFetch);
    // Inmuebles24 overrides three retry keys and inherits the rest.
    assert.deepEqual(byKey.get('inmuebles24')!.retry, {
      ...defaultRetry,
      initialIntervalMs: 10_000,
      maximumIntervalMs: 300_000,
      maximumAttempts: 4,
    });
    // Casas y Terrenos overrides two fetch keys and inherits max_redirects.
    assert.deepEqual(byKey.get('casasyterrenos')!.fetch, {
      ...defaultFetch,
      timeoutMs: 60_000,
      maxResponseBytes: 20_971_520,
    });
  });

  it('never retries the classes that say so: every site gets the list config.yaml used to spell out', () => {
    // The names defaults.retry.non_retryable_error_types listed before the classes carried them.
    const listedInTheFileBefore = [
      'NotFoundError',
      'AccessDeniedError',
      'RobotsDisallowedError',
      'ChallengePageError',
      'UnrecognisedMarkupError',
      'ResponseTooLargeError',
      'RedirectError',
      'ContentTypeError',
      'HostPolicyError',
    ];
    assert.deepEqual(NON_RETRYABLE_ERROR_TYPES, listedInTheFileBefore);
    for (const site of config.sites)
      assert.deepEqual(site.retry.nonRetryableErrorTypes, listedInTheFileBefore, site.key);
  });

  it("a non_retryable_error_types list adds to the classes' list; a site's replaces the one under defaults", () => {
    const extended = parse(
      edited((doc) => {
        doc.setIn(['defaults', 'retry', 'non_retryable_error_types'], ['QuotaError', 'NotFoundError']);
        doc.setIn(['sites', 'mitula', 'retry'], { non_retryable_error_types: ['BannedError'] });
      }),
    );
    const byKey = new Map(extended.sites.map((site) => [site.key, site.retry.nonRetryableErrorTypes]));
    assert.deepEqual(byKey.get('lamudi'), [...NON_RETRYABLE_ERROR_TYPES, 'QuotaError']);
    assert.deepEqual(byKey.get('mitula'), [...NON_RETRYABLE_ERROR_TYPES, 'BannedError']);
  });

  it("retries a truncated page: TruncatedPageError is retryable and in no site's non_retryable_error_types", () => {
    const error = new TruncatedPageError('lamudi', 'listing', 'https://www.lamudi.com.mx/x/');
    assert.equal(error.retryable, true);
    assert.equal(error.name, 'TruncatedPageError');
    assert.ok(error instanceof ScrapeError);
    assert.match(error.message, /^lamudi listing page not recognised: the HTML is truncated/);
    assert.ok(!NON_RETRYABLE_ERROR_TYPES.includes('TruncatedPageError'));
    for (const site of config.sites)
      assert.ok(!site.retry.nonRetryableErrorTypes.includes('TruncatedPageError'), site.key);
    // The Temporal failure carries the class name as its type and leaves the decision to the policy.
    const failure = toActivityFailure(error) as ApplicationFailure;
    assert.ok(failure instanceof ApplicationFailure);
    assert.equal(failure.type, 'TruncatedPageError');
    assert.equal(failure.nonRetryable, false);
  });

  it('holds the documented service settings, with paths made absolute and durations in milliseconds', () => {
    assert.deepEqual(config.temporal, {
      address: '127.0.0.1:7233',
      namespace: 'default',
      taskQueue: 'scraping',
      uiPort: 8233,
      dbFile: path.join(ROOT, 'data', 'temporal.db'),
      retentionHours: 720,
      embedded: true,
    });
    assert.deepEqual(config.storage, {
      database: path.join(ROOT, 'data', 'orchestrator.db'),
      backupsDir: path.join(ROOT, 'backups'),
      backupRetention: 7,
      poolSize: 10,
      exportsDir: path.join(ROOT, 'exports'),
      tempDir: path.join(ROOT, 'tmp'),
      urlsDir: path.join(ROOT, 'urls'),
    });
    assert.deepEqual(config.batch, { maxParallelSites: 6, detailWindow: 20, maxHistoryEventsPerRun: 2000 });
    assert.deepEqual(config.notifications, { webhookUrl: null });
    assert.deepEqual(config.alerts, { listingDropRatio: 0.5, fillRateDrop: 0.3 });
    assert.deepEqual(config.logging, { level: 'info', dir: path.join(ROOT, 'logs') });
    assert.deepEqual(config.metrics, { prometheusPort: 9464 });
    assert.deepEqual(config.mirror, { url: null });
    assert.deepEqual(config.security, {
      rateLimiting: { enable: true, requestsPerMinute: 30, burstLimit: 5 },
      userAgents: { rotate: true, customAgents: [] },
      robotsTxt: { respect: true, cacheDurationMs: 3_600_000 },
      dataValidation: { maxFieldLength: 1000, allowedExtensions: ['.csv', '.json', '.jsonl'] },
      systemLimits: { maxMemoryMb: 256, maxExecutionTimeMs: 7_200_000, maxFileSizeMb: 100 },
      browser: { restartEveryPages: 50, poolSize: 2, challengeWaitMs: 15_000 },
    });
  });

  it('resolves relative paths against the rootDir it is given', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'config-test-'));
    try {
      fs.mkdirSync(path.join(dir, 'config'));
      fs.writeFileSync(path.join(dir, 'config', 'config.yaml'), SHIPPED);
      const moved = loadConfig({ rootDir: dir, env: {} });
      assert.equal(moved.sourcePath, path.join(dir, 'config', 'config.yaml'));
      assert.equal(moved.storage.database, path.join(dir, 'data', 'orchestrator.db'));
      assert.equal(moved.storage.urlsDir, path.join(dir, 'urls'));
      assert.equal(moved.temporal.dbFile, path.join(dir, 'data', 'temporal.db'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('accepts durations as "500ms", "2s", "1m", "1h" or seconds', () => {
    const config = parse(
      edited((doc) => {
        doc.setIn(['defaults', 'retry', 'initial_interval'], '500ms');
        doc.setIn(['defaults', 'retry', 'maximum_interval'], '1h');
        doc.setIn(['defaults', 'fetch', 'timeout_seconds'], 1.5);
        doc.setIn(['security', 'robots_txt', 'cache_duration'], '1m');
      }),
    );
    const lamudi = config.sites.find((site) => site.key === 'lamudi')!;
    assert.equal(lamudi.retry.initialIntervalMs, 500);
    assert.equal(lamudi.retry.maximumIntervalMs, 3_600_000);
    assert.equal(lamudi.fetch.timeoutMs, 1500);
    assert.equal(config.security.robotsTxt.cacheDurationMs, 60_000);
  });

  it('orders sites by priority, then by key', () => {
    const config = parse(
      edited((doc) => {
        doc.setIn(['sites', 'trovit', 'priority'], 1);
        doc.setIn(['sites', 'casasyterrenos', 'priority'], 1);
      }),
    );
    assert.deepEqual(config.sites.map((site) => site.key).slice(0, 3), ['casasyterrenos', 'inmuebles24', 'trovit']);
  });

  it('documents a generic portal with an example that is valid once uncommented', () => {
    const lines = SHIPPED.split('\n');
    const start = lines.indexOf('  # vivanuncios:');
    assert.ok(start > 0, 'the example starts with "  # vivanuncios:"');
    const example = lines
      .slice(start)
      .filter((line) => line.startsWith('  #'))
      .map((line) => line.replace('  # ', '  ').replace(/^ {2}#$/, ''));
    const config = parse(`${lines.slice(0, start).join('\n')}\n${example.join('\n')}\n`);
    const site = config.sites.find((candidate) => candidate.key === 'vivanuncios');
    assert.ok(site, 'the example adds a site');
    assert.equal(site.adapter, 'generic');
    assert.equal(Object.keys(site.genericSelectors!.fields).length, 19);
  });

  it('names a missing config file', () => {
    assert.throws(
      () => loadConfig({ path: 'config/nope.yaml', env: {} }),
      (error: unknown) => error instanceof ConfigError && error.message === 'config/nope.yaml: config file not found',
    );
  });
});

describe('environment overrides', () => {
  it('replace the keys they name', () => {
    const config = parse(SHIPPED, {
      TEMPORAL_ADDRESS: 'temporal.internal:7234',
      TEMPORAL_NAMESPACE: 'scraping-prod',
      TEMPORAL_TASK_QUEUE: 'scraping-2',
      TEMPORAL_UI_PORT: '8080',
      ORCHESTRATOR_DATABASE: 'data/other.db',
      ORCHESTRATOR_WEBHOOK_URL: 'https://hooks.example.com/T000/B000',
      ORCHESTRATOR_MIRROR_URL: 'http://127.0.0.1:8099',
      ORCHESTRATOR_LOG_LEVEL: 'DEBUG',
      ORCHESTRATOR_METRICS_PORT: '9100',
    });
    assert.equal(config.temporal.address, 'temporal.internal:7234');
    assert.equal(config.temporal.namespace, 'scraping-prod');
    assert.equal(config.temporal.taskQueue, 'scraping-2');
    assert.equal(config.temporal.uiPort, 8080);
    assert.equal(config.storage.database, path.join(ROOT, 'data', 'other.db'));
    assert.equal(config.notifications.webhookUrl, 'https://hooks.example.com/T000/B000');
    assert.equal(config.mirror.url, 'http://127.0.0.1:8099');
    assert.equal(config.logging.level, 'debug');
    assert.equal(config.metrics.prometheusPort, 9100);
  });

  it('switch features off with "none" and "off", and ignore empty values', () => {
    const withUrls = edited((doc) => {
      doc.setIn(['notifications', 'webhook_url'], 'https://hooks.example.com/x');
      doc.setIn(['mirror', 'url'], 'http://127.0.0.1:8099');
    });
    const off = parse(withUrls, {
      ORCHESTRATOR_WEBHOOK_URL: 'none',
      ORCHESTRATOR_MIRROR_URL: 'NONE',
      ORCHESTRATOR_METRICS_PORT: 'off',
    });
    assert.equal(off.notifications.webhookUrl, null);
    assert.equal(off.mirror.url, null);
    assert.equal(off.metrics.prometheusPort, null);
    const untouched = parse(withUrls, { ORCHESTRATOR_MIRROR_URL: '', TEMPORAL_UI_PORT: '  ' });
    assert.equal(untouched.mirror.url, 'http://127.0.0.1:8099');
    assert.equal(untouched.temporal.uiPort, 8233);
  });

  it('report every bad value naming the variable, the key and the value', () => {
    assert.deepEqual(
      problems(SHIPPED, {
        TEMPORAL_ADDRESS: 'localhost',
        TEMPORAL_UI_PORT: 'eighty',
        ORCHESTRATOR_WEBHOOK_URL: 'hooks.example.com',
        ORCHESTRATOR_MIRROR_URL: 'file:///tmp/mirror',
        ORCHESTRATOR_LOG_LEVEL: 'verbose',
        ORCHESTRATOR_METRICS_PORT: '70000',
      }),
      [
        'environment variable TEMPORAL_ADDRESS (overrides temporal.address): must be "host:port", e.g. 127.0.0.1:7233, got "localhost"',
        'environment variable TEMPORAL_UI_PORT (overrides temporal.ui_port): must be an integer port from 1 to 65535, got "eighty"',
        'environment variable ORCHESTRATOR_WEBHOOK_URL (overrides notifications.webhook_url): must be an absolute http(s) URL, or "none", got "hooks.example.com"',
        'environment variable ORCHESTRATOR_MIRROR_URL (overrides mirror.url): must be an absolute http(s) URL, or "none", got "file:///tmp/mirror"',
        'environment variable ORCHESTRATOR_LOG_LEVEL (overrides logging.level): must be one of trace, debug, info, warn, error, got "verbose"',
        'environment variable ORCHESTRATOR_METRICS_PORT (overrides metrics.prometheus_port): must be an integer port from 1 to 65535, or "off", got "70000"',
      ],
    );
  });
});

/**
 * Mistakes of one value, a test each: setting each key path to its value is the one problem, the
 * message, named with the file and key path.
 */
const VALUE_MISTAKES: Record<string, Array<[path: string[], value: unknown, message: string]>> = {
  'a negative rate names file, key path and value': [
    [['sites', 'lamudi', 'rate_limit_seconds'], -1, 'must be a number ≥ 0, got -1'],
  ],
  'a zero where only positive values make sense': [
    [['security', 'rate_limiting', 'requests_per_minute'], 0, 'must be a number > 0, got 0'],
    [['defaults', 'retry', 'maximum_attempts'], 0, 'must be an integer ≥ 1, got 0'],
  ],
  'a bad duration': [
    [
      ['defaults', 'retry', 'initial_interval'],
      '2 seconds',
      'must be a duration > 0 such as "500ms", "2s", "1m", "1h", or a number of seconds, got "2 seconds"',
    ],
  ],
  'a retry ceiling below the first interval': [
    [
      ['sites', 'inmuebles24', 'retry', 'maximum_interval'],
      '5s',
      'must not be shorter than initial_interval (10s), got "5s"',
    ],
  ],
  'a base_url that is not an absolute http(s) URL': ['www.lamudi.com.mx', 'ftp://www.lamudi.com.mx'].map((url) => [
    ['sites', 'lamudi', 'base_url'],
    url,
    `must be an absolute http(s) URL, e.g. https://www.example.com, got "${url}"`,
  ]),
  'a priority that is not an integer ≥ 1': [
    [['sites', 'trovit', 'priority'], 0, 'must be an integer ≥ 1, got 0'],
    [['sites', 'trovit', 'priority'], 2.5, 'must be an integer ≥ 1, got 2.5'],
  ],
  'an adapter: generic site without selectors': [
    [
      ['sites', 'vivanuncios'],
      { priority: 7, adapter: 'generic', base_url: 'https://www.vivanuncios.com.mx' },
      'adapter generic needs "selectors" (card, external_id, url and fields) to read the pages',
    ],
  ],
  'selectors on a built-in site, which does not need them': [
    [
      ['sites', 'trovit', 'selectors'],
      { card: 'article', external_id: { attr: 'data-id' }, url: 'a' },
      'selectors are read only with adapter: generic; remove them or set adapter: generic',
    ],
  ],
};

describe('config mistakes', () => {
  for (const [title, mistakes] of Object.entries(VALUE_MISTAKES))
    it(title, () => {
      for (const [path, value, message] of mistakes) assertOneProblem(path, value, message);
    });

  it('an unknown (misspelt) key names the key and where it is', () => {
    const text = edited((doc) => {
      doc.deleteIn(['sites', 'lamudi', 'rate_limit_seconds']);
      doc.setIn(['sites', 'lamudi', 'rate_limt_seconds'], 2);
    });
    assert.equal(
      onlyProblem(text),
      'config/config.yaml: sites.lamudi: unknown key "rate_limt_seconds" (did you mean "rate_limit_seconds"?)',
    );
    assert.equal(
      onlyProblem(edited((doc) => doc.setIn(['security', 'robots_txt', 'obey'], true))),
      'config/config.yaml: security.robots_txt: unknown key "obey"',
    );
  });

  it('a YAML syntax error names file, line and column', () => {
    const lineOf = (text: string, start: string) => text.split('\n').findIndex((line) => line.startsWith(start)) + 1;
    const unclosed = replaced('  namespace: default\n', '  namespace: [default\n');
    assert.equal(
      onlyProblem(unclosed),
      `config/config.yaml: line ${lineOf(unclosed, '  task_queue:')}, column 3: YAML syntax error: ` +
        'Flow sequence in block collection must be sufficiently indented and end with a ]',
    );
    const duplicate = replaced('  task_queue: scraping ', '  namespace: again\n  task_queue: scraping ');
    assert.equal(
      onlyProblem(duplicate),
      `config/config.yaml: line ${lineOf(duplicate, '  namespace: again')}, column 3: YAML syntax error: Map keys must be unique`,
    );
  });

  it('a value of the wrong type', () => {
    assertOneProblem(['temporal', 'ui_port'], '8233', 'must be an integer port from 1 to 65535, got "8233"');
    assertOneProblem(['sites', 'mitula', 'enabled'], 'yes', 'must be true or false, got "yes"');
    assertOneProblem(
      ['sites', 'inmuebles24', 'retry'],
      5,
      'must be a mapping of settings, one "key: value" per indented line, got 5',
    );
    assert.equal(
      onlyProblem(edited((doc) => doc.setIn(['security', 'user_agents', 'custom_agents'], ['MyBot/1.0', 7]))),
      'config/config.yaml: security.user_agents.custom_agents[1]: must be a User-Agent string, got 7',
    );
  });

  it('a site key outside [a-z][a-z0-9_-]*', () => {
    const text = edited((doc) => {
      doc.setIn(['sites', 'Viva.Nuncios'], doc.getIn(['sites', 'trovit']));
      doc.deleteIn(['sites', 'trovit']);
    });
    assert.equal(
      onlyProblem(text),
      'config/config.yaml: sites["Viva.Nuncios"]: a site key must be lowercase letters, digits, "-" or "_", starting with a letter, got "Viva.Nuncios"',
    );
  });

  it('a required key that is missing', () => {
    assert.equal(
      onlyProblem(edited((doc) => doc.deleteIn(['sites', 'mitula', 'base_url']))),
      'config/config.yaml: sites.mitula.base_url: missing (must be an absolute http(s) URL, e.g. https://www.example.com)',
    );
    assert.equal(
      onlyProblem(edited((doc) => doc.deleteIn(['batch']))),
      'config/config.yaml: batch: missing (must be a mapping of settings, one "key: value" per indented line)',
    );
  });

  it('a site setting set neither on the site nor under defaults', () => {
    const text = edited((doc) => {
      doc.deleteIn(['defaults', 'rate_limit_seconds']);
      doc.deleteIn(['sites', 'mitula', 'rate_limit_seconds']);
    });
    assert.equal(
      onlyProblem(text),
      'config/config.yaml: sites.mitula.rate_limit_seconds: missing (must be a number ≥ 0); set it on the site or under defaults.rate_limit_seconds',
    );
  });

  it('an adapter: builtin site that is not one of the six', () => {
    const text = edited((doc) =>
      doc.setIn(['sites', 'vivanuncios'], { priority: 7, base_url: 'https://www.vivanuncios.com.mx' }),
    );
    assert.equal(
      onlyProblem(text),
      'config/config.yaml: sites.vivanuncios: unknown built-in site "vivanuncios": use adapter: generic with selectors ' +
        '(the built-in sites are inmuebles24, casasyterrenos, lamudi, mitula, propiedades, trovit)',
    );
  });

  it('generic selectors that do not compile, or name an unknown field', () => {
    const text = edited((doc) =>
      doc.setIn(['sites', 'vivanuncios'], {
        priority: 7,
        adapter: 'generic',
        base_url: 'https://www.vivanuncios.com.mx',
        selectors: { card: 'article[data-id', external_id: { attr: 'data-id' }, url: 'a', fields: { titel: 'h2' } },
      }),
    );
    assert.deepEqual(problems(text), [
      'config/config.yaml: sites.vivanuncios.selectors.card: must be a valid CSS selector, got "article[data-id"',
      'config/config.yaml: sites.vivanuncios.selectors.fields: unknown key "titel" (did you mean "title"?)',
    ]);
  });

  it('an empty file, or one that is not a mapping', () => {
    assert.equal(
      onlyProblem(''),
      'config/config.yaml: the file is empty; it must hold the settings (temporal, storage, …, sites)',
    );
    assert.equal(
      onlyProblem('- temporal\n'),
      'config/config.yaml: must be a mapping of settings, one "key: value" per indented line, got ["temporal"]',
    );
  });

  it('reports every problem at once, one per line, in file order', () => {
    const text = edited((doc) => {
      doc.setIn(['sites', 'propiedades', 'base_url'], 'propiedades.com');
      doc.setIn(['temporal', 'ui_port'], 'abc');
      doc.setIn(['sites', 'mitula', 'priority'], 0);
      doc.deleteIn(['batch', 'max_parallel_sites']);
      doc.setIn(['batch', 'max_paralel_sites'], 6);
      doc.setIn(['logging', 'level'], 'verbose');
    });
    const error = (() => {
      try {
        parse(text, { TEMPORAL_UI_PORT: 'x' });
      } catch (caught) {
        return caught as ConfigError;
      }
      return assert.fail('the config was accepted');
    })();
    assert.deepEqual(error.message.split('\n'), [
      'config/config.yaml: temporal.ui_port: must be an integer port from 1 to 65535, got "abc"',
      'config/config.yaml: batch: unknown key "max_paralel_sites" (did you mean "max_parallel_sites"?)',
      'config/config.yaml: logging.level: must be one of trace, debug, info, warn, error, got "verbose"',
      'config/config.yaml: sites.mitula.priority: must be an integer ≥ 1, got 0',
      'config/config.yaml: sites.propiedades.base_url: must be an absolute http(s) URL, e.g. https://www.example.com, got "propiedades.com"',
      'environment variable TEMPORAL_UI_PORT (overrides temporal.ui_port): must be an integer port from 1 to 65535, got "x"',
    ]);
  });

  it('names a file outside the project root by its absolute path', () => {
    const outside = path.join(os.tmpdir(), 'elsewhere', 'config.yaml');
    assert.throws(
      () => parseConfigText('', outside, ROOT, {}),
      (error: unknown) => error instanceof ConfigError && error.message.startsWith(`${outside}: the file is empty`),
    );
  });
});
