/** `orchestrator worker`: the project's workflows and activities on the configured task queues. */
import type { Command } from 'commander';
import { subcommand } from '../subcommand';
import { runLaunchedWorker } from '../../workers/main';
import { loadAppConfig, type GlobalOptions } from '../../lib/config/profile';

export function registerWorkerCommand(program: Command, globals: () => GlobalOptions): void {
  subcommand(program, 'worker', 'run a worker until SIGINT/SIGTERM (graceful shutdown); several may run at once', [
    'orchestrator worker',
    'TEMPORAL_ADDRESS=10.0.0.5:7233 orchestrator worker',
    'ORCHESTRATOR_METRICS_PORT=9465 orchestrator worker    # a second worker on the same machine',
  ]).action(() => runLaunchedWorker(loadAppConfig(globals())));
}
