/**
 * The workflow bundle made lighter for the workflow thread (workers/workflow-bundle.ts): Latin-1
 * text, mappings kept for some sources only, and the bundle the worker is launched with, whose map
 * still takes a workflow's frame to its TypeScript.
 */
import { strict as assert } from 'node:assert';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { buildWorkflowBundle } from '../../../workers/launch-settings';
import { latin1Only, slimWorkflowBundle } from '../../../workers/workflow-bundle';
import { absoluteSegments } from '../../support/source-map-segments';
import { testConfig } from '../../support/test-config';

const INLINE_MAP = '//# sourceMappingURL=data:application/json;charset=utf-8;base64,';

function inlineMap(code: string): { sources: string[]; sourcesContent?: unknown; mappings: string; names: string[] } {
  const at = code.lastIndexOf(INLINE_MAP);
  assert.ok(at > 0, 'an inline source map');
  return JSON.parse(Buffer.from(code.slice(at + INLINE_MAP.length), 'base64').toString());
}

describe('the workflow bundle', function () {
  this.timeout(120_000);

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
