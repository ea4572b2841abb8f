/**
 * The embedded Temporal dev server: started on loopback with SQLite persistence and the Web UI,
 * reused when one already answers, prepared with the project's search attributes and a retention
 * long enough to inspect last week's batches.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { msNumberToTs, tsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { isServing, ServerStartError, splitAddress, waitForServer, type ProcessExit } from './readiness';

export { isServing } from './readiness';

/** Search attributes the batch workflows upsert, so the Web UI and `workflow list` filter by them. */
export const SEARCH_ATTRIBUTES = ['BatchId', 'Site', 'BatchStatus'] as const;

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

function readPid(pidFile: string): number | null {
  if (!existsSync(pidFile)) return null;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/** Whether a process with this pid exists (signal 0 only checks). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL when the process is still there after graceMs. */
async function stopProcess(pid: number, graceMs: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  const deadline = Date.now() + graceMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      return;
    }
    await delay(100);
  }
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
    // The server's periodic version check calls out to the internet; it has nothing to reach here.
    '--dynamic-config-value',
    'frontend.enableServerVersionCheck=false',
    ...SEARCH_ATTRIBUTES.flatMap((name) => ['--search-attribute', `${name}=Keyword`]),
  ];
  const freshDatabase = settings.dbFile !== null && !existsSync(settings.dbFile);
  if (settings.dbFile) {
    mkdirSync(dirname(settings.dbFile), { recursive: true });
    args.push('--db-filename', settings.dbFile);
  }
  mkdirSync(dirname(files.logFile), { recursive: true });
  mkdirSync(dirname(files.pidFile), { recursive: true });
  const log = openSync(files.logFile, 'a');
  const child = spawn(files.cliPath, args, {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, TEMPORAL_VERSION_CHECK_DISABLED: '1' },
  });
  closeSync(log);
  let spawnError: Error | null = null;
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => {
      spawnError = error;
      resolve({ code: null, signal: null });
    });
  });
  if (child.pid === undefined) {
    // Not even started (not executable, not found): Node reports that as an 'error' event.
    await exited;
    throw new ServerStartError(
      `the Temporal CLI at ${files.cliPath} could not be started: ${(spawnError as Error | null)?.message ?? 'unknown reason'}`,
      null,
    );
  }
  child.unref();
  writeFileSync(files.pidFile, `${child.pid}\n`);
  onProgress(
    `Waiting for the Temporal dev server (pid ${child.pid}) to answer at ${settings.address}` +
      (freshDatabase ? `; its first start creates the database ${settings.dbFile}, which can take a while …` : ' …'),
  );
  try {
    await waitForServer({
      address: settings.address,
      exited,
      pid: child.pid,
      logFile: files.logFile,
      onProgress,
      timeoutMs: options.timeoutMs ?? DEFAULT_START_TIMEOUT_MS,
    });
  } catch (error) {
    // Exited: nothing to stop. Timed out: a server that never answers is of no use, and left
    // running it would hold the port (and keep a test run from ending).
    if (child.exitCode === null && child.signalCode === null) await stopProcess(child.pid, 10_000);
    rmSync(files.pidFile, { force: true });
    throw error;
  }
  await prepareNamespace(settings);
  return { reused: false, pid: child.pid ?? null };
}

/**
 * Register the search attributes and set retention. `--search-attribute` only applies when the
 * namespace is first created: on an existing database it is silently ignored, so this always runs.
 */
export async function prepareNamespace(settings: DevServerSettings): Promise<void> {
  const connection = await Connection.connect({ address: settings.address });
  try {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({
      namespace: settings.namespace,
    });
    const missing = SEARCH_ATTRIBUTES.filter((name) => !(customAttributes && name in customAttributes));
    if (missing.length > 0) {
      await connection.operatorService.addSearchAttributes({
        namespace: settings.namespace,
        searchAttributes: Object.fromEntries(
          missing.map((name) => [name, temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD]),
        ),
      });
    }
    const described = await connection.workflowService.describeNamespace({ namespace: settings.namespace });
    const wantedMs = settings.retentionHours * 3600_000;
    if (tsToMs(described.config?.workflowExecutionRetentionTtl) !== wantedMs) {
      await connection.workflowService.updateNamespace({
        namespace: settings.namespace,
        config: { workflowExecutionRetentionTtl: msNumberToTs(wantedMs) },
      });
    }
  } finally {
    await connection.close();
  }
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
