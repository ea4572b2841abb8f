/** Runs the real `orchestrator` executable, as a user would, and captures what it prints. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The `orchestrator` command (a shell script that execs Node), run as a user runs it. */
export const BIN = join(__dirname, '..', '..', 'bin', 'orchestrator');

export function runCli(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, {
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 240_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** `orchestrator parse --site SITE --page KIND [--url URL] FILE`: a saved page through the real executable. */
export function runParse(page: {
  site: string;
  kind: 'listing' | 'detail';
  url?: string;
  file: string;
}): Promise<CliResult> {
  const { site, kind, url, file } = page;
  return runCli(['parse', '--site', site, '--page', kind, ...(url === undefined ? [] : ['--url', url]), file]);
}

/** Run any program (the Temporal CLI, bash) and capture its output. */
export function runProgram(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
