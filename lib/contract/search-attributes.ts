/**
 * Search attributes the batch upserts as it moves, so the Web UI and `temporal workflow list
 * --query 'BatchId = "…"'` find a batch and its children. Registered on the dev server and on the
 * cluster by lib/temporal/namespace.ts.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const BatchIdKey = defineSearchAttributeKey('BatchId', SearchAttributeType.KEYWORD);
export const SiteKey = defineSearchAttributeKey('Site', SearchAttributeType.KEYWORD);
export const BatchStatusKey = defineSearchAttributeKey('BatchStatus', SearchAttributeType.KEYWORD);
