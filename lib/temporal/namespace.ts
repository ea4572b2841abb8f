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
  /**
   * Then wait until queries by the search attributes are accepted, at most this long. A server on
   * SQL visibility stores them as aliases in the namespace record, which its services read from a
   * cache refreshed every 2 s: a workflow started before that would be refused.
   */
  waitUsableMs?: number;
}

// gRPC status codes
const NOT_FOUND = 5;
const ALREADY_EXISTS = 6;

function grpcCode(error: unknown): number | undefined {
  return (error as { code?: number } | null)?.code;
}

/**
 * Register the namespace when asked and missing, register the search attributes and set retention;
 * says whether it registered the namespace.
 * `--search-attribute` only applies when the dev server first creates the namespace: on an existing
 * database it is silently ignored, so this always runs.
 */
export async function prepareNamespace(
  settings: NamespaceSettings,
  options: PrepareNamespaceOptions = {},
): Promise<{ registered: boolean }> {
  const connection = await Connection.connect({ address: settings.address });
  const retentionMs = settings.retentionHours * 3600_000;
  try {
    const registered =
      options.register === true && (await registerWhenMissing(connection, settings.namespace, retentionMs));
    if (registered) {
      // A namespace registered a moment ago reaches the server's namespace cache (refreshed every
      // 2 s) a little later: until then the operator service answers NOT_FOUND for it.
      const deadline = Date.now() + 60_000;
      for (;;) {
        try {
          await addMissingSearchAttributes(connection, settings.namespace);
          break;
        } catch (error) {
          if (grpcCode(error) !== NOT_FOUND || Date.now() > deadline) throw error;
          await delay(250);
        }
      }
    } else {
      await addMissingSearchAttributes(connection, settings.namespace);
    }
    const described = await connection.workflowService.describeNamespace({ namespace: settings.namespace });
    if (tsToMs(described.config?.workflowExecutionRetentionTtl) !== retentionMs) {
      await connection.workflowService.updateNamespace({
        namespace: settings.namespace,
        config: { workflowExecutionRetentionTtl: msNumberToTs(retentionMs) },
      });
    }
    if (options.waitUsableMs !== undefined) {
      await waitUntilSearchAttributesUsable(connection, settings.namespace, options.waitUsableMs);
    }
    return { registered };
  } finally {
    await connection.close();
  }
}

/** Until a visibility query naming every search attribute is accepted (the frontend's namespace cache knows them). */
async function waitUntilSearchAttributesUsable(
  connection: Connection,
  namespace: string,
  timeoutMs: number,
): Promise<void> {
  const query = SEARCH_ATTRIBUTES.map((name) => `${name} = 'readiness-probe'`).join(' AND ');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await connection.workflowService.countWorkflowExecutions({ namespace, query });
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(
          `the search attributes ${SEARCH_ATTRIBUTES.join(', ')} of namespace ${namespace} were registered, ` +
            `but queries by them were still refused after ${Math.round(timeoutMs / 1000)} s: ${(error as Error).message}`,
          { cause: error },
        );
      }
      await delay(250);
    }
  }
}

/** Resolves true when it registered the namespace (or another start did at the same moment). */
async function registerWhenMissing(connection: Connection, namespace: string, retentionMs: number): Promise<boolean> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return false;
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
  return true;
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
