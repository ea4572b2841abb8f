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
  /** Subfolder, file stem and the `process` field of every line: worker, cli. */
  name: string;
  level: LogLevelName;
  /** Start a new file past this size (pino-roll syntax: '10m', '512k'). */
  maxSize?: string;
  /** Rolled files kept besides the current one, across restarts. */
  keep?: number;
}

export interface LogFile {
  logger: Logger;
  /** Settles once lines reach the file (opening it is asynchronous; lines written before wait in memory). */
  ready: Promise<void>;
}

export const DEFAULT_MAX_LOG_SIZE = '10m';
export const DEFAULT_KEPT_LOG_FILES = 14;
/** Date part of rolled file names; files of one day sort together. */
const DATE_FORMAT = 'yyyy-MM-dd';

/** The folder of a process kind's log files: logs/worker, logs/cli. */
export function logFolder(dir: string, name: string): string {
  return join(dir, name);
}

/**
 * A destination that holds lines until the rolling file is open. The logger exists at once, so
 * the Temporal runtime can be installed synchronously, before any connection creates a default one.
 */
class PendingDestination {
  private held: string[] = [];
  private target: { write(chunk: string): unknown } | null = null;
  private dropped = false;

  write(chunk: string): void {
    if (this.target) this.target.write(chunk);
    else if (!this.dropped) this.held.push(chunk);
  }

  attach(target: { write(chunk: string): unknown }): void {
    this.target = target;
    for (const chunk of this.held) target.write(chunk);
    this.held = [];
  }

  /** The file cannot be opened: say so once, on stderr, and drop the lines instead of growing forever. */
  fail(where: string, error: Error): void {
    this.dropped = true;
    this.held = [];
    process.stderr.write(`warning: cannot write logs to ${where}: ${error.message}\n`);
  }
}

export function openLogFile(options: LogFileOptions): LogFile {
  const folder = logFolder(options.dir, options.name);
  const destination = new PendingDestination();
  const ready = (async () => {
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
    destination.attach(stream);
  })().catch((error: Error) => destination.fail(folder, error));
  const logger = pino(
    {
      level: options.level,
      base: { pid: process.pid, process: options.name },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  return { logger, ready };
}
