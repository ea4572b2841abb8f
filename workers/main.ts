/**
 * `orchestrator worker`: runs the workers until SIGINT/SIGTERM, which the Temporal runtime turns
 * into a graceful shutdown (running activities finish or are cancelled, nothing is lost).
 * The process holds to security.system_limits.max_memory_mb: when Node's heap could grow past
 * it, the worker runs itself again with --max-old-space-size.
 */
import { spawn } from 'node:child_process';
import { getHeapStatistics } from 'node:v8';
import type { AppConfig } from '../lib/config/types';
import { createWorkers } from './worker';

const HEAP_APPLIED = 'ORCHESTRATOR_WORKER_HEAP_LIMIT_APPLIED';
/** V8's heap_size_limit is the old space plus the young generation: allow for the latter. */
const YOUNG_GENERATION_MB = 64;

export function heapLimitMb(): number {
  return Math.round(getHeapStatistics().heap_size_limit / 1024 / 1024);
}

/** The node flag that caps the heap at the configured limit, or null when it already holds. */
export function heapLimitFlag(config: AppConfig, currentMb = heapLimitMb()): string | null {
  const wanted = config.security.systemLimits.maxMemoryMb;
  return currentMb > wanted + YOUNG_GENERATION_MB ? `--max-old-space-size=${wanted}` : null;
}

/** Run the same command in a child with the heap flag; signals go through; resolves with its exit code. */
function rerunWithHeapLimit(flag: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [flag, ...process.execArgv, ...process.argv.slice(1)], {
      stdio: 'inherit',
      env: { ...process.env, [HEAP_APPLIED]: '1' },
    });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward).on('SIGTERM', forward);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward).off('SIGTERM', forward);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

/**
 * When this process's heap could outgrow the configured limit, run the command again in a child
 * under the limit and return true once it exits (its exit code becomes ours). Call it before
 * anything binds ports or connects: the child does that itself.
 */
export async function ranUnderHeapLimit(config: AppConfig): Promise<boolean> {
  const flag = process.env[HEAP_APPLIED] ? null : heapLimitFlag(config);
  if (!flag) return false;
  process.exitCode = await rerunWithHeapLimit(flag);
  return true;
}

export async function runWorkerProcess(config: AppConfig, log: (line: string) => void = console.log): Promise<void> {
  const workers = await createWorkers(config);
  log(
    `worker on ${config.temporal.address} (namespace ${config.temporal.namespace}, heap limit ${heapLimitMb()} MB), task queues: ` +
      workers.workers.map((worker) => worker.options.taskQueue).join(', '),
  );
  await workers.run();
  log('worker stopped');
}
