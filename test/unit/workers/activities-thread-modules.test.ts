/**
 * The worker's activities' thread imports the adapters (their content hooks and the challenge check,
 * workers/activity-deps.ts) but parses no page: its parser thread does. The parsing libraries are
 * required on first use (lib/cheerio-load.ts, scrapers/script-data.ts), so that thread never holds
 * them. Nor does it hold the CLI's other commands: bin/orchestrator starts the worker from an entry of
 * its own. Each case loads modules in a fresh Node process, as the worker does (tsx).
 */
import assert from 'node:assert/strict';
import { packagesLoaded } from '../../support/fresh-node';

// parse5 is loaded by no thread: pages are parsed with htmlparser2 (test/unit/lib/cheerio-load.test.ts).
const PARSING_PACKAGES = ['cheerio', 'acorn', 'css-select', 'htmlparser2'];

/** The parsing packages loaded once `script` has run after requiring `modules`. */
function parsingPackagesLoaded(modules: string[], script = ''): string[] {
  return packagesLoaded(
    PARSING_PACKAGES,
    modules.map((module) => require.resolve(module)),
    script,
  );
}

describe("the activities' thread's modules", function () {
  this.timeout(60_000);

  it('load no parsing library', function () {
    assert.deepEqual(parsingPackagesLoaded(['../../../workers/activity-deps', '../../../workers/worker']), []);
  });

  it('load them when a page is parsed (the same modules, on the thread that parses)', function () {
    const parse = `
      const { adapterFor } = require(${JSON.stringify(require.resolve('../../../scrapers/registry'))});
      try { adapterFor({ key: 'inmuebles24' }).parseDetailPage('<html><body><script>const avisoInfo = {};</script></body></html>', { site: 'inmuebles24', url: 'https://www.inmuebles24.com/', maxFieldLength: 100 }); } catch {}`;
    assert.deepEqual(
      parsingPackagesLoaded(['../../../workers/activity-deps'], parse).sort(),
      [...PARSING_PACKAGES].sort(),
    );
  });

  it("come from the worker's entry without the rest of the CLI or the configuration's loader (bin/worker.js)", function () {
    // commander parses the CLI's arguments; pg is `orchestrator cluster`'s (the store loads it for a
    // PostgreSQL store only); yaml and zod load and check the configuration, which the launcher did.
    const cliOnly = ['commander', 'pg', 'yaml', 'zod'];
    const entries = ['../../../client/worker-entry', '../../../client/cli'].map((module) => require.resolve(module));
    assert.deepEqual(packagesLoaded(cliOnly, [entries[0]]), []);
    assert.deepEqual(packagesLoaded(cliOnly, [entries[1]]), cliOnly, 'the whole CLI loads them');
  });
});
