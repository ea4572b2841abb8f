/**
 * Exports: CSV cells a spreadsheet cannot run as formulas, files that read back as exactly the
 * stored listings in all three formats, filters, paths confined to the exports folder with an
 * allowed extension, and an existing file that is never overwritten by accident.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { exportListings } from '../../../../client/commands/export';
import { UserInputError } from '../../../../lib/errors';
import { csvCell, csvLine, neutraliseFormula } from '../../../../lib/export/csv';
import { parseSince, writeListingsExport } from '../../../../lib/export/listing-export';
import { LISTING_FIELDS } from '../../../../lib/record/listing-record';
import type { AppConfig } from '../../../../lib/config/types';
import { openDatabase } from '../../../../lib/store/database';
import { getListings, upsertCards } from '../../../../lib/store/listings';
import { testConfig } from '../../../support/test-config';
import { describeOnEachBackend } from '../../../support/store-backends';
import { addBatch, card, storeForEachTest, twoBatchHistory } from '../../../support/store-fixture';

const userError = (pattern: RegExp) => (error: Error) => error instanceof UserInputError && pattern.test(error.message);

describe('CSV cells', () => {
  it('prefixes text that starts like a formula with an apostrophe', () => {
    for (const text of ['=1+1', '+SUM(A1)', '-2+3', '@cmd', '\tx', '\rx'])
      assert.equal(neutraliseFormula(text), `'${text}`);
    assert.equal(neutraliseFormula('Casa = bonita'), 'Casa = bonita');
    assert.equal(csvCell('=HYPERLINK("http://evil","x")'), `"'=HYPERLINK(""http://evil"",""x"")"`);
  });

  it('writes numbers as numbers (a negative longitude is data), nulls as empty, lists in one cell', () => {
    assert.equal(csvCell(-99.1332), '-99.1332');
    assert.equal(csvCell(null), '');
    assert.equal(csvCell(true), 'true');
    assert.equal(csvCell(['https://a/1.jpg', 'https://a/2.jpg']), 'https://a/1.jpg https://a/2.jpg');
    assert.equal(csvLine(['a,b', 'line\nbreak', 3]), '"a,b","line\nbreak",3\r\n');
  });
});

describe('--since', () => {
  it('reads dates for --since and refuses anything else', () => {
    assert.equal(parseSince('2025-11-28'), '2025-11-28T00:00:00.000Z');
    assert.equal(parseSince('2025-11-28T06:30:00-06:00'), '2025-11-28T12:30:00.000Z');
    assert.throws(() => parseSince('yesterday'), userError(/--since "yesterday" is not a date/));
  });
});

describeOnEachBackend('listing exports', (backend) => {
  let dir: string;
  const store = storeForEachTest(async (db) => {
    await twoBatchHistory(db);
    await addBatch(db, 'b3', ['lamudi'], '2025-11-29T06:00:00.000Z');
    await upsertCards(db, 'b3', [
      card('lamudi', 'evil', 1, {
        title: '=HYPERLINK("http://evil.example","click")',
        lng: -99.13,
        images: ['https://img/1.jpg'],
        description: 'dos\nlíneas, "comillas"',
      }),
    ]);
    dir = testConfig({ taskQueue: 'unused' }).storage.exportsDir;
  }, backend);

  it('CSV reads back as the stored listings, with formula text neutralised', async () => {
    const db = store();
    const file = join(dir, 'all.csv');
    const result = await writeListingsExport(db, { format: 'csv', filter: {}, file });
    const rows = parse<Record<string, string>>(readFileSync(file), { columns: true });
    const stored = await getListings(db);
    assert.equal(result.count, stored.length);
    assert.deepEqual(Object.keys(rows[0]), [...LISTING_FIELDS]);
    assert.deepEqual(
      rows.map((row) => `${row.site}/${row.externalId}`),
      stored.map((l) => `${l.site}/${l.externalId}`),
    );
    const evil = rows.find((row) => row.externalId === 'evil')!;
    assert.equal(evil.title, `'=HYPERLINK("http://evil.example","click")`);
    assert.equal(evil.lng, '-99.13');
    assert.equal(evil.description, 'dos\nlíneas, "comillas"');
    assert.equal(rows.find((row) => row.externalId === 'b')!.price, '250');
  });

  it('JSON and JSON Lines read back as exactly the stored records', async () => {
    const db = store();
    await writeListingsExport(db, { format: 'json', filter: {}, file: join(dir, 'all.json') });
    await writeListingsExport(db, { format: 'jsonl', filter: {}, file: join(dir, 'all.jsonl') });
    const stored = await getListings(db);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'all.json'), 'utf8')), stored);
    const lines = readFileSync(join(dir, 'all.jsonl'), 'utf8').trimEnd().split('\n');
    assert.deepEqual(
      lines.map((line) => JSON.parse(line)),
      stored,
    );
    assert.deepEqual(Object.keys(JSON.parse(lines[0])), [...LISTING_FIELDS]);
  });

  it('filters by site, by batch and by time last seen', async () => {
    const db = store();
    const ids = async (filter: Parameters<typeof writeListingsExport>[1]['filter'], name: string) => {
      await writeListingsExport(db, { format: 'jsonl', filter, file: join(dir, name) });
      return readFileSync(join(dir, name), 'utf8')
        .trimEnd()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line).externalId);
    };
    assert.deepEqual(await ids({ site: 'trovit' }, 'trovit.jsonl'), ['t1']);
    assert.deepEqual(await ids({ batchId: 'b2' }, 'b2.jsonl'), ['a', 'b', 'd']);
    assert.deepEqual(await ids({ batchId: 'b1', site: 'lamudi' }, 'b1.jsonl'), ['a', 'b', 'c']);
    await db
      .updateTable('listings')
      .set({ last_seen_at: '2025-01-01T00:00:00.000Z' })
      .where('external_id', '<>', 'evil')
      .execute();
    assert.deepEqual(await ids({ since: parseSince('2025-06-01') }, 'since.jsonl'), ['evil']);
    assert.deepEqual(await ids({ site: 'trovit', since: parseSince('2025-06-01') }, 'none.jsonl'), []);
  });

  it('an empty JSON export is an empty array', async () => {
    await writeListingsExport(store(), { format: 'json', filter: { site: 'mitula' }, file: join(dir, 'empty.json') });
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'empty.json'), 'utf8')), []);
  });

  it('never replaces an existing file without --force, and leaves no partial file', async () => {
    const db = store();
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'keep.csv');
    writeFileSync(file, 'precious\n');
    await assert.rejects(
      writeListingsExport(db, { format: 'csv', filter: {}, file }),
      userError(/already exists.*--force/),
    );
    assert.equal(readFileSync(file, 'utf8'), 'precious\n');
    await writeListingsExport(db, { format: 'csv', filter: {}, file, overwrite: true });
    assert.match(readFileSync(file, 'utf8'), /^site,externalId,url/);
    assert.deepEqual(
      readdirSync(dir).filter((name) => name.endsWith('.partial')),
      [],
    );
  });
});

describeOnEachBackend('orchestrator export (paths, formats, filters)', (backend) => {
  let config: AppConfig;
  before(async () => {
    const base = testConfig({ taskQueue: 'unused' });
    config = {
      ...base,
      storage: { ...base.storage, database: await backend.newDatabase(dirname(base.storage.database)) },
    };
    const db = await openDatabase(config.storage.database);
    try {
      await twoBatchHistory(db);
    } finally {
      await db.destroy();
    }
  });

  it('writes inside the exports folder, with the format taken from the extension', async () => {
    const result = await exportListings(config, { out: 'nested/b2.jsonl', batch: 'batch-b2' });
    assert.equal(result.file, join(config.storage.exportsDir, 'nested', 'b2.jsonl'));
    assert.equal(result.format, 'jsonl');
    assert.equal(result.count, 3);
  });

  it('refuses paths outside the exports folder, disallowed extensions and mismatched formats', async () => {
    await assert.rejects(
      exportListings(config, { out: '../escape.csv' }),
      userError(/--out "\.\.\/escape\.csv" is outside/),
    );
    await assert.rejects(exportListings(config, { out: '/etc/passwd.csv' }), userError(/is outside/));
    await assert.rejects(
      exportListings(config, { out: 'listings.txt' }),
      userError(/must end in one of \.csv, \.json, \.jsonl/),
    );
    await assert.rejects(
      exportListings(config, { out: 'x.csv', format: 'json' }),
      userError(/ends in \.csv but --format is json/),
    );
    await assert.rejects(
      exportListings(config, { out: 'x.csv', format: 'xml' }),
      userError(/--format "xml" is not one of csv, json, jsonl/),
    );
    assert.equal(existsSync(join(config.storage.exportsDir, 'x.csv')), false);
  });

  it('refuses an unknown site or batch, naming it', async () => {
    await assert.rejects(
      exportListings(config, { out: 'a.csv', site: 'vivanuncios' }),
      userError(/unknown site "vivanuncios": the sites are inmuebles24/),
    );
    await assert.rejects(exportListings(config, { out: 'a.csv', batch: 'nope' }), userError(/unknown batch "nope"/));
  });
});
