import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { backupDatabase, listBackups, restoreDatabase } from '../../../../lib/backup/backup';
import { emptyRecord } from '../../../../lib/record/listing-record';
import { createBatch } from '../../../../lib/store/batches';
import { openDatabase, type Db } from '../../../../lib/store/database';
import { upsertCards } from '../../../../lib/store/listings';
import { newPostgresDatabase } from '../../../support/store-backends';

/** A batch b1 with three mitula listings. */
async function fill(db: Db): Promise<void> {
  await createBatch(db, {
    id: 'b1',
    label: null,
    parentBatchId: null,
    sites: ['mitula'],
    detailSites: [],
    options: {},
    workflowId: 'batch-b1',
  });
  await upsertCards(
    db,
    'b1',
    [1, 2, 3].map((n) => emptyRecord('mitula', String(n), `https://casas.mitula.mx/${n}`)),
  );
}

async function listingCount(db: Db): Promise<number> {
  const row = await db
    .selectFrom('listings')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return row.n;
}

/** Open a store, use it, close it. */
async function withStore<T>(database: string, use: (db: Db) => Promise<T>, readonly = false): Promise<T> {
  const db = await openDatabase(database, { readonly });
  try {
    return await use(db);
  } finally {
    await db.destroy();
  }
}

describe('backup and restore', () => {
  it('backs up with the same row counts, reuses a batch backup, keeps the retention count, and restores', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backup-test-'));
    const dbPath = join(dir, 'orchestrator.db');
    const backups = join(dir, 'backups');
    const db = await openDatabase(dbPath);
    try {
      await fill(db);

      const first = await backupDatabase(db, backups, 'b1', 2);
      assert.equal(first.reused, false);
      assert.match(first.file, /orchestrator-\d{4}-\d{2}-\d{2}T[\d-]+Z-b1\.db$/);
      assert.equal((await backupDatabase(db, backups, 'b1', 2)).reused, true);
      assert.equal(await withStore(first.file, listingCount, true), 3);

      // A PostgreSQL store's backup in the same folder is not this store's to count or remove.
      const otherBackend = join(backups, 'orchestrator-2025-01-01T00-00-00-000Z-pg.dump');
      writeFileSync(otherBackend, 'a pg_dump archive');
      await backupDatabase(db, backups, 'b2', 2);
      const third = await backupDatabase(db, backups, 'b3', 2);
      assert.ok(existsSync(otherBackend), 'the .dump is kept');
      rmSync(otherBackend);
      assert.equal(listBackups(backups).length, 2);
      assert.ok(third.removed.some((file) => file.endsWith('-b1.db')));

      await db.deleteFrom('listings').execute();
    } finally {
      await db.destroy();
    }
    const { safetyCopy } = await restoreDatabase(listBackups(backups)[0], dbPath, backups);
    assert.ok(safetyCopy && readdirSync(backups).some((name) => name.includes('before-restore')));
    assert.equal(await withStore(dbPath, listingCount), 3);
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

  it('on PostgreSQL: dumps with pg_dump, reuses a batch backup, and restores with pg_restore, keeping the replaced contents', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backup-test-'));
    const backups = join(dir, 'backups');
    const url = await newPostgresDatabase();
    const db = await openDatabase(url);
    let file: string;
    try {
      await fill(db);
      const first = await backupDatabase(db, backups, 'b1', 5);
      file = first.file;
      assert.equal(first.reused, false);
      assert.match(file, /orchestrator-\d{4}-\d{2}-\d{2}T[\d-]+Z-b1\.dump$/);
      assert.ok(first.bytes > 0);
      assert.equal((await backupDatabase(db, backups, 'b1', 5)).reused, true);

      await db.deleteFrom('listings').where('external_id', '<>', '1').execute();
      await db.updateTable('listings').set({ title: 'changed after the backup' }).execute();
    } finally {
      // The workers must be stopped for a restore: no connection of ours stays open.
      await db.destroy();
    }

    const { safetyCopy } = await restoreDatabase(file, url, backups);
    assert.ok(safetyCopy, 'a before-restore copy');
    assert.match(basename(safetyCopy), /^orchestrator-.*-before-restore-.*\.dump$/);
    assert.deepEqual(listBackups(backups).sort(), [file, safetyCopy].sort());
    await withStore(url, async (restored) => {
      assert.deepEqual(
        await restored.selectFrom('listings').select(['external_id', 'title']).orderBy('external_id').execute(),
        [
          { external_id: '1', title: null },
          { external_id: '2', title: null },
          { external_id: '3', title: null },
        ],
      );
    });

    // The safety copy holds the contents the restore replaced.
    await restoreDatabase(safetyCopy, url, backups);
    await withStore(url, async (replaced) => {
      assert.deepEqual(await replaced.selectFrom('listings').select(['external_id', 'title']).execute(), [
        { external_id: '1', title: 'changed after the backup' },
      ]);
    });
  });

  it('on PostgreSQL: refuses a SQLite backup', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backup-test-'));
    const sqliteBackup = join(dir, 'orchestrator-2025-11-28T06-00-00-000Z-b1.db');
    writeFileSync(sqliteBackup, 'a SQLite file');
    await assert.rejects(
      restoreDatabase(sqliteBackup, await newPostgresDatabase(), dir),
      /orchestrator-2025-11-28T06-00-00-000Z-b1\.db is not a PostgreSQL backup \(\.dump\)/,
    );
  });
});
