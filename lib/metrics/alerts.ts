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

export function storeAlerts(db: Db, alerts: Alert[]): void {
  const insert = db.prepare(
    'INSERT OR IGNORE INTO alerts (batch_id, site, kind, message, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const at = new Date().toISOString();
  db.transaction(() =>
    alerts.forEach((alert) => insert.run(alert.batchId, alert.site, alert.kind, alert.message, at)),
  )();
}

export function getAlerts(db: Db, batchId: string): Alert[] {
  return db
    .prepare('SELECT batch_id AS batchId, site, kind, message FROM alerts WHERE batch_id = ? ORDER BY id')
    .all(batchId) as Alert[];
}
