import { strict as assert } from 'node:assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkExtension, confinePath } from '../../../../lib/security/paths';

describe('path checks', () => {
  const base = mkdtempSync(join(tmpdir(), 'exports-'));
  it('accepts paths inside the folder', () => {
    assert.equal(confinePath(base, 'listings.csv', 'export path'), join(base, 'listings.csv'));
    assert.equal(confinePath(base, join(base, 'sub', 'a.json'), 'export path'), join(base, 'sub', 'a.json'));
  });
  it('refuses ../ and absolute paths outside the folder, naming the path', () => {
    assert.throws(
      () => confinePath(base, '../escape.csv', 'export path'),
      /export path "\.\.\/escape\.csv" is outside/,
    );
    assert.throws(() => confinePath(base, '/etc/passwd', 'export path'), /"\/etc\/passwd" is outside/);
    assert.throws(() => confinePath(base, 'a/../../b.csv', 'export path'), /is outside/);
  });
  it('refuses extensions the config does not allow', () => {
    assert.throws(
      () => checkExtension('out.exe', ['.csv', '.json'], 'export path'),
      /must end in one of \.csv, \.json/,
    );
    checkExtension('OUT.CSV', ['.csv'], 'export path');
  });
});
