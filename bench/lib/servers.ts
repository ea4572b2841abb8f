/**
 * The bench's Temporal dev servers: a fresh one for every run of our engine, since a server that
 * holds the earlier runs' histories in memory would weigh on the next run's memory and CPU, which
 * count the server as part of our engine.
 */
import { join } from 'node:path';
import { UserInputError } from '../../lib/errors';
import {
  startDevServer,
  stopDevServer,
  type DevServerFiles,
  type DevServerSettings,
} from '../../lib/temporal/dev-server';

export class BenchServers {
  private current: { files: DevServerFiles; settings: DevServerSettings } | null = null;
  private started = 0;

  constructor(
    private readonly cliPath: string,
    private readonly scratch: string,
    private readonly settings: DevServerSettings,
  ) {}

  /** Stop the previous server and start a new, empty one; its pid, for its CPU and memory. */
  async fresh(log: (line: string) => void): Promise<{ pid: number }> {
    await this.stop();
    const n = ++this.started;
    const settings = {
      ...this.settings,
      dbFile: this.settings.dbFile ? join(this.scratch, `temporal-${n}.db`) : null,
    };
    const files = {
      cliPath: this.cliPath,
      logFile: join(this.scratch, `temporal-${n}.log`),
      pidFile: join(this.scratch, `temporal-${n}.pid`),
    };
    const server = await startDevServer(settings, files, { onProgress: () => undefined });
    if (server.reused || server.pid === null) {
      throw new UserInputError(
        `a Temporal server already answers at ${settings.address}: the bench measures its own servers; stop that one or pick another --port`,
      );
    }
    this.current = { files, settings };
    log(`    Temporal dev server ${n} at ${settings.address} (pid ${server.pid}, ${settings.dbFile ?? 'in memory'})`);
    return { pid: server.pid };
  }

  async stop(): Promise<void> {
    if (!this.current) return;
    const { settings, files } = this.current;
    this.current = null;
    await stopDevServer(settings, files);
  }
}
