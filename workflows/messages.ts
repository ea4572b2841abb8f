/** Signals and queries: how a running batch reports progress to the CLI and the Web UI. */
import { defineQuery, defineSignal, getExternalWorkflowHandle, setCurrentDetails } from '@temporalio/workflow';
import type { BatchProgress, SiteProgress } from '../lib/contract/payloads';
import { progressDue } from './decisions';

/** The batch's live state per site (pages, listings, errors), for `orchestrator watch`. */
export const progressQuery = defineQuery<BatchProgress>('progress');
/** A site or detail child reporting its counts to the batch (throttled: a signal is a history event). */
export const siteProgressSignal = defineSignal<[SiteProgress]>('siteProgress');
/** A child's own counts. */
export const siteStateQuery = defineQuery<SiteProgress>('siteState');

/** A site or detail child's reports: its line in the Web UI each time, a signal to the batch when due (or forced). */
export class ProgressReports {
  private lastReport = 0;
  private readonly startedAt = Date.now();
  private readonly batch;

  constructor(batchWorkflowId: string) {
    this.batch = getExternalWorkflowHandle(batchWorkflowId);
  }

  async send(details: string, progress: SiteProgress, force: boolean): Promise<void> {
    setCurrentDetails(details);
    if (force || progressDue(Date.now(), this.startedAt, this.lastReport)) {
      this.lastReport = Date.now();
      await this.batch.signal(siteProgressSignal, progress);
    }
  }
}
