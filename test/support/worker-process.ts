/**
 * `orchestrator worker` as a process of its own, as the reliability and multi-host tests start it:
 * a test can kill it with SIGKILL, stop it gracefully, and start another. It counts as started once
 * it polls the main task queue and every site queue, as the server sees it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { siteTaskQueue } from '../../lib/contract/names';
import { BIN } from './cli';
import { until } from './until';
import { isAlive } from '../../lib/process/background';

export interface WorkerProcess {
  /** The `orchestrator worker` process this test started. */
  readonly child: ChildProcess;
  readonly pid: number;
  /**
   * The process that polls Temporal, known once it polls: `pid` itself (bin/orchestrator execs the
   * worker), or a child of it, which kill-worker.test.ts refuses.
   */
  workerPid: number;
  readonly exited: Promise<number | null>;
  /** Whether the polling process still runs. */
  alive(): boolean;
  /** kill -9 of the polling process and of the one this test started, resolved once both are gone. */
  kill9(): Promise<void>;
  /** SIGTERM (graceful shutdown), resolved once the process is gone. */
  stop(): Promise<void>;
}

export interface WorkerStart {
  /** The scratch folder: the worker's output goes to worker-<n>.out in it. */
  dir: string;
  /** Arguments after the executable, e.g. `--config <yaml> worker`. */
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Where it runs (default: this process's cwd). */
  cwd?: string;
  /** A client of the worker's server, to see its pollers. */
  client: Client;
  namespace: string;
  taskQueue: string;
  /** The sites whose queues it must poll. */
  sites: string[];
  /** Names the worker in a timeout's message. */
  what: string;
  timeoutMs: number;
}

/** The parent pid of a process (Linux /proc), or null when it is gone. */
function parentPid(pid: number): number | null {
  try {
    return Number(
      readFileSync(`/proc/${pid}/stat`, 'utf8')
        .replace(/^.*\) /s, '')
        .split(' ')[1],
    );
  } catch {
    return null;
  }
}

/** What the workers started in `dir` printed (worker-<n>.out, in order). */
export function workerOutput(dir: string): string {
  return outputFiles(dir)
    .map((name) => readFileSync(join(dir, name), 'utf8'))
    .join('\n');
}

function outputFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => /^worker-\d+\.out$/.test(name))
    .sort((a, b) => Number(a.match(/\d+/)![0]) - Number(b.match(/\d+/)![0]));
}

/** Start the worker; resolves once it polls every queue, and fails with its output if it exits first. */
export async function startWorkerProcess(start: WorkerStart): Promise<WorkerProcess> {
  const log = openSync(join(start.dir, `worker-${outputFiles(start.dir).length + 1}.out`), 'a');
  const child = spawn(BIN, start.args, {
    ...(start.cwd ? { cwd: start.cwd } : {}),
    env: start.env,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))),
  );
  let gone = false;
  void exited.then(() => (gone = true));
  const worker: WorkerProcess = {
    child,
    pid: child.pid!,
    workerPid: child.pid!,
    exited,
    alive: () => isAlive(worker.workerPid),
    async kill9() {
      if (isAlive(worker.workerPid)) process.kill(worker.workerPid, 'SIGKILL');
      if (!gone) child.kill('SIGKILL');
      await exited;
      await until(`process ${worker.workerPid} gone`, () => !isAlive(worker.workerPid), 10_000);
    },
    async stop() {
      if (!gone) child.kill('SIGTERM');
      await exited;
      await until(`process ${worker.workerPid} gone`, () => !isAlive(worker.workerPid), 30_000).catch(() =>
        process.kill(worker.workerPid, 'SIGKILL'),
      );
    },
  };
  await untilPolling(worker, start);
  return worker;
}

/** Until the worker (or a child of it) polls the main queue (workflows and control activities) and every site queue. */
async function untilPolling(worker: WorkerProcess, start: WorkerStart): Promise<void> {
  const queues: Array<[string, 1 | 2]> = [
    [start.taskQueue, 1],
    [start.taskQueue, 2],
    ...start.sites.map((site): [string, 1 | 2] => [siteTaskQueue(start.taskQueue, site), 2]),
  ];
  await until(
    `${start.what} (pid ${worker.pid}) polling ${queues.length} queues`,
    async () => {
      const code = worker.child.exitCode;
      if (code !== null)
        throw new Error(
          `${start.what} exited with ${code} before polling; see ${start.dir}/worker-*.out:\n${workerOutput(start.dir).slice(-2000)}`,
        );
      for (const [name, taskQueueType] of queues) {
        const described = await start.client.workflowService
          .describeTaskQueue({ namespace: start.namespace, taskQueue: { name }, taskQueueType })
          .catch(() => null);
        const pids = (described?.pollers ?? []).map((poller) => Number(poller.identity?.split('@')[0]));
        const ours = pids.find((pid) => pid === worker.pid || parentPid(pid) === worker.pid);
        if (ours === undefined) return false;
        worker.workerPid = ours;
      }
      return true;
    },
    start.timeoutMs,
    200,
  );
}
