/**
 * The `orchestrator` command line. User mistakes (config, CSV, arguments, an unknown batch, an
 * unreachable server) print one line `error: …` and exit 1; unexpected errors print their stack
 * for a bug report. Every command run is also logged as JSON in logs/cli.<date>.<n>.log.
 */
import { Command, CommanderError } from 'commander';
import { cliLog, logCommandStarted, openCliLog, reportCommandError } from './cli-log';
import { registerBackupCommands } from './commands/backup';
import { registerCancelCommand } from './commands/cancel';
import { registerClusterCommands } from './commands/cluster';
import { registerDashboardCommand } from './commands/dashboard';
import { registerExportCommand } from './commands/export';
import { registerListCommand } from './commands/list';
import { registerMenuCommand } from './commands/menu';
import { registerParseCommand } from './commands/parse';
import { registerReportCommand } from './commands/report';
import { registerRetryCommand } from './commands/retry';
import { registerRunCommand } from './commands/run';
import { registerScheduleCommands } from './commands/schedule';
import { registerServerCommands } from './commands/server';
import { registerStatusCommand } from './commands/status';
import { registerValidateCommand } from './commands/validate';
import { registerWatchCommand } from './commands/watch';
import { registerWorkerCommand } from './commands/worker';
import { loadAppConfig, type GlobalOptions } from '../lib/config/profile';

const EXAMPLES = `
Examples:
  orchestrator --mirror run                  # a whole batch against the bundled local mirror
  orchestrator list --status failed
  orchestrator status 20251128-060000
  orchestrator schedule create --cron "0 6 * * *" --timezone America/Mexico_City
  orchestrator export --out listings.csv --site lamudi
  orchestrator validate
  orchestrator dashboard                     # runs, market, data health and listings in the browser
  orchestrator menu                          # the same, as a numbered menu`;

/** The global options as arguments again, for a command the menu runs. */
function globalArgs(globals: GlobalOptions): string[] {
  return [...(globals.config ? ['--config', globals.config] : []), ...(globals.mirror ? ['--mirror'] : [])];
}

/** The full command name, e.g. "schedule create". */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let current: Command | null = command; current?.parent; current = current.parent) names.unshift(current.name());
  return names.join(' ');
}

export function buildProgram(): Command {
  const program = new Command('orchestrator')
    .description('Durable scraping of six Mexican real-estate portals on Temporal')
    .option('--config <file>', 'configuration file (default config/config.yaml)')
    .option('--mirror', 'work against the bundled local mirror of the portals (own database and task queue)')
    // Usage mistakes stay one line, like every other user error, with where to look.
    .configureOutput({ outputError: (text, write) => write(`${text.trimEnd()} (see --help)\n`) })
    .addHelpText('after', EXAMPLES)
    .exitOverride();
  const globals = () => program.opts<GlobalOptions>();
  program.hook('preAction', (_root, action) => {
    let config;
    try {
      config = loadAppConfig(globals());
    } catch {
      return; // the command itself reports a configuration that does not load (validate lists it)
    }
    openCliLog(config);
    logCommandStarted(commandPath(action), action.args, action.opts(), globals());
  });
  registerServerCommands(program, globals);
  registerClusterCommands(program, globals);
  registerWorkerCommand(program, globals);
  registerRunCommand(program, globals);
  registerStatusCommand(program, globals);
  registerListCommand(program, globals);
  registerWatchCommand(program, globals);
  registerCancelCommand(program, globals);
  registerRetryCommand(program, globals);
  registerReportCommand(program, globals);
  registerScheduleCommands(program, globals);
  registerValidateCommand(program, globals);
  registerExportCommand(program, globals);
  registerBackupCommands(program, globals);
  registerDashboardCommand(program, globals);
  registerParseCommand(program, globals);
  registerMenuCommand(program, (args) => runNested([...globalArgs(globals()), ...args]));
  return program;
}

/**
 * The exit code an error ends a command with, after telling the user: a usage error (commander
 * already printed it), a UserInputError (one line), or null for an unexpected error to rethrow.
 */
function reportError(error: unknown): number | null {
  return error instanceof CommanderError ? error.exitCode : reportCommandError(error);
}

/** A command run by the menu: its errors are reported and the menu goes on. */
async function runNested(args: string[]): Promise<number> {
  const outer = process.exitCode;
  process.exitCode = undefined;
  try {
    await buildProgram().parseAsync(args, { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (error) {
    const code = reportError(error);
    if (code !== null) return code;
    process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    return 70;
  } finally {
    process.exitCode = outer;
  }
}

export async function main(argv: string[] = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
    cliLog().info({ exitCode: Number(process.exitCode ?? 0) }, 'command finished');
  } catch (error) {
    const code = reportError(error);
    if (code === null) throw error;
    process.exitCode = code;
  }
}
