/**
 * cheerio's `load`, the very function `import { load } from 'cheerio'` gives (parse5 to parse,
 * parse5 to render `.html()`), without the rest of cheerio's entry point: its `fromURL` and stream
 * loaders bring undici, parse5-parser-stream and encoding sniffing (4.8 MiB of heap on their own;
 * 2.2 MiB less for the worker's modules as loaded) into every thread that loads pages, the worker's
 * activities' thread and its parser thread, for code that never runs here: the project fetches with
 * got-scraping. With the heap growing to twice its live size, each thread holds about twice that.
 *
 * cheerio's package exports map does not list `load-parse.js`, so it is required by its path beside
 * the entry point. A cheerio that moves it falls back to the entry point: the same function, with
 * the heap it costs.
 *
 * It is required on the first call, not when this module loads: the worker's activities' thread
 * imports the adapters (their content hooks, the challenge check) but parses nothing (its parser
 * thread does), and so never loads cheerio and parse5 at all.
 */
import { dirname, join } from 'node:path';
import type { load as Load } from 'cheerio';

function cheerioLoad(): typeof Load {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a path the exports map does not list
    return (require(join(dirname(require.resolve('cheerio')), 'load-parse.js')) as { load: typeof Load }).load;
  } catch {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the same function, from the entry point
    return (require('cheerio') as { load: typeof Load }).load;
  }
}

let loaded: typeof Load | undefined;

export const load = ((...args: Parameters<typeof Load>) => (loaded ??= cheerioLoad())(...args)) as typeof Load;
