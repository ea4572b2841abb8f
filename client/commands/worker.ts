/** `orchestrator worker`: the project's workflows and activities on the configured task queues. */
import type { Command } from 'commander';
import { subcommand } from '../subcommand';
import { assertLaunched, runWorkerProcess } from '../../workers/main';
import { installRuntime } from '../../workers/runtime';
import { loadAppConfig, type GlobalOptions } from '../../lib/config/profile';

export function registerWorkerCommand(program: Command, globals: () => GlobalOptions): void {
  subcommand(program, 'worker', 'run a worker until SIGINT/SIGTERM (graceful shutdown); several may run at once', [
    'orchestrator worker',
    'TEMPORAL_ADDRESS=10.0.0.5:7233 orchestrator worker',
    'ORCHESTRATOR_METRICS_PORT=9465 orchestrator worker    # a second worker on the same machine',
  ]).action(async () => {
    const config = loadAppConfig(globals());
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
    await runWorkerProcess(config, log);
  });
}
