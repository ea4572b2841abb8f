/** Charts drawn on the server: SVG from Observable Plot over linkedom, with text from the web escaped. */
import assert from 'node:assert/strict';
import { groupedBarChart, timeSeriesChart } from '../../../../lib/dashboard/charts';

describe('dashboard: charts', () => {
  it('draws a line per series with a legend, escaping series names', async () => {
    const svg = await timeSeriesChart(
      [
        { at: new Date('2025-11-01T06:00:00Z'), value: 10, series: '<script>alert(1)</script>' },
        { at: new Date('2025-11-02T06:00:00Z'), value: 12, series: '<script>alert(1)</script>' },
        { at: new Date('2025-11-02T06:00:00Z'), value: 3, series: 'lamudi' },
      ],
      { yLabel: 'listings seen' },
    );
    assert.match(svg, /^<figure[\s\S]*<svg[\s\S]*<\/svg>[\s\S]*<\/figure>$/);
    assert.ok(!svg.includes('<script>'), 'no markup from the data');
    assert.ok(svg.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'the name shown as text');
    assert.ok(svg.includes('lamudi') && svg.includes('listings seen'));
    assert.equal((svg.match(/<path/g) ?? []).length >= 2, true, 'lines drawn');
  });

  it('draws facets and grouped bars', async () => {
    const faceted = await timeSeriesChart(
      [
        { at: new Date('2025-11-01T06:00:00Z'), value: 0.5, series: 'lamudi', facet: 'price' },
        { at: new Date('2025-11-01T06:00:00Z'), value: 0.25, series: 'lamudi', facet: 'area' },
      ],
      { yLabel: 'filled', percent: true },
    );
    assert.ok(faceted.includes('price') && faceted.includes('area') && faceted.includes('filled (%)'));
    const bars = await groupedBarChart(
      [
        { group: 'lamudi', label: 'new', value: 3 },
        { group: 'lamudi', label: 'removed', value: 2 },
        { group: 'trovit', label: 'new', value: 1 },
      ],
      { yLabel: 'listings' },
    );
    const barMarks = bars.split('aria-label="bar"')[1].split('aria-label="rule"')[0];
    assert.equal((barMarks.match(/<rect/g) ?? []).length, 3, 'one bar per value (the legend has its own swatches)');
  });
});
