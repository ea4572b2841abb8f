/**
 * Mirror-consistency checks shared by the results-page tests of every built-in portal:
 * builds the results pages a mirror serves, in each of its markup generations, parses them, and
 * compares every field with the mirror's cardRecord. This proves the mirror and the parsers agree;
 * what the parsers must read off real pages is pinned by the hand-written corpus in
 * test/fixtures/pages (fixture-pages.test.ts).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChallengePageError, TruncatedPageError, UnrecognisedMarkupError } from '../../../lib/errors';
import { LISTING_FIELDS, type ListingRecord } from '../../../lib/record/listing-record';
import { DEFAULT_MAX_FIELD_LENGTH } from '../../../lib/record/text';
import type { ListingPage, ParseContext, SiteAdapter } from '../../../scrapers/adapter';
import { generateFacts, type PropertyFacts } from '../../../mirror/facts';
import { pageSizeOf, type ListPageInput, type MirrorSite } from '../../../mirror/model';

export const SEED = 424242;

/**
 * Page `page` of a search spanning `totalPages` pages whose last page holds `lastPageCount`
 * listings, as the mirror's catalogue lays them out in that markup generation's page size (search
 * listings are n = 0, 1, 2, …).
 */
export function pageInput(
  mirror: MirrorSite,
  options: {
    searchPath: string;
    page: number;
    totalPages: number;
    variant: number;
    lastPageCount?: number;
    firstN?: number;
    markup?: string;
  },
): ListPageInput {
  const { searchPath, page, totalPages, variant } = options;
  const markup = options.markup ?? mirror.markups[0];
  const pageSize = pageSizeOf(mirror, markup);
  const lastPageCount = options.lastPageCount ?? Math.ceil(pageSize / 2);
  const firstN = options.firstN ?? 0;
  const count = page < totalPages ? pageSize : page === totalPages ? lastPageCount : 0;
  const start = firstN + (page - 1) * pageSize;
  return {
    searchUrl: mirror.listPageUrl(searchPath, 1),
    searchPath,
    page,
    totalPages,
    totalCount: (totalPages - 1) * pageSize + lastPageCount,
    items: Array.from({ length: count }, (_, i) => generateFacts(SEED, mirror.site, start + i)),
    variant,
    markup,
  };
}

/** A "no results" page: one page, nothing on it. */
export function emptyInput(
  mirror: MirrorSite,
  searchPath: string,
  variant = 0,
  markup = mirror.markups[0],
): ListPageInput {
  return {
    searchUrl: mirror.listPageUrl(searchPath, 1),
    searchPath,
    page: 1,
    totalPages: 1,
    totalCount: 0,
    items: [],
    variant,
    markup,
  };
}

export function contextFor(mirror: MirrorSite, input: ListPageInput): ParseContext {
  return {
    url: mirror.listPageUrl(input.searchPath, input.page),
    site: mirror.site,
    maxFieldLength: DEFAULT_MAX_FIELD_LENGTH,
  };
}

/** Parse the page the mirror renders for `input` and assert every field of every record. */
export function parseAndCompare(adapter: SiteAdapter, mirror: MirrorSite, input: ListPageInput): ListingPage {
  const result = adapter.parseListingPage(mirror.renderListPage(input), contextFor(mirror, input));
  assert.equal(
    result.listings.length,
    input.items.length,
    `${mirror.site} (${input.markup}) page ${input.page}: number of listings`,
  );
  input.items.forEach((facts, i) =>
    assertSameRecord(
      result.listings[i],
      mirror.cardRecord(facts, input),
      `${mirror.site} (${input.markup}) n=${facts.n}`,
    ),
  );
  // A portal with a detail scraper lists each card's detail page; the others list none.
  const detailUrl = mirror.detailUrl?.bind(mirror);
  assert.deepEqual(
    result.detailUrls,
    detailUrl ? input.items.map((facts) => detailUrl(facts)) : [],
    `${mirror.site} (${input.markup}) page ${input.page}: detailUrls`,
  );
  return result;
}

