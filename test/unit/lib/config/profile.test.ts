/** The mirror profile keeps mirror data apart from real portal data, on either store. */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { mirrorDatabaseUrl, mirrorProfile } from '../../../../lib/config/profile';
import { edited, parse, ROOT, SHIPPED } from './shipped-config';

describe('mirror profile', () => {
  it('SQLite: its own file, backups, exports and temp folder beside the database; its own task queue', () => {
    const mirror = mirrorProfile(parse(SHIPPED));
    assert.equal(mirror.storage.database, path.join(ROOT, 'data', 'mirror', 'orchestrator.db'));
    assert.equal(mirror.storage.backupsDir, path.join(ROOT, 'data', 'mirror', 'backups'));
    assert.equal(mirror.temporal.taskQueue, 'scraping-mirror');
  });

  it('PostgreSQL: a database of its own on the same server (name + "_mirror"), credentials kept, a mirror folder in each configured folder', () => {
    const url = 'postgres://orchestrator:pw@db.example:5432/orchestrator?sslmode=require';
    const mirror = mirrorProfile(parse(edited((doc) => doc.setIn(['storage', 'database'], url))));
    assert.equal(
      mirror.storage.database,
      'postgres://orchestrator:pw@db.example:5432/orchestrator_mirror?sslmode=require',
    );
    assert.equal(mirror.storage.backupsDir, path.join(ROOT, 'backups', 'mirror'));
    assert.equal(mirror.storage.tempDir, path.join(ROOT, 'tmp', 'mirror'));
    assert.equal(mirrorDatabaseUrl('postgresql://u@h/store'), 'postgresql://u@h/store_mirror');
  });
});
