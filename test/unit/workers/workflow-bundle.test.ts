/**
 * The workflow bundle made lighter for the workflow thread (workers/workflow-bundle.ts): base64 VLQ
 * as the source map spec writes it, mappings kept for some sources only, Latin-1 text, and the
 * bundle the worker is launched with, whose map still takes a workflow's frame to its TypeScript.
 */
import { strict as assert } from 'node:assert';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { buildWorkflowBundle } from '../../../workers/launch-settings';
import { decodeVlq, encodeVlq, keepMappings, latin1Only, slimWorkflowBundle } from '../../../workers/workflow-bundle';
import { testConfig } from '../../support/test-config';

const INLINE_MAP = '//# sourceMappingURL=data:application/json;charset=utf-8;base64,';

function inlineMap(code: string): { sources: string[]; sourcesContent?: unknown; mappings: string; names: string[] } {
  const at = code.lastIndexOf(INLINE_MAP);
  assert.ok(at > 0, 'an inline source map');
  return JSON.parse(Buffer.from(code.slice(at + INLINE_MAP.length), 'base64').toString());
}

/** Each generated line's segments as absolute [column, source, line, sourceColumn] (0-based), [column] without a source. */
function absoluteSegments(mappings: string): number[][][] {
  const state = [0, 0, 0];
  return mappings.split(';').map((line) => {
    let column = 0;
    return (line ? line.split(',') : []).map((segment) => {
      const fields = decodeVlq(segment);
      column += fields[0];
      if (fields.length === 1) return [column];
      for (let i = 1; i < 4; i++) state[i - 1] += fields[i];
      return [column, ...state];
    });
  });
}

describe('the workflow bundle', function () {
  this.timeout(120_000);

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
    assert.deepEqual(absoluteSegments(keepMappings(mappings, new Set([1]))), [[[4, 1, 2, 2]], [[2, 1, 3, 0]]]);
    assert.deepEqual(absoluteSegments(keepMappings(mappings, new Set([0]))), [
      [
        [0, 0, 0, 0],
        [9, 0, 0, 6],
      ],
      [],
    ]);
    assert.equal(keepMappings(mappings, new Set()), ';');
  });

  it('writes characters past Latin-1 as escapes that mean the same in the code', () => {
    const code = "const a = 'año — sí'; // → done\nconst b = /…/.test('…');";
    const written = latin1Only(code);
    assert.equal(written, "const a = 'año \\u2014 sí'; // \\u2192 done\nconst b = /\\u2026/.test('\\u2026');");
    assert.equal(runInNewContext(`${written}; [a, b].join('|')`), 'año — sí|true');
  });

  it('drops the source texts and the mappings of other sources, and refuses a bundle without a map', () => {
    const map = {
      version: 3,
      file: 'bundle.js',
      sources: ['/p/node_modules/x/index.js', '/p/workflows/a.ts'],
      sourcesContent: ['module.exports = 1;', 'export const a = 1;'],
      names: [],
      mappings: 'AAAA;ACAA',
    };
    const code = `x — y\n${INLINE_MAP}${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;
    const slim = slimWorkflowBundle(code, (source) => !source.includes('/node_modules/'));
    assert.ok(slim.startsWith('x \\u2014 y\n'), slim);
    const slimMap = inlineMap(slim);
    assert.equal(slimMap.sourcesContent, undefined);
    assert.deepEqual(slimMap.sources, map.sources);
    assert.deepEqual(absoluteSegments(slimMap.mappings), [[], [[0, 1, 0, 0]]]);
    assert.throws(() => slimWorkflowBundle('x', () => true), /no inline source map, which the Temporal SDK requires/);
  });

  it("is built for the worker in Latin-1, with a map of the project's sources that finds batchWorkflow", async () => {
    const config = testConfig({ taskQueue: 'unit-workflow-bundle' });
    try {
      const code = readFileSync(await buildWorkflowBundle(config), 'utf8');
      assert.ok(!/[\u0100-\uffff]/.test(code), 'every character one byte in V8');
      const map = inlineMap(code);
      assert.equal(map.sourcesContent, undefined);
      const mapped = new Set(absoluteSegments(map.mappings).flatMap((line) => line.map((segment) => segment[1])));
      assert.ok(mapped.size > 0);
      for (const source of mapped) assert.ok(!map.sources[source].includes('/node_modules/'), map.sources[source]);
      // The generated line that declares batchWorkflow maps to the line of workflows/batch.ts that does.
      const generated = code.split('\n').findIndex((line) => /async function batchWorkflow\(/.test(line));
      const original = readFileSync(join(__dirname, '../../../workflows/batch.ts'), 'utf8')
        .split('\n')
        .findIndex((line) => /async function batchWorkflow\(/.test(line));
      const segments = absoluteSegments(map.mappings)[generated];
      assert.ok(segments.length > 0, `line ${generated + 1} of the bundle is mapped`);
      assert.match(map.sources[segments[0][1]], /\/workflows\/batch\.ts$/);
      assert.equal(segments[0][2], original);
    } finally {
      rmSync(config.storage.tempDir, { recursive: true, force: true });
    }
  });
});
