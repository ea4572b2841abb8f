/**
 * The task state machine (the original design's State pattern): which transitions are valid.
 * A task is one site's main scraping, or its detail scraping, in one batch.
 */
export const TASK_STATES = ['pending', 'running', 'retrying', 'completed', 'failed', 'skipped'] as const;
export type TaskState = (typeof TASK_STATES)[number];

export const TERMINAL_STATES: ReadonlySet<TaskState> = new Set(['completed', 'failed', 'skipped']);

const VALID: Record<TaskState, readonly TaskState[]> = {
  pending: ['running', 'skipped', 'failed'],
  // An activity attempt above 1 moves the task to retrying; the next first attempt back to running.
  running: ['retrying', 'completed', 'failed'],
  retrying: ['running', 'completed', 'failed'],
  completed: [],
  failed: [],
  skipped: [],
};

export function isValidTransition(from: TaskState, to: TaskState): boolean {
  return VALID[from].includes(to);
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
