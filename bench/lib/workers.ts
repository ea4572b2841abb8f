/**
 * Worker processes as an operator starts them (`orchestrator --config <file> worker`), and the wait
 * until they poll their queues: shared by every bench run that drives our engine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { loadAppConfig } from '../../lib/config/profile';
import { UserInputError } from '../../lib/errors';
import { workerLaunchSettings } from '../../workers/launch-settings';
import { childEnv } from './config';

const ROOT = join(__dirname, '..', '..');

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  /** Its stdout and stderr, together. */
  logFile: string;
  /** Resolves once its output is all in logFile. */
  logClosed: Promise<void>;
  spawnedAt: number;
  exitedAt: number | null;
  exited: Promise<number | null>;
}

/**
 * A worker process as an operator starts one: `orchestrator --config <file> worker` (bin/orchestrator,
 * which execs Node with the worker's settings: the pid spawned is the worker's). The bench's own
 * Node options (the memory probe, --worker-node-options) go in NODE_OPTIONS, which reach the worker
 * and not the short-lived process that works out its settings.
 */
export async function spawnWorker(
  configPath: string,
  mirrorUrl: string,
  logFile: string,
  memFile: string,
  profileDir?: string,
  extraEnv: Record<string, string> = {},
): Promise<WorkerProcess> {
  const args = ['--config', configPath, 'worker'];
  const nodeOptions = [
    `--require=${join(__dirname, 'mem-probe.js')}`,
    ...(extraEnv.NODE_OPTIONS ? [extraEnv.NODE_OPTIONS] : []),
  ];
  // Node refuses --cpu-prof in NODE_OPTIONS: a profiled worker starts as bin/orchestrator would
  // exec it, with the flags added.
  const launch = profileDir ? await workerLaunchSettings(loadAppConfig({ config: configPath })) : null;
  const [command, commandArgs] = launch
    ? [
        process.execPath,
        [...launch.nodeFlags, '--cpu-prof', `--cpu-prof-dir=${profileDir}`, join(ROOT, 'bin', 'worker.js'), ...args],
      ]
    : [join(ROOT, 'bin', 'orchestrator'), args];
  const child = spawn(command, commandArgs, {
    cwd: ROOT,
    env: childEnv({
      ...launch?.env,
      ORCHESTRATOR_MIRROR_URL: mirrorUrl,
      ORCHESTRATOR_METRICS_PORT: 'off',
      BENCH_MEM_PROBE: memFile,
      ...extraEnv,
      NODE_OPTIONS: nodeOptions.join(' '),
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Both streams into one file, which neither may end: the other's last lines would be written after
  // its end, and the bench would die of that instead of saying why the worker stopped.
  const out = createWriteStream(logFile);
  child.stdout.pipe(out, { end: false });
  child.stderr.pipe(out, { end: false });
  const logClosed = new Promise<void>((resolve) => child.once('close', () => out.end(resolve)));
  const worker: WorkerProcess = {
    child,
    pid: child.pid ?? 0,
    logFile,
    logClosed,
    spawnedAt: Date.now(),
    exitedAt: null,
    exited: Promise.resolve(null),
  };
  worker.exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      worker.exitedAt = performance.timeOrigin + performance.now();
      resolve(code);
    }),
  );
  if (!child.pid) throw new Error('the worker process did not start');
  return worker;
}

async function pollerCount(
  client: Client,
  namespace: string,
  taskQueue: string,
  type: 'workflow' | 'activity',
): Promise<number> {
  const response = await client.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name: taskQueue },
    taskQueueType:
      type === 'workflow'
        ? temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW
        : temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
  });
  return new Set((response.pollers ?? []).map((p) => p.identity)).size;
}

/** The last lines of a worker's log: why it stopped, as it said it. */
function logTail(worker: WorkerProcess, lines = 8): string {
  try {
    return readFileSync(worker.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Resolve once every worker polls the main queue and every site queue; fail as soon as one of them exits. */
export async function waitForPollers(
  client: Client,
  namespace: string,
  queues: Array<{ name: string; type: 'workflow' | 'activity' }>,
  workers: WorkerProcess[],
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const exited = workers.find((w) => w.exitedAt !== null);
    if (exited) {
      await exited.logClosed;
      // Most often its options or environment (--worker-node-options, --worker-env): its own words say which.
      throw new UserInputError(
        `worker ${exited.pid} exited with code ${exited.child.exitCode ?? exited.child.signalCode} before it polled; the end of its log:\n${logTail(exited)}`,
      );
    }
    const counts = await Promise.all(queues.map((q) => pollerCount(client, namespace, q.name, q.type)));
    if (counts.every((c) => c >= workers.length)) return;
    if (Date.now() > deadline)
      throw new Error(
        `workers not polling after ${timeoutMs / 1000} s: ${JSON.stringify(queues.map((q, i) => [q.name, counts[i]]))}`,
      );
    await delay(100);
  }
}

/** Stop workers gracefully (SIGINT: the store closed, CPU profiles written); SIGKILL what still runs after `graceMs`. */
export async function stopWorkers(workers: WorkerProcess[], graceMs = 90_000): Promise<void> {
  for (const worker of workers) if (isRunning(worker)) worker.child.kill('SIGINT');
  // Unref'd: a pending timer would hold the bench's exit for the whole grace after workers that stopped at once.
  await Promise.race([Promise.all(workers.map((w) => w.exited)), delay(graceMs, undefined, { ref: false })]);
  killWorkers(workers);
}

/** SIGKILL every worker still running. */
export function killWorkers(workers: WorkerProcess[]): void {
  for (const worker of workers) if (isRunning(worker)) worker.child.kill('SIGKILL');
}

function isRunning(worker: WorkerProcess): boolean {
  return worker.child.exitCode === null && worker.child.signalCode === null;
}
