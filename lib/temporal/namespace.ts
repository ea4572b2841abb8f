/**
 * The project's namespace on any Temporal server (the dev server or the cluster): created when
 * missing, with the search attributes the batch workflows upsert and the configured retention.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { msNumberToTs, tsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';

/** Search attributes the batch workflows upsert, so the Web UI and `workflow list` filter by them. */
export const SEARCH_ATTRIBUTES = ['BatchId', 'Site', 'BatchStatus'] as const;

export interface NamespaceSettings {
  /** host:port of the frontend (gRPC). */
  address: string;
  namespace: string;
  retentionHours: number;
}

export interface PrepareNamespaceOptions {
  /**
   * Register the namespace when the server does not know it. The dev server creates its namespace
   * itself (--namespace); a cluster on a fresh database knows only its system namespace.
   */
  register?: boolean;
  /** How long a namespace just registered may take to be usable everywhere in the server. */
  timeoutMs?: number;
}

const NOT_FOUND = 5; // gRPC status NOT_FOUND
const ALREADY_EXISTS = 6; // gRPC status ALREADY_EXISTS

function grpcCode(error: unknown): number | undefined {
  return (error as { code?: number } | null)?.code;
}

/**
 * Register the namespace when asked and missing, register the search attributes and set retention.
 * `--search-attribute` only applies when the dev server first creates the namespace: on an existing
 * database it is silently ignored, so this always runs.
 */
export async function prepareNamespace(
  settings: NamespaceSettings,
  options: PrepareNamespaceOptions = {},
): Promise<void> {
  const connection = await Connection.connect({ address: settings.address });
  const retentionMs = settings.retentionHours * 3600_000;
  try {
    if (options.register) await registerWhenMissing(connection, settings.namespace, retentionMs);
    // A namespace registered a moment ago reaches the server's namespace cache a little later:
    // until then the operator service answers NOT_FOUND. Retried until a deadline, never assumed.
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      try {
        await addMissingSearchAttributes(connection, settings.namespace);
        break;
      } catch (error) {
        if (grpcCode(error) !== NOT_FOUND || Date.now() > deadline) throw error;
        await delay(250);
      }
    }
    const described = await connection.workflowService.describeNamespace({ namespace: settings.namespace });
    if (tsToMs(described.config?.workflowExecutionRetentionTtl) !== retentionMs) {
      await connection.workflowService.updateNamespace({
        namespace: settings.namespace,
        config: { workflowExecutionRetentionTtl: msNumberToTs(retentionMs) },
      });
    }
  } finally {
    await connection.close();
  }
}

async function registerWhenMissing(connection: Connection, namespace: string, retentionMs: number): Promise<void> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return;
  } catch (error) {
    if (grpcCode(error) !== NOT_FOUND) throw error;
  }
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msNumberToTs(retentionMs),
    });
  } catch (error) {
    // Another start registering it at the same moment: the namespace is there, which is the point.
    if (grpcCode(error) !== ALREADY_EXISTS) throw error;
  }
}

async function addMissingSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = SEARCH_ATTRIBUTES.filter((name) => !(customAttributes && name in customAttributes));
  if (missing.length === 0) return;
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(
      missing.map((name) => [name, temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD]),
    ),
  });
}
