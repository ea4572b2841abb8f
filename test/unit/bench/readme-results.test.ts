/**
 * The README's Performance results are the `--report` of the results file they name: the text
 * `npm run bench -- --report <file>` prints stands in README.md as it is, so the table cannot drift
 * from the committed figures.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { markdown, type BenchResults } from '../../../bench/lib/report';

const ROOT = join(__dirname, '..', '..', '..');

describe('the README performance results', () => {
  it('are the --report of the results file the Results section names', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Results'), readme.indexOf('### Where the time goes'));
    const named = /The `--report` of `(bench\/results\/[^`]+\.json)`/.exec(section);
    assert.ok(named, 'the Results section names its results file');
    const file = join(ROOT, named[1]);
    assert.ok(existsSync(file), `${named[1]} is committed`);
    const report = markdown(JSON.parse(readFileSync(file, 'utf8')) as BenchResults);
    assert.ok(section.includes(report), `README.md's Results section holds the --report of ${named[1]} verbatim`);
  });
});
