/**
 * The alert manager: a site whose listing count or field fill rate drops sharply against its
 * previous batch has probably changed its markup; a site that failed is always worth a message.
 */
import type { Db } from '../store/database';
import type { FillRates, SiteMetrics } from './site-metrics';

export interface Alert {
  batchId: string;
  site: string;
  kind: string;
  message: string;
}

export interface AlertThresholds {
  /** Alert when listings seen fall below previous × (1 − ratio). */
  listingDropRatio: number;
  /** Alert when a fill rate falls by more than this (absolute share, 0–1). */
  fillRateDrop: number;
}

export function detectAlerts(
  batchId: string,
  current: SiteMetrics,
  previous: SiteMetrics | null,
  mainFailed: boolean,
  thresholds: AlertThresholds,
): Alert[] {
  const alerts: Alert[] = [];
  const site = current.site;
  if (mainFailed) {
    alerts.push({
      batchId,
      site,
      kind: 'site_failed',
      message: `${site}: scraping failed after its retries (${current.pagesFailed} page(s) failed)`,
    });
  }
  if (!previous || mainFailed) return alerts;
  if (previous.listingsSeen > 0 && current.listingsSeen < previous.listingsSeen * (1 - thresholds.listingDropRatio)) {
    alerts.push({
      batchId,
      site,
      kind: 'listing_count_drop',
      message: `${site}: ${current.listingsSeen} listings, down from ${previous.listingsSeen} in batch ${current.previousBatchId}: its markup has probably changed`,
    });
  }
  for (const field of Object.keys(current.fillRates) as Array<keyof FillRates>) {
    const now = current.fillRates[field];
    const before = previous.fillRates[field];
    if (now != null && before != null && before - now > thresholds.fillRateDrop) {
      alerts.push({
        batchId,
        site,
        kind: `fill_rate_drop:${field}`,
        message: `${site}: ${field} filled in ${(now * 100).toFixed(0)}% of listings, down from ${(before * 100).toFixed(0)}%: its markup has probably changed`,
      });
    }
  }
  return alerts;
}

export async function storeAlerts(db: Db, alerts: Alert[]): Promise<void> {
  if (alerts.length === 0) return;
  const at = new Date().toISOString();
  await db
    .insertInto('alerts')
    .values(
      alerts.map((alert) => ({
        batch_id: alert.batchId,
        site: alert.site,
        kind: alert.kind,
        message: alert.message,
        created_at: at,
      })),
    )
    .onConflict((oc) => oc.columns(['batch_id', 'site', 'kind']).doNothing())
    .execute();
}

export async function getAlerts(db: Db, batchId: string): Promise<Alert[]> {
  return db
    .selectFrom('alerts')
    .select(['batch_id as batchId', 'site', 'kind', 'message'])
    .where('batch_id', '=', batchId)
    .orderBy('id')
    .execute();
}
