/**
 * A Temporal cluster on PostgreSQL, on this machine's loopback: PostgreSQL (postgres.ts), the
 * Temporal server (its four services in one process, persistence and SQL visibility in two
 * PostgreSQL databases), and the Web UI server. It takes the dev server's place: the frontend
 * listens at temporal.address and the UI at temporal.ui_port, so workers and commands use it
 * unchanged.
 *
 * Everything it writes is under the data folder (data/cluster): PostgreSQL's folder, the rendered
 * configs (mode 0600: they hold the database password), logs and pid files. Starting is
 * idempotent (a part already running is reused), stopping stops only the processes whose pid
 * files are there, and status looks at each part.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { isIP } from 'node:net';
import { dirname, join } from 'node:path';
import YAML from 'yaml';
import { UserInputError } from '../errors';
import { livePid, spawnInBackground, stopByPidFile, stopProcess } from '../process/background';
import { portAccepts, ServerStartError, waitUntilReady } from '../process/readiness';
import { prepareNamespace } from '../temporal/namespace';
import { SERVER_DYNAMIC_CONFIG } from '../temporal/server-settings';
import { isServing, splitAddress } from '../temporal/readiness';
import { internalPorts, portClashes } from './ports';
import {
  ensureDatabase,
  ensureRole,
  postgresStatus,
  randomPassword,
  startPostgres,
  stopPostgres,
  type PostgresConnection,
  type PostgresStatus,
  type PostgresStopResult,
} from './postgres';
import type { ServerBinaries } from './server-binaries';

export interface ClusterSettings {
  /** host:port of the frontend (gRPC): temporal.address, a loopback address. */
  address: string;
  namespace: string;
  retentionHours: number;
  /** The Web UI's port (temporal.ui_port). */
  uiPort: number;
  /** Absolute: where everything the cluster writes goes. */
  dataDir: string;
  postgresPort: number;
  /** The first of the seven internal ports (ports.ts). */
  internalPorts: number;
  /** The account PostgreSQL runs as when this process is root. */
  postgresRunAs: string;
}

/** The database role Temporal logs in as, owner of its two databases. */
export const TEMPORAL_DB_USER = 'temporal';
export const PERSISTENCE_DATABASE = 'temporal';
export const VISIBILITY_DATABASE = 'temporal_visibility';
/** Fixed when the database is created: history shards cannot be changed later. 4, as Temporal's own PostgreSQL sample. */
export const HISTORY_SHARDS = 4;
/** The name the rendered configs go by (`--env`): <root>/config/<env>.yaml. */
const CONFIG_ENV = 'cluster';

export interface ClusterFiles {
  postgresDir: string;
  /** The password of the `temporal` database role (0600). */
  dbPasswordFile: string;
  /** The Temporal server's --root: its config is <root>/config/cluster.yaml. */
  temporalRoot: string;
  temporalConfig: string;
  dynamicConfig: string;
  temporalLog: string;
  temporalPid: string;
  /** Output of the SQL tool (schema setup and updates). */
  schemaLog: string;
  /** The UI server's --root: its config is <root>/config/cluster.yaml. */
  uiRoot: string;
  uiConfig: string;
  uiLog: string;
  uiPid: string;
}

export function clusterFiles(dataDir: string): ClusterFiles {
  return {
    postgresDir: join(dataDir, 'postgres'),
    dbPasswordFile: join(dataDir, 'temporal-db.password'),
    temporalRoot: join(dataDir, 'temporal'),
    temporalConfig: join(dataDir, 'temporal', 'config', `${CONFIG_ENV}.yaml`),
    dynamicConfig: join(dataDir, 'temporal', 'dynamicconfig.yaml'),
    temporalLog: join(dataDir, 'temporal.log'),
    temporalPid: join(dataDir, 'temporal.pid'),
    schemaLog: join(dataDir, 'schema.log'),
    uiRoot: join(dataDir, 'ui'),
    uiConfig: join(dataDir, 'ui', 'config', `${CONFIG_ENV}.yaml`),
    uiLog: join(dataDir, 'ui.log'),
    uiPid: join(dataDir, 'ui.pid'),
  };
}

// ── Checks ───────────────────────────────────────────────────────────────────────────────────

