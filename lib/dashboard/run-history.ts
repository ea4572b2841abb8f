/**
 * The recent batches with each site's figures, for the dashboard's Runs and Data health views.
 * Every figure is the batch report's (lib/report/batch-report.ts): the metrics the batch stored when
 * it finalized (computed the same way for one that did not), its alerts; nothing is recounted
 * differently here. Durations come from the task transitions the workflows wrote.
 */
import type { Alert } from '../metrics/alerts';
import type { SiteMetrics } from '../metrics/site-metrics';
import { buildBatchReport } from '../report/batch-report';
import { getTransitions, listBatches, taskId, type BatchRow } from '../store/batches';
import type { Db } from '../store/database';
import type { TaskState } from '../contract/statuses';

export interface SiteRun {
  site: string;
  mainState: TaskState | null;
  metrics: SiteMetrics;
  metricsSource: 'stored' | 'computed';
  /** From the site's main task starting to run to its last state change; null before it ran. */
  durationMs: number | null;
}

export interface BatchRun {
  batch: BatchRow;
  /** From the batch's creation to its end; null while it runs. */
  durationMs: number | null;
  sites: SiteRun[];
  alerts: Alert[];
}

const span = (from: string, to: string | null) => (to === null ? null : Date.parse(to) - Date.parse(from));

/** How long a site's main task ran: its first move to running, to its latest transition after that. */
async function siteDuration(db: Db, batchId: string, site: string): Promise<number | null> {
  const transitions = await getTransitions(db, taskId(batchId, site, 'main'));
  const started = transitions.findIndex((transition) => transition.to === 'running');
  if (started < 0 || started === transitions.length - 1) return null;
  return span(transitions[started].at, transitions[transitions.length - 1].at);
}

/** The latest `limit` batches, oldest first (the order of a time axis). */
export async function runHistory(db: Db, limit = 30): Promise<BatchRun[]> {
  const runs: BatchRun[] = [];
  for (const batch of (await listBatches(db, { limit })).reverse()) {
    const report = await buildBatchReport(db, batch.id, { listingLimit: 0 });
    const sites: SiteRun[] = [];
    for (const site of report.sites)
      sites.push({
        site: site.site,
        mainState: site.mainState,
        metrics: site.metrics,
        metricsSource: site.metricsSource,
        durationMs: await siteDuration(db, batch.id, site.site),
      });
    runs.push({ batch, durationMs: span(batch.createdAt, batch.finishedAt), sites, alerts: report.alerts });
  }
  return runs;
}
