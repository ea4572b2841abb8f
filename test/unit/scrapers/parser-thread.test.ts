/**
 * The parser thread (scrapers/parser-thread.ts) gives what the adapters give on the caller's
 * thread: every hand-written fixture page parsed both ways, records equal, and a refused page
 * refused with the same error class (instanceof, name, message, retryable, fields), so the
 * activities decide retries alike. A thread that is closed refuses new pages.
 */
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { loadConfig } from '../../../lib/config/load';
import { ScrapeError, UnrecognisedMarkupError } from '../../../lib/errors';
import { DEFAULT_MAX_FIELD_LENGTH } from '../../../lib/record/text';
import { inlinePageParser, type PageParser } from '../../../scrapers/page-parser';
import { fromThrownError, ParserThread, toThrownError } from '../../../scrapers/parser-thread';
import { adapterFor } from '../../../scrapers/registry';
import { loadFixtures } from './fixture-corpus';

type Outcome = { ok: unknown } | { error: Error };

async function outcome(parse: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: await parse() };
  } catch (error) {
    return { error: error as Error };
  }
}

describe('the parser thread', () => {
  const config = loadConfig({ env: {} });
  const siteOf = (key: string) => config.sites.find((site) => site.key === key)!;
  let thread: ParserThread;
  const inline: PageParser = inlinePageParser(adapterFor);
  before(() => (thread = new ParserThread()));
  after(() => thread.close());

  it('parses every fixture page as the adapters do on this thread, refusals included', async () => {
    const fixtures = loadFixtures();
    let refused = 0;
    // All at once: the thread answers each page by its id, whatever the order.
    const both = await Promise.all(
      fixtures.map(async (fixture) => {
        const site = siteOf(fixture.site);
        const context = { url: fixture.url, site: fixture.site, maxFieldLength: DEFAULT_MAX_FIELD_LENGTH };
        const parse = (parser: PageParser) =>
          fixture.page === 'listing'
            ? parser.listingPage(site, fixture.html, context)
            : parser.detailPage(site, fixture.html, context);
        return { fixture, there: await outcome(() => parse(thread)), here: await outcome(() => parse(inline)) };
      }),
    );
    for (const { fixture, there, here } of both) {
      const label = `${fixture.site}/${fixture.name}`;
      if ('ok' in here) {
        assert.deepEqual(there, here, label);
        continue;
      }
      refused++;
      assert.ok('error' in there, `${label}: refused on this thread, not on the parser thread`);
      assert.equal(Object.getPrototypeOf(there.error), Object.getPrototypeOf(here.error), `${label}: class`);
      assert.equal(there.error.name, here.error.name, label);
      assert.equal(there.error.message, here.error.message, label);
      assert.equal(there.error instanceof ScrapeError, here.error instanceof ScrapeError, label);
      assert.deepEqual({ ...there.error }, { ...here.error }, `${label}: fields`);
    }
    assert.ok(refused >= 6, `the corpus refuses a challenge and a truncated page per portal (${refused} refused)`);
    assert.ok(both.length - refused >= 20, 'and parses results, last and detail pages');
  });

  it('rebuilds an error of lib/errors with its class and fields, and any other as an Error', () => {
    const original = new UnrecognisedMarkupError('lamudi', 'listing', 'no cards', 'https://www.lamudi.com.mx/x/');
    const rebuilt = fromThrownError(structuredClone(toThrownError(original)));
    assert.ok(rebuilt instanceof UnrecognisedMarkupError);
    assert.equal(rebuilt.retryable, false);
    assert.equal(rebuilt.missing, 'no cards');
    assert.equal(rebuilt.url, 'https://www.lamudi.com.mx/x/');
    assert.equal(rebuilt.message, original.message);

    const bug = fromThrownError(structuredClone(toThrownError(new TypeError('x is undefined'))));
    assert.equal(bug.constructor, Error);
    assert.equal(bug.name, 'TypeError');
    assert.equal(bug.message, 'x is undefined');
  });

  it('starts from any working directory (an operator starts a worker wherever they are)', async () => {
    const elsewhere = new ParserThread();
    const cwd = process.cwd();
    const site = siteOf('lamudi');
    const [fixture] = loadFixtures().filter((f) => f.site === 'lamudi' && f.page === 'listing' && f.expect);
    const context = { url: fixture.url, site: 'lamudi', maxFieldLength: DEFAULT_MAX_FIELD_LENGTH };
    process.chdir(tmpdir());
    try {
      // The thread starts on its first page, here in a folder without the project's node_modules.
      const page = await elsewhere.listingPage(site, fixture.html, context);
      assert.deepEqual(page, await inline.listingPage(site, fixture.html, context));
    } finally {
      process.chdir(cwd);
      await elsewhere.close();
    }
  });

  it('refuses pages once closed', async () => {
    const closing = new ParserThread();
    const site = siteOf('lamudi');
    await closing.close();
    await assert.rejects(
      closing.listingPage(site, '<html></html>', {
        url: 'https://www.lamudi.com.mx/',
        site: 'lamudi',
        maxFieldLength: 10,
      }),
      /the parser thread is closed/,
    );
  });
});
