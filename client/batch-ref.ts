/**
 * What the user typed to name a batch: its batch id (20251128-060000) or its workflow id
 * (batch-20251128-060000). One id names both (lib/contract/names.ts), so
 * either works; the database decides when a batch id itself starts with "batch-".
 */
import { WorkflowNotFoundError, type Client, type WorkflowExecutionDescription } from '@temporalio/client';
import { existsSync } from 'node:fs';
import type { AppConfig } from '../lib/config/types';
import { batchIdOf, batchWorkflowId, isBatchWorkflowId } from '../lib/contract/names';
import { UserInputError } from '../lib/errors';
import { getBatch, type BatchRow } from '../lib/store/batches';
import { backendOf, hasSchema, openStore, redactDatabaseUrl, type Db } from '../lib/store/database';
import { withStore } from './environment';

export interface BatchIds {
  batchId: string;
  workflowId: string;
}

export interface BatchRef extends BatchIds {
  /** The batch in SQLite; null before planning, or when planning failed. */
  row: BatchRow | null;
  /** The batch workflow in Temporal; null when the server has no such workflow (or was not asked). */
  workflow: WorkflowExecutionDescription | null;
}

/** Interpretations of `text`, the likeliest first. */
export function batchIdCandidates(text: string): BatchIds[] {
  const trimmed = text.trim();
  if (trimmed === '' || /\s/.test(trimmed))
    throw new UserInputError(
      `"${text}" is not a batch id: give a batch id such as 20251128-060000 or its workflow id batch-20251128-060000`,
    );
  const asBatchId = { batchId: trimmed, workflowId: batchWorkflowId(trimmed) };
  return isBatchWorkflowId(trimmed) ? [{ batchId: batchIdOf(trimmed), workflowId: trimmed }, asBatchId] : [asBatchId];
}

/**
 * Open the store for reading when it exists; null when nothing has run yet (no SQLite file, or a
 * PostgreSQL database no worker has set up).
 */
export async function openBatchDatabase(config: AppConfig): Promise<Db | null> {
  const { database } = config.storage;
  if (backendOf(database) === 'sqlite') {
    return existsSync(database) ? openStore(config.storage, { readonly: true }) : null;
  }
  const db = await openStore(config.storage, { readonly: true });
  if (await hasSchema(db)) return db;
  await db.destroy();
  return null;
}

/** The batch row `text` names, trying each interpretation; null when the database has none. */
export async function findBatchRow(db: Db | null, text: string): Promise<(BatchIds & { row: BatchRow }) | null> {
  if (!db) return null;
  for (const candidate of batchIdCandidates(text)) {
    const row = await getBatch(db, candidate.batchId);
    if (row) return { batchId: row.id, workflowId: row.workflowId ?? candidate.workflowId, row };
  }
  return null;
}

/** The batch row `text` names, or the user's mistake in one line: which id, which database. */
export async function requireBatchRow(
  config: AppConfig,
  db: Db | null,
  text: string,
): Promise<BatchIds & { row: BatchRow }> {
  const found = await findBatchRow(db, text);
  if (!found)
    throw new UserInputError(
      `unknown batch "${text.trim()}": no such batch in ${redactDatabaseUrl(config.storage.database)} (see \`orchestrator list\`)`,
    );
  return found;
}

/** Open the database, find the batch `text` names (or fail in one line), use both, close. */
export async function withBatchRow<T>(
  config: AppConfig,
  text: string,
  use: (db: Db, found: BatchIds & { row: BatchRow }) => Promise<T>,
): Promise<T> {
  return withStore(openBatchDatabase(config), async (db) => use(db!, await requireBatchRow(config, db, text)));
}

/** The workflow `workflowId` names, as Temporal describes it; null when Temporal has no such workflow. */
export async function describeWorkflow(
  client: Client,
  workflowId: string,
): Promise<WorkflowExecutionDescription | null> {
  try {
    return await client.workflow.getHandle(workflowId).describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return null;
    throw error;
  }
}

/**
 * Find the batch in SQLite and, with a client, in Temporal. Unknown in both is the user's
 * mistake: one line naming the id and where it was looked for.
 */
export async function resolveBatch(config: AppConfig, client: Client | null, text: string): Promise<BatchRef> {
  const found = await withStore(openBatchDatabase(config), (db) => findBatchRow(db, text));
  if (found) return { ...found, workflow: client ? await describeWorkflow(client, found.workflowId) : null };
  if (client) {
    for (const candidate of batchIdCandidates(text)) {
      const workflow = await describeWorkflow(client, candidate.workflowId);
      if (workflow) return { ...candidate, row: null, workflow };
    }
  }
  throw new UserInputError(
    `unknown batch "${text.trim()}": no such batch in ${config.storage.database}${
      client
        ? ` and no workflow ${batchIdCandidates(text)
            .map((c) => c.workflowId)
            .join(' or ')} on ${config.temporal.address}`
        : ''
    } (see \`orchestrator list\`)`,
  );
}
