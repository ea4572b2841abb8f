/**
 * Finds or provisions the Temporal CLI (which embeds the dev server and the Web UI).
 *
 * Temporal's download host is not reachable everywhere, and no npm or Debian package ships the
 * CLI, so the order is: TEMPORAL_CLI_PATH → `temporal` on PATH → our cached build → a build from
 * the Go module proxy (when `go` is installed) → Temporal's own download (machines with internet).
 * One module serves the server command, the tests and CI, so they all use the same binary.
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { UserInputError } from '../errors';

export const TEMPORAL_CLI_VERSION = '1.5.1';
const GO_PACKAGE = `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`;
const DOWNLOAD_URL = 'https://temporal.download/cli/archive/latest?platform=linux&arch=amd64';

export type CliSource = 'env' | 'path' | 'cache' | 'go-build' | 'download';

export interface ResolvedCli {
  path: string;
  source: CliSource;
}

export interface ProvisionOptions {
  env?: NodeJS.ProcessEnv;
  /** Progress lines (the Go build takes minutes); default: stderr. */
  onProgress?: (line: string) => void;
  /** Only look; never build or download. */
  lookOnly?: boolean;
}

/** The cache folder for the built CLI: $XDG_CACHE_HOME or ~/.cache, outside the repository. */
export function cliCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'scraping-orchestrator', 'temporal-cli', `v${TEMPORAL_CLI_VERSION}`);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function findOnPath(name: string, env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return null;
}

/** Where a usable CLI already is, without building anything; null when there is none. */
export function findTemporalCli(env: NodeJS.ProcessEnv = process.env): ResolvedCli | null {
  const fromEnv = env.TEMPORAL_CLI_PATH;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) {
      throw new UserInputError(
        `TEMPORAL_CLI_PATH is set to "${fromEnv}", but no executable file is there. ` +
          'Point it at a Temporal CLI binary, or unset it to let the project find or build one.',
      );
    }
    return { path: fromEnv, source: 'env' };
  }
  const onPath = findOnPath('temporal', env);
  if (onPath) return { path: onPath, source: 'path' };
  const cached = join(cliCacheDir(env), 'temporal');
  if (isExecutable(cached)) return { path: cached, source: 'cache' };
  return null;
}

/** Find the CLI, or build/download it. Throws one message naming every option when all fail. */
export async function provisionTemporalCli(options: ProvisionOptions = {}): Promise<ResolvedCli> {
  const env = options.env ?? process.env;
  const progress = options.onProgress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const found = findTemporalCli(env);
  if (found || options.lookOnly) {
    if (found) return found;
    throw new UserInputError(noCliMessage(env, []));
  }
  const failures: string[] = [];
  const go = findOnPath('go', env);
  if (go) {
    try {
      return { path: await buildWithGo(go, env, progress), source: 'go-build' };
    } catch (error) {
      failures.push(`Go build: ${(error as Error).message}`);
    }
  } else {
    failures.push('Go build: no `go` on PATH');
  }
  try {
    return { path: await download(env, progress), source: 'download' };
  } catch (error) {
    failures.push(`download from temporal.download: ${(error as Error).message}`);
  }
  throw new UserInputError(noCliMessage(env, failures));
}

function noCliMessage(env: NodeJS.ProcessEnv, failures: string[]): string {
  return [
    'No Temporal CLI found. Any one of these fixes it:',
    '  1. set TEMPORAL_CLI_PATH to a Temporal CLI binary;',
    '  2. put a `temporal` binary on PATH;',
    `  3. place one at ${join(cliCacheDir(env), 'temporal')};`,
    `  4. install Go ≥ 1.25 and run \`orchestrator server install\` (builds ${GO_PACKAGE}, a few minutes);`,
    '  5. on a machine with internet, the same command downloads it from temporal.download.',
    ...failures.map((failure) => `Tried: ${failure}`),
  ].join('\n');
}

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Run a command to its end. It gets its own process group, stopped as a whole (the go command and
 * the compilers it starts) when this process is stopped by a signal or exits first: a build of
 * several minutes must not outlive a test run or a CLI that was interrupted.
 */
function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    const stopGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const onSignal = (signal: NodeJS.Signals) => {
      stopGroup();
      release();
      // Then what the signal would have done without this listener (or what other listeners do).
      process.kill(process.pid, signal);
    };
    const release = () => {
      for (const signal of STOP_SIGNALS) process.removeListener(signal, onSignal);
      process.removeListener('exit', stopGroup);
    };
    for (const signal of STOP_SIGNALS) process.once(signal, onSignal);
    process.once('exit', stopGroup);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    child.on('error', (error) => {
      release();
      reject(error);
    });
    child.on('exit', (code) => {
      release();
      if (code === 0) resolve();
      else reject(new Error(`${command} exited with ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}

async function buildWithGo(go: string, env: NodeJS.ProcessEnv, progress: (line: string) => void): Promise<string> {
  const version = spawnSync(go, ['env', 'GOVERSION'], { encoding: 'utf8', env }).stdout.trim();
  const [, major, minor] = /go(\d+)\.(\d+)/.exec(version) ?? [];
  if (!major || Number(major) < 1 || (Number(major) === 1 && Number(minor) < 25)) {
    throw new Error(`${version || 'unknown Go version'} is too old; the CLI needs Go ≥ 1.25`);
  }
  const dir = cliCacheDir(env);
  const staging = `${dir}.building-${process.pid}`;
  mkdirSync(staging, { recursive: true });
  progress(
    `Building the Temporal CLI v${TEMPORAL_CLI_VERSION} with ${version} (first time only, takes a few minutes) …`,
  );
  const started = Date.now();
  const ticker = setInterval(
    () => progress(`… still building (${Math.round((Date.now() - started) / 1000)} s)`),
    30_000,
  );
  try {
    await run(
      go,
      [
        'install',
        '-trimpath',
        '-ldflags',
        `-s -w -X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION}`,
        GO_PACKAGE,
      ],
      // GOTOOLCHAIN=local: never download a toolchain; CGO off: the dev server's SQLite is pure Go.
      { ...env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOBIN: staging },
    );
  } finally {
    clearInterval(ticker);
  }
  mkdirSync(dir, { recursive: true });
  // Rename into place last, so a killed build never leaves a half-written binary in the cache.
  renameSync(join(staging, 'temporal'), join(dir, 'temporal'));
  rmSync(staging, { recursive: true, force: true });
  progress(`Temporal CLI built in ${Math.round((Date.now() - started) / 1000)} s: ${join(dir, 'temporal')}`);
  return join(dir, 'temporal');
}

async function download(env: NodeJS.ProcessEnv, progress: (line: string) => void): Promise<string> {
  const dir = cliCacheDir(env);
  mkdirSync(dir, { recursive: true });
  progress('Downloading the Temporal CLI from temporal.download …');
  const response = await fetch(DOWNLOAD_URL, { signal: AbortSignal.timeout(60_000) });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const archive = join(dir, 'temporal.tar.gz');
  const { writeFile } = await import('node:fs/promises');
  await writeFile(archive, Buffer.from(await response.arrayBuffer()));
  await run('tar', ['-xzf', archive, '-C', dir, 'temporal'], env);
  rmSync(archive, { force: true });
  if (!existsSync(join(dir, 'temporal'))) throw new Error('the archive held no `temporal` binary');
  return join(dir, 'temporal');
}
