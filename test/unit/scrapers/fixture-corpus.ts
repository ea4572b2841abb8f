/**
 * The hand-written fixture corpus (test/fixtures/pages/<site>/): each `<name>.expected.json` with
 * its page, `<name>.html` (the format is described in fixture-pages.test.ts, which parses them all).
 * A truncated page is not stored: its expectation names the results page it is cut from
 * (`truncatedFrom`) and the text its kept part ends with (`cutAfter`, found exactly once), so the
 * cut follows that page when its cards change.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BuiltinSiteKey, isBuiltinSiteKey } from '../../../lib/record/sites';
import type { ListingPage } from '../../../scrapers/adapter';

const ROOT = join(__dirname, '..', '..', 'fixtures', 'pages');
const EXPECTED = '.expected.json';

export type Kind =
  'results' | 'last-page' | 'no-results' | 'detail' | 'removed' | 'unrecognised' | 'challenge' | 'truncated';

interface Expectation {
  page: 'listing' | 'detail';
  url: string;
  kind: Kind;
  markup: string;
  source: string;
  /** A truncated page: the page of the same folder it is the start of, and where that start ends. */
  truncatedFrom?: string;
  cutAfter?: string;
  expect?: ListingPage;
  expectError?: { type: string; messageIncludes?: string };
}

export interface Fixture extends Expectation {
  site: BuiltinSiteKey;
  name: string;
  html: string;
}

/** The start of `html` up to and including `cutAfter`, which must stand in it exactly once. */
export function cutAfter(html: string, marker: string, label: string): string {
  const at = html.indexOf(marker);
  if (at < 0 || html.indexOf(marker, at + 1) >= 0)
    throw new Error(`${label}: cutAfter ${JSON.stringify(marker)} must stand exactly once in the page it cuts`);
  return html.slice(0, at + marker.length);
}

function pageOf(dir: string, name: string, expectation: Expectation): string {
  const label = `${dir}/${name}`;
  if (expectation.truncatedFrom === undefined) return readFileSync(join(ROOT, dir, `${name}.html`), 'utf8');
  if (expectation.cutAfter === undefined) throw new Error(`${label}: truncatedFrom without cutAfter`);
  return cutAfter(readFileSync(join(ROOT, dir, expectation.truncatedFrom), 'utf8'), expectation.cutAfter, label);
}

function loadSite(dir: string): Fixture[] {
  if (!isBuiltinSiteKey(dir)) throw new Error(`test/fixtures/pages/${dir}: not a built-in portal's key`);
  const files = readdirSync(join(ROOT, dir)).sort();
  // A page without its expectation would silently be tested by nothing.
  for (const file of files.filter((f) => f.endsWith('.html')))
    if (!files.includes(`${file.slice(0, -'.html'.length)}${EXPECTED}`))
      throw new Error(`${dir}/${file}: no ${EXPECTED} beside it`);
  return files
    .filter((file) => file.endsWith(EXPECTED))
    .map((file) => {
      const name = file.slice(0, -EXPECTED.length);
      const expectation = JSON.parse(readFileSync(join(ROOT, dir, file), 'utf8')) as Expectation;
      return { ...expectation, site: dir, name, html: pageOf(dir, name, expectation) };
    });
}

/** Every fixture of the corpus, site by site. */
export function loadFixtures(): Fixture[] {
  if (!existsSync(ROOT)) return [];
  return readdirSync(ROOT, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((dir) => loadSite(dir.name));
}
