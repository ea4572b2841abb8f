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

export function renderReport(report: BatchReport): string {
  const { batch, sites, totals } = report;
  const lines = [
    `Batch ${batch.id}: ${batch.status}`,
    `  created ${batch.createdAt} · finished ${batch.finishedAt ?? '–'}${batch.label ? ` · label ${batch.label}` : ''}${batch.parentBatchId ? ` · retry of ${batch.parentBatchId}` : ''}`,
    '',
    table(
      [
        'site',
        'main',
        'detail',
        'pages',
        'failed',
        'listings',
        'new',
        'changed',
        'removed',
        'price Δ',
        'success',
        'p50 ms',
        'p95 ms',
        'pages/min',
      ],
      sites.map((s) => [
        s.site,
        s.mainState,
        s.detailState,
        s.metrics.pagesFetched,
        s.metrics.pagesFailed,
        s.metrics.listingsSeen,
        s.metrics.listingsNew,
        s.metrics.listingsUpdated,
        s.metrics.listingsRemoved,
        s.metrics.priceChanges,
        percent(s.metrics.successRate),
        s.metrics.latencyP50Ms,
        s.metrics.latencyP95Ms,
        s.metrics.pagesPerMinute,
      ]),
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