function isLoopback(host: string): boolean {
  return (isIP(host) === 4 && host.startsWith('127.')) || host === '::1';
}

/**
 * What makes these settings unusable for a cluster, each one sentence: a frontend address that is
 * not a loopback IP address, or two parts on one port. Environment overrides are applied by then,
 * so this is checked again at start although the config file's check covers the file.
 */
export function clusterSettingsProblems(settings: ClusterSettings): string[] {
  const problems: string[] = [];
  let frontendPort = NaN;
  try {
    const { host, port } = splitAddress(settings.address);
    frontendPort = port;
    if (!isLoopback(host)) {
      problems.push(
        `temporal.address is "${settings.address}", but the cluster listens on this machine's loopback only: ` +
          'use a 127.x.x.x address (or [::1]) such as 127.0.0.1:7233',
      );
    }
  } catch {
    problems.push(`temporal.address is "${settings.address}", which is not host:port`);
  }
  if (Number.isInteger(frontendPort)) {
    problems.push(
      ...portClashes({
        frontend: frontendPort,
        ui: settings.uiPort,
        postgres: settings.postgresPort,
        internalFirst: settings.internalPorts,
      }).map((clash) => `two servers would listen on one port: ${clash}`),
    );
  }
  return problems;
}

// ── Rendered configs ─────────────────────────────────────────────────────────────────────────

export interface DatabaseLogin {
  user: string;
  password: string;
}

/**
 * The Temporal server's config (the shape of the module's config/development-postgres12.yaml):
 * the postgres12 plugin for persistence and for SQL visibility, every service on the frontend's
 * loopback IP, archival off, no metrics or pprof listeners.
 */
export function renderTemporalConfig(settings: ClusterSettings, login: DatabaseLogin, files: ClusterFiles): string {
  const { host, port } = splitAddress(settings.address);
  const internal = internalPorts(settings.internalPorts);
  const datastore = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `127.0.0.1:${settings.postgresPort}`,
      connectProtocol: 'tcp',
      user: login.user,
      password: login.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const service = (grpcPort: number, membershipPort: number) => ({
    rpc: { grpcPort, membershipPort, bindOnIP: host },
  });
  return YAML.stringify({
    log: { stdout: true, level: 'warn', format: 'json' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: HISTORY_SHARDS,
      datastores: {
        'postgres-default': datastore(PERSISTENCE_DATABASE, 20),
        'postgres-visibility': datastore(VISIBILITY_DATABASE, 10),
      },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: host },
    },
    services: {
      frontend: service(port, internal.frontendMembership),
      history: service(internal.historyGrpc, internal.historyMembership),
      matching: service(internal.matchingGrpc, internal.matchingMembership),
      worker: service(internal.workerGrpc, internal.workerMembership),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: settings.address },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
    namespaceDefaults: { archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } } },
    // The worker service (system workflows) reaches the frontend here.
    publicClient: { hostPort: settings.address },
    dynamicConfigClient: { filepath: files.dynamicConfig, pollInterval: '60s' },
  });
}

/** Dynamic config: only what differs from the server's defaults. */
export function renderDynamicConfig(): string {
  return YAML.stringify({
    ...Object.fromEntries(Object.entries(SERVER_DYNAMIC_CONFIG).map(([key, value]) => [key, [{ value }]])),
    // The project uses no Nexus, which needs the frontend's HTTP port (not opened): said so at every start otherwise.
    'system.enableNexus': [{ value: false }],
  });
}

/** The UI server's config: as the CLI's dev server configures its embedded UI (plain HTTP on loopback). */
export function renderUiConfig(settings: ClusterSettings): string {
  return YAML.stringify({
    temporalGrpcAddress: settings.address,
    host: '127.0.0.1',
    port: settings.uiPort,
    enableUi: true,
    defaultNamespace: settings.namespace,
    // Plain HTTP on loopback: a Secure CSRF cookie would never be sent back.
    cors: { cookieInsecure: true },
    // The browser would ask the internet for newer versions.
    notifyOnNewVersion: false,
    hideLogs: true,
  });
}

function writePrivate(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text, { mode: 0o600 });
}

// ── Start ────────────────────────────────────────────────────────────────────────────────────