/** Field by field first (a readable failure names the field), then the whole record (no extra keys). */
export function assertSameRecord(actual: ListingRecord, expected: ListingRecord, label: string): void {
  for (const field of LISTING_FIELDS) assert.deepEqual(actual[field], expected[field], `${label}: ${field}`);
  assert.deepEqual(actual, expected, label);
}

export interface RoundTrip {
  /** Every rendered page, for tests that check which markup quirks were exercised. */
  pages: string[];
  /** Every listing parsed (each compared field by field). */
  facts: PropertyFacts[];
}

/**
 * How a markup generation tells the next page: its own page links (exact), or only a total of
 * results, from which a short last page after the first cannot be told from a full one without a
 * page size — the parsers then ask for one page more (field-readers mayHaveMoreResults).
 */
export type NextPageSignal = 'page-links' | 'total';

/** The next page the parser must give for page `page` of the input's search. */
export function expectedNextPage(mirror: MirrorSite, input: ListPageInput, signal: NextPageSignal): string | null {
  const next = mirror.listPageUrl(input.searchPath, input.page + 1);
  if (input.page < input.totalPages) return next;
  return signal === 'total' && input.items.length > 0 && input.page * input.items.length < input.totalCount
    ? next
    : null;
}

/** How much of a search a round trip reads: its pages, in page variants 0 to variants-1, from each first listing n. */
export interface RunSize {
  totalPages: number;
  variants: number;
  firstNs: readonly number[];
}

/**
 * Render and parse every page of a search in one markup generation, for each page variant and
 * listing range, comparing every record with cardRecord; the next page and the detail pages listed
 * are checked too.
 */
export function roundTrip(
  adapter: SiteAdapter,
  mirror: MirrorSite,
  searchPath: string,
  options: RunSize & { markup: string; nextPage: NextPageSignal },
): RoundTrip {
  const run: RoundTrip = { pages: [], facts: [] };
  for (const firstN of options.firstNs) {
    for (let variant = 0; variant < options.variants; variant++) {
      for (let page = 1; page <= options.totalPages; page++) {
        const input = pageInput(mirror, {
          searchPath,
          page,
          totalPages: options.totalPages,
          variant,
          firstN,
          markup: options.markup,
        });
        const result = parseAndCompare(adapter, mirror, input);
        const label = `${mirror.site} (${options.markup}) page ${page} of ${options.totalPages}: nextPageUrl`;
        assert.equal(result.nextPageUrl, expectedNextPage(mirror, input, options.nextPage), label);
        run.pages.push(mirror.renderListPage(input));
        run.facts.push(...input.items);
      }
    }
  }
  return run;
}

/**
 * roundTrip in every markup generation of the mirror (or those given), each page telling the next
 * by its own links; the pages are also kept by markup, for tests of one generation's quirks.
 */
export function everyMarkupRoundTrip(
  adapter: SiteAdapter,
  mirror: MirrorSite,
  searchPath: string,
  options: RunSize & { markups?: readonly string[] },
): RoundTrip & { byMarkup: Map<string, string[]> } {
  const runs = (options.markups ?? mirror.markups).map(
    (markup) =>
      [markup, roundTrip(adapter, mirror, searchPath, { ...options, markup, nextPage: 'page-links' })] as const,
  );
  return {
    pages: runs.flatMap(([, run]) => run.pages),
    facts: runs.flatMap(([, run]) => run.facts),
    byMarkup: new Map(runs.map(([markup, run]) => [markup, run.pages])),
  };
}

/**
 * The read-back test of a portal with a detail scraper: everyMarkupRoundTrip reads back `listings`
 * listings covering every variation. The run is made once, by whichever test asks first (the one
 * defined here, or one given the returned pages of a markup generation to check its quirks on), so
 * a failure of it is a test's failure, not the suite's while loading.
 */
