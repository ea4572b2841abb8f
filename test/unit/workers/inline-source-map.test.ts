/**
 * Inline source maps as the launcher rewrites them (workers/inline-source-map.ts): base64 VLQ as the
 * source map spec writes it, segments kept by source or by their place on a line, and the map
 * read from and written back to the end of the code.
 */
import { strict as assert } from 'node:assert';
import { decodeVlq, encodeVlq, inlineMap, keepMappings, splitInlineMap } from '../../../workers/inline-source-map';
import { absoluteSegments } from '../../support/source-map-segments';

describe('inline source maps', () => {
  it('writes and reads base64 VLQ as the source map spec does', () => {
    // The spec's digits: 0 → A, 1 → C, -1 → D, 15 → e, 16 → gB (a continuation digit), -17 → jB.
    assert.deepEqual([0, 1, -1, 15, 16, -17].map(encodeVlq), ['A', 'C', 'D', 'e', 'gB', 'jB']);
    assert.deepEqual(decodeVlq('AACADgBjB'), [0, 0, 1, 0, -1, 16, -17]);
    for (const value of [0, 5, -5, 31, 32, -1000, 123456789]) assert.equal(decodeVlq(encodeVlq(value))[0], value);
    assert.throws(() => decodeVlq('A!'), /not a base64 VLQ digit in a source map: "!"/);
  });

  it('keeps the mappings of the chosen sources, each segment where it was', () => {
    // Line 1: col 0 → src 0 (1:0); col 4 → src 1 (3:2); col 9 → src 0 (1:6).
    // Line 2: col 2 → src 1 (4:0), with name 0; col 8 → no source.
    const mappings = `${['AAAA', 'ICEE', 'KDFI'].join(',')};${['ECGNA', 'M'].join(',')}`;
    assert.deepEqual(absoluteSegments(mappings), [
      [
        [0, 0, 0, 0],
        [4, 1, 2, 2],
        [9, 0, 0, 6],
      ],
      [[2, 1, 3, 0], [8]],
    ]);
    assert.deepEqual(absoluteSegments(keepMappings(mappings, (source) => source === 1)), [
      [[4, 1, 2, 2]],
      [[2, 1, 3, 0]],
    ]);
    assert.deepEqual(absoluteSegments(keepMappings(mappings, (source) => source === 0)), [
      [
        [0, 0, 0, 0],
        [9, 0, 0, 6],
      ],
      [],
    ]);
    assert.equal(
      keepMappings(mappings, () => false),
      ';',
    );
  });

  it('keeps the first segment of each line, for a map by lines', () => {
    const mappings = `${['AAAA', 'ICEE', 'KDFI'].join(',')};${['M', 'ECGNA'].join(',')}`;
    assert.deepEqual(absoluteSegments(keepMappings(mappings, (_source, nth) => nth === 0)), [
      [[0, 0, 0, 0]],
      [[8, 1, 3, 0]],
    ]);
  });

  it('drops the name indices when asked, for a map written without names', () => {
    const mappings = `${['AAAA', 'ICEE'].join(',')};${['ECGNA', 'ECGNC'].join(',')}`;
    const withNames = keepMappings(mappings, () => true);
    const withoutNames = keepMappings(mappings, () => true, { names: false });
    const fieldCounts = (kept: string) =>
      kept.split(';').flatMap((line) => line.split(',').map((segment) => decodeVlq(segment).length));
    assert.deepEqual(fieldCounts(withNames), [4, 4, 5, 5]);
    assert.deepEqual(fieldCounts(withoutNames), [4, 4, 4, 4]);
    assert.deepEqual(absoluteSegments(withoutNames), absoluteSegments(withNames));
  });

  it('reads a map from the end of the code, as webpack and esbuild write it, and writes it back', () => {
    const map = { version: 3, sources: ['a.ts'], names: [], mappings: 'AAAA' };
    const esbuild = `x;\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;
    assert.deepEqual(splitInlineMap(esbuild), { code: 'x;\n', map });
    assert.deepEqual(splitInlineMap(`x;\n${inlineMap(map)}`), { code: 'x;\n', map });
    assert.equal(splitInlineMap('x;\n'), null);
  });
});
