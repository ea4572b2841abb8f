/**
 * Building Temporal's Go programs from the Go module proxy into the project's cache: the Temporal
 * CLI (cli-binary.ts) and the cluster's server, SQL tool and UI server (lib/cluster). No npm or
 * Debian package ships them, and the Go module proxy is reachable where Temporal's download host
 * is not. Binaries are built into a staging folder and renamed into the cache last, so a killed
 * build never leaves a half-written binary where the next run would take it for a good one.
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

/** The project's cache folder for built programs: $XDG_CACHE_HOME or ~/.cache, outside the repository. */
export function projectCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'scraping-orchestrator');
}

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function findOnPath(name: string, env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return null;
}

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Run a command to its end. It gets its own process group, stopped as a whole (the go command and
 * the compilers it starts) when this process is stopped by a signal or exits first: a build of
 * several minutes must not outlive a test run or a CLI that was interrupted.
 */
export function runToEnd(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
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

/** The oldest Go the pinned Temporal modules build with (their go.mod says `go 1.25.0`). */
export const MIN_GO = { major: 1, minor: 25 } as const;

/** `go env GOVERSION` ("go1.26.8"); throws when it is older than MIN_GO. */
export function checkGoVersion(go: string, env: NodeJS.ProcessEnv, needs: string): string {
  const version = spawnSync(go, ['env', 'GOVERSION'], { encoding: 'utf8', env }).stdout?.trim() ?? '';
  const [, major, minor] = /go(\d+)\.(\d+)/.exec(version) ?? [];
  if (!major || Number(major) < MIN_GO.major || (Number(major) === MIN_GO.major && Number(minor) < MIN_GO.minor)) {
    throw new Error(
      `${version || 'unknown Go version'} is too old; ${needs} needs Go ≥ ${MIN_GO.major}.${MIN_GO.minor}`,
    );
  }
  return version;
}

export interface GoInstall {
  /** What is built, for progress lines: "the Temporal CLI v1.5.1". */
  what: string;
  /** How long it takes, for the first progress line: "a few minutes". */
  takes: string;
  /** `module/path/cmd/x@vX.Y.Z`, built together (one module: its packages compile once). */
  packages: string[];
  /** Extra `go install` flags before the packages (-ldflags …). */
  flags?: string[];
  /** The name `go install` gives each binary (its package folder's name) → where it goes in the cache. */
  outputs: Record<string, string>;
  env: NodeJS.ProcessEnv;
  progress: (line: string) => void;
}

/**
 * `CGO_ENABLED=0 GOTOOLCHAIN=local go install` into a staging folder, with a progress line every
 * 30 s, then each binary renamed into place. Resolves with the seconds the build took.
 */
export async function goInstall(go: string, build: GoInstall): Promise<number> {
  const version = checkGoVersion(go, build.env, build.what);
  const targets = Object.values(build.outputs);
  const staging = `${targets[0]}.building-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  build.progress(`Building ${build.what} with ${version} (first time only, takes ${build.takes}) …`);
  const started = Date.now();
  const ticker = setInterval(
    () => build.progress(`… still building (${Math.round((Date.now() - started) / 1000)} s)`),
    30_000,
  );
  try {
    await runToEnd(
      go,
      ['install', '-trimpath', ...(build.flags ?? []), ...build.packages],
      // GOTOOLCHAIN=local: never download a toolchain; CGO off: pure-Go binaries that need no C
      // library on the machine (the dev server's SQLite and the cluster's PostgreSQL driver are Go).
      { ...build.env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOBIN: staging },
    );
    for (const [built, target] of Object.entries(build.outputs)) {
      mkdirSync(dirname(target), { recursive: true });
      // Renamed into place last, so a killed build never leaves a half-written binary in the cache.
      renameSync(join(staging, built), target);
    }
  } finally {
    clearInterval(ticker);
    rmSync(staging, { recursive: true, force: true });
  }
  return Math.round((Date.now() - started) / 1000);
}
