/**
 * Charts as SVG, drawn on the server by Observable Plot with linkedom as its document, so pages
 * need no script and the HTML report stays one self-contained file. Plot and linkedom are ESM-only:
 * they are loaded with a real import() on first use (as got-scraping is in lib/fetch/http-fetcher.ts).
 * Text in a chart (site, city and field names) is written as DOM text and escaped by linkedom.
 */
import type * as PlotNamespace from '@observablehq/plot' with { 'resolution-mode': 'import' };
import type { parseHTML as ParseHtml } from 'linkedom' with { 'resolution-mode': 'import' };

type PlotModule = typeof PlotNamespace;

let loaded: Promise<{ Plot: PlotModule; parseHTML: typeof ParseHtml }> | undefined;

function load() {
  loaded ??= Promise.all([import('@observablehq/plot'), import('linkedom')]).then(([Plot, linkedom]) => ({
    Plot,
    parseHTML: linkedom.parseHTML,
  }));
  return loaded;
}

type PlotOptions = NonNullable<Parameters<PlotModule['plot']>[0]>;

/** One chart: Plot's options (marks built from the module) rendered to markup. */
async function draw(options: (Plot: PlotModule) => PlotOptions): Promise<string> {
  const { Plot, parseHTML } = await load();
  // The project compiles without the DOM library: linkedom's window and Plot's document meet as unknown.
  const window = parseHTML('<!doctype html><html><body></body></html>') as unknown as { document: unknown };
  const chart = Plot.plot({ ...options(Plot), document: window.document }) as unknown as { outerHTML: string };
  return chart.outerHTML;
}

export interface SeriesPoint {
  at: Date;
  value: number;
  /** One line per series (a site, a city × type × operation). */
  series: string;
  /** One panel per facet, stacked (a fill-rate field). */
  facet?: string;
}

export interface ChartOptions {
  yLabel: string;
  /** Values are shares (0–1), shown in percent. */
  percent?: boolean;
  width?: number;
}

/** The y scale: shares as percent (0–100) with the unit in the label. */
function yScale(options: ChartOptions) {
  return options.percent
    ? { label: `${options.yLabel} (%)`, grid: true, percent: true, domain: [0, 100] }
    : { label: options.yLabel, grid: true };
}

/**
 * Time runs left to right, but the ticks are the batches' own start times (date and minute, UTC)
 * while they fit: daily batches read as dates, and batches minutes apart do not get
 * sub-second ticks between them. Past 8 batches the scale picks its own ticks.
 */
function batchTimeAxis(points: readonly SeriesPoint[]) {
  const times = [...new Set(points.map((point) => point.at.getTime()))].sort((a, b) => a - b);
  return {
    type: 'utc' as const,
    label: 'batch (UTC)',
    tickFormat: '%Y-%m-%d %H:%M',
    ...(times.length <= 8 ? { ticks: times.map((time) => new Date(time)) } : { ticks: 6 }),
  };
}

/** Lines with their points over time, a colour per series with a legend; panels when points have facets. */
export function timeSeriesChart(points: readonly SeriesPoint[], options: ChartOptions): Promise<string> {
  const faceted = points.some((point) => point.facet !== undefined);
  return draw((Plot) => ({
    width: options.width ?? 900,
    height: faceted ? 140 * new Set(points.map((point) => point.facet)).size + 60 : 320,
    marginLeft: 70,
    // Room for the last batch's tick label (date and minute) at the right edge.
    marginRight: faceted ? 110 : 70,
    x: batchTimeAxis(points),
    y: yScale(options),
    color: { legend: true, type: 'categorical' },
    ...(faceted ? { fy: { label: null } } : {}),
    marks: [
      Plot.lineY(points, { x: 'at', y: 'value', stroke: 'series', ...(faceted ? { fy: 'facet' } : {}), sort: 'at' }),
      Plot.dot(points, {
        x: 'at',
        y: 'value',
        fill: 'series',
        r: 3,
        ...(faceted ? { fy: 'facet' } : {}),
        tip: false,
      }),
    ],
  }));
}

export interface Bar {
  /** The group of bars (a site). */
  group: string;
  /** The bar within its group (new, changed, removed; a field). */
  label: string;
  value: number;
}

/** Bars side by side per group, a colour per label with a legend. */
export function groupedBarChart(bars: readonly Bar[], options: ChartOptions): Promise<string> {
  return draw((Plot) => ({
    width: options.width ?? 900,
    height: 300,
    marginLeft: 60,
    fx: { label: null },
    x: { axis: null, domain: [...new Set(bars.map((bar) => bar.label))] },
    y: yScale(options),
    color: { legend: true, type: 'categorical', domain: [...new Set(bars.map((bar) => bar.label))] },
    marks: [Plot.barY(bars, { fx: 'group', x: 'label', y: 'value', fill: 'label' }), Plot.ruleY([0])],
  }));
}
