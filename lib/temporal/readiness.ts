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
import { Connection } from '@temporalio/client';
import { portAccepts, waitUntilReady, type WaitUntilReadyOptions } from '../process/readiness';

export { logTail, portAccepts, ServerStartError, type ProcessExit } from '../process/readiness';

export function splitAddress(address: string): { host: string; port: number } {
  const match = /^\[?(.*?)\]?:(\d+)$/.exec(address);
  if (!match || match[1] === '') throw new Error(`Temporal address "${address}" is not host:port`);
  return { host: match[1], port: Number(match[2]) };
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

export interface WaitForServerOptions extends Pick<
  WaitUntilReadyOptions,
  'exited' | 'logFile' | 'onProgress' | 'timeoutMs' | 'pollMs' | 'progressEveryMs' | 'tailLines'
> {
  address: string;
  /** Named in progress lines and errors. */
  pid: number | undefined;
}

/**
 * Wait until the frontend at `address` serves; resolve with the milliseconds waited. Rejects at
 * once, quoting the end of the log, when the process exits first, and after `timeoutMs` otherwise.
 */
export async function waitForServer(options: WaitForServerOptions): Promise<number> {
  const { address, pid } = options;
  return waitUntilReady({
    who: `the Temporal dev server${pid ? ` (pid ${pid})` : ''}`,
    where: `at ${address}`,
    probe: () => isServing(address, 1000),
    exited: options.exited,
    logFile: options.logFile,
    onProgress: options.onProgress,
    timeoutMs: options.timeoutMs,
    pollMs: options.pollMs,
    progressEveryMs: options.progressEveryMs,
    tailLines: options.tailLines,
    readyLine: (seconds) => `Temporal dev server answers at ${address} (after ${seconds} s).`,
  });
}
