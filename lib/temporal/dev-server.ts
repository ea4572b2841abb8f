/**
 * The embedded Temporal dev server: started on loopback with SQLite persistence and the Web UI,
 * reused when one already answers, prepared with the project's search attributes and a retention
 * long enough to inspect last week's batches.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { isAlive, readPid, spawnInBackground, stopProcess } from '../process/background';
import { prepareNamespace, SEARCH_ATTRIBUTES } from './namespace';
import { DEV_SERVER_DYNAMIC_CONFIG } from './server-settings';
import { isServing, splitAddress, waitForServer } from './readiness';

export { isServing } from './readiness';

export interface DevServerSettings {
  /** host:port of the frontend (gRPC). */
  address: string;
  namespace: string;
  uiPort: number;
  /** SQLite file of the server; null → in memory (tests that need no persistence). */
  dbFile: string | null;
  retentionHours: number;
}

export interface DevServerFiles {
  cliPath: string;
  logFile: string;
  pidFile: string;
}

export interface StartResult {
  reused: boolean;
  pid: number | null;
}

export interface StartOptions {
  /**
   * How long a started server may take to answer. Its first start on a fresh database creates the
   * schema, which on a busy disk can take minutes: the limit is only there so that a server that
   * hangs without exiting cannot hold a run (or CI) forever. A server that exits fails at once.
   */
  timeoutMs?: number;
  /** Progress while it starts (a line at once, one every 10 s, one when it answers); default: stderr. */
  onProgress?: (line: string) => void;
}

export const DEFAULT_START_TIMEOUT_MS = 10 * 60_000;

/**
 * Start the dev server in the background (it outlives this process) unless one already answers.
 * Waits until it serves, then registers search attributes and retention.
 */
export async function startDevServer(
  settings: DevServerSettings,
  files: DevServerFiles,
  options: StartOptions = {},
): Promise<StartResult> {
  const onProgress = options.onProgress ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (await isServing(settings.address)) {
    await prepareNamespace(settings);
    return { reused: true, pid: readPid(files.pidFile) };
  }
  const { host, port } = splitAddress(settings.address);
  const args = [
    'server',
    'start-dev',
    '--ip',
    host,
    '--port',
    String(port),
    '--namespace',
    settings.namespace,
    '--ui-port',
    String(settings.uiPort),
    '--log-format',
    'json',
    '--log-level',
    'warn',
    ...Object.entries(DEV_SERVER_DYNAMIC_CONFIG).flatMap(([key, value]) => [
      '--dynamic-config-value',
      `${key}=${value}`,
    ]),
    ...SEARCH_ATTRIBUTES.flatMap((name) => ['--search-attribute', `${name}=Keyword`]),
  ];
  const freshDatabase = settings.dbFile !== null && !existsSync(settings.dbFile);
  if (settings.dbFile) {
    mkdirSync(dirname(settings.dbFile), { recursive: true });
    args.push('--db-filename', settings.dbFile);
  }
  const child = await spawnInBackground({
    what: `the Temporal CLI at ${files.cliPath}`,
    command: files.cliPath,
    args,
    logFile: files.logFile,
    pidFile: files.pidFile,
    // GOGC 25 (Go's default is 100): the server's heap grows to 1.25× its live data instead of 2×
    // before a collection. In `npm run bench` at N = 5,000, 50 kept 22–33 MiB less resident than 100,
    // and 25 another 10 (137–143 MiB against 146–152, three alternated runs each) for 0.03 s more
    // server CPU per 1,000 pages; the embedded server shares its machine with the workers. The
    // environment's GOGC wins.
    env: { ...process.env, TEMPORAL_VERSION_CHECK_DISABLED: '1', GOGC: process.env.GOGC ?? '25' },
  });
  onProgress(
    `Waiting for the Temporal dev server (pid ${child.pid}) to answer at ${settings.address}` +
      (freshDatabase ? `; its first start creates the database ${settings.dbFile}, which can take a while …` : ' …'),
  );
  try {
    await waitForServer({
      address: settings.address,
      exited: child.exited,
      pid: child.pid,
      logFile: files.logFile,
      onProgress,
      timeoutMs: options.timeoutMs ?? DEFAULT_START_TIMEOUT_MS,
    });
  } catch (error) {
    // Exited: nothing to stop. Timed out: a server that never answers is of no use, and left
    // running it would hold the port (and keep a test run from ending).
    if (!child.hasExited()) await stopProcess(child.pid, 10_000);
    rmSync(files.pidFile, { force: true });
    throw error;
  }
  await prepareNamespace(settings);
  return { reused: false, pid: child.pid };
}

export type StopResult = 'stopped' | 'not-running' | 'not-ours';

/** Stop the server this project started (its pid file); a server started elsewhere is left alone. */
export async function stopDevServer(
  settings: DevServerSettings,
  files: Pick<DevServerFiles, 'pidFile'>,
  timeoutMs = 30_000,
): Promise<StopResult> {
  const pid = readPid(files.pidFile);
  if (pid === null || !isAlive(pid)) {
    rmSync(files.pidFile, { force: true });
    return (await isServing(settings.address)) ? 'not-ours' : 'not-running';
  }
  await stopProcess(pid, timeoutMs);
  rmSync(files.pidFile, { force: true });
  return 'stopped';
}

export interface ServerStatus {
  serving: boolean;
  address: string;
  pid: number | null;
  uiUrl: string;
}

export async function devServerStatus(
  settings: DevServerSettings,
  files: Pick<DevServerFiles, 'pidFile'>,
): Promise<ServerStatus> {
  const pid = readPid(files.pidFile);
  const { host } = splitAddress(settings.address);
  return {
    serving: await isServing(settings.address),
    address: settings.address,
    pid: pid !== null && isAlive(pid) ? pid : null,
    uiUrl: `http://${host}:${settings.uiPort}`,
  };
}
