/**
 * The catalogue of bad inputs, each run through the entry point a user reaches it by (the real
 * `orchestrator` executable): configuration files and environment overrides, start-URL CSVs,
 * schedule options, and command-line paths, sites and batch ids. Each one must be refused with one
 * clear message (no stack trace) that names what is wrong, and must change nothing: the scratch
 * project (database included, logs excepted) and a folder beside it are snapshotted before and
 * after. The HTTP and HTML bad inputs need a whole batch: they are in hostile-sites.test.ts. The
 * loader-level variants are unit-tested (test/unit/lib/config, test/unit/lib/urls, test/unit/lib/fetch);
 * RELIABILITY.md lists which.
 */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import Database from 'better-sqlite3';
import YAML from 'yaml';
import { backupDatabase } from '../../lib/backup/backup';
import { createBatch } from '../../lib/store/batches';
import { openDatabase } from '../../lib/store/database';
import { upsertCards } from '../../lib/store/listings';
import { MirrorCatalog } from '../../mirror/catalog';
import { MIRROR_SITES } from '../../mirror/sites';
import { printFigures, recordFigures } from '../support/reliability-figures';
import { runOrchestrator } from '../support/reliability-env';
import { scratchConfigDoc } from '../support/temp-config';
import { testServer, TEST_TEMPORAL_ADDRESS } from '../support/temporal-server';

const SUITE = 'bad inputs (CLI)';
const LAMUDI_URL = 'https://www.lamudi.com.mx/jalisco/zapopan/casa/for-sale/';
const MITULA_CSV = 'url,max_pages\nhttps://casas.mitula.mx/casas/venta-zapopan-jalisco,1\n';

interface Project {
  root: string;
  dir: string;
  outside: string;
  config: string;
  /** The YAML document of the good config, to derive bad ones from. */
  doc: Record<string, any>;
}

interface BadInput {
  id: string;
  category: 'config' | 'CSV' | 'schedule' | 'CLI';
  input: string;
  /** Files the input needs, written before the snapshot (a bad config, a bad CSV …). */
  prepare?: (project: Project) => void;
  args: (project: Project) => string[];
  env?: Record<string, string>;
  /** What the message must say. */
  says: RegExp;
  /** What it must never say (a secret from the input). */
  never?: RegExp;
}

/** Every file under `dir` (logs and SQLite's -wal/-shm side files excepted) with its size and hash; links by target. */
function treeSnapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (current: string) => {
    for (const name of readdirSync(current)) {
      const path = join(current, name);
      const rel = relative(dir, path);
      if (rel === 'logs' || /-(wal|shm)$/.test(name)) continue;
      const stat = lstatSync(path);
      if (stat.isSymbolicLink()) out[rel] = `link → ${readlinkSync(path)}`;
      else if (stat.isDirectory()) {
        out[`${rel}/`] = 'dir';
        walk(path);
      } else out[rel] = `${stat.size} ${createHash('sha1').update(readFileSync(path)).digest('hex')}`;
    }
  };
  walk(dir);
  return out;
}

/** The database's content (a WAL may hold rows the main file does not yet): row counts and a hash of the listings. */
function databaseSnapshot(path: string): Record<string, unknown> {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const tables = (
      db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as Array<{ name: string }>
    ).map((t) => t.name);
    const counts = Object.fromEntries(
      tables.map((table) => [table, (db.prepare(`SELECT COUNT(*) AS n FROM "${table}"`).get() as { n: number }).n]),
    );
    const listings = createHash('sha1')
      .update(JSON.stringify(db.prepare('SELECT * FROM listings ORDER BY site, external_id').all()))
      .digest('hex');
    return { counts, listings };
  } finally {
    db.close();
  }
}

function writeYaml(path: string, doc: unknown): void {
  writeFileSync(path, typeof doc === 'string' ? doc : YAML.stringify(doc));
}

