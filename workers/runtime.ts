/**
 * The Temporal runtime's logs (worker state, task failures) go to logs/worker.log as JSON lines,
 * at the configured level, instead of the terminal where the CLI draws progress.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { AppConfig } from '../lib/config/types';

const LEVELS: Record<AppConfig['logging']['level'], LogLevel> = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' };
let installed = false;

export function installRuntime(config: AppConfig, fileName = 'worker.log'): void {
  if (installed) return;
  installed = true;
  mkdirSync(config.logging.dir, { recursive: true });
  const file = join(config.logging.dir, fileName);
  const logger = new DefaultLogger(LEVELS[config.logging.level], ({ level, message, meta, timestampNanos }) => {
    const time = new Date(Number(timestampNanos / 1_000_000n)).toISOString();
    appendFileSync(file, `${JSON.stringify({ time, level, message, ...meta })}\n`);
  });
  try {
    Runtime.install({ logger });
  } catch (error) {
    // A connection made before (tests) already created the runtime: keep its logger.
    if ((error as Error).name !== 'IllegalStateError') throw error;
  }
}
