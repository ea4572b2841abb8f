/**
 * Whether a Temporal frontend serves at an address, and waiting until a starting one does.
 *
 * Why not `Connection.connect` in a loop (what this replaced): grpc-js keeps one subchannel per
 * address for the whole process (its global subchannel pool), and `Connection.connect` leaves the
 * channel of a failed attempt open, so that subchannel is never released and its reconnect backoff
 * (1 s × 1.6ⁿ with ±20 % jitter, up to 120 s) carries over from one probe to the next. A probe every
 * 250 ms then really tried the port at about 0, 1, 2.6, 5, 9, 16, 26, 43, 70, 113 s: a server that
 * served after 20 s was seen after 26–34 s, and one that needed a minute (a first start creating
 * its database on a disk still busy with the CLI's build) was next tried after the 90 s limit.
 *
 * Here a probe is a plain TCP connect first (a refused port answers at once and has no backoff),
 * then, only when the port accepts, one gRPC call on a channel with its own subchannel pool, closed
 * whatever happens. Waiting polls that every 200 ms, so a server is seen within a fraction of a
 * second of serving, however long it took to start.
 */
import { readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { UserInputError } from '../errors';

export function splitAddress(address: string): { host: string; port: number } {
  const match = /^\[?(.*?)\]?:(\d+)$/.exec(address);
  if (!match || match[1] === '') throw new Error(`Temporal address "${address}" is not host:port`);
  return { host: match[1], port: Number(match[2]) };
}

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

/** True when a Temporal frontend answers at address (GetSystemInfo). Never throws. */
export async function isServing(address: string, timeoutMs = 1500): Promise<boolean> {
  let target: { host: string; port: number };
  try {
    target = splitAddress(address);
  } catch {
    return false;
  }
  if (!(await portAccepts(target.host, target.port, timeoutMs))) return false;
  // lazy + ensureConnected rather than connect(): connect() never closes the channel it made when
  // the call fails, and that open channel is what kept the shared subchannel (and its backoff) alive.
  const connection = Connection.lazy({
    address,
    connectTimeout: timeoutMs,
    channelArgs: { 'grpc.use_local_subchannel_pool': 1 },
  });
  try {
    await connection.ensureConnected();
    return true;
  } catch {
    return false;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** How the watched process ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface WaitForServerOptions {
  address: string;
  /** Settles when the server process exits: waiting stops at once. */
  exited: Promise<ProcessExit>;
  /** Named in progress lines and errors. */
  pid: number | undefined;
  /** The server's log, whose end is quoted when it fails. */
  logFile: string;
  onProgress: (line: string) => void;
  /** A server still not serving after this long is given up on; it may be a first start on a fresh database. */
  timeoutMs: number;
  /** Time between two probes. */
  pollMs?: number;
  /** Time between two "still starting" lines. */
  progressEveryMs?: number;
  /** Quoted from the log on failure. */
  tailLines?: number;
}

/**
 * Why a started server did not come up: it exited, or it never answered. Something for the user
 * to act on (a port in use, a broken CLI), so the CLI prints it as `error: …` with the log's end, not a stack.
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

/**
 * Wait until the frontend at `address` serves; resolve with the milliseconds waited. Rejects at
 * once, quoting the end of the log, when the process exits first, and after `timeoutMs` otherwise.
 */
export async function waitForServer(options: WaitForServerOptions): Promise<number> {
  const { address, pid, logFile, onProgress, timeoutMs } = options;
  const pollMs = options.pollMs ?? 200;
  const progressEveryMs = options.progressEveryMs ?? 10_000;
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 1000);
  const who = `the Temporal dev server${pid ? ` (pid ${pid})` : ''}`;

  let exit: ProcessExit | null = null;
  const exitedFirst = options.exited.then((value) => {
    exit = value;
    return 'exited' as const;
  });
  let nextProgress = started + progressEveryMs;
  for (;;) {
    // A probe takes at most ~timeout of its own; the exit is noticed without waiting for it.
    if ((await Promise.race([isServing(address, 1000), exitedFirst])) === true) break;
    if (exit) {
      throw new ServerStartError(
        `${who} exited (${describeExit(exit)}) ${seconds()} s after it was started, before it answered at ${address}; the end of ${logFile}:\n${logTail(logFile, options.tailLines)}`,
        exit,
      );
    }
    if (Date.now() - started > timeoutMs) {
      throw new ServerStartError(
        `${who} did not answer at ${address} within ${Math.round(timeoutMs / 1000)} s; the end of ${logFile}:\n${logTail(logFile, options.tailLines)}`,
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
  onProgress(`Temporal dev server answers at ${address} (after ${(waited / 1000).toFixed(1)} s).`);
  return waited;
}

function describeExit(exit: ProcessExit): string {
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
}

/** The last lines of a log, each cut to a readable length (the server logs long JSON lines). */
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
