/** `orchestrator worker`: the project's workflows and activities on the configured task queues. */
import type { Command } from 'commander';
import { runWorkerProcess } from '../../workers/main';
import { loadAppConfig, type GlobalOptions } from '../environment';

export function registerWorkerCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('worker')
    .description('run a worker until SIGINT/SIGTERM (graceful shutdown); several may run at once')
    .addHelpText('after', '\nExamples:\n  orchestrator worker\n  TEMPORAL_ADDRESS=10.0.0.5:7233 orchestrator worker')
    .action(async () => {
      await runWorkerProcess(loadAppConfig(globals()), (line) => console.error(line));
    });
}