/** A copy of the good config with `change` applied, written to bad/<id>.yaml. */
function badConfig(project: Project, id: string, change: (doc: Record<string, any>) => void): string {
  const doc = structuredClone(project.doc);
  change(doc);
  const path = join(project.dir, 'bad', `${id}.yaml`);
  writeYaml(path, doc);
  return path;
}

/** A config whose urls folder holds `lamudiCsv` (bytes or text) as lamudi.csv, next to a good mitula.csv. */
function badUrls(project: Project, id: string, lamudiCsv: string | Buffer): string {
  const urls = join(project.dir, 'bad', `urls-${id}`);
  mkdirSync(urls, { recursive: true });
  writeFileSync(join(urls, 'lamudi.csv'), lamudiCsv);
  writeFileSync(join(urls, 'mitula.csv'), MITULA_CSV);
  return badConfig(project, `urls-${id}`, (doc) => (doc.storage.urls_dir = urls));
}

const csv = (...rows: string[]) => ['url,max_pages', ...rows].join('\n') + '\n';

type Described = Pick<BadInput, 'id' | 'input' | 'says'>;

/**
 * A mistake in the config file, refused by `run`: bad/<id>.yaml is the good config with `change`
 * applied to its document, or holds exactly `text`.
 */
function configMistake(c: Described & ({ change: (doc: Record<string, any>) => void } | { text: string })): BadInput {
  const file = (p: Project) => join(p.dir, 'bad', `${c.id}.yaml`);
  return {
    id: c.id,
    category: 'config',
    input: c.input,
    prepare: (p) => ('text' in c ? writeYaml(file(p), c.text) : badConfig(p, c.id, c.change)),
    args: (p) => ['--config', file(p), 'run', '--detach'],
    says: c.says,
  };
}

/** A mistake in a start-URL file, refused by `validate`: bad/urls-<id>.yaml's urls folder holds `lamudiCsv` as lamudi.csv. */
function csvMistake(c: Described & Pick<BadInput, 'never'> & { lamudiCsv: string | Buffer }): BadInput {
  return {
    id: c.id,
    category: 'CSV',
    input: c.input,
    prepare: (p) => badUrls(p, c.id, c.lamudiCsv),
    args: (p) => ['--config', join(p.dir, 'bad', `urls-${c.id}.yaml`), 'validate'],
    says: c.says,
    never: c.never,
  };
}

/** A command given a bad option, path, site or batch id, with the good config. */
function commandMistake(
  category: 'schedule' | 'CLI',
  c: Described & { command: string[] | ((project: Project) => string[]) },
): BadInput {
  const command = c.command;
  return {
    id: c.id,
    category,
    input: c.input,
    args: (p) => ['--config', p.config, ...(typeof command === 'function' ? command(p) : command)],
    says: c.says,
  };
}

/**
 * A command naming a site or batch that does not exist: `naming` is the command up to that name (its
 * last word), `rest` the rest of the command line. The message must say the name is unknown (or `says`).
 */
function unknownName(
  id: string,
  kind: 'site' | 'batch',
  naming: string[],
  rest: string[] | ((project: Project) => string[]) = [],
  says = new RegExp(`unknown ${kind} "${naming[naming.length - 1]}"`),
): BadInput {
  return commandMistake('CLI', {
    id,
    input: `${naming.join(' ')} (unknown ${kind})`,
    command: (p) => [...naming, ...(typeof rest === 'function' ? rest(p) : rest)],
    says,
  });
}

