/**
 * What a worker that bin/orchestrator launched finds in its environment, which its launcher
 * (workers/launch-settings.ts) put there: that it was launched so, its compiled code, its workflow
 * bundle, and its configuration, loaded and checked by the launcher. The worker reads the
 * configuration as the launcher handed it on, so it never loads the YAML parser, the schema and
 * zod, which its activities' thread would hold for as long as it runs (about 4 MB of heap, which
 * the old generation doubles). Nothing here loads more than this file.
 */
import { getHeapStatistics } from 'node:v8';
import type { GlobalOptions } from '../lib/config/profile';
import type { AppConfig } from '../lib/config/types';

/** Set in the worker's environment: it was started with these settings (workers/main.ts). */
export const WORKER_LAUNCHED_ENV = 'ORCHESTRATOR_WORKER_LAUNCHED';
/** Set in the worker's environment: the path of the prebuilt workflow bundle (workers/worker.ts). */
export const WORKFLOW_BUNDLE_ENV = 'ORCHESTRATOR_WORKFLOW_BUNDLE';
/** Set in the worker's environment: its configuration as JSON, loaded and checked by the launcher. */
export const WORKER_CONFIG_ENV = 'ORCHESTRATOR_WORKER_CONFIG';
/** Set in the worker's environment: the folder of its compiled code (workers/worker-code.ts), which bin/worker.js runs. */
export const WORKER_CODE_ENV = 'ORCHESTRATOR_WORKER_CODE';

export function heapLimitMb(): number {
  return Math.round(getHeapStatistics().heap_size_limit / 1024 / 1024);
}

/** Linux holds an environment string to 128 KiB: a configuration larger than this loads in the worker. */
const MAX_CONFIG_ENV_CHARS = 100_000;

/** The configuration for the worker's environment, when it fits there. */
export function configEnv(config: AppConfig): Record<string, string> {
  const json = JSON.stringify(config);
  return json.length <= MAX_CONFIG_ENV_CHARS ? { [WORKER_CONFIG_ENV]: json } : {};
}

/** The configuration the launcher handed on; null when it did not (not launched, or too large). */
export function launchedConfig(env: NodeJS.ProcessEnv = process.env): AppConfig | null {
  const json = env[WORKER_CONFIG_ENV];
  return json ? (JSON.parse(json) as AppConfig) : null;
}

/** The global options before the command, the command's name and what follows it. */
export function commandLine(args: string[]): { globals: GlobalOptions; command: string | null; rest: string[] } {
  const globals: GlobalOptions = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--mirror') globals.mirror = true;
    else if (arg === '--config') globals.config = args[++i];
    else if (arg.startsWith('--config=')) globals.config = arg.slice('--config='.length);
    else return { globals, command: arg, rest: args.slice(i + 1) };
  }
  return { globals, command: null, rest: [] };
}
