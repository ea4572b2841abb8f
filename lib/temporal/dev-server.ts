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

/** True when a Temporal frontend answers at address. */
export async function isServing(address: string, timeoutMs = 1500): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: timeoutMs });
    await connection.workflowService.getSystemInfo({});
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

function splitAddress(address: string): { host: string; port: number } {
  const match = /^(.*):(\d+)$/.exec(address);
  if (!match) throw new Error(`Temporal address "${address}" is not host:port`);
  return { host: match[1], port: Number(match[2]) };
}

function readPid(pidFile: string): number | null {
  if (!existsSync(pidFile)) return null;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface StartResult {
  reused: boolean;
  pid: number | null;
}

/**
 * Start the dev server in the background (it outlives this process) unless one already answers.
 * Waits until it serves, then registers search attributes and retention.
 */
export async function startDevServer(settings: DevServerSettings, files: DevServerFiles, timeoutMs = 90_000): Promise<StartResult> {
  if (await isServing(settings.address)) {
    await prepareNamespace(settings);
    return { reused: true, pid: readPid(files.pidFile) };
  }
  const { host, port } = splitAddress(settings.address);
  const args = [
    'server', 'start-dev',
    '--ip', host,
    '--port', String(port),
    '--namespace', settings.namespace,
    '--ui-port', String(settings.uiPort),
    '--log-format', 'json',
    '--log-level', 'warn',
    // The server's periodic version check calls out to the internet; it has nothing to reach here.
    '--dynamic-config-value', 'frontend.enableServerVersionCheck=false',
    ...SEARCH_ATTRIBUTES.flatMap((name) => ['--search-attribute', `${name}=Keyword`]),
  ];
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
  let exitCode: number | null = null;
  child.on('exit', (code) => (exitCode = code ?? -1));
  child.unref();
  writeFileSync(files.pidFile, `${child.pid}\n`);

  const deadline = Date.now() + timeoutMs;
  while (!(await isServing(settings.address))) {
    if (exitCode !== null) {
      rmSync(files.pidFile, { force: true });
      throw new Error(`the Temporal dev server exited with code ${exitCode} during start-up; see ${files.logFile}:\n${tail(files.logFile)}`);
    }
    if (Date.now() > deadline) {
      throw new Error(`the Temporal dev server did not answer at ${settings.address} within ${timeoutMs / 1000} s; see ${files.logFile}`);
    }
    await delay(250);
  }
  await prepareNamespace(settings);
  return { reused: false, pid: child.pid ?? null };
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-5).join('\n');
  } catch {
    return '';
  }
}

/**
 * Register the search attributes and set retention. `--search-attribute` only applies when the
 * namespace is first created: on an existing database it is silently ignored, so this always runs.
 */
export async function prepareNamespace(settings: DevServerSettings): Promise<void> {
  const connection = await Connection.connect({ address: settings.address });
  try {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: settings.namespace });
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
export async function stopDevServer(settings: DevServerSettings, files: Pick<DevServerFiles, 'pidFile'>, timeoutMs = 30_000): Promise<StopResult> {
  const pid = readPid(files.pidFile);
  if (pid === null || !isAlive(pid)) {
    rmSync(files.pidFile, { force: true });
    return (await isServing(settings.address)) ? 'not-ours' : 'not-running';
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      break;
    }
    await delay(100);
  }
  rmSync(files.pidFile, { force: true });
  return 'stopped';
}

export interface ServerStatus {
  serving: boolean;
  address: string;
  pid: number | null;
  uiUrl: string;
}

export async function devServerStatus(settings: DevServerSettings, files: Pick<DevServerFiles, 'pidFile'>): Promise<ServerStatus> {
  const pid = readPid(files.pidFile);
  const { host } = splitAddress(settings.address);
  return {
    serving: await isServing(settings.address),
    address: settings.address,
    pid: pid !== null && isAlive(pid) ? pid : null,
    uiUrl: `http://${host}:${settings.uiPort}`,
  };
}
