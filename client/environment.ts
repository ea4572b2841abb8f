/**
 * What every command needs: the configuration (lib/config/profile.ts), a Temporal
 * connection that fails with a plain sentence, the store, and the dev server's and the cluster's
 * settings.
 */
import { Client, Connection } from '@temporalio/client';
import { join } from 'node:path';
import type { ClusterSettings } from '../lib/cluster/temporal-cluster';
import type { AppConfig } from '../lib/config/types';
import { UserInputError } from '../lib/errors';
import { provisionTemporalCli } from '../lib/temporal/cli-binary';
import { isServing, startDevServer, type DevServerFiles, type DevServerSettings } from '../lib/temporal/dev-server';
import type { Db } from '../lib/store/database';

export function devServerSettings(config: AppConfig): DevServerSettings {
  return {
    address: config.temporal.address,
    namespace: config.temporal.namespace,
    uiPort: config.temporal.uiPort,
    dbFile: config.temporal.dbFile,
    retentionHours: config.temporal.retentionHours,
  };
}

/** The cluster's settings: the frontend and the UI where the dev server's would be (temporal.address, temporal.ui_port). */
export function clusterSettings(config: AppConfig): ClusterSettings {
  return {
    address: config.temporal.address,
    namespace: config.temporal.namespace,
    retentionHours: config.temporal.retentionHours,
    uiPort: config.temporal.uiPort,
    dataDir: config.cluster.dataDir,
    postgresPort: config.cluster.postgresPort,
    internalPorts: config.cluster.internalPorts,
    postgresRunAs: config.cluster.postgresRunAs,
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

/**
 * Run `use` with the store `opening` gives (`openStore`, or `openBatchDatabase`: null when nothing
 * has run yet), closing it however it ends: a PostgreSQL pool left open would keep the command
 * from exiting.
 */
export async function withStore<D extends Db | null, T>(opening: Promise<D>, use: (db: D) => Promise<T>): Promise<T> {
  const db = await opening;
  try {
    return await use(db);
  } finally {
    await db?.destroy();
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