export function itReadsBackEveryPage(
  adapter: SiteAdapter,
  mirror: MirrorSite,
  searchPath: string,
  options: RunSize & { listings: number },
  what: string,
): (markup: string) => string[] {
  let run: ReturnType<typeof everyMarkupRoundTrip> | undefined;
  const read = () => (run ??= everyMarkupRoundTrip(adapter, mirror, searchPath, options));
  it(`reads every field of every ${what} as the mirror wrote it`, () => assertReadBack(read().facts, options.listings));
  return (markup) => read().byMarkup.get(markup) ?? assert.fail(`no ${markup} pages in the run`);
}

/**
 * The run both Lifull portals (Mitula, Trovit) are read back in: 30 cards a page, each page linking
 * the next (docs/portals.md §4.1, §6.1); 2 ranges × 4 variants × (3 full pages and a half one).
 */
export const LIFULL_RUN = {
  totalPages: 4,
  variants: 4,
  firstNs: [0, 5000],
  nextPage: (): NextPageSignal => 'page-links',
  listings: () => 2 * 4 * (3 * 30 + 15),
};

/**
 * The mirror-consistency tests of a results-page-only portal, one pair per markup generation:
 * roundTrip reads back `listings(markup)` listings covering every variation, and finds each of
 * `quirks(markup)` on some page (`check` asserts the rest); a page with no results is an empty success.
 */
export function itReadsBackEveryMarkup(
  adapter: SiteAdapter,
  mirror: MirrorSite,
  searchPath: string,
  options: RunSize & {
    nextPage: (markup: string) => NextPageSignal;
    listings: (markup: string) => number;
    quirks: (markup: string) => readonly string[];
    /** `all` is every page of the run, joined. */
    check?: (all: string, markup: string, run: RoundTrip) => void;
  },
): void {
  for (const markup of mirror.markups) {
    it(`${markup}: every field of every listing, on every page of several page variants`, () => {
      const run = roundTrip(adapter, mirror, searchPath, { ...options, markup, nextPage: options.nextPage(markup) });
      assertReadBack(run.facts, options.listings(markup));
      assertQuirks(run.pages, options.quirks(markup));
      options.check?.(run.pages.join('\n'), markup, run);
    });

    it(`${markup}: a page with no results is an empty success`, () =>
      assertNoResultsIsEmpty(adapter, mirror, searchPath, markup));
  }
}

/**
 * For each search (with the words of its URL it is about), one page in one markup generation read
 * back, every record compared: the fields the parser takes from the search URL read as the mirror says.
 */
export function itReadsBackSearches(
  adapter: SiteAdapter,
  mirror: MirrorSite,
  searches: ReadonlyArray<readonly [search: string, words: string]>,
  run: Omit<RunSize, 'totalPages'> & { markup: string },
  what: string,
): void {
  for (const [search, words] of searches) {
    it(`${search} (${words}): ${what}`, () => {
      const { facts } = roundTrip(adapter, mirror, search, { ...run, totalPages: 1, nextPage: 'page-links' });
      assert.ok(facts.length > 0);
    });
  }
}

/** Each quirk (a piece of markup, without line breaks) stands on some page: the run exercised it. */
export function assertQuirks(pages: readonly string[], quirks: readonly string[], which = 'page'): void {
  for (const quirk of quirks)
    assert.ok(
      pages.some((page) => page.includes(quirk)),
      `no ${which} had ${quirk}`,
    );
}

/** A run read back `listings` listings and among them every variation the facts can produce. */
export function assertReadBack(facts: readonly PropertyFacts[], listings: number): void {
  assert.equal(facts.length, listings);
  assertCoversVariations(facts);
}

/** Assert the listings exercised every variation the facts can produce. */
export function assertCoversVariations(facts: readonly PropertyFacts[]): void {
  const unique = [...new Map(facts.map((f) => [f.n, f])).values()];
  for (const [name, count] of Object.entries(variations(unique)))
    assert.ok(count > 0, `no listing with variation "${name}" was parsed`);
}

