/**
 * Finds or provisions the Temporal CLI (which embeds the dev server and the Web UI).
 *
 * Temporal's download host is not reachable everywhere, and no npm or Debian package ships the
 * CLI, so the order is: TEMPORAL_CLI_PATH → `temporal` on PATH → our cached build → a build from
 * the Go module proxy (when `go` is installed) → Temporal's own download (machines with internet).
 * One module serves the server command, the tests and CI, so they all use the same binary.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { UserInputError } from '../errors';
import { findOnPath, goInstall, isExecutable, projectCacheDir, runToEnd } from './go-build';

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
  return join(projectCacheDir(env), 'temporal-cli', `v${TEMPORAL_CLI_VERSION}`);
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

async function buildWithGo(go: string, env: NodeJS.ProcessEnv, progress: (line: string) => void): Promise<string> {
  const target = join(cliCacheDir(env), 'temporal');
  const seconds = await goInstall(go, {
    what: `the Temporal CLI v${TEMPORAL_CLI_VERSION}`,
    takes: 'a few minutes',
    packages: [GO_PACKAGE],
    flags: ['-ldflags', `-s -w -X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION}`],
    outputs: { temporal: target },
    env,
    progress,
  });
  progress(`Temporal CLI built in ${seconds} s: ${target}`);
  return target;
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
  await runToEnd('tar', ['-xzf', archive, '-C', dir, 'temporal'], env);
  rmSync(archive, { force: true });
  if (!existsSync(join(dir, 'temporal'))) throw new Error('the archive held no `temporal` binary');
  return join(dir, 'temporal');
}