const CASES: BadInput[] = [
  // ── configuration (orchestrator --config FILE run) ──
  configMistake({
    id: 'C1',
    input: 'malformed YAML (an unclosed flow sequence)',
    text: 'temporal:\n  address: [127.0.0.1:7233\nstorage: {}\n',
    says: /C1\.yaml.*line \d+/,
  }),
  configMistake({
    id: 'C2',
    input: 'unknown (misspelt) key temporal.adress',
    change: (d) => (d.temporal.adress = d.temporal.address),
    says: /temporal: unknown key "adress" \(did you mean "address"\?\)/,
  }),
  configMistake({
    id: 'C3',
    input: 'wrong type: batch.max_parallel_sites: "six"',
    change: (d) => (d.batch.max_parallel_sites = 'six'),
    says: /batch\.max_parallel_sites.*six/,
  }),
  configMistake({
    id: 'C4',
    input: 'negative rate: sites.lamudi.rate_limit_seconds: -1',
    change: (d) => (d.sites.lamudi.rate_limit_seconds = -1),
    says: /sites\.lamudi\.rate_limit_seconds.*-1/,
  }),
  configMistake({
    id: 'C5',
    input: 'negative requests per minute: security.rate_limiting.requests_per_minute: -30',
    change: (d) => (d.security.rate_limiting.requests_per_minute = -30),
    says: /requests_per_minute.*-30/,
  }),
  configMistake({
    id: 'C6',
    input: 'bad duration: defaults.retry.initial_interval: soon',
    change: (d) => (d.defaults.retry.initial_interval = 'soon'),
    says: /defaults\.retry\.initial_interval.*soon/,
  }),
  configMistake({
    id: 'C7',
    input: 'base_url that is not http(s): ftp://www.lamudi.com.mx',
    change: (d) => (d.sites.lamudi.base_url = 'ftp://www.lamudi.com.mx'),
    says: /sites\.lamudi\.base_url.*ftp:/,
  }),
  configMistake({
    id: 'C8',
    input: 'empty config file',
    text: '',
    says: /C8\.yaml.*empty/,
  }),
  {
    id: 'C9',
    category: 'config',
    input: 'config file that does not exist',
    args: (p) => ['--config', join(p.dir, 'bad', 'nowhere.yaml'), 'run', '--detach'],
    says: /nowhere\.yaml.*not found/,
  },
  {
    id: 'C10',
    category: 'config',
    input: 'environment override out of range: TEMPORAL_UI_PORT=99999',
    args: (p) => ['--config', p.config, 'run', '--detach'],
    env: { TEMPORAL_UI_PORT: '99999' },
    says: /TEMPORAL_UI_PORT.*99999/,
  },
  {
    id: 'C11',
    category: 'config',
    input: 'environment override of the wrong form: ORCHESTRATOR_MIRROR_URL=file:///etc/passwd',
    args: (p) => ['--config', p.config, 'run', '--detach'],
    env: { ORCHESTRATOR_MIRROR_URL: 'file:///etc/passwd' },
    says: /ORCHESTRATOR_MIRROR_URL/,
  },
  // ── schedule options (orchestrator schedule create) ──
  commandMistake('schedule', {
    id: 'S1',
    input: 'bad cron: "61 * * * *" (minute out of range)',
    command: ['schedule', 'create', '--cron', '61 * * * *', '--id', 'rel-bad-cron'],
    says: /bad cron "61 \* \* \* \*"/,
  }),
  commandMistake('schedule', {
    id: 'S2',
    input: 'bad cron: four fields',
    command: ['schedule', 'create', '--cron', '0 6 * *', '--id', 'rel-bad-cron4'],
    says: /bad cron "0 6 \* \*"/,
  }),
  commandMistake('schedule', {
    id: 'S3',
    input: 'bad time zone: Mars/Olympus_Mons',
    command: ['schedule', 'create', '--cron', '0 6 * * *', '--timezone', 'Mars/Olympus_Mons', '--id', 'rel-bad-tz'],
    says: /bad time zone "Mars\/Olympus_Mons"/,
  }),
  // ── start-URL CSVs (orchestrator validate) ──
  csvMistake({
    id: 'U1',
    input: 'a URL that is not a URL',
    lamudiCsv: csv('not a url,1'),
    says: /lamudi\.csv: line 2: not a valid absolute URL/,
  }),
  csvMistake({
    id: 'U2',
    input: 'an off-domain URL (Inmuebles24 in lamudi.csv)',
    lamudiCsv: csv('https://www.inmuebles24.com/casas-en-venta.html,1'),
    says: /line 2: host www\.inmuebles24\.com is not on the domain of site lamudi/,
  }),
  csvMistake({
    id: 'U3',
    input: 'a lookalike domain (lamudi.com.mx.evil.example)',
    lamudiCsv: csv('https://www.lamudi.com.mx.evil.example/casas/,1'),
    says: /line 2: host www\.lamudi\.com\.mx\.evil\.example is not on the domain/,
  }),
  csvMistake({
    id: 'U4',
    input: 'file:///etc/passwd',
    lamudiCsv: csv('file:///etc/passwd,1'),
    says: /line 2: only http and https URLs are allowed, not "file:"/,
  }),
  csvMistake({
    id: 'U5',
    input: 'localhost (http://localhost:8080/admin)',
    lamudiCsv: csv('http://localhost:8080/admin,1'),
    says: /line 2: host localhost is this machine/,
  }),
  csvMistake({
    id: 'U6',
    input: 'a private address (http://192.168.1.10/)',
    lamudiCsv: csv('http://192.168.1.10/,1'),
    says: /line 2: host 192\.168\.1\.10 is a private network address/,
  }),
  csvMistake({
    id: 'U7',
    input: 'a link-local address (cloud metadata, http://169.254.169.254/latest/meta-data/)',
    lamudiCsv: csv('http://169.254.169.254/latest/meta-data/,1'),
    says: /line 2: host 169\.254\.169\.254 is a link-local address/,
  }),
  csvMistake({
    id: 'U8',
    input: 'an IPv6 loopback (http://[::1]:9000/)',
    lamudiCsv: csv('http://[::1]:9000/,1'),
    says: /line 2: host \[::1\] is a loopback address/,
  }),
  csvMistake({
    id: 'U9',
    input: 'a duplicate (same page, trailing slash and #fragment apart)',
    lamudiCsv: csv(`${LAMUDI_URL},1`, `${LAMUDI_URL.replace(/\/$/, '')}#top,2`),
    says: /line 3: duplicate URL: the same page as line 2/,
  }),
  csvMistake({
    id: 'U10',
    input: 'wrong columns (address,pages)',
    lamudiCsv: `address,pages\n${LAMUDI_URL},1\n`,
    says: /line 1: unexpected column "address"/,
  }),
  csvMistake({
    id: 'U11',
    input: 'an empty file',
    lamudiCsv: '',
    says: /lamudi\.csv: line 1: the file is empty/,
  }),
  csvMistake({
    id: 'U12',
    input: 'not UTF-8 (Latin-1 bytes on line 3)',
    lamudiCsv: Buffer.from(
      csv(`${LAMUDI_URL},1`, 'https://www.lamudi.com.mx/jalisco/le\u00f3n/casa/for-sale/,1'),
      'latin1',
    ),
    says: /lamudi\.csv: line 3: the file is not valid UTF-8/,
  }),
  csvMistake({
    id: 'U13',
    input: 'max_pages 0',
    lamudiCsv: csv(`${LAMUDI_URL},0`),
    says: /line 2: max_pages must be a positive integer/,
  }),
  csvMistake({
    id: 'U14',
    input: 'credentials in the URL (https://admin:hunter2@www.lamudi.com.mx/)',
    lamudiCsv: csv('https://admin:hunter2@www.lamudi.com.mx/jalisco/,1'),
    says: /line 2: a start URL must not carry a user name or password/,
    never: /hunter2/,
  }),
  // ── command-line paths, sites and batches ──
  commandMistake('CLI', {
    id: 'P1',
    input: 'export --out ../../outside/listings.csv (path traversal)',
    command: ['export', '--out', '../../outside/listings.csv'],
    says: /--out "\.\.\/\.\.\/outside\/listings\.csv" is outside .*exports/,
  }),
  commandMistake('CLI', {
    id: 'P2',
    input: 'export --out <absolute path outside the project>',
    command: (p) => ['export', '--out', join(p.outside, 'listings.csv')],
    says: /is outside .*exports: only paths inside that folder are allowed/,
  }),
  commandMistake('CLI', {
    id: 'P3',
    input: 'export --out escape/listings.csv, exports/escape a symbolic link to a folder outside',
    command: ['export', '--out', 'escape/listings.csv'],
    says: /--out "escape\/listings\.csv" is outside/,
  }),
  commandMistake('CLI', {
    id: 'P4',
    input: 'export --out listings.exe (extension not allowed)',
    command: ['export', '--out', 'listings.exe'],
    says: /listings\.exe" must end in one of \.csv, \.json, \.jsonl/,
  }),
  commandMistake('CLI', {
    id: 'P5',
    input: 'restore ../../outside/outside.db (path traversal)',
    command: ['restore', '../../outside/outside.db'],
    says: /backup file "\.\.\/\.\.\/outside\/outside\.db" is outside .*backups/,
  }),
  commandMistake('CLI', {
    id: 'P6',
    input: 'restore <absolute path of a valid backup outside the project>',
    command: (p) => ['restore', join(p.outside, 'outside.db')],
    says: /is outside .*backups/,
  }),
  commandMistake('CLI', {
    id: 'P7',
    input: 'restore orchestrator-bogus.db (not SQLite, inside the backups folder)',
    command: ['restore', 'orchestrator-bogus.db', '--force'],
    says: /orchestrator-bogus\.db is not a usable SQLite backup/,
  }),
  commandMistake('CLI', {
    id: 'P8',
    input: 'restore notes.txt (not a .db file)',
    command: ['restore', 'notes.txt', '--force'],
    says: /notes\.txt" must end in one of \.db/,
  }),
  commandMistake('CLI', {
    id: 'P9',
    input: 'restore of a backup that does not exist',
    command: ['restore', 'orchestrator-1999-01-01.db', '--force'],
    says: /orchestrator-1999-01-01\.db does not exist/,
  }),
  unknownName(
    'P10',
    'site',
    ['run', '--sites', 'atlantis'],
    ['--detach'],
    /unknown site "atlantis": the sites in .* are /,
  ),
  unknownName('P11', 'site', ['export', '--site', 'atlantis'], ['--out', 'atlantis.csv']),
  unknownName('P12', 'site', ['parse', '--site', 'atlantis'], (p) => ['--page', 'listing', join(p.dir, 'page.html')]),
  unknownName('P13', 'batch', ['status', '20991231-000000']),
  unknownName('P14', 'batch', ['watch', 'batch-20991231-000000']),
  unknownName('P15', 'batch', ['export', '--batch', '20991231-000000'], ['--out', 'b.csv']),
  unknownName('P16', 'batch', ['cancel', '20991231-000000']),
  commandMistake('CLI', {
    id: 'P17',
    input: 'run --max-pages 0',
    command: ['run', '--max-pages', '0', '--detach'],
    says: /--max-pages.*expected a positive whole number, got "0"/,
  }),
];

