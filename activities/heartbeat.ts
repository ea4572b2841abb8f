/**
 * Heartbeats for the whole life of a page activity, not only between steps: Temporal delivers a
 * cancellation to a running activity only in answer to a heartbeat, so a batch cancelled while a
 * slow page downloads must not wait for the download to end to learn it.
 */
import { Context } from '@temporalio/activity';

export async function withHeartbeats<T>(work: () => Promise<T>, everyMs = 1000): Promise<T> {
  const context = Context.current();
  context.heartbeat();
  const timer = setInterval(() => context.heartbeat(), everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
