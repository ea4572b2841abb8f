/**
 * The hand-written fixture corpus (test/fixtures/pages/<site>/): each `<name>.html` with its
 * `<name>.expected.json` (the format is described in fixture-pages.test.ts, which parses them all).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ListingPage } from '../../../scrapers/adapter';

const ROOT = join(__dirname, '..', '..', 'fixtures', 'pages');

export type Kind =
  'results' | 'last-page' | 'no-results' | 'detail' | 'removed' | 'unrecognised' | 'challenge' | 'truncated';

interface Expectation {
  page: 'listing' | 'detail';
  url: string;
  kind: Kind;
  markup: string;
  source: string;
  expect?: ListingPage;
  expectError?: { type: string; messageIncludes?: string };
}

export interface Fixture extends Expectation {
  site: string;
  name: string;
  html: string;
}

/** Every fixture of the corpus, site by site. */
export function loadFixtures(): Fixture[] {
  if (!existsSync(ROOT)) return [];
  return readdirSync(ROOT, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((dir) =>
      readdirSync(join(ROOT, dir.name))
        .filter((file) => file.endsWith('.html'))
        .sort()
        .map((file) => {
          const name = file.slice(0, -'.html'.length);
          const expectation = JSON.parse(
            readFileSync(join(ROOT, dir.name, `${name}.expected.json`), 'utf8'),
          ) as Expectation;
          return { ...expectation, site: dir.name, name, html: readFileSync(join(ROOT, dir.name, file), 'utf8') };
        }),
    );
}
