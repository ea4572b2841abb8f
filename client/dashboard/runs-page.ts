/** The Runs view: batches over time per site (listings, new, removed, failed pages, duration), each linked to its workflow in the Temporal Web UI. */
import { timeSeriesChart } from '../../lib/dashboard/charts';
import { html, trustedHtml, type Html } from '../../lib/html';
import type { BatchRun } from '../../lib/dashboard/run-history';
import { formatCount, formatDuration, formatTime, orNone } from './format';
import { chartFrame, dataTable } from './layout';

/** `workflowUrl(batch)`: the batch workflow's page in the Web UI. */
export async function runsView(history: readonly BatchRun[], workflowUrl: (run: BatchRun) => string): Promise<Html> {
  if (history.length === 0)
    return html`<h1>Runs</h1>
      <p>No batch has run yet.</p>`;
  const points = history.flatMap((run) =>
    run.sites.map((site) => ({
      at: new Date(run.batch.createdAt),
      value: site.metrics.listingsSeen,
      series: site.site,
    })),
  );
  const chart = await timeSeriesChart(points, { yLabel: 'listings seen' });
  const rows = [...history]
    .reverse()
    .flatMap((run) =>
      run.sites.map((site, index) => [
        index === 0 ? html`<a href="${workflowUrl(run)}" data-batch="${run.batch.id}">${run.batch.id}</a>` : '',
        index === 0 ? formatTime(run.batch.createdAt) : '',
        index === 0 ? run.batch.status : '',
        index === 0 ? formatDuration(run.durationMs) : '',
        site.site,
        orNone(site.mainState),
        formatCount(site.metrics.listingsSeen),
        formatCount(site.metrics.listingsNew),
        formatCount(site.metrics.listingsRemoved),
        formatCount(site.metrics.pagesFailed),
        formatDuration(site.durationMs),
      ]),
    );
  return html`<h1>Runs</h1>
    <p class="note">
      The latest ${history.length} batches, newest first. Each batch id opens its workflow in the Temporal Web UI.
      Removed: in the site's previous completed batch, not in this one (– without one, or when the site failed).
    </p>
    ${chartFrame(trustedHtml(chart))}
    ${dataTable(
      [
        'batch',
        'created',
        'status',
        'duration',
        'site',
        'site state',
        'listings',
        'new',
        'removed',
        'failed pages',
        'site duration',
      ],
      rows,
      'runs',
    )}`;
}
