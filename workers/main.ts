/**
 * `orchestrator worker`: runs the workers until SIGINT/SIGTERM, which the Temporal runtime turns
 * into a graceful shutdown (running activities finish or are cancelled, nothing is lost).
 * bin/worker-launcher.js starts this process under its memory settings (workers/launch-settings.ts)
 * and stays as its parent; when that parent goes away, even by SIGKILL, the workers shut down too,
 * so a supervisor that restarts the command never finds a second worker left running.
 */
import type { AppConfig } from '../lib/config/types';
import { heapLimitMb, WORKFLOW_BUNDLE_ENV } from './launch-settings';
import { createWorkers } from './worker';

export async function runWorkerProcess(config: AppConfig, log: (line: string) => void = console.log): Promise<void> {
  const workers = await createWorkers(config, { workflowBundlePath: process.env[WORKFLOW_BUNDLE_ENV] });
  if (process.connected) {
    process.once('disconnect', () => {
      log('the launching process is gone: shutting down');
      workers.shutdown();
    });
    // The channel only watches the parent: it must not keep this process alive once the workers stop.
    process.channel?.unref();
  }
  log(
    `worker on ${config.temporal.address} (namespace ${config.temporal.namespace}, heap limit ${heapLimitMb()} MB), task queues: ` +
      workers.workers.map((worker) => worker.options.taskQueue).join(', '),
  );
  await workers.run();
  log('worker stopped');
}