/** The MirrorSite contract: ids invert, list URLs route back to their search and page. */
export function assertMirrorContract(mirror: MirrorSite): void {
  for (const n of [0, 1, 2, 17, 239, 5000])
    assert.equal(mirror.indexOf(mirror.externalId(n)), n, `indexOf(externalId(${n}))`);
  assert.equal(mirror.indexOf('not-an-id'), null);
  assert.equal(mirror.indexOf(''), null);
  for (const searchPath of mirror.defaultSearchPaths) {
    for (const page of [1, 2, 7]) {
      const url = new URL(mirror.listPageUrl(searchPath, page));
      assert.equal(url.host, mirror.host);
      assert.deepEqual(mirror.route(url), { kind: 'listing', searchPath, page }, url.href);
    }
  }
  assert.equal(mirror.route(new URL(`https://${mirror.host}/robots.txt`)), null);
}

/** Which of the variations the generated facts exercise, so a test can prove it covered them. */
export function variations(facts: readonly PropertyFacts[]) {
  const count = (test: (f: PropertyFacts) => boolean) => facts.filter(test).length;
  return {
    usd: count((f) => f.currency === 'USD' && f.price != null),
    development: count((f) => f.priceKind === 'from'),
    noPrice: count((f) => f.priceKind === 'none'),
    rent: count((f) => f.operation === 'rent'),
    land: count((f) => f.propertyType === 'land'),
    trickyTitle: count((f) => f.title.includes('&') && f.title.includes('"')),
    noBedrooms: count((f) => f.bedrooms == null),
    noPublisher: count((f) => f.publisher == null),
    noImages: count((f) => f.imageCount === 0),
    noAddress: count((f) => f.address == null),
  };
}

/** Cut a page in the middle, as a dropped connection does. */
export function truncate(html: string): string {
  return html.slice(0, Math.floor(html.length / 2));
}

/**
 * A predicate for assert.throws: a cut page is a TruncatedPageError, retryable (asking again gets
 * the whole page), whose message names the site and the page kind like any page not recognised.
 */
export function truncatedRefusal(site: string, kind: 'listing' | 'detail') {
  return (error: unknown): boolean => {
    assert.ok(error instanceof TruncatedPageError, `expected TruncatedPageError, got ${String(error)}`);
    assert.equal(error.retryable, true);
    assert.match(error.message, new RegExp(`^${site} ${kind} page not recognised: the HTML is truncated`));
    return true;
  };
}

/** A Cloudflare managed-challenge page (docs/portals.md §8 "Block pages"). */
export const CHALLENGE_PAGE = `<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title></head>
<body><div class="main-wrapper"><h1>Verifying you are human. This may take a few seconds.</h1>
<div class="cf-turnstile" data-sitekey="0x4AAAAAAA"></div></div>
<script src="/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1?ray=8f"></script></body></html>`;

/** The 401 body Lifull portals (Mitula, Trovit) send to clients without browser headers. */
export const ACCESS_DENIED_PAGE = `<html><head><title>Access Denied</title></head><body><h1>Access Denied</h1>
<p>You don't have permission to access this page on this server.</p><p>Reference #18.2f1c</p></body></html>`;

/** One hand-written page of test/fixtures/pages/<site>/ with the address it stands for, for tests that vary it. */
export function fixturePage(site: string, name: string): { html: string; context: ParseContext } {
  const dir = join(__dirname, '..', '..', 'fixtures', 'pages', site);
  const expected = JSON.parse(readFileSync(join(dir, `${name}.expected.json`), 'utf8')) as { url: string };
  return {
    html: readFileSync(join(dir, `${name}.html`), 'utf8'),
    context: { url: expected.url, site, maxFieldLength: DEFAULT_MAX_FIELD_LENGTH },
  };
}

