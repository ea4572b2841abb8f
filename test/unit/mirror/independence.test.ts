/**
 * The mirror is an independent oracle of what a correct parser reads: it states what its pages say
 * (the records a parser must find) from docs/portals.md and docs/listing-record.md, never through
 * the parsers' own code. So no file of mirror/ imports anything from scrapers/.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const MIRROR = join(__dirname, '..', '..', '..', 'mirror');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

describe('the mirror imports nothing from scrapers/', () => {
  it('no import or require of a scrapers/ module in any mirror source', () => {
    const files = sources(MIRROR);
    assert.ok(
      files.some((file) => file.endsWith(join('sites', 'lamudi.ts'))),
      'the mirror sources are found',
    );
    const offenders = files.filter((file) =>
      /(?:from\s+|require\(\s*)['"](?:\.\.\/)+scrapers\//.test(readFileSync(file, 'utf8')),
    );
    assert.deepEqual(
      offenders.map((file) => relative(MIRROR, file)),
      [],
    );
  });
});
