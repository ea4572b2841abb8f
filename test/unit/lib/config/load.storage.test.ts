/**
 * `storage.database` names the store: a path (SQLite, resolved against the project root) or a
 * postgres:// URL (PostgreSQL, kept as written), also from ORCHESTRATOR_DATABASE; `storage.pool_size`
 * sizes PostgreSQL's pool. A bad value is refused naming the key, and a password never appears.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { edited, parse, problems, ROOT, SHIPPED } from './shipped-config';

const URL_WITH_PASSWORD = 'postgres://orchestrator:s3cret-pw@db.example:5432/orchestrator';

describe('config: storage.database and storage.pool_size', () => {
  it('a path is SQLite, resolved against the project root; a postgres:// URL is kept as written', () => {
    assert.equal(parse(SHIPPED).storage.database, path.join(ROOT, 'data', 'orchestrator.db'));
    const postgres = parse(edited((doc) => doc.setIn(['storage', 'database'], URL_WITH_PASSWORD)));
    assert.equal(postgres.storage.database, URL_WITH_PASSWORD);
    const fromEnv = parse(SHIPPED, { ORCHESTRATOR_DATABASE: 'postgresql://ci@127.0.0.1:15432/store' });
    assert.equal(fromEnv.storage.database, 'postgresql://ci@127.0.0.1:15432/store');
  });

  it('pool_size: 10 as shipped and when absent; a number below 1 is refused', () => {
    assert.equal(parse(SHIPPED).storage.poolSize, 10);
    assert.equal(parse(edited((doc) => doc.deleteIn(['storage', 'pool_size']))).storage.poolSize, 10);
    assert.equal(parse(edited((doc) => doc.setIn(['storage', 'pool_size'], 4))).storage.poolSize, 4);
    assert.deepEqual(problems(edited((doc) => doc.setIn(['storage', 'pool_size'], 0))), [
      'config/config.yaml: storage.pool_size: must be an integer ≥ 1, got 0',
    ]);
  });

  it('another scheme, a URL without a database, and a bad ORCHESTRATOR_DATABASE are refused, the password hidden', () => {
    assert.deepEqual(problems(edited((doc) => doc.setIn(['storage', 'database'], 'mysql://u:pw@db/x'))), [
      'config/config.yaml: storage.database: must be a SQLite file path or a postgres:// URL (SQLite and PostgreSQL are the stores there are), got "mysql://u:pw@db/x"',
    ]);
    const noDatabase = problems(
      edited((doc) => doc.setIn(['storage', 'database'], 'postgres://orchestrator:s3cret-pw@db.example:5432/')),
    );
    assert.deepEqual(noDatabase, [
      'config/config.yaml: storage.database: must name a database, such as postgres://user@db.example:5432/orchestrator, got "postgres://orchestrator:***@db.example:5432/"',
    ]);
    const fromEnv = problems(SHIPPED, {
      ORCHESTRATOR_DATABASE: 'postgres://orchestrator:s3cret-pw@:5432/orchestrator',
    });
    assert.equal(fromEnv.length, 1);
    assert.match(fromEnv[0], /ORCHESTRATOR_DATABASE \(overrides storage.database\): must be a valid URL/);
    assert.doesNotMatch(fromEnv.join('\n') + noDatabase.join('\n'), /s3cret-pw/);
  });
});
