/** Pure helpers for workflow decisions, unit-tested without a server. */
import type { SitePlan, SiteProgress } from '../lib/contract/payloads';
import type { FinalBatchStatus } from '../lib/contract/statuses';

/** Sites start in priority order (1 first), then by key, so a run is reproducible. */
export function startOrder(sites: SitePlan[]): SitePlan[] {
  return [...sites].sort((a, b) => a.priority - b.priority || a.site.localeCompare(b.site));
}

/** completed when every site and detail task completed; failed when none did; else completed_with_errors. */
export function batchStatusOf(sites: SiteProgress[]): 'completed' | 'completed_with_errors' | 'failed' {
  if (sites.length === 0) return 'completed';
  const failed = (s: SiteProgress) => s.state === 'failed' || s.detail?.state === 'failed';
  const failures = sites.filter(failed).length;
  if (failures === 0) return 'completed';
  return sites.every((s) => s.state === 'failed') ? 'failed' : 'completed_with_errors';
}

/** A batch whose finalization had errors completed with errors at best. */
export function finalizationStatus(status: FinalBatchStatus, finalizationErrors: string[]): FinalBatchStatus {
  return finalizationErrors.length > 0 && status === 'completed' ? 'completed_with_errors' : status;
}

/** Continue-as-new before the history bound, leaving room for the events still to come. */
export function shouldContinueAsNew(historyLength: number, maxEvents: number, margin = 100): boolean {
  return historyLength >= Math.max(maxEvents - margin, 50);
}

/** A Markdown line per site for the Web UI's "current details". */
export function progressMarkdown(batchId: string, status: string, sites: SiteProgress[]): string {
  const rows = sites.map((s) => {
    const detail = s.detail ? ` · detail ${s.detail.state}: ${s.detail.done} done, ${s.detail.failed} failed` : '';
    return `| ${s.site} | ${s.state} | ${s.pages} | ${s.listings} | ${s.errors}${detail} |`;
  });
  return [
    `**Batch ${batchId}** — ${status}`,
    '',
    '| site | state | pages | listings | errors |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** Child and activity failures wrap the real reason: the innermost message is the one to show. */
export function innermostMessage(error: unknown): string {
  let current = error as { message?: string; cause?: unknown } | undefined;
  while (current?.cause) current = current.cause;
  return current?.message ?? String(error);
}

/**
 * Whether a child should signal its progress to the batch now. Each signal is a history event in
 * the batch, which cannot continue as new while it waits for its children, so the interval grows
 * with the run's age (10 s, then a fifth of the time elapsed): a day-long run sends a few dozen.
 */
export function progressDue(now: number, startedAt: number, lastReport: number): boolean {
  return now - lastReport >= Math.max(10_000, 0.2 * (now - startedAt));
}
