import { strict as assert } from 'node:assert';
import Database from 'better-sqlite3';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupDatabase, listBackups, restoreDatabase } from '../../../../lib/backup/backup';
import { emptyRecord } from '../../../../lib/record/listing-record';
import { createBatch } from '../../../../lib/store/batches';
import { openDatabase } from '../../../../lib/store/database';
import { upsertCards } from '../../../../lib/store/listings';

describe('backup and restore', () => {
  it('backs up with the same row counts, reuses a batch backup, keeps the retention count, and restores', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backup-test-'));
    const dbPath = join(dir, 'orchestrator.db');
    const backups = join(dir, 'backups');
    const db = openDatabase(dbPath);
    createBatch(db, {
      id: 'b1',
      label: null,
      parentBatchId: null,
      sites: ['mitula'],
      detailSites: [],
      options: {},
      workflowId: 'batch-b1',
    });
    upsertCards(
      db,
      'b1',
      [1, 2, 3].map((n) => emptyRecord('mitula', String(n), `https://casas.mitula.mx/${n}`)),
    );

    const first = await backupDatabase(db, backups, 'b1', 2);
    assert.equal(first.reused, false);
    assert.match(first.file, /orchestrator-\d{4}-\d{2}-\d{2}T[\d-]+Z-b1\.db$/);
    assert.equal((await backupDatabase(db, backups, 'b1', 2)).reused, true);
    const copy = new Database(first.file, { readonly: true });
    assert.equal((copy.prepare('SELECT COUNT(*) AS n FROM listings').get() as { n: number }).n, 3);
    copy.close();

    await backupDatabase(db, backups, 'b2', 2);
    const third = await backupDatabase(db, backups, 'b3', 2);
    assert.equal(listBackups(backups).length, 2);
    assert.ok(third.removed.some((file) => file.endsWith('-b1.db')));

    db.prepare('DELETE FROM listings').run();
    db.close();
    const { safetyCopy } = await restoreDatabase(listBackups(backups)[0], dbPath, backups);
    assert.ok(safetyCopy && readdirSync(backups).some((name) => name.includes('before-restore')));
    const restored = openDatabase(dbPath);
    assert.equal((restored.prepare('SELECT COUNT(*) AS n FROM listings').get() as { n: number }).n, 3);
    restored.close();
  });

  it('refuses a file that is not a SQLite backup', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backup-test-'));
    const bogus = join(dir, 'orchestrator-bogus.db');
    writeFileSync(bogus, 'not a database');
    await assert.rejects(
      restoreDatabase(bogus, join(dir, 'x.db'), dir),
      /orchestrator-bogus\.db is not a usable SQLite backup/,
    );
  });
});
