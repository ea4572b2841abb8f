/**
 * Heartbeats for the whole life of a page activity, not only between steps: Temporal delivers a
 * cancellation to a running activity only in answer to a heartbeat, so a batch cancelled while a
 * slow page downloads must not wait for the download to end to learn it. A window activity passes
 * `details`: its resume point, which a retried attempt reads from activityInfo().heartbeatDetails.
 */
import { Context } from '@temporalio/activity';

export async function withHeartbeats<T>(work: () => Promise<T>, everyMs = 1000, details?: () => unknown): Promise<T> {
  const context = Context.current();
  const beat = () => (details ? context.heartbeat(details()) : context.heartbeat());
  beat();
  const timer = setInterval(beat, everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
