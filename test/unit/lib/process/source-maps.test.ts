/**
 * Source maps for the project's own files only (lib/process/source-maps.ts), each case in a Node
 * process of its own, started as bin/orchestrator.js starts the CLI and the worker: tsx registered,
 * then a package that ships `.js.map` files (the Temporal SDK's common package) and a TypeScript
 * module of the project loaded.
 */
import assert from 'node:assert/strict';
import { inFreshNode } from '../../../support/fresh-node';

const SOURCE_MAPS = require.resolve('../../../../lib/process/source-maps');
const THROWS = require.resolve('../../../fixtures/source-maps/throws');

interface Seen {
  /** Node kept a source map for the package's entry. */
  packageMapped: boolean;
  /** Node kept one for the project's module. */
  ownMapped: boolean;
  /** The line the project's module's frame names in a stack trace. */
  thrownAtLine: number | null;
}

function inProcess(ownSourcesOnly: boolean): Seen {
  const script = `
    require('tsx/cjs/api').register();
    ${ownSourcesOnly ? `require(${JSON.stringify(SOURCE_MAPS)}).mapOwnSourcesOnly();` : ''}
    const { findSourceMap } = require('node:module');
    const packageEntry = require.resolve('@temporalio/common');
    require(packageEntry);
    const own = require(${JSON.stringify(THROWS)});
    let stack = '';
    try { own.throwHere(); } catch (error) { stack = error.stack; }
    const frame = /throws\\.ts:(\\d+):\\d+/.exec(stack);
    process.stdout.write(JSON.stringify({
      packageMapped: findSourceMap(packageEntry) !== undefined,
      ownMapped: findSourceMap(${JSON.stringify(THROWS)}) !== undefined,
      thrownAtLine: frame ? Number(frame[1]) : null,
    }));`;
  // tsx is registered by the script itself, as bin/orchestrator.js registers it.
  return inFreshNode<Seen>(script, []);
}

describe('source maps (lib/process/source-maps)', function () {
  this.timeout(60_000);

  it("keeps no package's source map, and maps the project's TypeScript as before", function () {
    assert.deepEqual(inProcess(true), { packageMapped: false, ownMapped: true, thrownAtLine: 14 });
  });

  it('without it, tsx has Node keep the maps of packages too (what it is there for)', function () {
    assert.deepEqual(inProcess(false), { packageMapped: true, ownMapped: true, thrownAtLine: 14 });
  });
});
