/**
 * Heartbeats for the whole life of a page activity, not only between steps: Temporal delivers a
 * cancellation to a running activity only in answer to a heartbeat, so a batch cancelled while a
 * slow page downloads must not wait for the download to end to learn it. A window activity passes
 * `details`: its resume point, which a retried attempt reads from activityInfo().heartbeatDetails.
 *
 * The first beat comes after `everyMs`, not at once: the SDK sends an activity's first heartbeat
 * the moment it is given (later ones at most every 8 s, the throttle of a 10 s timeout), and most
 * windows end within a second, so a beat at the start was a server call with nothing to say: no
 * resume point yet, and a cancellation answered a second later at most. In `npm run bench` at
 * N = 5,000 these were about 190 of the batch's 715 server calls.
 */
import { Context } from '@temporalio/activity';

export async function withHeartbeats<T>(work: () => Promise<T>, everyMs = 1000, details?: () => unknown): Promise<T> {
  const context = Context.current();
  const beat = () => (details ? context.heartbeat(details()) : context.heartbeat());
  const timer = setInterval(beat, everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
