/**
 * The embedded dev server runs without the task-queue and history scanners
 * (DEV_SERVER_DYNAMIC_CONFIG, lib/temporal/server-settings.ts). The shared test server, started by
 * startDevServer as `orchestrator server start` starts it, has nobody polling the scanners' task
 * queues on the system namespace, where a dev server with Temporal's defaults polls both from its
 * start, as its worker service polls its per-namespace queue (the scheduler's) here.
 */
import { strict as assert } from 'node:assert';
import { Connection } from '@temporalio/client';
import { TEST_TEMPORAL_ADDRESS, testServer } from '../support/temporal-server';
import { until } from '../support/wait';

/** The server's own task queues (go.temporal.io/server v1.29.1: service/worker/scanner/workflow.go, common/primitives). */
const SCANNER_QUEUES = ['temporal-sys-tq-scanner-taskqueue-0', 'temporal-sys-history-scanner-taskqueue-0'];
const PER_NAMESPACE_QUEUE = 'temporal-sys-per-ns-tq';
const WORKFLOW_QUEUE = 1;

describe('the embedded dev server (real server)', function () {
  this.timeout(120_000);
  let connection: Connection;

  before(async () => {
    await testServer();
    connection = await Connection.connect({ address: TEST_TEMPORAL_ADDRESS });
  });
  after(async () => {
    await connection?.close();
  });

  async function pollers(namespace: string, name: string): Promise<number> {
    const described = await connection.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name },
      taskQueueType: WORKFLOW_QUEUE,
    });
    return described.pollers?.length ?? 0;
  }

  it("runs no scanners: nobody polls their task queues, while the server's own workers poll theirs", async () => {
    // The control: the worker service's per-namespace worker (schedules) polls once the server is up.
    await until('the per-namespace worker polling', async () =>
      (await pollers('default', PER_NAMESPACE_QUEUE)) > 0 ? true : null,
    );
    for (const queue of SCANNER_QUEUES) assert.equal(await pollers('temporal-system', queue), 0, queue);
  });
});
