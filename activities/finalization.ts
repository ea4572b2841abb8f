/**
 * Finalization activities, run after every site: statistics, metrics and alerts, backup,
 * cleanup of temporary files, the batch's final status, and notifications (webhook, email). Each heartbeats every
 * second while it works (the workflow notices a dead worker within 10 s).
 */
import { heartbeat } from '@temporalio/activity';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { backupDatabase, type BackupResult } from '../lib/backup/backup';
import { detectAlerts, getAlerts, storeAlerts, type Alert } from '../lib/metrics/alerts';
import { computeSiteMetrics, getSiteMetrics, storeSiteMetrics, type SiteMetrics } from '../lib/metrics/site-metrics';
import { alertsTitle, siteLine, summaryTitle, type BatchNotice } from '../lib/notify/batch-notice';
import { batchEmail, sendEmail, type EmailResult } from '../lib/notify/email';
import { postWebhook, type WebhookResult } from '../lib/notify/webhook';
import { getBatch, getTasks, setBatchStatus } from '../lib/store/batches';
import type { SiteProgress } from '../lib/contract/payloads';
import type { FinalBatchStatus } from '../lib/contract/statuses';
import type { ActivityDeps } from './deps';
import { withHeartbeats } from './heartbeat';

type Activity = (args: never) => Promise<unknown>;

/** One notification sent (or not): which channel, and what happened. */
export type NotificationResult = ({ channel: 'webhook' } & WebhookResult) | ({ channel: 'email' } & EmailResult);

/** The same activities, each heartbeating every second for as long as it runs. */
function heartbeating<T extends Record<string, Activity>>(activities: T): T {
  return Object.fromEntries(
    Object.entries(activities).map(([name, run]) => [name, (args: never) => withHeartbeats(() => run(args))]),
  ) as T;
}

export function createFinalizationActivities(deps: ActivityDeps) {
  const { db, config } = deps;
  const mainState = async (batchId: string) =>
    new Map((await getTasks(db, batchId)).filter((t) => t.kind === 'main').map((t) => [t.site, t.state]));

  return heartbeating({
    /** Computes each site's counts (pages, listings new/updated/unchanged/removed, price changes) and stores them in site_metrics. */
    async storeSiteStatistics({ batchId }: { batchId: string }): Promise<SiteMetrics[]> {
      const states = await mainState(batchId);
      const computed: SiteMetrics[] = [];
      for (const [site, state] of states) {
        const metrics = await computeSiteMetrics(db, batchId, site, state === 'completed');
        await storeSiteMetrics(db, batchId, metrics);
        computed.push(metrics);
      }
      return computed;
    },

    /**
     * Compares each site's metrics (in site_metrics already) with its previous batch's, stores the
     * alerts that finds and returns all of the batch's alerts.
     */
    async detectBatchAlerts({ batchId }: { batchId: string }): Promise<{ alerts: Alert[] }> {
      const states = await mainState(batchId);
      const alerts: Alert[] = [];
      for (const current of await getSiteMetrics(db, batchId)) {
        const previous = current.previousBatchId
          ? ((await getSiteMetrics(db, current.previousBatchId)).find((m) => m.site === current.site) ?? null)
          : null;
        alerts.push(...detectAlerts(batchId, current, previous, states.get(current.site) === 'failed', config.alerts));
      }
      await storeAlerts(db, alerts);
      return { alerts: await getAlerts(db, batchId) };
    },

    async backupDatabase({ batchId }: { batchId: string }): Promise<BackupResult> {
      // Also from inside the copy: its steps leave the event loop little room for the timer.
      return backupDatabase(db, config.storage.backupsDir, batchId, config.storage.backupRetention, () => heartbeat());
    },

    /** Remove the batch's scratch folder (tmp/<batchId>): partial files and browser profiles. */
    async cleanupTemporaryFiles({ batchId }: { batchId: string }): Promise<{ removed: string }> {
      const dir = join(config.storage.tempDir, batchId.replace(/[^A-Za-z0-9_-]/g, '_'));
      rmSync(dir, { recursive: true, force: true });
      return { removed: dir };
    },

    async finishBatch(args: {
      batchId: string;
      status: FinalBatchStatus;
      sites: SiteProgress[];
      finalizationErrors: string[];
    }): Promise<void> {
      const { batchId, status, sites, finalizationErrors } = args;
      await setBatchStatus(db, batchId, status, {
        sites,
        finalizationErrors,
        metrics: await getSiteMetrics(db, batchId),
      });
    },

    /**
     * The batch summary and its alerts, to the webhook (two posts) and by email (one message), each
     * when configured. Never throws: a notification must not fail the batch; each channel's
     * outcome is in the result, a failure with its reason.
     */
    async sendNotifications({ batchId }: { batchId: string }): Promise<NotificationResult[]> {
      const { webhookUrl, email } = config.notifications;
      if (!webhookUrl && !email) return [];
      const batch = await getBatch(db, batchId);
      const notice: BatchNotice = {
        batchId,
        status: batch?.status ?? 'finished',
        label: batch?.label ?? null,
        sites: await getSiteMetrics(db, batchId),
        alerts: await getAlerts(db, batchId),
      };
      const results: NotificationResult[] = [];
      if (webhookUrl) {
        const summary = await postWebhook(webhookUrl, {
          text: `${summaryTitle(notice)}\n${notice.sites.map((m) => `• ${siteLine(m)}`).join('\n')}`,
          event: 'batch_end',
          batch: { id: batchId, status: batch?.status, label: batch?.label, sites: notice.sites },
        });
        results.push({ channel: 'webhook', ...summary });
        if (notice.alerts.length > 0) {
          const alerts = await postWebhook(webhookUrl, {
            text: `:warning: ${alertsTitle(notice)}\n${notice.alerts.map((a) => `• ${a.message}`).join('\n')}`,
            event: 'alerts',
            alerts: notice.alerts,
          });
          results.push({ channel: 'webhook', ...alerts });
        }
      }
      if (email) results.push({ channel: 'email', ...(await sendEmail(email, batchEmail(notice))) });
      return results;
    },
  });
}
