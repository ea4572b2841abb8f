/**
 * The `orchestrator` command line. User mistakes (config, CSV, arguments, an unreachable server)
 * print one clear message and exit 1; unexpected errors print their stack for a bug report.
 */
import { Command, CommanderError } from 'commander';
import { UserInputError } from '../lib/errors';
import { registerParseCommand } from './commands/parse';
import { registerRunCommand } from './commands/run';
import { registerServerCommands } from './commands/server';
import { registerWorkerCommand } from './commands/worker';
import type { GlobalOptions } from './environment';

export function buildProgram(): Command {
  const program = new Command('orchestrator')
    .description('Durable scraping of six Mexican real-estate portals on Temporal')
    .option('--config <file>', 'configuration file (default config/config.yaml)')
    .option('--mirror', 'work against the bundled local mirror of the portals (own database and task queue)')
    .showHelpAfterError()
    .addHelpText('after', '\nExamples:\n  orchestrator --mirror run      # a whole batch against the local mirror\n  orchestrator server start\n  orchestrator worker')
    .exitOverride();
  const globals = () => program.opts<GlobalOptions>();
  registerServerCommands(program, globals);
  registerWorkerCommand(program, globals);
  registerRunCommand(program, globals);
  registerParseCommand(program, globals);
  return program;
}

export async function main(argv: string[] = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    if (error instanceof UserInputError) {
      process.stderr.write(`error: ${error.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
}
