/**
 * The process-wide Temporal runtime of a worker: its logs (the SDK's and the Rust core's,
 * forwarded) go to the rotated JSON files in logs/ (logs/worker.<date>.<n>.log) at the configured
 * level, instead of the terminal where the CLI draws progress; its metrics, and the project's own
 * (workers/interceptors.ts), are served to Prometheus on metrics.prometheus_port.
 *
 * The runtime is created once per process, by the first native connection: install it before any
 * NativeConnection or Worker exists, or the options here cannot apply.
 */
import { Runtime, type LogLevel, type RuntimeOptions } from '@temporalio/worker';
import type { Logger as PinoLogger } from 'pino';
import type { AppConfig } from '../lib/config/types';
import { openLogFile } from '../lib/logging/log-file';
import { PinoTemporalLogger } from '../lib/logging/temporal-logger';
import { PAGE_LATENCY_BUCKETS_MS, PAGE_LATENCY_METRIC } from '../lib/metrics/activity-metrics';

const CORE_LEVELS: Record<AppConfig['logging']['level'], LogLevel> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
};

export interface InstalledRuntime {
  /** 'installed' by this call; 'existing' when a runtime was already created (tests, a second call). */
  outcome: 'installed' | 'existing';
  /** The worker's log, also for lines the caller writes. */
  logger: PinoLogger | null;
  /** http://host:port/metrics when the Prometheus endpoint is up. */
  metricsUrl: string | null;
  /** The address the endpoint listens on (metrics.host), when it is up. */
  metricsHost: string | null;
}

let installed: InstalledRuntime | null = null;

/** Where the endpoint listens when metrics.host is not set: this machine only. */
export const DEFAULT_METRICS_HOST = '127.0.0.1';

/**
 * The endpoint listens on loopback unless the operator says otherwise (metrics.host,
 * ORCHESTRATOR_METRICS_HOST, e.g. 0.0.0.0 for a Prometheus on another machine): the metrics name
 * sites, task queues and error classes, which nobody else on the network needs to read.
 */
export function prometheusBindAddress(port: number, host: string = DEFAULT_METRICS_HOST): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** The URL to read the endpoint at from this machine (a wildcard address is reached through loopback). */
function metricsUrlOf(port: number, host: string): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}/metrics`;
}

function runtimeOptions(config: AppConfig, logger: PinoLogger, withMetrics: boolean): RuntimeOptions {
  const port = config.metrics.prometheusPort;
  return {
    logger: new PinoTemporalLogger(logger),
    telemetryOptions: {
      // Core's own messages (poll errors, task failures) reach the same file, at the same level.
      logging: { filter: { core: CORE_LEVELS[config.logging.level], other: 'WARN' }, forward: {} },
      ...(withMetrics && port !== null
        ? {
            metrics: {
              prometheus: {
                bindAddress: prometheusBindAddress(port, config.metrics.host),
                // Page activities take from tens of milliseconds to a minute of rate-limit waits.
                histogramBucketOverrides: { [PAGE_LATENCY_METRIC]: PAGE_LATENCY_BUCKETS_MS },
              },
            },
          }
        : {}),
    },
  };
}

/**
 * Install the runtime with the worker log and, when configured, the Prometheus endpoint. Call it
 * before the first NativeConnection: it acts synchronously, so a caller need not await anything.
 * Later calls return the first call's outcome.
 */
export function installRuntime(config: AppConfig): InstalledRuntime {
  if (installed) return installed;
  const logger = openLogFile({ dir: config.logging.dir, name: 'worker', level: config.logging.level });
  const port = config.metrics.prometheusPort;
  const host = config.metrics.host ?? DEFAULT_METRICS_HOST;
  try {
    Runtime.install(runtimeOptions(config, logger, true));
    if (port !== null) logger.info({ port, host }, 'Prometheus metrics on /metrics');
    installed = {
      outcome: 'installed',
      logger,
      metricsUrl: port === null ? null : metricsUrlOf(port, host),
      metricsHost: port === null ? null : host,
    };
  } catch (error) {
    const { name, message } = error as Error;
    if (name === 'IllegalStateError') {
      // A connection made before (tests) already created the runtime: keep it, and say so.
      logger.warn('a Temporal runtime already existed: its logger and metrics stay in force');
      installed = { outcome: 'existing', logger, metricsUrl: null, metricsHost: null };
    } else if (/prometheus/i.test(message)) {
      // Another worker on this machine holds the port (`orchestrator run` next to a worker):
      // scraping matters more than this process's metrics, which that worker's endpoint lacks.
      logger.warn({ port, err: error }, 'the Prometheus endpoint could not start; this process runs without metrics');
      Runtime.install(runtimeOptions(config, logger, false));
      installed = { outcome: 'installed', logger, metricsUrl: null, metricsHost: null };
    } else {
      throw error;
    }
  }
  return installed;
}
