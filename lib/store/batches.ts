/**
 * Batches and their tasks (the original design's batch manager and task manager). Every write is
 * idempotent, because Temporal may run an activity more than once.
 */
import type { Db } from './database';
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
export function createBatch(db: Db, batch: NewBatch): void {
  db.transaction(() => {
    const inserted = db
      .prepare(
        `INSERT OR IGNORE INTO batches (id, label, parent_batch_id, status, sites, options, workflow_id, created_at)
         VALUES (?, ?, ?, 'planned', ?, ?, ?, ?)`,
      )
      .run(
        batch.id,
        batch.label,
        batch.parentBatchId,
        JSON.stringify(batch.sites),
        JSON.stringify(batch.options),
        batch.workflowId,
        now(),
      );
    if (inserted.changes === 0) return; // planned before: a retried planning activity
    const tasks = [
      ...batch.sites.map((site) => ({ site, kind: 'main' as const })),
      ...batch.detailSites.map((site) => ({ site, kind: 'detail' as const })),
    ];
    for (const { site, kind } of tasks) {
      const id = taskId(batch.id, site, kind);
      const at = now();
      db.prepare(
        `INSERT INTO tasks (id, batch_id, site, kind, state, created_at, updated_at) VALUES (?, ?, ?, ?, 'pending', ?, ?)`,
      ).run(id, batch.id, site, kind, at, at);
      db.prepare(
        `INSERT INTO task_transitions (task_id, from_state, to_state, reason, at) VALUES (?, NULL, 'pending', 'planned', ?)`,
      ).run(id, at);
    }
  })();
}

export type TransitionOutcome = 'changed' | 'unchanged' | 'invalid';

/**
 * Move a task to a new state, recording time and reason. Setting the state it already has is a
 * no-op (a replayed activity); an invalid transition is refused and reported, never written.
 */
export function transitionTask(db: Db, id: string, to: TaskState, reason: string, error?: string): TransitionOutcome {
  return db.transaction((): TransitionOutcome => {
    const row = db.prepare('SELECT state FROM tasks WHERE id = ?').get(id) as { state: TaskState } | undefined;
    if (!row) throw new Error(`unknown task ${id}`);
    if (row.state === to) return 'unchanged';
    if (!isValidTransition(row.state, to)) return 'invalid';
    const at = now();
    db.prepare('UPDATE tasks SET state = ?, updated_at = ?, last_error = COALESCE(?, last_error) WHERE id = ?').run(
      to,
      at,
      error ?? null,
      id,
    );
    db.prepare('INSERT INTO task_transitions (task_id, from_state, to_state, reason, at) VALUES (?, ?, ?, ?, ?)').run(
      id,
      row.state,
      to,
      reason,
      at,
    );
    return 'changed';
  })();
}

export function setBatchStatus(db: Db, batchId: string, status: BatchStatus, summary?: unknown): void {
  const finished = status === 'planned' || status === 'running' ? null : now();
  db.prepare(
    'UPDATE batches SET status = ?, finished_at = COALESCE(?, finished_at), summary = COALESCE(?, summary) WHERE id = ?',
  ).run(status, finished, summary === undefined ? null : JSON.stringify(summary), batchId);
}

interface RawBatch {
  id: string;
  label: string | null;
  parent_batch_id: string | null;
  status: BatchStatus;
  sites: string;
  options: string;
  workflow_id: string | null;
  created_at: string;
  finished_at: string | null;
  summary: string | null;
}

function toBatch(raw: RawBatch): BatchRow {
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

export function getBatch(db: Db, id: string): BatchRow | null {
  const raw = db.prepare('SELECT * FROM batches WHERE id = ?').get(id) as RawBatch | undefined;
  return raw ? toBatch(raw) : null;
}

export function listBatches(db: Db, options: { status?: BatchStatus; limit?: number } = {}): BatchRow[] {
  const rows = options.status
    ? db
        .prepare('SELECT * FROM batches WHERE status = ? ORDER BY created_at DESC, id DESC LIMIT ?')
        .all(options.status, options.limit ?? 20)
    : db.prepare('SELECT * FROM batches ORDER BY created_at DESC, id DESC LIMIT ?').all(options.limit ?? 20);
  return (rows as RawBatch[]).map(toBatch);
}

/**
 * The batch's tasks as they stand. A running main task whose latest results-page attempt failed
 * reads as retrying: Temporal is trying the page again (or the site workflow is about to record
 * the task failed). The workflows write a task's states; the page activities only record their
 * attempts, so retrying is read from those. A failure no retry follows (an error class that is not
 * retryable: a 404 that ends a search, a page the host policy or robots.txt refused) does not count.
 */
export function getTasks(db: Db, batchId: string): TaskRow[] {
  const final = NON_RETRYABLE_ERROR_TYPES.map(() => '?').join(', ');
  return (
    db
      .prepare(
        `SELECT t.*, (
           SELECT p.error IS NOT NULL AND COALESCE(p.error_type, '') NOT IN (${final})
           FROM pages p WHERE p.batch_id = t.batch_id AND p.site = t.site AND p.kind = 'listing'
           ORDER BY p.id DESC LIMIT 1
         ) AS latest_page_failed
         FROM tasks t WHERE t.batch_id = ? ORDER BY t.rowid`,
      )
      .all(...NON_RETRYABLE_ERROR_TYPES, batchId) as Array<{
      id: string;
      batch_id: string;
      site: string;
      kind: TaskKind;
      state: TaskState;
      last_error: string | null;
      created_at: string;
      updated_at: string;
      latest_page_failed: 0 | 1 | null;
    }>
  ).map((raw) => ({
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

export function getTransitions(
  db: Db,
  id: string,
): Array<{ from: TaskState | null; to: TaskState; reason: string | null; at: string }> {
  return db
    .prepare(
      'SELECT from_state AS "from", to_state AS "to", reason, at FROM task_transitions WHERE task_id = ? ORDER BY id',
    )
    .all(id) as Array<{ from: TaskState | null; to: TaskState; reason: string | null; at: string }>;
}

/** The most recent earlier batch in which this site's main task completed: the baseline for removals and alerts. */
export function previousBatchForSite(db: Db, batchId: string, site: string): string | null {
  const row = db
    .prepare(
      `SELECT b.id FROM batches b JOIN tasks t ON t.batch_id = b.id AND t.site = ? AND t.kind = 'main' AND t.state = 'completed'
       WHERE b.created_at < (SELECT created_at FROM batches WHERE id = ?) AND b.id <> ?
       ORDER BY b.created_at DESC LIMIT 1`,
    )
    .get(site, batchId, batchId) as { id: string } | undefined;
  return row?.id ?? null;
}
