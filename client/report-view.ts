/** The batch report (lib/report/batch-report.ts) as terminal text: tables per concern, then the listings behind the counts. */
import type { BatchReport, ListingChange, SiteReport } from '../lib/report/batch-report';
import { table } from './output';

const percent = (share: number | null) => (share === null ? null : `${Math.round(share * 100)}%`);

function price(value: number | null | undefined, currency: string | null | undefined): string {
  if (value === null || value === undefined) return '–';
  return `${value.toLocaleString('en-US')} ${currency ?? ''}`.trim();
}

function listingLine(listing: ListingChange): string {
  const change =
    listing.previousPrice === undefined
      ? ''
      : listing.previousPrice === null
        ? ' (price not shown before)'
        : ` (was ${price(listing.previousPrice, listing.previousCurrency)})`;
  return `    ${listing.externalId}  ${price(listing.price, listing.currency)}${change}  ${listing.title ?? '(no title)'}  ${listing.url}`;
}

function listingSection(site: SiteReport, limit: number): string[] {
  const lines: string[] = [];
  const groups: Array<[string, ListingChange[], number | null]> = [
    ['new', site.newListings, site.metrics.listingsNew],
    ['changed', site.changedListings, site.metrics.listingsUpdated],
    ['removed', site.removedListings, site.metrics.listingsRemoved],
  ];
  for (const [name, listings, total] of groups) {
    if (listings.length === 0) continue;
    const more = total !== null && total > listings.length ? ` (first ${listings.length} of ${total})` : '';
    lines.push(`  ${site.site} · ${name}${more}:`, ...listings.slice(0, limit).map(listingLine));
  }
  return lines;
}

/** The per-site table of a report, column by column: the terminal's and the HTML report's (client/dashboard/report-page.ts). */
export const SITE_COLUMNS: ReadonlyArray<readonly [string, (site: SiteReport) => string | number | null]> = [
  ['site', (s) => s.site],
  ['main', (s) => s.mainState],
  ['detail', (s) => s.detailState],
  ['pages', (s) => s.metrics.pagesFetched],
  ['failed', (s) => s.metrics.pagesFailed],
  ['listings', (s) => s.metrics.listingsSeen],
  ['new', (s) => s.metrics.listingsNew],
  ['changed', (s) => s.metrics.listingsUpdated],
  ['removed', (s) => s.metrics.listingsRemoved],
  ['price Δ', (s) => s.metrics.priceChanges],
  ['success', (s) => percent(s.metrics.successRate)],
  ['p50 ms', (s) => s.metrics.latencyP50Ms],
  ['p95 ms', (s) => s.metrics.latencyP95Ms],
  ['pages/min', (s) => s.metrics.pagesPerMinute],
];

export function renderReport(report: BatchReport): string {
  const { batch, sites, totals } = report;
  const lines = [
    `Batch ${batch.id}: ${batch.status}`,
    `  created ${batch.createdAt} · finished ${batch.finishedAt ?? '–'}${batch.label ? ` · label ${batch.label}` : ''}${batch.parentBatchId ? ` · retry of ${batch.parentBatchId}` : ''}`,
    '',
    table(
      SITE_COLUMNS.map(([header]) => header),
      sites.map((site) => SITE_COLUMNS.map(([, cell]) => cell(site))),
    ),
    `  total: ${totals.pagesFetched} pages (${totals.pagesFailed} failed), ${totals.listingsSeen} listings: ${totals.listingsNew} new, ${totals.listingsUpdated} changed, ${totals.listingsRemoved ?? '–'} removed, ${totals.priceChanges} price changes`,
    '',
    'Fill rates (share of the listings seen that have the field):',
    table(
      ['site', 'price', 'bedrooms', 'area', 'coordinates', 'compared with'],
      sites.map((s) => [
        s.site,
        percent(s.metrics.fillRates.price),
        percent(s.metrics.fillRates.bedrooms),
        percent(s.metrics.fillRates.area),
        percent(s.metrics.fillRates.coordinates),
        s.metrics.previousBatchId,
      ]),
    ),
  ];
  const computed = sites.filter((s) => s.metricsSource === 'computed').map((s) => s.site);
  if (computed.length > 0)
    lines.push(`  (metrics of ${computed.join(', ')} computed now: the batch did not finalize them)`);
  const errors = sites.filter((s) => s.error);
  if (errors.length > 0) lines.push('', 'Errors:', ...errors.map((s) => `  ${s.site}: ${s.error}`));
  lines.push(
    '',
    report.alerts.length > 0 ? 'Alerts:' : 'Alerts: none',
    ...report.alerts.map((alert) => `  ${alert.kind} · ${alert.message}`),
  );
  const listings = sites.flatMap((site) => listingSection(site, report.listingLimit));
  if (listings.length > 0) lines.push('', 'Listings:', ...listings);
  return lines.join('\n');
}
