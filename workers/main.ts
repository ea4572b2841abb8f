/**
 * `orchestrator worker`: runs the workers until SIGINT/SIGTERM, which the Temporal runtime turns
 * into a graceful shutdown (running activities finish or are cancelled, nothing is lost).
 * bin/orchestrator execs this process under its memory settings (workers/launch-settings.ts), so
 * the process the operator or a supervisor started, signalled and killed is the worker itself.
 */
import { UserInputError } from '../lib/errors';
import type { AppConfig } from '../lib/config/types';
import { heapLimitMb, WORKER_LAUNCHED_ENV, WORKFLOW_BUNDLE_ENV } from './launched';
import { installRuntime } from './runtime';
import { createWorkers } from './worker';

/** Refuses a worker started without its memory settings: `node bin/orchestrator.js worker`. */
function assertLaunched(): void {
  if (!process.env[WORKER_LAUNCHED_ENV])
    throw new UserInputError(
      'start the worker with the orchestrator command (bin/orchestrator: `npx orchestrator worker`), which gives ' +
        'Node its memory settings when it starts; `node bin/orchestrator.js worker` has none',
    );
}

/**
 * The worker command's work, in a process bin/orchestrator launched: the runtime (logs, Prometheus)
 * before any connection, then the workers until SIGINT/SIGTERM.
 */
export async function runLaunchedWorker(config: AppConfig): Promise<void> {
  assertLaunched();
  // Before any connection: the runtime's logger and Prometheus endpoint apply to the whole process.
  const runtime = installRuntime(config);
  const log = (line: string) => {
    console.error(line);
    runtime.logger?.info(line);
  };
  log(
    runtime.metricsUrl
      ? `Prometheus metrics on ${runtime.metricsUrl} (listening on ${runtime.metricsHost})`
      : 'Prometheus metrics off',
  );
  const workers = await createWorkers(config, { workflowBundlePath: process.env[WORKFLOW_BUNDLE_ENV] });
  log(
    `worker on ${config.temporal.address} (namespace ${config.temporal.namespace}, heap limit ${heapLimitMb()} MB), task queues: ` +
      workers.workers.map((worker) => worker.options.taskQueue).join(', '),
  );
  await workers.run();
  log('worker stopped');
}
