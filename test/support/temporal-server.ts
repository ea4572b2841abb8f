/**
 * What a test run shares and must clean up, loaded by .mocharc.json's `require`:
 *
 * - mochaGlobalSetup provisions the Temporal CLI once, before any test runs. Building it takes
 *   minutes on a fresh machine; inside a test's `before` hook that build raced the hook's timeout,
 *   and tests that expect the CLI (validate, the Temporal CLI lines) depended on another test
 *   having built it first.
 * - testServer() starts the real dev server on first use (or reuses one answering at the test
 *   address), through the same provisioning and start-up code as the CLI. Never a mock.
 * - stopAtRunEnd() registers anything else a test support module starts (workers, mirrors).
 * - mochaGlobalTeardown stops all of it. A hook that timed out keeps running after mocha moved
 *   on, and what it started afterwards (a worker polling, a mirror listening) kept a failed run's
 *   process alive for good: whatever is registered after the run ended is stopped at once, and a
 *   process still alive shortly after teardown says what is open and exits with a failure.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { provisionTemporalCli, type ResolvedCli } from '../../lib/temporal/cli-binary';
import { startDevServer, stopDevServer, type DevServerSettings } from '../../lib/temporal/dev-server';

export const TEST_TEMPORAL_ADDRESS = process.env.TEST_TEMPORAL_ADDRESS ?? '127.0.0.1:17233';
export const TEST_UI_PORT = Number(process.env.TEST_TEMPORAL_UI_PORT ?? 18233);

/**
 * Ports for a test's own dev server (one it starts and stops itself, apart from the shared one):
 * `slot` hundreds above the shared server's ports, so a run moved to other ports with
 * TEST_TEMPORAL_ADDRESS / TEST_TEMPORAL_UI_PORT moves these too.
 */
export function ownServerPorts(slot: number): { address: string; port: number; uiPort: number } {
  const port = Number(TEST_TEMPORAL_ADDRESS.split(':').pop()) + 100 * slot;
  return { address: `127.0.0.1:${port}`, port, uiPort: TEST_UI_PORT + 100 * slot };
}

const settings: DevServerSettings = {
  address: TEST_TEMPORAL_ADDRESS,
  namespace: 'default',
  uiPort: TEST_UI_PORT,
  // In memory: each test run starts clean; tests that restart a server use their own file.
  dbFile: null,
  retentionHours: 24,
};

// ── What the run started, stopped at its end ───────────────────────────────────────────────────

interface Running {
  what: string;
  stop: () => Promise<void> | void;
}

const running = new Set<Running>();
let runEnded = false;

