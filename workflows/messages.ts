/** Signals and queries: how a running batch reports progress to the CLI and the Web UI. */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { BatchProgress, SiteProgress } from '../lib/contract/payloads';

/** The batch's live state per site (pages, listings, errors), for `orchestrator watch`. */
export const progressQuery = defineQuery<BatchProgress>('progress');
/** A site or detail child reporting its counts to the batch (throttled: a signal is a history event). */
export const siteProgressSignal = defineSignal<[SiteProgress]>('siteProgress');
/** A child's own counts. */
export const siteStateQuery = defineQuery<SiteProgress>('siteState');
