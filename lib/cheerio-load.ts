/**
 * Every page the project reads is loaded here: cheerio's slim entry point (`cheerio/slim`), which
 * parses HTML with htmlparser2 and renders `.html()` with dom-serializer, instead of cheerio's
 * default for HTML, parse5.
 *
 * - **Why not parse5.** parse5 builds the tree the HTML standard prescribes (implied `<tbody>`,
 *   misnested tags re-parented, `<template>` contents apart), and it costs: in `npm run bench` at
 *   N = 5,000, parsing on htmlparser2 took the worker's CPU from 4.93–5.02 to 4.01–4.20 s per 1,000
 *   pages, three runs each, alternated (Crawlee, which runs the same adapters, 23.8–24.5 → 20.8–21.0 s
 *   a batch), and the lighter trees let the parser thread run a smaller young generation
 *   (scrapers/parser-thread.ts). The adapters' selectors name the portals' own markup, which both
 *   parsers read the same: every fixture and real page gives the same records on either.
 * - **Rendering.** `encodeEntities: 'utf8'` escapes only what parse5's serializer does (`&`, `<`,
 *   `>`, the no-break space), so `.html()` reads as it did; dom-serializer's default writes every
 *   character past ASCII as a numeric reference.
 * - **`<noscript>`** holds its source as one text node, as in parse5 with scripting on (cheerio's
 *   default), where htmlparser2 would parse it into elements: a lazy-loading gallery's fallback
 *   `<noscript><img src=…></noscript>` must not add a second image to each slide.
 * - **No network code.** cheerio's main entry point also brings its `fromURL` and stream loaders
 *   (undici, encoding sniffing: 4.8 MiB of heap) for code that never runs here: the project fetches
 *   with got-scraping. The slim entry point has none of it, and no parse5.
 *
 * It is required on the first call, not when this module loads: the worker's activities' thread
 * imports the adapters (their content hooks, the challenge check) but parses nothing (its parser
 * thread does), and so never loads cheerio at all.
 */
import type { CheerioAPI } from 'cheerio';
import type { load as Load } from 'cheerio/slim';
import type { Element } from 'domhandler';

/**
 * htmlparser2's options, in cheerio's `xml` key: HTML rules, parse5's escaping when rendering, and
 * each node's place in the source, where a `<noscript>`'s source is read from (see above).
 */
const PAGE_OPTIONS = {
  xml: { xmlMode: false, encodeEntities: 'utf8', withStartIndices: true, withEndIndices: true },
} as const;

const NOSCRIPT = /<noscript/i;
/** Where a `<noscript>`'s raw text ends, as in parse5: at the first end tag. */
const NOSCRIPT_END = /<\/noscript/gi;

let loaded: typeof Load | undefined;

/** The page's document, parsed by htmlparser2. */
export function load(html: string): CheerioAPI {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded when first needed, see above
  loaded ??= (require('cheerio/slim') as { load: typeof Load }).load;
  const $ = loaded(html, PAGE_OPTIONS);
  // Searched for only on a page that has one.
  if (NOSCRIPT.test(html))
    for (const element of $('noscript').toArray()) $(element).text(noscriptSource(html, element));
  return $;
}

/** The source between a `<noscript>`'s start tag and its end tag (or the element's end when it has none). */
function noscriptSource(html: string, element: Element): string {
  const start = html.indexOf('>', element.startIndex ?? 0) + 1;
  NOSCRIPT_END.lastIndex = start;
  const end = NOSCRIPT_END.exec(html)?.index ?? (element.endIndex ?? html.length - 1) + 1;
  return html.slice(start, end);
}
