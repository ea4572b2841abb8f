/**
 * A PostgreSQL server of the project's own, in a folder it owns, listening on one loopback port:
 * created on first start (initdb), started in the background, found again, stopped. The Temporal
 * cluster keeps its persistence and visibility in one; tests can start a throwaway one in a temp
 * folder. Nothing here knows about Temporal.
 *
 * Access: TCP only (no Unix socket, so nothing depends on /var/run/postgresql being writable), on
 * the given address only, and every connection authenticates with a password (scram-sha-256):
 * "trust" on 127.0.0.1 would let any local user in as the superuser. The superuser `postgres` gets
 * a random password at initdb, kept in <dir>/superuser.password (mode 0600, owned by whoever ran
 * the start) and read back by every later start, stop and status.
 *
 * initdb and postgres refuse to run as root. When this process is root they run as an unprivileged
 * account (default: Debian's `postgres`, which scripts/install-system-deps.sh makes sure exists);
 * the folder is handed to that account, so it must be reachable by it (not under a 0700 /root).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { UserInputError } from '../errors';
import { isAlive, livePid, spawnInBackground, stopProcess } from '../process/background';
import { freeLoopbackPort } from '../process/free-port';
import { portAccepts, ServerStartError, waitUntilReady } from '../process/readiness';

/** The oldest PostgreSQL accepted: Temporal's `postgres12` plugin needs 12 or later. */
export const MIN_POSTGRES_MAJOR = 12;
export const SUPERUSER = 'postgres';
const DEFAULT_ACCOUNT = 'postgres';

export interface PostgresSettings {
  /**
   * A folder of its own: the cluster's data in <dir>/pgdata, the superuser's password in
   * <dir>/superuser.password, the server's log in <dir>/postgres.log. Absolute.
   */
  dir: string;
  port: number;
  /** The address it listens on, and the only one; default 127.0.0.1. */
  host?: string;
  /** The account PostgreSQL runs as when this process is root; default "postgres". */
  runAs?: string;
}

export interface PostgresStartOptions {
  /** How long it may take to accept connections (it takes a second or two); default 60 s. */
  timeoutMs?: number;
  /** Progress lines; default: stderr. */
  onProgress?: (line: string) => void;
  /** The folder holding initdb and postgres; default: the newest /usr/lib/postgresql/<N>/bin, else PATH. */
  binDir?: string;
  /** Settings passed to the server with -c (name → value), on top of the ones this module sets. */
  serverSettings?: Record<string, string>;
}

/** What a client needs to connect (as the superuser). */
export interface PostgresConnection {
  host: string;
  port: number;
  user: string;
  password: string;
}

export interface StartedPostgres extends PostgresConnection {
  /** postgres://postgres:…@host:port/postgres */
  url: string;
  pid: number;
  /** It was running already. */
  reused: boolean;
  /** This start created the data folder (initdb). */
  initialized: boolean;
}

export interface PostgresFiles {
  dataDir: string;
  passwordFile: string;
  logFile: string;
  /** Written by PostgreSQL itself; its first line is the server's pid. */
  pidFile: string;
}

export function postgresFiles(dir: string): PostgresFiles {
  const dataDir = join(dir, 'pgdata');
  return {
    dataDir,
    passwordFile: join(dir, 'superuser.password'),
    logFile: join(dir, 'postgres.log'),
    pidFile: join(dataDir, 'postmaster.pid'),
  };
}

/** A connection URL for `database` (default: the maintenance database `postgres`). */
export function postgresUrl(connection: PostgresConnection, database = 'postgres'): string {
  const host = connection.host.includes(':') ? `[${connection.host}]` : connection.host;
  return `postgres://${encodeURIComponent(connection.user)}:${encodeURIComponent(connection.password)}@${host}:${connection.port}/${encodeURIComponent(database)}`;
}

/** A random password of URL-safe characters (no quoting needed in URLs, YAML or SQL literals). */
export function randomPassword(): string {
  return randomBytes(24).toString('base64url');
}

// ── Finding the programs and the account ────────────────────────────────────────────────────

const DEBIAN_ROOT = '/usr/lib/postgresql';

/**
 * The folder holding initdb and postgres: the Debian version folder of `major` when given and
 * installed (a data folder only opens with the major version that made it), else the newest one,
 * else the one on PATH.
 */
