/**
 * A Temporal dev server that takes long to start, and the clocks to judge how fast its readiness
 * is seen: a wrapper around the real CLI that sleeps and then execs it (pointed at through
 * TEMPORAL_CLI_PATH, as a user would), an independent observer of when the server really serves,
 * and the orchestrator run as a user runs it, with the arrival time of every line it prints.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { grpc } from '@temporalio/proto';
import { portAccepts, splitAddress } from '../../lib/temporal/readiness';
import { BIN } from './cli';
import { writeExecutable } from './executable-file';

/**
 * How long after a server serves its readiness may be noticed: the 200 ms poll plus one probe,
 * with room for a machine busy with other tests. The old probe's backoff missed it by 6–40 s.
 */
export const MAX_DETECTION_LAG_MS = 1000;

export interface SlowCli {
  /** The wrapper: give it as TEMPORAL_CLI_PATH. */
  path: string;
  /** When the wrapper handed over to the real CLI (ms since the epoch); null before it did. */
  execAt(): number | null;
}

/** A CLI that sleeps `delaySeconds`, notes the time, then becomes the real CLI (same pid, same arguments). */
export function writeSlowCli(dir: string, delaySeconds: number, realCli: string): SlowCli {
  const path = join(dir, `temporal-after-${delaySeconds}s`);
  const stamp = join(dir, `exec-at-${delaySeconds}s`);
  writeExecutable(
    path,
    [
      '#!/bin/sh',
      `# The real Temporal CLI, ${delaySeconds} s late: what a slow first start looks like from outside.`,
      `sleep ${delaySeconds}`,
      `date +%s%3N > '${stamp}'`,
      `exec '${realCli}' "$@"`,
      '',
    ].join('\n'),
  );
  return {
    path,
    execAt() {
      try {
        return Number(readFileSync(stamp, 'utf8').trim());
      } catch {
        return null;
      }
    },
  };
}

/**
 * When the frontend at `address` first reports SERVING, seen by a probe of its own: every 50 ms, the
 * gRPC health service (not the GetSystemInfo call the code under test uses) on a fresh channel.
 * Resolves with that time (ms since the epoch), or null when `signal` aborts first.
 */
export async function observeServing(address: string, signal: AbortSignal): Promise<number | null> {
  const { host, port } = splitAddress(address);
  while (!signal.aborted) {
    if (await portAccepts(host, port, 500)) {
      const connection = Connection.lazy({
        address,
        connectTimeout: 500,
        channelArgs: { 'grpc.use_local_subchannel_pool': 1 },
      });
      try {
        const response = await connection.healthService.check({
          service: 'temporal.api.workflowservice.v1.WorkflowService',
        });
        if (response.status === grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING) return Date.now();
      } catch {
        // not yet
      } finally {
        await connection.close().catch(() => undefined);
      }
    }
    await delay(50);
  }
  return null;
}

export interface TimedLine {
  text: string;
  /** When this process read it (ms since the epoch). */
  at: number;
}

export interface TimedRun {
  code: number | null;
  stdout: TimedLine[];
  stderr: TimedLine[];
}

/** `orchestrator …args` as a user runs it, every printed line with the time it arrived. */
export function runCliTimed(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (stream: NodeJS.ReadableStream, into: TimedLine[]) => {
      let partial = '';
      stream.on('data', (chunk: Buffer) => {
        const lines = (partial + chunk.toString()).split('\n');
        partial = lines.pop() ?? '';
        for (const text of lines) into.push({ text, at: Date.now() });
      });
      stream.on('end', () => partial && into.push({ text: partial, at: Date.now() }));
    };
    const result: TimedRun = { code: null, stdout: [], stderr: [] };
    collect(child.stdout, result.stdout);
    collect(child.stderr, result.stderr);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      result.code = code;
      resolve(result);
    });
  });
}

/** The lines as one text, for assertion messages. */
export function text(lines: TimedLine[]): string {
  return lines.map((line) => line.text).join('\n');
}

/** `orchestrator server start` with the slow CLI and the time an independent observer first saw the server serve. */
export async function startWithSlowCli(
  configPath: string,
  address: string,
  slow: SlowCli,
  timeoutMs: number,
): Promise<{ run: TimedRun; servedAt: number | null }> {
  const observing = new AbortController();
  const servedAt = observeServing(address, observing.signal);
  const run = await runCliTimed(
    ['--config', configPath, 'server', 'start'],
    { TEMPORAL_CLI_PATH: slow.path },
    timeoutMs,
  );
  observing.abort();
  assert.equal(run.code, 0, text(run.stderr));
  return { run, servedAt: await servedAt };
}

/**
 * The command saw the server serving (its line at `answeredAt`) within MAX_DETECTION_LAG_MS of the
 * observer; prints the three intervals. The time the wrapper handed over to the real CLI, for more checks.
 */
export function assertSeenPromptly(
  slow: SlowCli,
  delaySeconds: number,
  answeredAt: number,
  servedAt: number | null,
): number {
  const execAt = slow.execAt();
  assert.ok(servedAt !== null && execAt !== null, 'the observer saw the server serve and the wrapper handed over');
  const lagMs = answeredAt - servedAt;
  console.log(
    `      ${delaySeconds} s server: exec → serving ${servedAt - execAt} ms, serving → seen ${lagMs} ms, exec → seen ${answeredAt - execAt} ms`,
  );
  assert.ok(lagMs <= MAX_DETECTION_LAG_MS, `readiness seen ${lagMs} ms after the server served`);
  return execAt;
}
