/**
 * Structured JSON logs (pino) in the logs folder, one subfolder per process kind (worker, cli),
 * rotated daily and by size so a long-running worker never fills the disk:
 *   logs/worker/worker.2025-11-28.1.log, logs/worker/worker.2025-11-28.2.log (past max size), …
 * Each kind has its own folder because pino-roll numbers a new file after the highest number
 * of any file in the folder (the dev server's temporal-server-7233.log would make it 7234).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import pinoRoll from 'pino-roll';
import type { AppConfig } from '../config/types';

export type LogLevelName = AppConfig['logging']['level'];

export interface LogFileOptions {
  dir: string;
  /** File stem and the `process` field of every line: worker, cli. */
  name: string;
  level: LogLevelName;
  /** Start a new file past this size (pino-roll syntax: '10m', '512k'). */
  maxSize?: string;
  /** Rolled files kept besides the current one, across restarts. */
  keep?: number;
}

export const DEFAULT_MAX_LOG_SIZE = '10m';
export const DEFAULT_KEPT_LOG_FILES = 14;
/** Date part of rolled file names; files of one day sort together. */
const DATE_FORMAT = 'yyyy-MM-dd';

export async function openLogFile(options: LogFileOptions): Promise<Logger> {
  const folder = logFolder(options.dir, options.name);
  mkdirSync(folder, { recursive: true });
  const stream = await pinoRoll({
    file: join(folder, options.name),
    extension: '.log',
    frequency: 'daily',
    dateFormat: DATE_FORMAT,
    size: options.maxSize ?? DEFAULT_MAX_LOG_SIZE,
    limit: { count: options.keep ?? DEFAULT_KEPT_LOG_FILES, removeOtherLogFiles: true },
    mkdir: true,
    // Synchronous writes: a crash or process.exit never loses the lines that explain it, and
    // log volume (a line per page at most) is far below what that costs.
    sync: true,
  });
  return pino(
    {
      level: options.level,
      base: { pid: process.pid, process: options.name },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    stream,
  );
}

/** The folder of a process kind's log files: logs/worker, logs/cli. */
export function logFolder(dir: string, name: string): string {
  return join(dir, name);
}