export function findPostgresBinDir(env: NodeJS.ProcessEnv = process.env, major?: number): string {
  const majors = existsSync(DEBIAN_ROOT)
    ? readdirSync(DEBIAN_ROOT)
        .filter((name) => /^\d+$/.test(name) && existsSync(join(DEBIAN_ROOT, name, 'bin', 'initdb')))
        .map(Number)
        .sort((a, b) => b - a)
    : [];
  if (major !== undefined && majors.includes(major)) return join(DEBIAN_ROOT, String(major), 'bin');
  if (majors.length > 0) {
    if (majors[0] < MIN_POSTGRES_MAJOR) {
      throw new UserInputError(
        `PostgreSQL ${majors[0]} is installed (${DEBIAN_ROOT}/${majors[0]}), but Temporal needs PostgreSQL ${MIN_POSTGRES_MAJOR} or later.`,
      );
    }
    return join(DEBIAN_ROOT, String(majors[0]), 'bin');
  }
  for (const dir of (env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres'))) return dir;
  }
  throw new UserInputError(
    `PostgreSQL is not installed: no ${DEBIAN_ROOT}/<version>/bin/initdb and no initdb on PATH. ` +
      "Install it with `bash scripts/install-system-deps.sh` (Debian's postgresql package), or your package manager.",
  );
}

/** The major version that made a data folder (its PG_VERSION file); undefined for a folder not made yet. */
function dataDirMajor(dataDir: string): number | undefined {
  const file = join(dataDir, 'PG_VERSION');
  return existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : undefined;
}

interface Account {
  name: string;
  uid: number;
  gid: number;
}

/** The account to run as: null when this process is not root (it runs PostgreSQL itself). */
function runAsAccount(settings: PostgresSettings): Account | null {
  if (process.getuid?.() !== 0) return null;
  const name = settings.runAs ?? DEFAULT_ACCOUNT;
  const entry = spawnSync('getent', ['passwd', name], { encoding: 'utf8' });
  const fields = entry.status === 0 ? entry.stdout.trim().split(':') : [];
  const uid = Number(fields[2]);
  const gid = Number(fields[3]);
  if (fields.length < 4 || !Number.isInteger(uid) || !Number.isInteger(gid)) {
    throw new UserInputError(
      `PostgreSQL refuses to run as root, and there is no account "${name}" to run it as. ` +
        'Run `bash scripts/install-system-deps.sh` (it creates one), or create it: useradd --system --user-group --shell /usr/sbin/nologin ' +
        `${name}.`,
    );
  }
  if (uid === 0)
    throw new UserInputError(`The account "${name}" to run PostgreSQL as is root (uid 0); name an unprivileged one.`);
  return { name, uid, gid };
}

/** Make `dir` the account's, and check it can really work there (every folder above must let it through). */
function prepareDir(dir: string, account: Account | null): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!account) return;
  chownSync(dir, account.uid, account.gid);
  const check = spawnSync('test', ['-w', dir], { uid: account.uid, gid: account.gid });
  if (check.status !== 0) {
    throw new UserInputError(
      `PostgreSQL runs as the account "${account.name}", which cannot reach ${dir}: a folder above it is closed to other users. ` +
        'Choose a data folder it can reach (for example under the project or /tmp), or open the folders above it (chmod o+x).',
    );
  }
}

// ── Reading the superuser's password and probing ───────────────────────────────────────────

function connectionOf(settings: PostgresSettings, password: string): PostgresConnection {
  return { host: settings.host ?? '127.0.0.1', port: settings.port, user: SUPERUSER, password };
}

/** The superuser's password written at initdb; null when the folder has none (never started). */
export function readSuperuserPassword(dir: string): string | null {
  const { passwordFile } = postgresFiles(dir);
  return existsSync(passwordFile) ? readFileSync(passwordFile, 'utf8').trim() : null;
}

/** The superuser's connection to a server this module created in `dir`; null when it never was. */
export function postgresConnection(settings: PostgresSettings): PostgresConnection | null {
  const password = readSuperuserPassword(settings.dir);
  return password === null ? null : connectionOf(settings, password);
}

