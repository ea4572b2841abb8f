/**
 * The young generation of the threads a worker process starts. V8 sizes a new heap's young
 * generation from the process's --max-semi-space-size when that flag is set, over the thread's own
 * resource limits, and reads the flag when the thread makes its heap, on the thread itself. The
 * worker's launch sets the flag for the activities' thread (workers/launch-settings.ts), whose heap
 * is made before any of this runs; each thread started after it gets the size set here for it.
 */
import { setFlagsFromString } from 'node:v8';
import { Worker, type ResourceLimits } from 'node:worker_threads';

/**
 * A thread with heap limits of its own: the flag is cleared, so `resourceLimits` is what holds (threads
 * started after it get V8's default, 16 MB semi-spaces at most, and grow into it only as they need).
 */
export function startThread(source: string, resourceLimits: ResourceLimits): Worker {
  setFlagsFromString('--max-semi-space-size=0');
  return new Worker(source, { eval: true, resourceLimits });
}

/**
 * Runs `start` with the flag at `semiSpaceMb`: the threads it starts make their heaps with
 * semi-spaces of that size. For threads whose code takes no resource limits (the SDK's workflow
 * thread). The flag is cleared when `start` settles, so threads started later size their own young
 * generation: `start` must not settle before its threads have made their heaps (a thread's first
 * answer says it has).
 */
export async function withThreadSemiSpace<T>(semiSpaceMb: number, start: () => Promise<T>): Promise<T> {
  setFlagsFromString(`--max-semi-space-size=${semiSpaceMb}`);
  try {
    return await start();
  } finally {
    setFlagsFromString('--max-semi-space-size=0');
  }
}