export interface ClusterStartOptions {
  /** Progress lines; default: stderr. */
  onProgress?: (line: string) => void;
  /** How long each server may take to answer; default 5 minutes. */
  timeoutMs?: number;
}

export interface PartStart {
  pid: number;
  reused: boolean;
}

export interface ClusterStartResult {
  postgres: PartStart & { address: string; initialized: boolean };
  temporal: PartStart & { address: string };
  ui: PartStart & { url: string };
  /** The namespace was registered by this start (a fresh database). */
  namespaceRegistered: boolean;
  seconds: number;
}

/**
 * Start whatever part of the cluster is not running, in order (PostgreSQL, its role, databases
 * and schemas, the Temporal server, the namespace, the UI), reusing the parts that run; resolves
 * once each answers. Refuses when another Temporal server (the dev server) answers at the address.
 */
export async function startCluster(
  settings: ClusterSettings,
  binaries: Pick<ServerBinaries, 'server' | 'sqlTool' | 'uiServer'>,
  options: ClusterStartOptions = {},
): Promise<ClusterStartResult> {
  const onProgress = options.onProgress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const timeoutMs = options.timeoutMs ?? 5 * 60_000;
  const started = Date.now();
  const problems = clusterSettingsProblems(settings);
  if (problems.length > 0) throw new UserInputError(`Cannot start the cluster: ${problems.join('; ')}.`);
  const files = clusterFiles(settings.dataDir);
  mkdirSync(settings.dataDir, { recursive: true });

  let temporalPid = livePid(files.temporalPid);
  if (temporalPid === null && (await isServing(settings.address))) {
    throw new UserInputError(
      `A Temporal server already answers at ${settings.address}, and it is not this cluster's (no live pid in ${files.temporalPid}): ` +
        'probably the dev server. The cluster takes its place at that address: stop it first (`orchestrator server stop`), ' +
        'or give the cluster another temporal.address.',
    );
  }

  const postgres = await startPostgres(
    { dir: files.postgresDir, port: settings.postgresPort, runAs: settings.postgresRunAs },
    { onProgress, timeoutMs },
  );
  onProgress(
    postgres.reused
      ? `PostgreSQL already runs (pid ${postgres.pid}) at 127.0.0.1:${settings.postgresPort}.`
      : `PostgreSQL started (pid ${postgres.pid}) at 127.0.0.1:${settings.postgresPort}.`,
  );

  let temporalReused = true;
  if (temporalPid === null) {
    const login = await prepareDatabases(postgres, files);
    await setUpSchemas(binaries.sqlTool.path, settings, login, files, onProgress);
    writePrivate(files.temporalConfig, renderTemporalConfig(settings, login, files));
    writePrivate(files.dynamicConfig, renderDynamicConfig());
    const child = await spawnInBackground({
      what: `the Temporal server at ${binaries.server.path}`,
      command: binaries.server.path,
      // --allow-no-auth: no authorizer, as the dev server; the frontend is on loopback only.
      args: ['--root', files.temporalRoot, '--config', 'config', '--env', CONFIG_ENV, '--allow-no-auth', 'start'],
      logFile: files.temporalLog,
      pidFile: files.temporalPid,
      env: { ...process.env, TEMPORAL_VERSION_CHECK_DISABLED: '1' },
      cwd: settings.dataDir,
    });
    temporalPid = child.pid;
    temporalReused = false;
    onProgress(`Waiting for the Temporal server (pid ${child.pid}) to answer at ${settings.address} …`);
    await waitOrStop(child, files.temporalPid, {
      who: `the Temporal server (pid ${child.pid})`,
      where: `at ${settings.address}`,
      probe: () => isServing(settings.address, 1000),
      logFile: files.temporalLog,
      onProgress,
      timeoutMs,
    });
  } else {
    await waitUntilReady({
      who: `the Temporal server (pid ${temporalPid})`,
      where: `at ${settings.address}`,
      probe: () => isServing(settings.address, 1000),
      exited: new Promise(() => undefined),
      logFile: files.temporalLog,
      onProgress,
      timeoutMs,
      readyLine: () => `The Temporal server already runs (pid ${temporalPid}) at ${settings.address}.`,
    });
  }

  const { registered: namespaceRegistered } = await prepareNamespace(settings, {
    register: true,
    waitUsableMs: 60_000,
  });

  const uiUrl = `http://127.0.0.1:${settings.uiPort}`;
  let uiPid = livePid(files.uiPid);
  let uiReused = true;
  if (uiPid === null) {
    if (await portAccepts('127.0.0.1', settings.uiPort)) {
      throw new UserInputError(
        `Another program already listens at 127.0.0.1:${settings.uiPort} (temporal.ui_port), so the cluster's Web UI cannot start there. ` +
          'Stop it, or choose another temporal.ui_port. PostgreSQL and the Temporal server are running.',
      );
    }
    mkdirSync(dirname(files.uiConfig), { recursive: true });
    writeFileSync(files.uiConfig, renderUiConfig(settings));
    const child = await spawnInBackground({
      what: `the Temporal UI server at ${binaries.uiServer.path}`,
      command: binaries.uiServer.path,
      args: ['--root', files.uiRoot, '--config', 'config', '--env', CONFIG_ENV, 'start'],
      logFile: files.uiLog,
      pidFile: files.uiPid,
      cwd: settings.dataDir,
    });
    uiPid = child.pid;
    uiReused = false;
    await waitOrStop(child, files.uiPid, {
      who: `the Web UI server (pid ${child.pid})`,
      where: `at ${uiUrl}`,
      probe: () => httpAnswers(`${uiUrl}/healthz`),
      logFile: files.uiLog,
      onProgress,
      timeoutMs,
    });
  }

  return {
    postgres: {
      pid: postgres.pid,
      reused: postgres.reused,
      address: `127.0.0.1:${settings.postgresPort}`,
      initialized: postgres.initialized,
    },
    temporal: { pid: temporalPid, reused: temporalReused, address: settings.address },
    ui: { pid: uiPid, reused: uiReused, url: uiUrl },
    namespaceRegistered,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
}

/** Wait for a server just started; one that never answers is stopped (it would hold its port) and its pid file removed. */
async function waitOrStop(
  child: Awaited<ReturnType<typeof spawnInBackground>>,
  pidFile: string,
  wait: Omit<Parameters<typeof waitUntilReady>[0], 'exited'>,
): Promise<void> {
  try {
    await waitUntilReady({ ...wait, exited: child.exited });
  } catch (error) {
    if (!child.hasExited()) await stopProcess(child.pid, 30_000);
    rmSync(pidFile, { force: true });
    throw error;
  }
}

/** The `temporal` role (its password kept in a 0600 file) owning the two databases. */
async function prepareDatabases(postgres: PostgresConnection, files: ClusterFiles): Promise<DatabaseLogin> {
  if (!existsSync(files.dbPasswordFile)) writePrivate(files.dbPasswordFile, `${randomPassword()}\n`);
  const password = readFileSync(files.dbPasswordFile, 'utf8').trim();
  // Set again on every start: the file is what counts, even if the role was made with another password.
  await ensureRole(postgres, TEMPORAL_DB_USER, password);
  for (const database of [PERSISTENCE_DATABASE, VISIBILITY_DATABASE]) {
    await ensureDatabase(postgres, database, TEMPORAL_DB_USER);
  }
  return { user: TEMPORAL_DB_USER, password };
}

/**
 * Temporal's documented procedure with the SQL tool's embedded schemas, for each database: the
 * version tables (`setup-schema -v 0.0`), then every versioned step up to the newest
 * (`update-schema --schema-name postgresql/v12/…`). On a database already set up both are no-ops,
 * and after a server upgrade the second applies the new steps: so it runs at every start.
 */
async function setUpSchemas(
  sqlTool: string,
  settings: ClusterSettings,
  login: DatabaseLogin,
  files: ClusterFiles,
  onProgress: (line: string) => void,
): Promise<void> {
  const schemas = [
    { database: PERSISTENCE_DATABASE, schemaName: 'postgresql/v12/temporal' },
    { database: VISIBILITY_DATABASE, schemaName: 'postgresql/v12/visibility' },
  ];
  const started = Date.now();
  for (const { database, schemaName } of schemas) {
    const common = [
      '--plugin',
      'postgres12',
      '--endpoint',
      '127.0.0.1',
      '--port',
      String(settings.postgresPort),
      '--user',
      login.user,
      '--database',
      database,
    ];
    // The password by environment, not on the command line (where `ps` shows it).
    const env = { ...process.env, SQL_PASSWORD: login.password };
    await runSqlTool(sqlTool, [...common, 'setup-schema', '-v', '0.0'], env, files.schemaLog);
    await runSqlTool(sqlTool, [...common, 'update-schema', '--schema-name', schemaName], env, files.schemaLog);
  }
  onProgress(`Temporal's database schemas are up to date (${((Date.now() - started) / 1000).toFixed(1)} s).`);
}

function runSqlTool(command: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (error) =>
      reject(new ServerStartError(`the Temporal SQL tool at ${command} could not be started: ${error.message}`, null)),
    );
    child.once('exit', (code, signal) => {
      appendFileSync(logFile, `$ temporal-sql-tool ${args.join(' ')}\n${output}`);
      if (code === 0) return resolve();
      const tail = output
        .trimEnd()
        .split('\n')
        .slice(-5)
        .map((line) => `  ${line.slice(0, 400)}`);
      reject(
        new ServerStartError(
          `the Temporal SQL tool failed (${signal ? `killed by ${signal}` : `exit code ${code}`}) on \`${args.slice(-4).join(' ')}\`; its output (also in ${logFile}):\n${tail.join('\n')}`,
          { code, signal },
        ),
      );
    });
  });
}

