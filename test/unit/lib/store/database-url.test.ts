/** What `storage.database` names, and how it may be shown: a URL's password never is. */
import assert from 'node:assert/strict';
import {
  backendOf,
  databaseSettingProblem,
  redactDatabaseUrl,
  resolveDatabaseSetting,
} from '../../../../lib/store/database-url';

describe('database setting', () => {
  it('a path is SQLite; postgres:// and postgresql:// URLs are PostgreSQL', () => {
    assert.equal(backendOf('data/orchestrator.db'), 'sqlite');
    assert.equal(backendOf(':memory:'), 'sqlite');
    assert.equal(backendOf('postgres://db/x'), 'postgres');
    assert.equal(backendOf('PostgreSQL://db/x'), 'postgres');
  });

  it('shows a URL with its password replaced, and a path as it is', () => {
    assert.equal(
      redactDatabaseUrl('postgres://orchestrator:p%40ss@db.example:5432/orchestrator?sslmode=require'),
      'postgres://orchestrator:***@db.example:5432/orchestrator?sslmode=require',
    );
    assert.equal(
      redactDatabaseUrl('postgres://orchestrator@db.example/orchestrator'),
      'postgres://orchestrator@db.example/orchestrator',
    );
    assert.equal(redactDatabaseUrl('/srv/data/orchestrator.db'), '/srv/data/orchestrator.db');
    // Not a URL the parser takes: the password is still cut out.
    assert.doesNotMatch(redactDatabaseUrl('postgres://u:se cret@[bad/x'), /se cret/);
  });

  it('names what is wrong with a setting, and resolves only paths', () => {
    assert.equal(databaseSettingProblem('data/orchestrator.db'), null);
    assert.equal(databaseSettingProblem('postgres://u@db:5432/orchestrator'), null);
    assert.match(databaseSettingProblem('mysql://u@db/x')!, /SQLite file path or a postgres:\/\/ URL/);
    assert.match(databaseSettingProblem('postgres://u@db:5432')!, /must name a database/);
    assert.match(databaseSettingProblem('postgres:///x')!, /must name a host/);
    assert.match(databaseSettingProblem('postgres://u@:5432/x')!, /must be a valid URL/);
    assert.equal(resolveDatabaseSetting('/srv/project', 'data/o.db'), '/srv/project/data/o.db');
    assert.equal(resolveDatabaseSetting('/srv/project', 'postgres://u@db/x'), 'postgres://u@db/x');
  });
});
