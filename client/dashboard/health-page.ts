/** The Data health view: field fill rates per site over batches (the batch's own stored metrics) and the alerts each batch raised. */
import { timeSeriesChart } from '../../lib/dashboard/charts';
import { html, trustedHtml, type Html } from '../../lib/html';
import type { BatchRun } from '../../lib/dashboard/run-history';
import type { FillRates } from '../../lib/metrics/site-metrics';
import { formatShare, formatTime } from './format';
import { chartFrame, dataTable } from './layout';

const FIELDS: ReadonlyArray<keyof FillRates> = ['price', 'bedrooms', 'area', 'coordinates'];

export async function healthView(history: readonly BatchRun[]): Promise<Html> {
  if (history.length === 0)
    return html`<h1>Data health</h1>
      <p>No batch has run yet.</p>`;
  const points = history.flatMap((run) =>
    run.sites.flatMap((site) =>
      FIELDS.flatMap((field) => {
        const value = site.metrics.fillRates[field];
        return value === null ? [] : [{ at: new Date(run.batch.createdAt), value, series: site.site, facet: field }];
      }),
    ),
  );
  const chart = await timeSeriesChart(points, { yLabel: 'filled', percent: true });
  const newestFirst = [...history].reverse();
  const rows = newestFirst.flatMap((run) =>
    run.sites.map((site) => [
      run.batch.id,
      formatTime(run.batch.createdAt),
      site.site,
      ...FIELDS.map((field) => formatShare(site.metrics.fillRates[field])),
      site.metricsSource === 'stored' ? 'stored' : 'computed now',
    ]),
  );
  const alerts = newestFirst.flatMap((run) =>
    run.alerts.map((alert) => [
      run.batch.id,
      alert.site,
      alert.kind,
      html`<span class="alert">${alert.message}</span>`,
    ]),
  );
  return html`<h1>Data health</h1>
    <p class="note">
      Share of the listings a batch saw that have the field (area: built or land; coordinates: both), per site, as the
      batch recorded them when it finished. A sharp drop usually means a portal changed its markup.
    </p>
    ${chartFrame(trustedHtml(chart))}
    ${dataTable(['batch', 'created', 'site', ...FIELDS, 'metrics'], rows, 'fill-rates')}
    <h2>Alerts</h2>
    ${
      alerts.length === 0
        ? html`<p id="alerts">No alerts in these batches.</p>`
        : dataTable(['batch', 'site', 'kind', 'message'], alerts, 'alerts')
    }`;
}
