/**
 * Batches and their tasks (the original design's batch manager and task manager). Every write is
 * idempotent, because Temporal may run an activity more than once.
 */
import type { Selectable } from 'kysely';
import { backendOfDb, inTransaction, type Db } from './database';
import type { BatchesTable } from './schema';
import { NON_RETRYABLE_ERROR_TYPES } from '../errors';
import { isValidTransition, type BatchStatus, type TaskKind, type TaskState } from '../contract/statuses';

export interface BatchRow {
  id: string;
  label: string | null;
  parentBatchId: string | null;
  status: BatchStatus;
  sites: string[];
  options: Record<string, unknown>;
  workflowId: string | null;
  createdAt: string;
  finishedAt: string | null;
  summary: unknown;
}

export interface TaskRow {
  id: string;
  batchId: string;
  site: string;
  kind: TaskKind;
  /** As the workflows wrote it, or retrying as read from the page attempts (getTasks). */
  state: TaskState;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface NewBatch {
  id: string;
  label: string | null;
  parentBatchId: string | null;
  sites: string[];
  detailSites: string[];
  options: Record<string, unknown>;
  workflowId: string | null;
}

export function taskId(batchId: string, site: string, kind: TaskKind): string {
  return `${batchId}/${site}/${kind}`;
}

const now = () => new Date().toISOString();

/** Insert the batch and one pending task per site (plus a detail task per detail site), once. */
export async function createBatch(db: Db, batch: NewBatch): Promise<void> {
  await inTransaction(db, async (trx) => {
    const inserted = await trx
      .insertInto('batches')
      .values({
        id: batch.id,
        label: batch.label,
        parent_batch_id: batch.parentBatchId,
        status: 'planned',
        sites: JSON.stringify(batch.sites),
        options: JSON.stringify(batch.options),
        workflow_id: batch.workflowId,
        created_at: now(),
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return; // planned before: a retried planning activity
    const tasks = [
      ...batch.sites.map((site) => ({ site, kind: 'main' as const })),
      ...batch.detailSites.map((site) => ({ site, kind: 'detail' as const })),
    ];
    if (tasks.length === 0) return;
    const at = now();
    const rows = tasks.map(({ site, kind }) => ({ id: taskId(batch.id, site, kind), site, kind }));
    await trx
      .insertInto('tasks')
      .values(rows.map((task) => ({ ...task, batch_id: batch.id, state: 'pending', created_at: at, updated_at: at })))
      .execute();
    await trx
      .insertInto('task_transitions')
      .values(rows.map((task) => ({ task_id: task.id, from_state: null, to_state: 'pending', reason: 'planned', at })))
      .execute();
  });
}

export type TransitionOutcome = 'changed' | 'unchanged' | 'invalid';

/**
 * Move a task to a new state, recording time and reason. Setting the state it already has is a
 * no-op (a replayed activity); an invalid transition is refused and reported, never written.
 */
export async function transitionTask(
  db: Db,
  id: string,
  to: TaskState,
  reason: string,
  error?: string,
): Promise<TransitionOutcome> {
  return inTransaction(db, async (trx): Promise<TransitionOutcome> => {
    // FOR UPDATE on PostgreSQL: two hosts moving the same task see each other's move.
    let select = trx.selectFrom('tasks').select('state').where('id', '=', id);
    if (backendOfDb(db) === 'postgres') select = select.forUpdate();
    const row = await select.executeTakeFirst();
    if (!row) throw new Error(`unknown task ${id}`);
    if (row.state === to) return 'unchanged';
    if (!isValidTransition(row.state, to)) return 'invalid';
    const at = now();
    await trx
      .updateTable('tasks')
      .set((eb) => ({ state: to, updated_at: at, last_error: eb.fn.coalesce(eb.val(error ?? null), 'last_error') }))
      .where('id', '=', id)
      .execute();
    await trx
      .insertInto('task_transitions')
      .values({ task_id: id, from_state: row.state, to_state: to, reason, at })
      .execute();
    return 'changed';
  });
}

export async function setBatchStatus(db: Db, batchId: string, status: BatchStatus, summary?: unknown): Promise<void> {
  const finished = status === 'planned' || status === 'running' ? null : now();
  const summaryJson = summary === undefined ? null : JSON.stringify(summary);
  await db
    .updateTable('batches')
    .set((eb) => ({
      status,
      finished_at: eb.fn.coalesce(eb.val(finished), 'finished_at'),
      summary: eb.fn.coalesce(eb.val(summaryJson), 'summary'),
    }))
    .where('id', '=', batchId)
    .execute();
}

function toBatch(raw: Selectable<BatchesTable>): BatchRow {
  return {
    id: raw.id,
    label: raw.label,
    parentBatchId: raw.parent_batch_id,
    status: raw.status,
    sites: JSON.parse(raw.sites) as BatchRow['sites'],
    options: JSON.parse(raw.options) as BatchRow['options'],
    workflowId: raw.workflow_id,
    createdAt: raw.created_at,
    finishedAt: raw.finished_at,
    summary: raw.summary ? JSON.parse(raw.summary) : null,
  };
}

export async function getBatch(db: Db, id: string): Promise<BatchRow | null> {
  const raw = await db.selectFrom('batches').selectAll().where('id', '=', id).executeTakeFirst();
  return raw ? toBatch(raw) : null;
}

export async function listBatches(db: Db, options: { status?: BatchStatus; limit?: number } = {}): Promise<BatchRow[]> {
  let query = db.selectFrom('batches').selectAll();
  if (options.status) query = query.where('status', '=', options.status);
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit ?? 20)
    .execute();
  return rows.map(toBatch);
}

/** How many retry batches were started from this one (`orchestrator retry` labels them). */
export async function countRetries(db: Db, parentBatchId: string): Promise<number> {
  const row = await db
    .selectFrom('batches')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('parent_batch_id', '=', parentBatchId)
    .executeTakeFirstOrThrow();
  return row.n;
}

/**
 * The batch's tasks as they stand, in plan order (main tasks in the batch's site order, then
 * detail tasks). A running main task whose latest results-page attempt failed reads as retrying:
 * Temporal is trying the page again (or the site workflow is about to record the task failed). The
 * workflows write a task's states; the page activities only record their attempts, so retrying is
 * read from those. A failure no retry follows (an error class that is not retryable: a 404 that
 * ends a search, a page the host policy or robots.txt refused) does not count.
 */
export async function getTasks(db: Db, batchId: string): Promise<TaskRow[]> {
  const rows = await db
    .selectFrom('tasks as t')
    .selectAll('t')
    .select((eb) =>
      eb
        .selectFrom('pages as p')
        .select((pe) =>
          pe
            .and([
              pe('p.error', 'is not', null),
              pe(pe.fn.coalesce('p.error_type', pe.val('')), 'not in', NON_RETRYABLE_ERROR_TYPES),
            ])
            .as('failed'),
        )
        .whereRef('p.batch_id', '=', 't.batch_id')
        .whereRef('p.site', '=', 't.site')
        .where('p.kind', '=', 'listing')
        .orderBy('p.id', 'desc')
        .limit(1)
        .as('latest_page_failed'),
    )
    .where('t.batch_id', '=', batchId)
    .execute();
  const sites = (await getBatch(db, batchId))?.sites ?? [];
  const planOrder = (row: { site: string; kind: TaskKind }) =>
    (row.kind === 'main' ? 0 : sites.length) + sites.indexOf(row.site);
  return rows
    .sort((a, b) => planOrder(a) - planOrder(b))
    .map((raw) => ({
      id: raw.id,
      batchId: raw.batch_id,
      site: raw.site,
      kind: raw.kind,
      state: raw.kind === 'main' && raw.state === 'running' && raw.latest_page_failed ? 'retrying' : raw.state,
      lastError: raw.last_error,
      createdAt: raw.created_at,
      updatedAt: raw.updated_at,
    }));
}

export async function getTransitions(
  db: Db,
  id: string,
): Promise<Array<{ from: TaskState | null; to: TaskState; reason: string | null; at: string }>> {
  return db
    .selectFrom('task_transitions')
    .select(['from_state as from', 'to_state as to', 'reason', 'at'])
    .where('task_id', '=', id)
    .orderBy('id')
    .execute();
}

/** The most recent earlier batch in which this site's main task completed: the baseline for removals and alerts. */
export async function previousBatchForSite(db: Db, batchId: string, site: string): Promise<string | null> {
  const row = await db
    .selectFrom('batches as b')
    .innerJoin('tasks as t', (join) =>
      join
        .onRef('t.batch_id', '=', 'b.id')
        .on('t.site', '=', site)
        .on('t.kind', '=', 'main')
        .on('t.state', '=', 'completed'),
    )
    .select('b.id')
    .where('b.created_at', '<', (eb) => eb.selectFrom('batches').select('created_at').where('id', '=', batchId))
    .where('b.id', '<>', batchId)
    .orderBy('b.created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.id ?? null;
}
