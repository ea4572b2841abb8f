/**
 * The CLI's own structured log (logs/cli.<date>.<n>.log): which command ran with which
 * arguments, how it ended, and every error with its stack, so an operator can reconstruct what
 * happened after the terminal is gone. Opened once the configuration is known (it names the
 * folder and level); until then, and when the configuration cannot load, lines go nowhere.
 */
import pino, { type Logger } from 'pino';
import type { GlobalOptions } from '../lib/config/profile';
import type { AppConfig } from '../lib/config/types';
import { UserInputError } from '../lib/errors';
import { openLogFile } from '../lib/logging/log-file';

let current: Logger = pino({ enabled: false });
let opened = false;

export function openCliLog(config: AppConfig): Logger {
  if (opened) return current;
  opened = true;
  current = openLogFile({ dir: config.logging.dir, name: 'cli', level: config.logging.level });
  return current;
}

/** The CLI's logger: the log file once opened, a silent logger before. */
export function cliLog(): Logger {
  return current;
}

/** The line every command run starts with in the log: the command, its arguments and options, the global options. */
export function logCommandStarted(
  command: string,
  args: readonly string[],
  options: Record<string, unknown>,
  globals: GlobalOptions,
): void {
  current.info({ command, args, options, globals }, 'command started');
}

/**
 * The exit code an error ends a command with, after telling the user: a UserInputError is one line
 * (exit 1); for anything else the log has it, with its stack, and null leaves the caller to print it.
 */
export function reportCommandError(error: unknown): number | null {
  if (error instanceof UserInputError) {
    process.stderr.write(`error: ${error.message}\n`);
    current.warn({ userError: error.message }, 'command refused');
    return 1;
  }
  current.error({ err: error }, 'command failed unexpectedly');
  return null;
}
