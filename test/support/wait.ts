/** Polling for a condition a test cannot be told about (a process's output, a row, a workflow's state). */
import { setTimeout as delay } from 'node:timers/promises';

export interface UntilOptions {
  /** Default 60 s. */
  timeoutMs?: number;
  /** What was last seen, for the failure message (a process's output). */
  seen?: () => string;
}

/** Poll `check` until it returns a value other than null, or fail at the deadline with what was last seen. */
export async function until<T>(
  what: string,
  check: () => T | null | Promise<T | null>,
  { timeoutMs = 60_000, seen }: UntilOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${seen ? `\n${seen()}` : ''}`);
    await delay(200);
  }
}