describe('catalogue of bad inputs through the orchestrator CLI: a clear message, nothing written', function () {
  this.timeout(120_000);
  let project: Project;
  let baseline: { project: Record<string, string>; outside: Record<string, string>; database: Record<string, unknown> };

  before(async function () {
    this.timeout(180_000);
    await testServer();
    const root = mkdtempSync(join(tmpdir(), 'orchestrator-rel-bad-'));
    const dir = join(root, 'project');
    const outside = join(root, 'outside');
    for (const folder of [
      dir,
      outside,
      join(dir, 'bad'),
      join(dir, 'urls'),
      join(dir, 'exports'),
      join(dir, 'backups'),
    ])
      mkdirSync(folder, { recursive: true });
    writeFileSync(join(outside, 'canary.txt'), 'nothing may write here\n');
    writeFileSync(join(dir, 'urls', 'lamudi.csv'), csv(`${LAMUDI_URL},1`));
    writeFileSync(join(dir, 'urls', 'mitula.csv'), MITULA_CSV);
    const doc = scratchConfigDoc(dir, TEST_TEMPORAL_ADDRESS);
    doc.temporal = { ...doc.temporal, task_queue: `rel-bad-inputs-${process.pid}`, embedded: false };
    doc.storage.urls_dir = join(dir, 'urls');
    doc.metrics = { prometheus_port: null };
    for (const [key, site] of Object.entries(doc.sites as Record<string, Record<string, unknown>>))
      site.enabled = key === 'lamudi' || key === 'mitula';
    const config = join(dir, 'config.yaml');
    writeYaml(config, doc);
    project = { root, dir, outside, config, doc };

    // A database with a batch and its listings, and a backup of it, for the commands to refuse to touch.
    const catalog = new MirrorCatalog({
      sites: MIRROR_SITES,
      seed: 1,
      pagesPerSearch: 1,
      searches: { lamudi: [new URL(LAMUDI_URL).pathname] },
    });
    const page = catalog.page('lamudi', new URL(LAMUDI_URL).pathname, 1)!;
    const db = await openDatabase(join(dir, 'orchestrator.db'));
    await createBatch(db, {
      id: '20251128-060000',
      label: null,
      parentBatchId: null,
      sites: ['lamudi'],
      detailSites: [],
      options: {},
      workflowId: 'batch-20251128-060000',
    });
    await upsertCards(
      db,
      '20251128-060000',
      page.items.map((facts) => catalog.site('lamudi').cardRecord(facts, page)),
    );
    const backup = await backupDatabase(db, join(dir, 'backups'), '20251128-060000', 7);
    await db.destroy();
    copyFileSync(backup.file, join(outside, 'outside.db'));
    writeFileSync(join(dir, 'backups', 'orchestrator-bogus.db'), 'this is not a database\n');
    writeFileSync(join(dir, 'backups', 'notes.txt'), 'notes\n');
    symlinkSync(outside, join(dir, 'exports', 'escape'));
    writeFileSync(join(dir, 'page.html'), catalog.site('lamudi').renderListPage(page));
    for (const c of CASES) c.prepare?.(project);

    baseline = {
      project: treeSnapshot(dir),
      outside: treeSnapshot(outside),
      database: databaseSnapshot(join(dir, 'orchestrator.db')),
    };
  });

  after(() => {
    const counts = CASES.reduce<Record<string, number>>(
      (acc, c) => ({ ...acc, [c.category]: (acc[c.category] ?? 0) + 1 }),
      {},
    );
    recordFigures({ suite: SUITE, case: 'total', badInputs: CASES.length, ...counts });
    printFigures(SUITE);
    if (project && !process.env.RELIABILITY_KEEP) rmSync(project.root, { recursive: true, force: true });
  });

  it(`has ${CASES.length} distinct bad inputs`, () => {
    assert.ok(CASES.length >= 30);
    assert.equal(new Set(CASES.map((c) => c.input)).size, CASES.length);
  });

  for (const c of CASES) {
    it(`${c.id} ${c.category}: ${c.input} → refused in one clear message, nothing written`, async () => {
      const result = await runOrchestrator(c.args(project), c.env, 60_000);
      const output = `${result.stdout}\n${result.stderr}`;
      assert.equal(result.code, 1, `exit code ${result.code}\n${output}`);
      assert.match(result.stderr, /^error: /m, `no "error:" line:\n${output}`);
      assert.match(output, c.says, output);
      assert.doesNotMatch(output, /^\s+at .+:\d+:\d+\)?$/m, `a stack trace:\n${output}`);
      if (c.never) assert.doesNotMatch(output, c.never, 'the message repeats a secret');
      assert.deepEqual(treeSnapshot(project.dir), baseline.project, 'files in the project changed');
      assert.deepEqual(treeSnapshot(project.outside), baseline.outside, 'files outside the project changed');
      assert.deepEqual(
        databaseSnapshot(join(project.dir, 'orchestrator.db')),
        baseline.database,
        'the database changed',
      );
      assert.ok(!existsSync(join(project.outside, 'listings.csv')));
      recordFigures({
        suite: SUITE,
        case: `${c.id} ${c.input}`,
        category: c.category,
        exitCode: result.code,
        message: (output.match(c.says)?.[0] ?? '').slice(0, 120),
      });
    });
  }
});
