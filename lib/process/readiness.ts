/**
 * Waiting until a server this project started answers: a real probe polled with a deadline, given
 * up at once when the process exits first, with the end of its log quoted when it fails.
 */
import { readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { UserInputError } from '../errors';

/** True when something accepts TCP connections at host:port (a refusal or a silent host: false). */
export function portAccepts(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const finish = (accepted: boolean) => {
      socket.destroy();
      resolve(accepted);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

/** How the watched process ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Why a started server did not come up: it exited, or it never answered. Something for the user
 * to act on (a port in use, a broken binary), so the CLI prints it as `error: …` with the log's end, not a stack.
 */
export class ServerStartError extends UserInputError {
  constructor(
    message: string,
    readonly exit: ProcessExit | null,
  ) {
    super(message);
    this.name = 'ServerStartError';
  }
}

export interface WaitUntilReadyOptions {
  /** Who is waited for, as a sentence starts: "the Temporal dev server (pid 12)". */
  who: string;
  /** Where it should answer, for messages: "at 127.0.0.1:7233". */
  where: string;
  /** One attempt to reach it; true once it serves. Must not throw. */
  probe: () => Promise<boolean>;
  /** Settles when the server process exits: waiting stops at once. */
  exited: Promise<ProcessExit>;
  /** The server's log, whose end is quoted when it fails. */
  logFile: string;
  onProgress: (line: string) => void;
  /** A server still not serving after this long is given up on. */
  timeoutMs: number;
  /** Time between two probes. */
  pollMs?: number;
  /** Time between two "still starting" lines. */
  progressEveryMs?: number;
  /** Quoted from the log on failure. */
  tailLines?: number;
  /** The line printed once it answers; default: "<Who> answers <where> (after N s)." */
  readyLine?: (seconds: string) => string;
}

/**
 * Wait until `probe` succeeds; resolve with the milliseconds waited. Rejects at once, quoting the
 * end of the log, when the process exits first, and after `timeoutMs` otherwise.
 */
export async function waitUntilReady(options: WaitUntilReadyOptions): Promise<number> {
  const { who, where, probe, logFile, onProgress, timeoutMs } = options;
  const pollMs = options.pollMs ?? 200;
  const progressEveryMs = options.progressEveryMs ?? 10_000;
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 1000);

  let exit: ProcessExit | null = null;
  const exitedFirst = options.exited.then((value) => {
    exit = value;
    return 'exited' as const;
  });
  let nextProgress = started + progressEveryMs;
  for (;;) {
    // A probe takes at most ~its own timeout; the exit is noticed without waiting for it.
    if ((await Promise.race([probe(), exitedFirst])) === true) break;
    if (exit) {
      throw new ServerStartError(
        `${who} exited (${describeExit(exit)}) ${seconds()} s after it was started, before it answered ${where}; the end of ${logFile}:\n${logTail(logFile, options.tailLines)}`,
        exit,
      );
    }
    if (Date.now() - started > timeoutMs) {
      throw new ServerStartError(
        `${who} did not answer ${where} within ${Math.round(timeoutMs / 1000)} s; the end of ${logFile}:\n${logTail(logFile, options.tailLines)}`,
        null,
      );
    }
    if (Date.now() >= nextProgress) {
      onProgress(`… ${who} is still starting (${seconds()} s); its log: ${logFile}`);
      nextProgress += progressEveryMs;
    }
    await Promise.race([delay(pollMs), exitedFirst]);
  }
  const waited = Date.now() - started;
  const after = (waited / 1000).toFixed(1);
  onProgress(options.readyLine ? options.readyLine(after) : `${capitalize(who)} answers ${where} (after ${after} s).`);
  return waited;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function describeExit(exit: ProcessExit): string {
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
}

/** The last lines of a log, each cut to a readable length (servers log long JSON lines). */
export function logTail(file: string, lines = 15): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return '  (no log was written)';
  }
  const last = text.trimEnd().split('\n').slice(-lines);
  if (last.length === 0 || (last.length === 1 && last[0] === '')) return '  (the log is empty)';
  return last.map((line) => `  ${line.length > 400 ? `${line.slice(0, 400)} …` : line}`).join('\n');
}
