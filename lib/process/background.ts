/**
 * Servers this project starts in the background and finds again later: spawned detached with their
 * output in a log file (they outlive the command that started them), remembered by a pid file,
 * stopped by signal. Shared by the Temporal dev server, PostgreSQL and the Temporal cluster.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { ServerStartError, type ProcessExit } from './readiness';

/** The pid in the first line of a pid file (PostgreSQL's postmaster.pid has more lines); null when absent or not a pid. */
export function readPid(pidFile: string): number | null {
  if (!existsSync(pidFile)) return null;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0].trim());
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/**
 * Whether a process with this pid runs (signal 0 only checks). A zombie does not: it has ended
 * and waits only for its parent, or for init once orphaned, to collect its exit status, which
 * on a busy machine, or under a PID 1 that reaps slowly, takes seconds.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return !isZombie(pid);
}

/** Linux: the state field of /proc/<pid>/stat (after the command name, which may hold spaces) is Z. Elsewhere: never known. */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

/** The pid in the pid file when that process is still alive; null otherwise. */
export function livePid(pidFile: string): number | null {
  const pid = readPid(pidFile);
  return pid !== null && isAlive(pid) ? pid : null;
}

export interface StopSignals {
  /** The polite request; default SIGTERM. */
  first?: NodeJS.Signals;
  /** Sent when the process is still there after the grace time; default SIGKILL. */
  then?: NodeJS.Signals;
}

/** Send `first`, then `then` when the process is still there after graceMs; resolves once it is gone (or 10 s after `then`). */
export async function stopProcess(pid: number, graceMs: number, signals: StopSignals = {}): Promise<void> {
  try {
    process.kill(pid, signals.first ?? 'SIGTERM');
  } catch {
    return; // already gone
  }
  const deadline = Date.now() + graceMs;
  let escalated = false;
  while (isAlive(pid)) {
    if (!escalated && Date.now() > deadline) {
      try {
        process.kill(pid, signals.then ?? 'SIGKILL');
      } catch {
        return;
      }
      escalated = true;
    } else if (escalated && Date.now() > deadline + 10_000) {
      return;
    }
    await delay(100);
  }
}

export interface BackgroundSpawn {
  /** Named in errors ("the Temporal server at /path"). */
  what: string;
  command: string;
  args: string[];
  logFile: string;
  /** Written with the child's pid once it runs; none when the program writes its own (PostgreSQL). */
  pidFile?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run as this user and group (this process being root). */
  uid?: number;
  gid?: number;
}

export interface BackgroundProcess {
  pid: number;
  /** Settles when the process exits (or could not be started). */
  exited: Promise<ProcessExit>;
  /** Whether it has exited already. */
  hasExited(): boolean;
}

/**
 * Start a program detached from this process (its own process group, output appended to the log),
 * so that it keeps running after the command that started it ends. Throws ServerStartError when it
 * cannot be started at all (not executable, not found).
 */
export async function spawnInBackground(options: BackgroundSpawn): Promise<BackgroundProcess> {
  mkdirSync(dirname(options.logFile), { recursive: true });
  if (options.pidFile) mkdirSync(dirname(options.pidFile), { recursive: true });
  const log = openSync(options.logFile, 'a');
  let child;
  try {
    child = spawn(options.command, options.args, {
      detached: true,
      stdio: ['ignore', log, log],
      env: options.env ?? process.env,
      cwd: options.cwd,
      uid: options.uid,
      gid: options.gid,
    });
  } finally {
    closeSync(log);
  }
  let spawnError: Error | null = null;
  let done = false;
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
    child.once('error', (error) => {
      spawnError = error;
      done = true;
      resolve({ code: null, signal: null });
    });
  });
  if (child.pid === undefined) {
    // Not even started: Node reports that as an 'error' event.
    await exited;
    throw new ServerStartError(
      `${options.what} could not be started: ${(spawnError as Error | null)?.message ?? 'unknown reason'}`,
      null,
    );
  }
  child.unref();
  if (options.pidFile) writeFileSync(options.pidFile, `${child.pid}\n`);
  return { pid: child.pid, exited, hasExited: () => done };
}

/** Stop a process this project started (its pid file) and remove the file; what the file does not name is left alone. */
export async function stopByPidFile(
  pidFile: string,
  graceMs: number,
  signals: StopSignals = {},
): Promise<'stopped' | 'not-running'> {
  const pid = livePid(pidFile);
  if (pid === null) {
    rmSync(pidFile, { force: true });
    return 'not-running';
  }
  await stopProcess(pid, graceMs, signals);
  rmSync(pidFile, { force: true });
  return 'stopped';
}
