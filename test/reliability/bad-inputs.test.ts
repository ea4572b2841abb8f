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

const CASES: BadInput[] = [
  // ── configuration (orchestrator --config FILE run) ──
  {
    id: 'C1',
    category: 'config',
    input: 'malformed YAML (an unclosed flow sequence)',
    prepare: (p) => writeYaml(join(p.dir, 'bad', 'C1.yaml'), 'temporal:\n  address: [127.0.0.1:7233\nstorage: {}\n'),
    args: (p) => ['--config', join(p.dir, 'bad', 'C1.yaml'), 'run', '--detach'],
    says: /C1\.yaml.*line \d+/,
  },
  {
    id: 'C2',
    category: 'config',
    input: 'unknown (misspelt) key temporal.adress',
    prepare: (p) => badConfig(p, 'C2', (d) => (d.temporal.adress = d.temporal.address)),
    args: (p) => ['--config', join(p.dir, 'bad', 'C2.yaml'), 'run', '--detach'],
    says: /temporal: unknown key "adress" \(did you mean "address"\?\)/,
  },
  {
    id: 'C3',
    category: 'config',
    input: 'wrong type: batch.max_parallel_sites: "six"',
    prepare: (p) => badConfig(p, 'C3', (d) => (d.batch.max_parallel_sites = 'six')),
    args: (p) => ['--config', join(p.dir, 'bad', 'C3.yaml'), 'run', '--detach'],
    says: /batch\.max_parallel_sites.*six/,
  },
  {
    id: 'C4',
    category: 'config',
    input: 'negative rate: sites.lamudi.rate_limit_seconds: -1',
    prepare: (p) => badConfig(p, 'C4', (d) => (d.sites.lamudi.rate_limit_seconds = -1)),
    args: (p) => ['--config', join(p.dir, 'bad', 'C4.yaml'), 'run', '--detach'],
    says: /sites\.lamudi\.rate_limit_seconds.*-1/,
  },
  {
    id: 'C5',
    category: 'config',
    input: 'negative requests per minute: security.rate_limiting.requests_per_minute: -30',
    prepare: (p) => badConfig(p, 'C5', (d) => (d.security.rate_limiting.requests_per_minute = -30)),
    args: (p) => ['--config', join(p.dir, 'bad', 'C5.yaml'), 'run', '--detach'],
    says: /requests_per_minute.*-30/,
  },
  {
    id: 'C6',
    category: 'config',
    input: 'bad duration: defaults.retry.initial_interval: soon',
    prepare: (p) => badConfig(p, 'C6', (d) => (d.defaults.retry.initial_interval = 'soon')),
    args: (p) => ['--config', join(p.dir, 'bad', 'C6.yaml'), 'run', '--detach'],
    says: /defaults\.retry\.initial_interval.*soon/,
  },
  {
    id: 'C7',
    category: 'config',
    input: 'base_url that is not http(s): ftp://www.lamudi.com.mx',
    prepare: (p) => badConfig(p, 'C7', (d) => (d.sites.lamudi.base_url = 'ftp://www.lamudi.com.mx')),
    args: (p) => ['--config', join(p.dir, 'bad', 'C7.yaml'), 'run', '--detach'],
    says: /sites\.lamudi\.base_url.*ftp:/,
  },
  {
    id: 'C8',
    category: 'config',
    input: 'empty config file',
    prepare: (p) => writeYaml(join(p.dir, 'bad', 'C8.yaml'), ''),
    args: (p) => ['--config', join(p.dir, 'bad', 'C8.yaml'), 'run', '--detach'],
    says: /C8\.yaml.*empty/,
  },
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
  {
    id: 'S1',
    category: 'schedule',
    input: 'bad cron: "61 * * * *" (minute out of range)',
    args: (p) => ['--config', p.config, 'schedule', 'create', '--cron', '61 * * * *', '--id', 'rel-bad-cron'],
    says: /bad cron "61 \* \* \* \*"/,
  },
  {
    id: 'S2',
    category: 'schedule',
    input: 'bad cron: four fields',
    args: (p) => ['--config', p.config, 'schedule', 'create', '--cron', '0 6 * *', '--id', 'rel-bad-cron4'],
    says: /bad cron "0 6 \* \*"/,
  },
  {
    id: 'S3',
    category: 'schedule',
    input: 'bad time zone: Mars/Olympus_Mons',
    args: (p) => [
      '--config',
      p.config,
      'schedule',
      'create',
      '--cron',
      '0 6 * * *',
      '--timezone',
      'Mars/Olympus_Mons',
      '--id',
      'rel-bad-tz',
    ],
    says: /bad time zone "Mars\/Olympus_Mons"/,
  },
  // ── start-URL CSVs (orchestrator validate) ──
  {
    id: 'U1',
    category: 'CSV',
    input: 'a URL that is not a URL',
    prepare: (p) => badUrls(p, 'U1', csv('not a url,1')),
    args: (p) => ['--config', join(p.dir, 'bad', 'urls-U1.yaml'), 'validate'],
    says: /lamudi\.csv: line 2: not a valid absolute URL/,
  },
  {
    id: 'U2',
    category: 'CSV',
    input: 'an off-domain URL (Inmuebles24 in lamudi.csv)',
    prepare: (p) => badUrls(p, 'U2', csv('https://www.inmuebles24.com/casas-en-venta.html,1')),
    args: (p) => ['--config', join(p.dir, 'bad', 'urls-U2.yaml'), 'validate'],
    says: /line 2: host www\.inmuebles24\.com is not on the domain of site lamudi/,
  },
  {
    id: 'U3',
    category: 'CSV',
    input: 'a lookalike domain (lamudi.com.mx.evil.example)',
    prepare: (p) => badUrls(p, 'U3', csv('https://www.lamudi.com.mx.evil.example/casas/,1')),
    args: (p) => ['--config', join(p.dir, 'bad', 'urls-U3.yaml'), 'validate'],
    says: /line 2: host www\.lamudi\.com\.mx\.evil\.example is not on the domain/,
  },
  {
    id: 'U4',
    category: 'CSV',
    input: 'file:///etc/passwd',
    prepare: (p) => badUrls(p, 'U4', csv('file:///etc/passwd,1')),
    args: (p) => ['--config', join(p.dir, 'bad', 'urls-U4.yaml'), 'validate'],
    says: /line 2: only http and https URLs are allowed, not "file:"/,
  },
  {
    id: 'U5',
    category: 'CSV',
    input: 'localhost (http://localhost:8080/admin)',
    prepare: (p) => badUrls(p, 'U5', csv('http://localhost:8080/admin,1')),
    args: (p) => ['--config', join(p.dir, 'bad', 'urls-U5.yaml'), 'validate'],
    says: /line 2: host localhost is this machine/,
  },
  {
    id: 'U6',
    category: 'CSV',
    input: 'a private address (http://192.168.1.10/)',
    prepare: (p) => badUrls(p, 'U6', csv('http://192.168.1.10/,1')),
    args: (p) => ['--config', join(p.dir, 'bad', 'urls-U6.yaml'), 'validate'],
    says: /line 2: host 192\.168\.1\.10 is a private network address/,
  },
  {
    id: 'U7',
    category: 'CSV',
    input: 'a link-local address (cloud metadata, http://169.254.169.254/latest/meta-data/)',
    prepare: (p) => badUrls(p, 'U7', csv('http://169.254.169.254/latest/meta-data/,1')),
    args: (p) => ['--config', join(p.dir, 'bad', 'urls-U7.yaml'), 'validate'],
    says: /line 2: host 169\.254\.169\.254 is a link-local address/,
  },
  {
    id: 'U8',
    category: 'CSV',
    input: 'an IPv6 loopback (http://[::1]:9000/)',
    prepare: (p) => badUrls(p, 'U8', csv('http://[::1]:9000/,1')),
    args: (p) => ['--config', join(p.dir, 'bad', 'urls-U8.yaml'), 'validate'],
    says: /line 2: host \[::1\] is a loopback address/,
  },
  {
    id: 'U9',
    category: 'CSV',
    input: 'a duplicate (same page, trailing slash and #fragment apart)',
    prepare: (p) => badUrls(p, 'U9', csv(`${LAMUDI_URL},1`, `${LAMUDI_URL.replace(/\/$/, '')}#top,2`)),
    args: (p) => ['--config', join(p.dir, 'bad', 'urls-U9.yaml'), 'validate'],
    says: /line 3: duplicate URL: the same page as line 2/,
  },
  {
    id: 'U10',
    category: 'CSV',
    input: 'wrong columns (address,pages)',
    prepare: (p) => badUrls(p, 'U10', `address,pages\n${LAMUDI_URL},1\n`),
    args: (p) => ['--config', join(p.dir, 'bad', 'urls-U10.yaml'), 'validate'],
    says: /line 1: unexpected column "address"/,
  },
  {
    id: 'U11',
    category: 'CSV',
    input: 'an empty file',
    prepare: (p) => badUrls(p, 'U11', ''),
    args: (p) => ['--config', join(p.dir, 'bad', 'urls-U11.yaml'), 'validate'],
    says: /lamudi\.csv: line 1: the file is empty/,
  },
  {
    id: 'U12',
    category: 'CSV',
    input: 'not UTF-8 (Latin-1 bytes on line 3)',
    prepare: (p) =>
      badUrls(
        p,
        'U12',
        Buffer.from(csv(`${LAMUDI_URL},1`, 'https://www.lamudi.com.mx/jalisco/le\u00f3n/casa/for-sale/,1'), 'latin1'),
      ),
    args: (p) => ['--config', join(p.dir, 'bad', 'urls-U12.yaml'), 'validate'],
    says: /lamudi\.csv: line 3: the file is not valid UTF-8/,
  },
  {
    id: 'U13',
    category: 'CSV',
    input: 'max_pages 0',
    prepare: (p) => badUrls(p, 'U13', csv(`${LAMUDI_URL},0`)),
    args: (p) => ['--config', join(p.dir, 'bad', 'urls-U13.yaml'), 'validate'],
    says: /line 2: max_pages must be a positive integer/,
  },
  {
    id: 'U14',
    category: 'CSV',
    input: 'credentials in the URL (https://admin:hunter2@www.lamudi.com.mx/)',
    prepare: (p) => badUrls(p, 'U14', csv('https://admin:hunter2@www.lamudi.com.mx/jalisco/,1')),
    args: (p) => ['--config', join(p.dir, 'bad', 'urls-U14.yaml'), 'validate'],
    says: /line 2: a start URL must not carry a user name or password/,
    never: /hunter2/,
  },
  // ── command-line paths, sites and batches ──
  {
    id: 'P1',
    category: 'CLI',
    input: 'export --out ../../outside/listings.csv (path traversal)',
    args: (p) => ['--config', p.config, 'export', '--out', '../../outside/listings.csv'],
    says: /--out "\.\.\/\.\.\/outside\/listings\.csv" is outside .*exports/,
  },
  {
    id: 'P2',
    category: 'CLI',
    input: 'export --out <absolute path outside the project>',
    args: (p) => ['--config', p.config, 'export', '--out', join(p.outside, 'listings.csv')],
    says: /is outside .*exports: only paths inside that folder are allowed/,
  },
  {
    id: 'P3',
    category: 'CLI',
    input: 'export --out escape/listings.csv, exports/escape a symbolic link to a folder outside',
    args: (p) => ['--config', p.config, 'export', '--out', 'escape/listings.csv'],
    says: /--out "escape\/listings\.csv" is outside/,
  },
  {
    id: 'P4',
    category: 'CLI',
    input: 'export --out listings.exe (extension not allowed)',
    args: (p) => ['--config', p.config, 'export', '--out', 'listings.exe'],
    says: /listings\.exe" must end in one of \.csv, \.json, \.jsonl/,
  },
  {
    id: 'P5',
    category: 'CLI',
    input: 'restore ../../outside/outside.db (path traversal)',
    args: (p) => ['--config', p.config, 'restore', '../../outside/outside.db'],
    says: /backup file "\.\.\/\.\.\/outside\/outside\.db" is outside .*backups/,
  },
  {
    id: 'P6',
    category: 'CLI',
    input: 'restore <absolute path of a valid backup outside the project>',
    args: (p) => ['--config', p.config, 'restore', join(p.outside, 'outside.db')],
    says: /is outside .*backups/,
  },
  {
    id: 'P7',
    category: 'CLI',
    input: 'restore orchestrator-bogus.db (not SQLite, inside the backups folder)',
    args: (p) => ['--config', p.config, 'restore', 'orchestrator-bogus.db', '--force'],
    says: /orchestrator-bogus\.db is not a usable SQLite backup/,
  },
  {
    id: 'P8',
    category: 'CLI',
    input: 'restore notes.txt (not a .db file)',
    args: (p) => ['--config', p.config, 'restore', 'notes.txt', '--force'],
    says: /notes\.txt" must end in one of \.db/,
  },
  {
    id: 'P9',
    category: 'CLI',
    input: 'restore of a backup that does not exist',
    args: (p) => ['--config', p.config, 'restore', 'orchestrator-1999-01-01.db', '--force'],
    says: /orchestrator-1999-01-01\.db does not exist/,
  },
  {
    id: 'P10',
    category: 'CLI',
    input: 'run --sites atlantis (unknown site)',
    args: (p) => ['--config', p.config, 'run', '--sites', 'atlantis', '--detach'],
    says: /unknown site "atlantis": the sites in .* are /,
  },
  {
    id: 'P11',
    category: 'CLI',
    input: 'export --site atlantis (unknown site)',
    args: (p) => ['--config', p.config, 'export', '--site', 'atlantis', '--out', 'atlantis.csv'],
    says: /unknown site "atlantis"/,
  },
  {
    id: 'P12',
    category: 'CLI',
    input: 'parse --site atlantis (unknown site)',
    args: (p) => ['--config', p.config, 'parse', '--site', 'atlantis', '--page', 'listing', join(p.dir, 'page.html')],
    says: /unknown site "atlantis"/,
  },
  {
    id: 'P13',
    category: 'CLI',
    input: 'status 20991231-000000 (unknown batch)',
    args: (p) => ['--config', p.config, 'status', '20991231-000000'],
    says: /unknown batch "20991231-000000"/,
  },
  {
    id: 'P14',
    category: 'CLI',
    input: 'watch batch-20991231-000000 (unknown batch)',
    args: (p) => ['--config', p.config, 'watch', 'batch-20991231-000000'],
    says: /unknown batch "batch-20991231-000000"/,
  },
  {
    id: 'P15',
    category: 'CLI',
    input: 'export --batch 20991231-000000 (unknown batch)',
    args: (p) => ['--config', p.config, 'export', '--batch', '20991231-000000', '--out', 'b.csv'],
    says: /unknown batch "20991231-000000"/,
  },
  {
    id: 'P16',
    category: 'CLI',
    input: 'cancel 20991231-000000 (unknown batch)',
    args: (p) => ['--config', p.config, 'cancel', '20991231-000000'],
    says: /unknown batch "20991231-000000"/,
  },
  {
    id: 'P17',
    category: 'CLI',
    input: 'run --max-pages 0',
    args: (p) => ['--config', p.config, 'run', '--max-pages', '0', '--detach'],
    says: /--max-pages.*expected a positive whole number, got "0"/,
  },
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
    const db = openDatabase(join(dir, 'orchestrator.db'));
    createBatch(db, {
      id: '20251128-060000',
      label: null,
      parentBatchId: null,
      sites: ['lamudi'],
      detailSites: [],
      options: {},
      workflowId: 'batch-20251128-060000',
    });
    upsertCards(
      db,
      '20251128-060000',
      page.items.map((facts) => catalog.site('lamudi').cardRecord(facts, page)),
    );
    const backup = await backupDatabase(db, join(dir, 'backups'), '20251128-060000', 7);
    db.close();
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
