/**
 * `orchestrator worker`: runs the workers until SIGINT/SIGTERM, which the Temporal runtime turns
 * into a graceful shutdown (running activities finish or are cancelled, nothing is lost).
 */
import type { AppConfig } from '../lib/config/types';
import { createWorkers } from './worker';

export async function runWorkerProcess(config: AppConfig, log: (line: string) => void = console.log): Promise<void> {
  const workers = await createWorkers(config);
  log(
    `worker on ${config.temporal.address} (namespace ${config.temporal.namespace}), task queues: ` +
      workers.workers.map((worker) => worker.options.taskQueue).join(', '),
  );
  await workers.run();
  log('worker stopped');
}
