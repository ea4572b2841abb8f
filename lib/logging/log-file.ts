/**
 * Structured JSON logs (pino) in the logs folder, one subfolder per process kind (worker, cli),
 * rotated daily and by size so a long-running worker never fills the disk:
 *   logs/worker/worker.2025-11-28.1.log, logs/worker/worker.2025-11-28.2.log (past max size), …
 * (lib/logging/rolling-file.ts). Each kind has its own folder, which holds its files only.
 */
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import type { AppConfig } from '../config/types';
import { RollingFile } from './rolling-file';

export type LogLevelName = AppConfig['logging']['level'];

export interface LogFileOptions {
  dir: string;
  /** Subfolder, file stem and the `process` field of every line: worker, cli. */
  name: string;
  level: LogLevelName;
  /** Start a new file once the current one has this many bytes. */
  maxBytes?: number;
  /** Rolled files kept besides the current one, across restarts. */
  keep?: number;
}

export const DEFAULT_MAX_LOG_BYTES = 10 * 1024 * 1024;
export const DEFAULT_KEPT_LOG_FILES = 14;

/** The folder of a process kind's log files: logs/worker, logs/cli. */
export function logFolder(dir: string, name: string): string {
  return join(dir, name);
}

/** Where lines go when the log file cannot be opened or written: said once, on stderr, then dropped. */
function failedDestination(where: string, error: Error): { write(chunk: string): void } {
  process.stderr.write(`warning: cannot write logs to ${where}: ${error.message}\n`);
  return { write: () => undefined };
}

/** The logger of a process kind, writing to its rolling file; the file is open when this returns. */
export function openLogFile(options: LogFileOptions): Logger {
  const folder = logFolder(options.dir, options.name);
  let destination: { write(chunk: string): void };
  try {
    const file = new RollingFile({
      folder,
      stem: options.name,
      maxBytes: options.maxBytes ?? DEFAULT_MAX_LOG_BYTES,
      keep: options.keep ?? DEFAULT_KEPT_LOG_FILES,
    });
    let failed = false;
    destination = {
      write(chunk) {
        if (failed) return;
        try {
          file.write(chunk);
        } catch (error) {
          // A full disk or a folder removed under a running worker: the work goes on without its log.
          failed = true;
          failedDestination(folder, error as Error);
        }
      },
    };
  } catch (error) {
    destination = failedDestination(folder, error as Error);
  }
  return pino(
    {
      level: options.level,
      base: { pid: process.pid, process: options.name },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
