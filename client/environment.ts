/**
 * What every command needs: the configuration (with --config and --mirror applied), a Temporal
 * connection that fails with a plain sentence, and the dev-server files.
 */
import { Client, Connection } from '@temporalio/client';
import { dirname, join, resolve } from 'node:path';
import { loadConfig } from '../lib/config/load';
import type { AppConfig } from '../lib/config/types';
import { UserInputError } from '../lib/errors';
import { provisionTemporalCli } from '../lib/temporal/cli-binary';
import { isServing, startDevServer, type DevServerFiles, type DevServerSettings } from '../lib/temporal/dev-server';

export interface GlobalOptions {
  config?: string;
  /** Work against the bundled local mirror: its own database, backups and task queue. */
  mirror?: boolean;
}

export function loadAppConfig(options: GlobalOptions = {}): AppConfig {
  // --config is the user's path, relative to where they are, not to the project.
  const config = loadConfig({ path: options.config ? resolve(options.config) : undefined });
  return options.mirror ? mirrorProfile(config) : config;
}

/**
 * Mirror runs keep their data apart from real portal data (the mirror serves the real host names,
 * so its listings would be indistinguishable) and use their own task queue, so a worker serving
 * the real portals never picks up mirror work.
 */
export function mirrorProfile(config: AppConfig): AppConfig {
  const dir = join(dirname(config.storage.database), 'mirror');
  return {
    ...config,
    temporal: { ...config.temporal, taskQueue: `${config.temporal.taskQueue}-mirror` },
    storage: {
      ...config.storage,
      database: join(dir, 'orchestrator.db'),
      backupsDir: join(dir, 'backups'),
      tempDir: join(dir, 'tmp'),
      exportsDir: join(dir, 'exports'),
    },
  };
}

export function devServerSettings(config: AppConfig): DevServerSettings {
  return {
    address: config.temporal.address,
    namespace: config.temporal.namespace,
    uiPort: config.temporal.uiPort,
    dbFile: config.temporal.dbFile,
    retentionHours: config.temporal.retentionHours,
  };
}

/** The pid file sits beside the server's database, so servers on other databases never collide. */
export function devServerFiles(config: AppConfig, cliPath = ''): DevServerFiles {
  const port = config.temporal.address.split(':').pop();
  return {
    cliPath,
    logFile: join(config.logging.dir, `temporal-server-${port}.log`),
    pidFile: `${config.temporal.dbFile}.pid`,
  };
}

/**
 * Make sure a server answers: reuse a running one, or start the embedded dev server when config
 * allows it (temporal.embedded), provisioning the CLI first.
 */
export async function ensureServer(config: AppConfig, log: (line: string) => void): Promise<void> {
  if (await isServing(config.temporal.address)) return;
  if (!config.temporal.embedded) {
    throw new UserInputError(
      `No Temporal server answers at ${config.temporal.address}. Start one (\`orchestrator server start\`), ` +
        'point TEMPORAL_ADDRESS at a running one, or set temporal.embedded: true in config/config.yaml.',
    );
  }
  const cli = await provisionTemporalCli({ onProgress: log });
  log(
    `Starting the Temporal dev server at ${config.temporal.address} (Web UI http://127.0.0.1:${config.temporal.uiPort}) …`,
  );
  await startDevServer(devServerSettings(config), devServerFiles(config, cli.path));
}

export async function connectClient(config: AppConfig): Promise<Client> {
  const unreachable = () =>
    new UserInputError(
      `No Temporal server answers at ${config.temporal.address}. Start it with \`orchestrator server start\` or set TEMPORAL_ADDRESS.`,
    );
  // A refused port fails this quick look at once; Connection.connect would wait its whole timeout.
  if (!(await isServing(config.temporal.address))) throw unreachable();
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: config.temporal.address, connectTimeout: 5000 });
  } catch {
    throw unreachable();
  }
  return new Client({ connection, namespace: config.temporal.namespace });
}

/** A client when a server answers, null otherwise: for read commands that can say something from SQLite alone. */
export async function tryConnectClient(config: AppConfig): Promise<Client | null> {
  try {
    return await connectClient(config);
  } catch (error) {
    if (error instanceof UserInputError) return null;
    throw error;
  }
}

/** Run `use` with a connected client, closing the connection however it ends. */
export async function withClient<T>(config: AppConfig, use: (client: Client) => Promise<T>): Promise<T> {
  const client = await connectClient(config);
  try {
    return await use(client);
  } finally {
    await client.connection.close().catch(() => undefined);
  }
}

/** The Web UI page of a workflow, for messages. */
export function workflowUiUrl(config: AppConfig, workflowId: string): string {
  return `http://127.0.0.1:${config.temporal.uiPort}/namespaces/${encodeURIComponent(config.temporal.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

/** The Web UI's workflow list filtered to one batch and its children (the BatchId search attribute). */
export function batchUiUrl(config: AppConfig, batchId: string): string {
  return `http://127.0.0.1:${config.temporal.uiPort}/namespaces/${encodeURIComponent(config.temporal.namespace)}/workflows?query=${encodeURIComponent(`BatchId="${batchId}"`)}`;
}
