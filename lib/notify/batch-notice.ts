/**
 * What the end of a batch tells people, whichever way it travels (the webhook, an email): the
 * batch's status, one line per site, and its alerts. Both channels word it with these functions,
 * so they carry the same content.
 */
import type { Alert } from '../metrics/alerts';
import type { SiteMetrics } from '../metrics/site-metrics';

export interface BatchNotice {
  batchId: string;
  /** The batch's final status (completed, completed_with_errors, failed, cancelled), or 'finished' when unknown. */
  status: string;
  label: string | null;
  sites: SiteMetrics[];
  alerts: Alert[];
}

/** "Batch 20251128-060000 completed" */
export function summaryTitle(notice: BatchNotice): string {
  return `Batch ${notice.batchId} ${notice.status}`;
}

/** "lamudi: 12 pages, 240 listings (12 new, 3 updated, 2 removed), 5 price changes" */
export function siteLine(metrics: SiteMetrics): string {
  const m = metrics;
  return `${m.site}: ${m.pagesFetched} pages, ${m.listingsSeen} listings (${m.listingsNew} new, ${m.listingsUpdated} updated, ${m.listingsRemoved ?? '–'} removed), ${m.priceChanges} price changes`;
}

/** "2 alert(s) in batch 20251128-060000" */
export function alertsTitle(notice: BatchNotice): string {
  return `${notice.alerts.length} alert(s) in batch ${notice.batchId}`;
}
