/**
 * `orchestrator report <batch> --html [file]`: one batch's report (lib/report/batch-report.ts) as
 * one self-contained HTML page: styles inline, charts as inline SVG (the dashboard's chart
 * functions), no script, nothing loaded from elsewhere.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AppConfig } from '../../lib/config/types';
import { groupedBarChart } from '../../lib/dashboard/charts';
import { html, trustedHtml, type Html } from '../../lib/html';
import { batchWorkflowId } from '../../lib/contract/names';
import { UserInputError } from '../../lib/errors';
import type { BatchReport, ListingChange, SiteReport } from '../../lib/report/batch-report';
import { confinePath } from '../../lib/security/paths';
import { SITE_COLUMNS } from '../report-view';
import { formatCount, formatDuration, formatPrice, formatShare, formatTime, NONE, orNone } from './format';
import { workflowUiUrl } from '../environment';
import { chartFrame, dataTable, htmlPage } from './layout';
import { listingLink } from './market-page';

const FILL_FIELDS = ['price', 'bedrooms', 'area', 'coordinates'] as const;

function listingRows(site: SiteReport): unknown[][] {
  const groups: Array<[string, ListingChange[]]> = [
    ['new', site.newListings],
    ['changed', site.changedListings],
    ['removed', site.removedListings],
  ];
  return groups.flatMap(([change, listings]) =>
    listings.map((listing) => [
      site.site,
      change,
      listingLink(listing.title, listing.url),
      formatPrice(listing.price, listing.currency),
      listing.previousPrice === undefined ? '' : formatPrice(listing.previousPrice, listing.previousCurrency),
    ]),
  );
}

export async function reportView(report: BatchReport, workflowUrl: string): Promise<Html> {
  const { batch, sites, totals } = report;
  const [changes, fill] = await Promise.all([
    groupedBarChart(
      sites.flatMap((site) => [
        { group: site.site, label: 'new', value: site.metrics.listingsNew },
        { group: site.site, label: 'changed', value: site.metrics.listingsUpdated },
        // No earlier completed batch of the site: nothing to compare, so no bar (the table says –).
        ...(site.metrics.listingsRemoved == null
          ? []
          : [{ group: site.site, label: 'removed', value: site.metrics.listingsRemoved }]),
      ]),
      { yLabel: 'listings' },
    ),
    groupedBarChart(
      sites.flatMap((site) =>
        FILL_FIELDS.map((field) => ({ group: site.site, label: field, value: site.metrics.fillRates[field] ?? 0 })),
      ),
      { yLabel: 'filled', percent: true },
    ),
  ]);
  const duration = batch.finishedAt === null ? null : Date.parse(batch.finishedAt) - Date.parse(batch.createdAt);
  return html`<h1>Batch ${batch.id}: ${batch.status}</h1>
    <p>
      created ${formatTime(batch.createdAt)} · finished ${formatTime(batch.finishedAt)} · ${formatDuration(duration)}
      ${batch.label ? ` · label ${batch.label}` : ''} · <a href="${workflowUrl}">workflow in the Temporal Web UI</a>
    </p>
    <p>
      total: ${formatCount(totals.pagesFetched)} pages (${formatCount(totals.pagesFailed)} failed),
      ${formatCount(totals.listingsSeen)} listings: ${formatCount(totals.listingsNew)} new,
      ${formatCount(totals.listingsUpdated)} changed, ${formatCount(totals.listingsRemoved)} removed,
      ${formatCount(totals.priceChanges)} price changes
    </p>
    ${dataTable(
      SITE_COLUMNS.map(([header]) => header),
      sites.map((site) =>
        SITE_COLUMNS.map(([, cell]) => {
          const value = cell(site);
          return typeof value === 'number' ? formatCount(value) : (value ?? NONE);
        }),
      ),
      'sites',
    )}
    <h2>New, changed and removed listings</h2>
    ${chartFrame(trustedHtml(changes))}
    <h2>Fill rates</h2>
    ${chartFrame(trustedHtml(fill))}
    ${dataTable(
      ['site', ...FILL_FIELDS, 'compared with'],
      sites.map((s) => [
        s.site,
        ...FILL_FIELDS.map((f) => formatShare(s.metrics.fillRates[f])),
        orNone(s.metrics.previousBatchId),
      ]),
      'fill-rates',
    )}
    ${
      sites.some((s) => s.error)
        ? html`<h2>Errors</h2>
            ${dataTable(
              ['site', 'error'],
              sites.filter((s) => s.error).map((s) => [s.site, s.error]),
            )}`
        : ''
    }
    <h2>Alerts</h2>
    ${
      report.alerts.length === 0
        ? html`<p>none</p>`
        : dataTable(
            ['site', 'kind', 'message'],
            report.alerts.map((alert) => [alert.site, alert.kind, alert.message]),
          )
    }
    <h2>Listings (at most ${report.listingLimit} per site and kind of change)</h2>
    ${dataTable(['site', 'change', 'listing', 'price', 'price before'], sites.flatMap(listingRows), 'listings')}`;
}

/**
 * Write the report page into the exports folder (storage.exports_dir; a path outside it is
 * refused), replacing a file of that name; `file` true: report-<batch id>.html. Returns the path.
 */
export async function writeHtmlReport(config: AppConfig, report: BatchReport, file: string | true): Promise<string> {
  const name = file === true ? `report-${report.batch.id}.html` : file;
  const path = confinePath(config.storage.exportsDir, name, '--html');
  if (!path.toLowerCase().endsWith('.html')) throw new UserInputError(`--html "${name}" must end in .html`);
  const page = htmlPage(
    `Batch ${report.batch.id} · report`,
    await reportView(report, workflowUiUrl(config, report.batch.workflowId ?? batchWorkflowId(report.batch.id))),
    null,
  );
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, page);
  return path;
}
