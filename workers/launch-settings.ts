/**
 * How `orchestrator worker` is launched (bin/worker-launcher.js runs this file in a short-lived
 * process, so the launcher itself loads nothing): the node flags that cap the heap at
 * security.system_limits.max_memory_mb, the environment that keeps native memory small, and a
 * workflow bundle built here, so the worker never loads webpack (about 150 MB it would keep).
 *
 *   node -r tsx/cjs workers/launch-settings.ts '{"config":"config/config.yaml","mirror":false}'
 *
 * prints one line of JSON: { "nodeFlags": [...], "env": {...} }.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { loadAppConfig } from '../lib/config/profile';
import type { AppConfig } from '../lib/config/types';

/** Set in the worker's environment: the path of the prebuilt workflow bundle (workers/worker.ts). */
export const WORKFLOW_BUNDLE_ENV = 'ORCHESTRATOR_WORKFLOW_BUNDLE';
/** V8's heap_size_limit is the old space plus the young generation: allow for the latter. */
const YOUNG_GENERATION_MB = 64;

export interface WorkerLaunchSettings {
  nodeFlags: string[];
  env: Record<string, string>;
}

export function heapLimitMb(): number {
  return Math.round(getHeapStatistics().heap_size_limit / 1024 / 1024);
}

/** The node flag that caps the heap at the configured limit, or null when it already holds. */
export function heapLimitFlag(config: AppConfig, currentMb = heapLimitMb()): string | null {
  const wanted = config.security.systemLimits.maxMemoryMb;
  return currentMb > wanted + YOUNG_GENERATION_MB ? `--max-old-space-size=${wanted}` : null;
}

/**
 * The workflows bundled once, into storage.temp_dir under a name from their content: workers
 * started from the same code share the file, and a worker reads it only while it starts.
 */
export async function buildWorkflowBundle(config: AppConfig): Promise<string> {
  const { bundleWorkflowCode, DefaultLogger } = await import('@temporalio/worker');
  // Warnings only, on stderr: stdout carries the settings to the launcher.
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    logger: new DefaultLogger('WARN'),
  });
  const file = join(
    config.storage.tempDir,
    `workflow-bundle-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.js`,
  );
  mkdirSync(config.storage.tempDir, { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, code);
  renameSync(partial, file);
  return file;
}

export async function workerLaunchSettings(config: AppConfig): Promise<WorkerLaunchSettings> {
  const flag = heapLimitFlag(config);
  return {
    // Semi-spaces of 8 MB instead of 16 for the activities' thread: 16 cost about 60 MiB more RSS for
    // no more pages per minute. 4 MB saved no RSS we could measure against 8 in `npm run bench` at
    // N = 5,000 (583–625 MiB against 596–618 for the whole engine, 3–4 runs each), and cost CPU: 6.23–6.43
    // against 6.19–6.22 s per 1,000 pages. The parser thread, whose page trees live until parsed,
    // sizes its own young generation (scrapers/parser-thread.ts).
    // The old generation grows 2× its live size after a full collection: V8 scales that factor with
    // the heap's cap, and under a cap of 256 MB it lets the heap grow only 1.1×, so a capped worker
    // ran a full collection every few MB promoted. This flag is process-wide (the parser and workflow
    // threads too). `npm run bench` at N = 5,000: about 10 % less worker CPU, for about 60 MiB more
    // RSS; parsing the fixture pages 300 times on one thread, 0.90 → 0.81 ms a page, 117 → 123 MiB.
    nodeFlags: [...(flag ? [flag] : []), '--max-semi-space-size=8', '--heap-growing-percent=100'],
    // The core's threads each get a malloc arena of their own by default: two keep RSS near the heap.
    env: {
      MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2',
      [WORKFLOW_BUNDLE_ENV]: await buildWorkflowBundle(config),
    },
  };
}

if (require.main === module) {
  (async () => {
    const globals = JSON.parse(process.argv[2] ?? '{}') as { config?: string; mirror?: boolean };
    process.stdout.write(`${JSON.stringify(await workerLaunchSettings(loadAppConfig(globals)))}\n`);
  })().catch((error: unknown) => {
    // The worker command, run the ordinary way, reports a configuration mistake as every command does.
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
}
