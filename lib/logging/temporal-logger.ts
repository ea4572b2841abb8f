/**
 * The Temporal SDK's Logger interface over a pino logger, so the runtime's own messages (worker
 * state, failed tasks, forwarded Rust core logs) land in the same JSON files as ours.
 */
import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import type { Logger as PinoLogger } from 'pino';

const PINO_METHOD: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * Temporal attaches metadata such as `sdkComponent`, `taskQueue` or an `error` object; pino's
 * serializers turn an Error under `err` into message and stack, so errors move there.
 */
function toBindings(meta: LogMetadata | undefined): Record<string, unknown> {
  if (!meta) return {};
  const { error, ...rest } = meta as Record<string, unknown>;
  return error instanceof Error ? { ...rest, err: error } : error === undefined ? rest : { ...rest, error };
}

export class PinoTemporalLogger implements TemporalLogger {
  constructor(private readonly pino: PinoLogger) {}

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    this.pino[PINO_METHOD[level] ?? 'info'](toBindings(meta), message);
  }

  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }

  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }

  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }

  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }

  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}