/** The `__NEXT_DATA__` script of a Next.js page (Casas y Terrenos, Propiedades.com), its JSON the first group. */
export const NEXT_DATA = /<script id="__NEXT_DATA__" type="application\/json">([\s\S]*?)<\/script>/;

/** Every property object the mirror wrote has only fields the portal's documentation names. */
export function assertOnlyDocumentedFields(properties: ReadonlyArray<object>, documented: readonly string[]): void {
  for (const property of properties)
    for (const key of Object.keys(property)) assert.ok(documented.includes(key), `undocumented field ${key}`);
}

/** A mirror page with no results, in a markup generation and page variant, parses as an empty success. */
export function assertNoResultsIsEmpty(
  adapter: SiteAdapter,
  mirror: MirrorSite,
  searchPath: string,
  markup: string,
  variant = 0,
): void {
  const input = emptyInput(mirror, searchPath, variant, markup);
  assert.deepEqual(
    adapter.parseListingPage(mirror.renderListPage(input), contextFor(mirror, input)),
    { listings: [], nextPageUrl: null, detailUrls: [] },
    `${mirror.site} (${markup}) variant ${variant}: no results`,
  );
}

/**
 * A Lifull portal (Mitula, Trovit) refuses its Access Denied page as a challenge by its markers,
 * also when `padding` (put before </body>) makes it as large as a page of results.
 */
export function assertRefusesAccessDenied(adapter: SiteAdapter, context: ParseContext, padding: string): void {
  const padded = ACCESS_DENIED_PAGE.replace('</body>', `${padding}</body>`);
  assert.ok(padded.length > 40_000);
  for (const page of [ACCESS_DENIED_PAGE, padded]) {
    assert.throws(
      () => adapter.parseListingPage(page, context),
      (error: unknown) =>
        error instanceof ChallengePageError &&
        error.message === `${context.site} listing page is an "Access Denied" block page (browser headers required)`,
    );
  }
}

/** `html` is refused as a listing page of unrecognised markup, with exactly `refusal.message` or a message that starts with `refusal.startsWith`. */
export function assertUnrecognisedListingPage(
  adapter: SiteAdapter,
  html: string,
  context: ParseContext,
  refusal: { message: string } | { startsWith: string },
): void {
  assert.throws(
    () => adapter.parseListingPage(html, context),
    (error: unknown) =>
      error instanceof UnrecognisedMarkupError &&
      ('message' in refusal ? error.message === refusal.message : error.message.startsWith(refusal.startsWith)),
  );
}

/** A results page whose `cards` are taken out, with no "no results" message either, is refused. */
export function assertRefusesPageWithoutCards(
  adapter: SiteAdapter,
  { html, context }: { html: string; context: ParseContext },
  cards: RegExp,
  cardSelector: string,
): void {
  assertUnrecognisedListingPage(adapter, html.replace(cards, ''), context, {
    message: `${context.site} listing page not recognised: no ${cardSelector} cards and no "no results" message`,
  });
}

/**
 * One card made unreadable by `unlink` is left out and the others keep their order; with every card
 * unlinked the page is refused, with `refusal` checking the message.
 */
export function assertLeavesOutUnreadableCard(
  adapter: SiteAdapter,
  { html, context }: { html: string; context: ParseContext },
  cards: RegExp,
  unlink: (card: string) => string,
  refusal: (message: string, cards: readonly string[]) => void,
): ListingRecord[] {
  const all = html.match(cards)!;
  const whole = adapter.parseListingPage(html, context).listings;
  const oneUnlinked = adapter.parseListingPage(html.replace(all[0], unlink(all[0])), context).listings;
  assert.deepEqual(oneUnlinked, whole.slice(1));
  const allUnlinked = all.reduce((page, card) => page.replace(card, unlink(card)), html);
  assert.throws(
    () => adapter.parseListingPage(allUnlinked, context),
    (error: unknown) => {
      assert.ok(error instanceof UnrecognisedMarkupError, String(error));
      refusal(error.message, all);
      return true;
    },
  );
  return oneUnlinked;
}
