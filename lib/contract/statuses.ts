/**
 * Every state a batch, a site and a task can be in, and the moves between them: one vocabulary
 * for the workflows (which decide them), the store (which keeps them) and the CLI (which shows them).
 *
 * A task is one site's main scraping, or its detail scraping, in one batch: the original design's
 * task manager with its State pattern. A site's live state (the progress a site workflow reports)
 * uses the same words.
 */

export const TASK_STATES = ['pending', 'running', 'retrying', 'completed', 'failed', 'skipped'] as const;
export type TaskState = (typeof TASK_STATES)[number];
export type TaskKind = 'main' | 'detail';

/** A task in one of these has ended. */
export const TERMINAL_TASK_STATES: ReadonlySet<TaskState> = new Set(['completed', 'failed', 'skipped']);

const NEXT_TASK_STATES: Record<TaskState, readonly TaskState[]> = {
  pending: ['running', 'skipped', 'failed'],
  // Only the workflows write a task's state (markTask). retrying is not written any more: the store
  // reads a running task whose latest page attempt failed as retrying (lib/store/batches.ts,
  // getTasks). Its moves stay valid for the rows written when the page activity wrote it.
  running: ['retrying', 'completed', 'failed'],
  retrying: ['running', 'completed', 'failed'],
  completed: [],
  failed: [],
  skipped: [],
};

export function isValidTransition(from: TaskState, to: TaskState): boolean {
  return NEXT_TASK_STATES[from].includes(to);
}

/** Every (from, to) pair of a recorded history must be valid and chained; returns the problems. */
export function checkTransitionChain(chain: Array<{ from: TaskState | null; to: TaskState }>): string[] {
  const problems: string[] = [];
  let current: TaskState | null = null;
  chain.forEach(({ from, to }, index) => {
    if (from !== current) problems.push(`#${index}: from ${from} but the task was ${current}`);
    else if (from === null ? to !== 'pending' : !isValidTransition(from, to))
      problems.push(`#${index}: ${from} → ${to} is not allowed`);
    current = to;
  });
  return problems;
}

/** What a site workflow reports of itself: a task state, or cancelled while the batch is cancelled. */
export type SiteState = TaskState | 'cancelled';

/** How a batch ended. */
export const FINAL_BATCH_STATUSES = ['completed', 'completed_with_errors', 'failed', 'cancelled'] as const;
export type FinalBatchStatus = (typeof FINAL_BATCH_STATUSES)[number];

/** A batch's stored status: planned (by planning), running, then how it ended. */
export const BATCH_STATUSES = ['planned', 'running', ...FINAL_BATCH_STATUSES] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

/** What a running batch workflow says it is doing: its status, or finalizing between its sites and its end. */
export type BatchPhase = BatchStatus | 'finalizing';