/** True when an HTTP GET of `url` answers 200. Never throws; no connection is kept open. */
export function httpAnswers(url: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false, timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(false));
    req.end();
  });
}

// ── Stop and status ──────────────────────────────────────────────────────────────────────────

export interface ClusterStopResult {
  ui: 'stopped' | 'not-running';
  temporal: 'stopped' | 'not-running';
  postgres: PostgresStopResult;
}

/** Stop the parts this cluster started (their pid files), the UI first and PostgreSQL last. */
export async function stopCluster(settings: Pick<ClusterSettings, 'dataDir'>): Promise<ClusterStopResult> {
  const files = clusterFiles(settings.dataDir);
  const ui = await stopByPidFile(files.uiPid, 10_000);
  // The server leaves its shards and membership in an orderly way on SIGTERM; that takes a few seconds.
  const temporal = await stopByPidFile(files.temporalPid, 30_000);
  const postgres = await stopPostgres({ dir: files.postgresDir });
  return { ui, temporal, postgres };
}

export interface PartStatus {
  /** This cluster's part answers (its process is alive and serves). */
  serving: boolean;
  pid: number | null;
}

export interface ClusterStatus {
  postgres: PartStatus & Pick<PostgresStatus, 'address' | 'dataDir'>;
  temporal: PartStatus & {
    address: string;
    /** A Temporal server answers at the address, but not this cluster's (the dev server?). */
    otherServerAnswers: boolean;
  };
  ui: PartStatus & { url: string };
  /** Every part serves. */
  serving: boolean;
}

export async function clusterStatus(settings: ClusterSettings): Promise<ClusterStatus> {
  const files = clusterFiles(settings.dataDir);
  const postgres = await postgresStatus({
    dir: files.postgresDir,
    port: settings.postgresPort,
    runAs: settings.postgresRunAs,
  });
  const temporalPid = livePid(files.temporalPid);
  const answers = await isServing(settings.address);
  const uiPid = livePid(files.uiPid);
  const uiUrl = `http://127.0.0.1:${settings.uiPort}`;
  const status: Omit<ClusterStatus, 'serving'> = {
    postgres: { serving: postgres.serving, pid: postgres.pid, address: postgres.address, dataDir: postgres.dataDir },
    temporal: {
      serving: answers && temporalPid !== null,
      pid: temporalPid,
      address: settings.address,
      otherServerAnswers: answers && temporalPid === null,
    },
    ui: { serving: uiPid !== null && (await httpAnswers(`${uiUrl}/healthz`)), pid: uiPid, url: uiUrl },
  };
  return { ...status, serving: status.postgres.serving && status.temporal.serving && status.ui.serving };
}
