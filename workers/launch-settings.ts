/**
 * How `orchestrator worker` is launched: the node flags that cap the heap at
 * security.system_limits.max_memory_mb, the environment that keeps native memory small, a
 * workflow bundle built here, so the worker never loads webpack (about 150 MB it would keep), and
 * the worker's own code compiled here, so it never loads tsx (workers/worker-code.ts).
 * bin/orchestrator asks for them in a short-lived process (bin/worker-launch.js) and execs the
 * command line it gets with bin/worker.js, so the process the operator started is the worker itself:
 *
 *   node bin/worker-launch.js --config config/config.yaml worker
 *
 * prints `env 'ORCHESTRATOR_WORKER_LAUNCHED=1' 'MALLOC_ARENA_MAX=2' … '/usr/bin/node'
 * '--max-old-space-size=256' …`, or nothing when the arguments start no worker.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAppConfig } from '../lib/config/profile';
import type { AppConfig } from '../lib/config/types';
import {
  commandLine,
  configEnv,
  heapLimitMb,
  WORKER_CODE_ENV,
  WORKER_LAUNCHED_ENV,
  WORKFLOW_BUNDLE_ENV,
} from './launched';
import { buildWorkerCode } from './worker-code';
import { slimWorkflowBundle } from './workflow-bundle';

/** V8's heap_size_limit is the old space plus the young generation: allow for the latter. */
const YOUNG_GENERATION_MB = 64;

export interface WorkerLaunchSettings {
  nodeFlags: string[];
  env: Record<string, string>;
}

/** The node flag that caps the heap at the configured limit, or null when it already holds. */
export function heapLimitFlag(config: AppConfig, currentMb = heapLimitMb()): string | null {
  const wanted = config.security.systemLimits.maxMemoryMb;
  return currentMb > wanted + YOUNG_GENERATION_MB ? `--max-old-space-size=${wanted}` : null;
}

/**
 * The workflows bundled once, into storage.temp_dir under a name from their content: workers
 * started from the same code share the file, and a worker reads it only while it starts. The
 * bundle is made lighter for the workflow thread, which keeps it (workers/workflow-bundle.ts).
 */
export async function buildWorkflowBundle(config: AppConfig): Promise<string> {
  const { bundleWorkflowCode, DefaultLogger } = await import('@temporalio/worker');
  // Warnings only, on stderr: stdout carries the settings to the launcher.
  const bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    logger: new DefaultLogger('WARN'),
  });
  const code = slimWorkflowBundle(bundle.code);
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
  // Side by side: webpack bundles on this thread while esbuild compiles in a process of its own.
  const [workflowBundle, workerCode] = await Promise.all([buildWorkflowBundle(config), compiledWorkerCode()]);
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
    // Code a thread has not run since its last full collection is dropped at the next one
    // (`--bytecode-old-age=1`; V8 waits for 5), its baseline machine code with it
    // (`--flush-baseline-code`, without which V8 keeps any function that has some): start-up code,
    // configuration checks and the CLI's, which the old generation would otherwise carry, and double,
    // for most of a batch. Recompiled on demand if it runs again. Runs of ours alone in
    // `npm run bench` at N = 5,000: the whole engine 502–509 → 487–493 MiB (3 runs each, alternated),
    // CPU per page the same within the noise; either flag alone saved 2–5 MiB.
    nodeFlags: [
      ...(flag ? [flag] : []),
      '--max-semi-space-size=8',
      '--heap-growing-percent=100',
      '--bytecode-old-age=1',
      '--flush-baseline-code',
    ],
    // The core's threads each get a malloc arena of their own by default: two keep RSS near the heap.
    env: {
      [WORKER_LAUNCHED_ENV]: '1',
      MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2',
      [WORKFLOW_BUNDLE_ENV]: workflowBundle,
      ...configEnv(config),
      ...workerCode,
    },
  };
}

/**
 * The worker's code compiled (workers/worker-code.ts), or nothing when it cannot be written: the
 * worker then runs its TypeScript through tsx, as the CLI does, and says so here, on stderr.
 */
async function compiledWorkerCode(): Promise<Record<string, string>> {
  try {
    return { [WORKER_CODE_ENV]: await buildWorkerCode() };
  } catch (error) {
    process.stderr.write(
      `warning: the worker runs its TypeScript through tsx (more memory): cannot compile it ahead: ${(error as Error).message}\n`,
    );
    return {};
  }
}

/** One word for sh, whatever it holds: single-quoted, each ' written as '\''. */
export function shellWord(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}

/**
 * The command line that starts the worker under its settings, up to the script to run, in words
 * for sh; null when `args` start no worker: another command, `worker` with anything after it (--help,
 * or a mistake, which the CLI reports), or a configuration that does not load (the command then
 * reports that as every command does).
 */
export async function workerLaunchCommand(args: string[], nodePath = process.execPath): Promise<string | null> {
  const { globals, command, rest } = commandLine(args);
  if (command !== 'worker' || rest.length > 0) return null;
  let config: AppConfig;
  try {
    config = loadAppConfig(globals);
  } catch {
    return null;
  }
  const { env, nodeFlags } = await workerLaunchSettings(config);
  return ['env', ...Object.entries(env).map(([key, value]) => `${key}=${value}`), nodePath, ...nodeFlags]
    .map(shellWord)
    .join(' ');
}

/** bin/worker-launch.js: print the command line, or nothing. */
export async function printWorkerLaunch(args: string[]): Promise<void> {
  const line = await workerLaunchCommand(args);
  if (line) process.stdout.write(`${line}\n`);
}
