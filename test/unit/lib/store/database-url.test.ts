/** What `storage.database` names, and how it may be shown: a URL's password never is. */
import assert from 'node:assert/strict';
import {
  backendOf,
  databaseSettingProblem,
  redactDatabaseUrl,
  resolveDatabaseSetting,
  type Backend,
} from '../../../../lib/store/database-url';

/** Settings, and the store each names. */
const BACKENDS: Array<[setting: string, backend: Backend]> = [
  ['data/orchestrator.db', 'sqlite'],
  [':memory:', 'sqlite'],
  ['postgres://db/x', 'postgres'],
  ['PostgreSQL://db/x', 'postgres'],
];

/** Settings, and how each is shown. */
const SHOWN: Array<[setting: string, shown: string]> = [
  [
    'postgres://orchestrator:p%40ss@db.example:5432/orchestrator?sslmode=require',
    'postgres://orchestrator:***@db.example:5432/orchestrator?sslmode=require',
  ],
  ['postgres://orchestrator@db.example/orchestrator', 'postgres://orchestrator@db.example/orchestrator'],
  ['/srv/data/orchestrator.db', '/srv/data/orchestrator.db'],
];

/** Settings, and what the problem with each says (null: there is none). */
const PROBLEMS: Array<[setting: string, problem: RegExp | null]> = [
  ['data/orchestrator.db', null],
  ['postgres://u@db:5432/orchestrator', null],
  ['mysql://u@db/x', /SQLite file path or a postgres:\/\/ URL/],
  ['postgres://u@db:5432', /must name a database/],
  ['postgres:///x', /must name a host/],
  ['postgres://u@:5432/x', /must be a valid URL/],
];

describe('database setting', () => {
  it('a path is SQLite; postgres:// and postgresql:// URLs are PostgreSQL', () => {
    for (const [setting, backend] of BACKENDS) assert.equal(backendOf(setting), backend, setting);
  });

  it('shows a URL with its password replaced, and a path as it is', () => {
    for (const [setting, shown] of SHOWN) assert.equal(redactDatabaseUrl(setting), shown);
    // Not a URL the parser takes: the password is still cut out.
    assert.doesNotMatch(redactDatabaseUrl('postgres://u:se cret@[bad/x'), /se cret/);
  });

  it('names what is wrong with a setting, and resolves only paths', () => {
    for (const [setting, problem] of PROBLEMS) {
      if (problem) assert.match(databaseSettingProblem(setting)!, problem);
      else assert.equal(databaseSettingProblem(setting), null, setting);
    }
    assert.equal(resolveDatabaseSetting('/srv/project', 'data/o.db'), '/srv/project/data/o.db');
    assert.equal(resolveDatabaseSetting('/srv/project', 'postgres://u@db/x'), 'postgres://u@db/x');
  });
});
