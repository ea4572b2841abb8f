/**
 * The input of batchWorkflow as the CLI and Schedules build it (lib/contract/payloads.ts BatchInput):
 * sites checked against the configuration before anything starts, and the input of a retry,
 * which re-runs only the sites that failed.
 */
import type { AppConfig } from '../config/types';
import { UserInputError } from '../errors';
import type { BatchRow, TaskRow } from '../store/batches';
import { loadStartUrls } from '../urls/start-urls';
import type { BatchInput } from '../contract/payloads';

/** Refuse sites the configuration does not know or has disabled, naming them and the file. */
export function checkBatchSites(config: AppConfig, sites: readonly string[] | undefined): void {
  if (!sites?.length) return;
  const known = config.sites.map((site) => site.key);
  const unknown = sites.filter((site) => !known.includes(site));
  if (unknown.length > 0) {
    throw new UserInputError(
      `unknown site${unknown.length > 1 ? 's' : ''} ${unknown.map((s) => `"${s}"`).join(', ')}: the sites in ${config.sourcePath} are ${known.join(', ')}`,
    );
  }
  const disabled = sites.filter((site) => !config.sites.find((candidate) => candidate.key === site)!.enabled);
  if (disabled.length > 0) {
    throw new UserInputError(
      `site${disabled.length > 1 ? 's' : ''} ${disabled.join(', ')} ${disabled.length > 1 ? 'are' : 'is'} disabled in ${config.sourcePath}`,
    );
  }
}

/**
 * Refuse, before anything starts, a batch that could not be planned: unknown or disabled sites,
 * and mistakes in their start-URL CSVs (file, line and value), read as planBatch will read them.
 */
export function checkBatchStart(config: AppConfig, sites: readonly string[] | undefined): void {
  checkBatchSites(config, sites);
  loadStartUrls(config, sites?.length ? [...sites] : undefined);
}

/** Sites of a batch whose main or detail task failed, in the batch's start order. */
export function failedSites(batch: BatchRow, tasks: readonly TaskRow[]): string[] {
  const failed = new Set(tasks.filter((task) => task.state === 'failed').map((task) => task.site));
  return batch.sites.filter((site) => failed.has(site));
}

const UNFINISHED = new Set(['planned', 'running']);

/**
 * The input of a batch that re-runs `batch`'s failed sites with its options (max pages, label),
 * linked to it by parentBatchId. Refused while the batch runs, or when no site failed.
 */
export function retryInput(batch: BatchRow, tasks: readonly TaskRow[]): BatchInput {
  if (UNFINISHED.has(batch.status)) {
    throw new UserInputError(
      `batch ${batch.id} is still ${batch.status}: wait for it to end (or \`orchestrator cancel ${batch.id}\`) before retrying it`,
    );
  }
  const sites = failedSites(batch, tasks);
  if (sites.length === 0)
    throw new UserInputError(`batch ${batch.id} has no failed site to retry (status ${batch.status})`);
  const { maxPages, label } = batch.options as { maxPages?: unknown; label?: unknown };
  return {
    sites,
    ...(typeof maxPages === 'number' ? { maxPages } : {}),
    ...(typeof label === 'string' ? { label } : {}),
    parentBatchId: batch.id,
  };
}