/** Run `use` on a connected client, closed however it ends. */
export async function withPostgres<T>(
  connection: PostgresConnection,
  use: (client: Client) => Promise<T>,
  database = 'postgres',
): Promise<T> {
  const client = new Client({ ...connection, database, connectionTimeoutMillis: 5000 });
  // A server that goes away mid-session emits 'error' on the client: the pending query rejects too.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** True when the server accepts this login and answers a query. Never throws. */
export async function canConnect(connection: PostgresConnection, timeoutMs = 1000): Promise<boolean> {
  if (!(await portAccepts(connection.host, connection.port, timeoutMs))) return false;
  const client = new Client({ ...connection, database: 'postgres', connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

// ── Start, stop, status ─────────────────────────────────────────────────────────────────────

/**
 * Start the server unless it runs already (then wait until it answers and reuse it). The first
 * start creates the data folder with initdb. Resolves once it accepts the superuser's login.
 */
export async function startPostgres(
  settings: PostgresSettings,
  options: PostgresStartOptions = {},
): Promise<StartedPostgres> {
  const onProgress = options.onProgress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const timeoutMs = options.timeoutMs ?? 60_000;
  const files = postgresFiles(settings.dir);
  const host = settings.host ?? '127.0.0.1';
  const address = `${host}:${settings.port}`;

  const running = livePid(files.pidFile);
  if (running !== null) {
    const connection = requireConnection(settings);
    await waitUntilReady({
      who: `PostgreSQL (pid ${running})`,
      where: `at ${address}`,
      probe: () => canConnect(connection),
      // Not our child: it is noticed gone by the probe failing until the deadline.
      exited: new Promise(() => undefined),
      logFile: files.logFile,
      onProgress: () => undefined,
      timeoutMs,
    });
    return { ...connection, url: postgresUrl(connection), pid: running, reused: true, initialized: false };
  }
  if (await portAccepts(host, settings.port)) {
    throw new UserInputError(
      `Another program already listens at ${address}, so PostgreSQL cannot start there. Stop it, or choose another port.`,
    );
  }

  const binDir = options.binDir ?? findPostgresBinDir(process.env, dataDirMajor(files.dataDir));
  const account = runAsAccount(settings);
  prepareDir(settings.dir, account);
  let initialized = false;
  if (!existsSync(join(files.dataDir, 'PG_VERSION'))) {
    onProgress(`Creating a PostgreSQL data folder in ${files.dataDir} …`);
    initDataDir(binDir, files, account);
    initialized = true;
  }
  const connection = requireConnection(settings);

  const serverSettings: Record<string, string> = {
    listen_addresses: host,
    // TCP only: no socket file in /var/run/postgresql, which only Debian's postgres account may write.
    unix_socket_directories: '',
    // Temporal's four services each keep a pool of connections (the config caps them at 80 in all).
    max_connections: '200',
    ...options.serverSettings,
  };
  const args = ['-D', files.dataDir, '-p', String(settings.port)];
  for (const [name, value] of Object.entries(serverSettings)) args.push('-c', `${name}=${value}`);
  const child = await spawnInBackground({
    what: `PostgreSQL (${join(binDir, 'postgres')})`,
    command: join(binDir, 'postgres'),
    args,
    logFile: files.logFile,
    // Its working folder must be one the account can enter.
    cwd: settings.dir,
    uid: account?.uid,
    gid: account?.gid,
  });
  try {
    await waitUntilReady({
      who: `PostgreSQL (pid ${child.pid})`,
      where: `at ${address}`,
      probe: () => canConnect(connection),
      exited: child.exited,
      logFile: files.logFile,
      onProgress,
      timeoutMs,
    });
  } catch (error) {
    // Fast shutdown, then immediate: a server that never answers would hold the port and the folder.
    if (!child.hasExited()) await stopProcess(child.pid, 10_000, { first: 'SIGINT', then: 'SIGQUIT' });
    throw error;
  }
  return { ...connection, url: postgresUrl(connection), pid: child.pid, reused: false, initialized };
}

function requireConnection(settings: PostgresSettings): PostgresConnection {
  const connection = postgresConnection(settings);
  if (connection === null) {
    const { dataDir, passwordFile } = postgresFiles(settings.dir);
    throw new UserInputError(
      `The PostgreSQL data folder ${dataDir} exists, but its superuser password file ${passwordFile} is missing, ` +
        'so nothing can log in. Restore the file, or delete the folder to start over (its data is lost).',
    );
  }
  return connection;
}

/** initdb as the account, with a random superuser password; a failed initdb leaves no half-made folder. */
function initDataDir(binDir: string, files: PostgresFiles, account: Account | null): void {
  const password = randomPassword();
  // initdb reads the password from a file the account can read; it is removed right after.
  const initPasswordFile = join(files.dataDir, '..', `initdb-password-${process.pid}`);
  writeFileSync(initPasswordFile, `${password}\n`, { mode: 0o600 });
  if (account) chownSync(initPasswordFile, account.uid, account.gid);
  try {
    const result = spawnSync(
      join(binDir, 'initdb'),
      [
        '-D',
        files.dataDir,
        '-U',
        SUPERUSER,
        `--pwfile=${initPasswordFile}`,
        '--auth-host=scram-sha-256',
        '--auth-local=reject',
        '--encoding=UTF8',
        // C: sorting and case rules that do not depend on the machine's locales.
        '--locale=C',
        '--no-instructions',
      ],
      { encoding: 'utf8', uid: account?.uid, gid: account?.gid, cwd: join(files.dataDir, '..') },
    );
    if (result.status !== 0) {
      rmSync(files.dataDir, { recursive: true, force: true });
      const output = `${result.stderr ?? ''}${result.stdout ?? ''}`.trim().split('\n').slice(-5).join('\n  ');
      throw new ServerStartError(
        `initdb could not create ${files.dataDir}${result.error ? ` (${result.error.message})` : ''}:\n  ${output}`,
        null,
      );
    }
  } finally {
    rmSync(initPasswordFile, { force: true });
  }
  writeFileSync(files.passwordFile, `${password}\n`, { mode: 0o600 });
}

export type PostgresStopResult = 'stopped' | 'not-running';

/** Stop the server running on the data folder in `dir` (fast shutdown: sessions are ended, data is safe). */
export async function stopPostgres(
  settings: Pick<PostgresSettings, 'dir'>,
  timeoutMs = 30_000,
): Promise<PostgresStopResult> {
  const pid = livePid(postgresFiles(settings.dir).pidFile);
  if (pid === null) return 'not-running';
  // SIGTERM would be a "smart" shutdown, waiting for every client to leave; SIGQUIT ends at once.
  await stopProcess(pid, timeoutMs, { first: 'SIGINT', then: 'SIGQUIT' });
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  return 'stopped';
}

export interface PostgresStatus {
  /** It accepts the superuser's login. */
  serving: boolean;
  /** The server's pid, when a server runs on the folder. */
  pid: number | null;
  address: string;
  dataDir: string;
}

export async function postgresStatus(settings: PostgresSettings): Promise<PostgresStatus> {
  const files = postgresFiles(settings.dir);
  const connection = postgresConnection(settings);
  const host = settings.host ?? '127.0.0.1';
  return {
    serving: connection !== null && (await canConnect(connection)),
    pid: livePid(files.pidFile),
    address: `${host}:${settings.port}`,
    dataDir: files.dataDir,
  };
}

// ── Roles and databases ─────────────────────────────────────────────────────────────────────

/** A login role with this password: created when missing, its password set again when present. */
export async function ensureRole(connection: PostgresConnection, name: string, password: string): Promise<void> {
  await withPostgres(connection, async (client) => {
    const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name]);
    const verb = exists.rowCount ? 'ALTER' : 'CREATE';
    await client.query(
      `${verb} ROLE ${client.escapeIdentifier(name)} LOGIN PASSWORD ${client.escapeLiteral(password)}`,
    );
  });
}

/** A database, created when missing (owned by `owner`, default the superuser). Resolves true when it was created. */
export async function ensureDatabase(connection: PostgresConnection, name: string, owner?: string): Promise<boolean> {
  return withPostgres(connection, async (client) => {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount) return false;
    await client.query(
      `CREATE DATABASE ${client.escapeIdentifier(name)}${owner ? ` OWNER ${client.escapeIdentifier(owner)}` : ''}`,
    );
    return true;
  });
}

export interface ScratchPostgres extends StartedPostgres {
  dir: string;
  /** Stop the server, and remove its folder unless `keep`. */
  stop(options?: { keep?: boolean }): Promise<void>;
}

/**
 * A throwaway PostgreSQL (the bench's, the tests'): a new folder under the OS temp dir, a free
 * loopback port. Under the OS temp dir rather than a caller's scratch folder: run as root,
 * PostgreSQL runs as the `postgres` account, which cannot enter a 0700 folder of root's. A start
 * that fails leaves nothing behind.
 */
export async function startScratchPostgres(
  prefix: string,
  options: PostgresStartOptions = {},
): Promise<ScratchPostgres> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const stop = async ({ keep = false }: { keep?: boolean } = {}) => {
    await stopPostgres({ dir });
    if (!keep) rmSync(dir, { recursive: true, force: true });
  };
  try {
    const started = await startPostgres({ dir, port: await freeLoopbackPort() }, options);
    return { ...started, dir, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
