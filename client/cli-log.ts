/**
 * The CLI's own structured log (logs/cli.<date>.<n>.log): which command ran with which
 * arguments, how it ended, and every error with its stack, so an operator can reconstruct what
 * happened after the terminal is gone. Opened once the configuration is known (it names the
 * folder and level); until then, and when the configuration cannot load, lines go nowhere.
 */
import pino, { type Logger } from 'pino';
import type { AppConfig } from '../lib/config/types';
import { openLogFile } from '../lib/logging/log-file';

let current: Logger = pino({ enabled: false });
let opened = false;

export function openCliLog(config: AppConfig): Logger {
  if (opened) return current;
  opened = true;
  current = openLogFile({ dir: config.logging.dir, name: 'cli', level: config.logging.level }).logger;
  return current;
}

/** The CLI's logger: the log file once opened, a silent logger before. */
export function cliLog(): Logger {
  return current;
}
