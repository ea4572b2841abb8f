/**
 * `orchestrator backup` and `restore` as a user runs them (no Temporal server: the worker check
 * says it cannot look): a backup restores the database to exactly its state, the replaced
 * database is kept as a backup of its own, and paths outside the backups folder are refused.
 */
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { getBatch, listBatches } from '../../../../lib/store/batches';
import { openDatabase } from '../../../../lib/store/database';
import { runCli } from '../../../support/cli';
import { writeTempConfig } from '../../../support/temp-config';
import { addBatch, twoBatchHistory } from '../../../support/store-fixture';

describe('orchestrator backup and restore', function () {
  this.timeout(120_000);
  const config = writeTempConfig(17_999, 18_999, (doc) => {
    doc.temporal.embedded = false;
  });
  const database = join(config.dir, 'orchestrator.db');
  const cli = (...args: string[]) => runCli(['--config', config.path, ...args]);

  it('restores the database to the backup, keeping the replaced one as a backup', async () => {
    const db = await openDatabase(database);
    await twoBatchHistory(db);
    await db.destroy();

    const backup = await cli('backup', '--json');
    assert.equal(backup.code, 0, backup.stderr);
    const { file, bytes } = JSON.parse(backup.stdout) as { file: string; bytes: number };
    assert.equal(file.startsWith(join(config.dir, 'backups')), true, file);
    assert.ok(bytes > 0);

    const later = await openDatabase(database);
    await addBatch(later, 'b3', ['lamudi'], '2025-11-29T06:00:00.000Z');
    await later.destroy();

    const restore = await cli('restore', basename(file));
    assert.equal(restore.code, 0, restore.stderr);
    assert.match(restore.stderr, /Workers must be stopped/);
    assert.match(restore.stderr, /cannot be checked: make sure none is running/);
    const kept = /kept as (\S+\.db)\./.exec(restore.stdout)?.[1];
    assert.ok(kept && existsSync(kept), restore.stdout);

    const restored = await openDatabase(database, { readonly: true });
    assert.deepEqual(
      (await listBatches(restored)).map((batch) => batch.id),
      ['b2', 'b1'],
    );
    await restored.destroy();
    const safety = await openDatabase(kept, { readonly: true });
    assert.ok(await getBatch(safety, 'b3'), 'the replaced database, with b3, is kept');
    await safety.destroy();

    const listed = await cli('backup', '--list', '--json');
    assert.deepEqual(
      (JSON.parse(listed.stdout) as Array<{ file: string }>).map((b) => b.file).sort(),
      [file, kept].sort(),
    );
  });

  it('refuses files outside the backups folder, missing files and other extensions', async () => {
    const cases: Array<[string, RegExp]> = [
      ['../orchestrator.db', /backup file "\.\.\/orchestrator\.db" is outside .*backups/],
      ['missing.db', /backup file .*missing\.db does not exist/],
      ['notes.txt', /backup file ".*notes\.txt" must end in one of \.db/],
    ];
    for (const [file, pattern] of cases) {
      const result = await cli('restore', file);
      assert.equal(result.code, 1, `${file}: ${result.stderr}`);
      assert.match(result.stderr.trim(), new RegExp(`^error: ${pattern.source}[^\\n]*$`), file);
    }
  });
});