async function stopNow(entry: Running): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('did not stop within 30 s')), 30_000);
  });
  try {
    // Called synchronously: a scope registered after the run ended counts as closed before its next add().
    await Promise.race([entry.stop(), limit]);
  } catch (error) {
    console.error(`test run end: stopping ${entry.what} failed: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}

const opening = new Set<Promise<unknown>>();

/**
 * A helper still opening what it registers (a batch harness creating its workers): the run's end
 * waits for it before stopping anything. Closing a connection, or the server, under a half-created
 * set of workers would leave the ones already created (and their threads) open for good.
 */
export function whileOpening<T>(promise: Promise<T>): Promise<T> {
  opening.add(promise);
  promise.then(
    () => opening.delete(promise),
    () => opening.delete(promise),
  );
  return promise;
}

/**
 * Stop `stop` when the run ends unless the returned release() was called first (the test closed
 * it itself). Registered after the run ended (by a hook mocha had already given up on), it is
 * stopped at once.
 */
export function stopAtRunEnd(what: string, stop: () => Promise<void> | void): () => void {
  const entry: Running = { what, stop };
  if (runEnded) {
    console.error(`test run end: stopping ${what}, started after the run had ended (by a hook that timed out)`);
    void stopNow(entry);
    return () => undefined;
  }
  running.add(entry);
  return () => void running.delete(entry);
}

export interface RunScope {
  /**
   * A resource just opened, and how to close it. When the scope was closed already (the run ended
   * while a timed-out hook was still opening things), it is closed at once and this throws, so the
   * hook stops there instead of opening more.
   */
  add(close: () => Promise<void> | void): Promise<void>;
  /** Close everything added, newest first, each even when an earlier one fails (the first failure is rethrown). */
  closeAll(): Promise<void>;
}

/** The resources one test helper opens (a mirror, a worker, connections), closed together by the helper or by the run's end. */
export function runScope(what: string): RunScope {
  const closers: Array<() => Promise<void> | void> = [];
  let closed = false;
  let release = () => undefined as void;
  const closeAll = async () => {
    closed = true;
    release();
    let failure: unknown = null;
    for (const close of closers.splice(0).reverse()) {
      try {
        await close();
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure)
      throw failure instanceof Error
        ? failure
        : new Error('a resource of the test run failed to close', { cause: failure });
  };
  release = stopAtRunEnd(what, closeAll);
  return {
    async add(close) {
      if (closed) {
        await close();
        throw new Error(`${what}: the test run has ended, so nothing more is opened`);
      }
      closers.push(close);
    },
    closeAll,
  };
}

// ── The Temporal CLI and the shared dev server ─────────────────────────────────────────────────

let cli: Promise<ResolvedCli> | null = null;

function testCli(): Promise<ResolvedCli> {
  cli ??= provisionTemporalCli({ onProgress: (line) => console.error(line) });
  return cli;
}

let started: Promise<void> | null = null;
const dir = mkdtempSync(join(tmpdir(), 'orchestrator-test-server-'));

/** The shared dev server at TEST_TEMPORAL_ADDRESS, started on first use and stopped at the run's end. */
export function testServer(): Promise<void> {
  // Tracked as opening: the run's end waits for a start in progress, so that it stops the server
  // the start spawned rather than miss it (no pid file yet) and leave it running after the run.
  started ??= whileOpening(
    (async () => {
      // A hook mocha gave up on may get here after the run ended: a server started now would outlive it.
      if (runEnded) throw new Error('the test run has ended: the test dev server is not started');
      const files = {
        cliPath: (await testCli()).path,
        logFile: join(dir, 'temporal.log'),
        pidFile: join(dir, 'temporal.pid'),
      };
      // Registered before it starts: a run that ends while the server is still starting stops it too.
      // The pid file decides: a server this run did not start (one already answering) is left alone.
      stopAtRunEnd(
        `the test dev server at ${settings.address}`,
        async () => void (await stopDevServer(settings, files)),
      );
      await startDevServer(settings, files, { onProgress: (line) => console.error(line) });
    })(),
  );
  // Whoever awaits this sees a failure; a hook that was given up on must not turn it into an unhandled rejection.
  started.catch(() => undefined);
  return started;
}

/** Before any test: the Temporal CLI, found or built, with no hook timeout racing the build. */
export async function mochaGlobalSetup(): Promise<void> {
  const began = Date.now();
  const found = await testCli();
  const seconds = Math.round((Date.now() - began) / 1000);
  console.error(
    `Temporal CLI for this run: ${found.path} (${found.source}${found.source === 'go-build' || found.source === 'download' ? `, ${seconds} s` : ''})`,
  );
}

/** How long the process may stay alive after teardown before it is taken for a leak. */
const EXIT_GRACE_MS = 15_000;

/** How long the run's end waits for helpers still opening their resources. */
const OPENING_GRACE_MS = 60_000;

export async function mochaGlobalTeardown(): Promise<void> {
  runEnded = true;
  if (opening.size > 0) {
    console.error(
      `test run end: waiting for ${opening.size} test helper(s) still starting (a hook that timed out) before stopping everything …`,
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...opening]),
      new Promise((resolve) => (timer = setTimeout(resolve, OPENING_GRACE_MS))),
    ]);
    clearTimeout(timer);
  }
  // Newest first: workers and mirrors before the server they use.
  for (const entry of [...running].reverse()) {
    running.delete(entry);
    await stopNow(entry);
  }
  // Everything this run started is stopped; if something still holds the event loop, a test or
  // support module started it without registering it. Say what, and end the run as failed,
  // rather than hang (under CI, for the whole job's time budget).
  const watchdog = setTimeout(() => {
    console.error(
      `test run end: the process is still running ${EXIT_GRACE_MS / 1000} s after the run ended; open: ` +
        `${process.getActiveResourcesInfo().join(', ') || 'nothing reported'}. Something a test started was not stopped ` +
        '(register it with stopAtRunEnd in test/support/temporal-server.ts). Exiting with a failure.',
    );
    // mocha sets the exit code from the failure count on 'exit'; this listener runs after it.
    process.once('exit', () => {
      if (!process.exitCode) process.exitCode = 1;
    });
    process.exit();
  }, EXIT_GRACE_MS);
  watchdog.unref();
}
