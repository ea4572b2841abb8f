/**
 * For the continue-as-new workflow tests: the test dev server through the SDK's
 * TestWorkflowEnvironment, the workflow bundle built once, a worker with test activities per run,
 * and the chain of runs a workflow id went through.
 */
import { strict as assert } from 'node:assert';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Worker, type WorkflowBundle } from '@temporalio/worker';
import { testServer, TEST_TEMPORAL_ADDRESS } from '../../support/temporal-server';
import type { ChildUnderTest, ParentOutcome } from './continue-as-new-workflows';
import { parentOfChildUnderTest } from './continue-as-new-workflows';

export interface WorkflowTestEnv {
  client: Client;
  /** Runs `child` under the stand-in batch, on a fresh task queue served by a worker with `activities`. */
  runUnderParent(name: string, child: (taskQueue: string) => ChildUnderTest, activities: object): Promise<ChildRun>;
  teardown(): Promise<void>;
}

export interface ChildRun {
  childWorkflowId: string;
  /** What the parent returned, or undefined when it failed. */
  outcome?: ParentOutcome;
  error?: unknown;
  /** The child's runs, first to last. */
  runs: temporal.api.history.v1.IHistory[];
}

/**
 * The dev server the other server tests use (started once per mocha run, reused when it already
 * answers): createFromExistingServer has no five-second start-up limit, unlike createLocal.
 */
async function workflowTestEnv(): Promise<WorkflowTestEnv> {
  await testServer();
  const env = await TestWorkflowEnvironment.createFromExistingServer({ address: TEST_TEMPORAL_ADDRESS });
  const bundle: WorkflowBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('./continue-as-new-workflows'),
    logger: new DefaultLogger('WARN'),
  });
  return {
    client: env.client,
    async runUnderParent(name, child, activities) {
      const taskQueue = `test-${name}-${Date.now()}`;
      const childWorkflowId = `${taskQueue}/child`;
      const worker = await Worker.create({
        connection: env.nativeConnection,
        taskQueue,
        workflowBundle: bundle,
        activities,
      });
      const run: ChildRun = { childWorkflowId, runs: [] };
      try {
        run.outcome = await worker.runUntil(
          env.client.workflow.execute(parentOfChildUnderTest, {
            taskQueue,
            workflowId: `${taskQueue}/parent`,
            args: [child(taskQueue), childWorkflowId],
          }),
        );
      } catch (error) {
        run.error = error;
      }
      run.runs = await runChain(env.client, childWorkflowId);
      return run;
    },
    teardown: () => env.teardown(),
  };
}

/**
 * The hooks of a suite over the test environment (call in its describe): made before its tests,
 * with up to three minutes for the server and the bundle, and torn down after them. Returns the
 * environment for the tests to use.
 */
export function workflowTestEnvHooks(): () => WorkflowTestEnv {
  let env: WorkflowTestEnv | undefined;
  before(async function () {
    this.timeout(180_000);
    env = await workflowTestEnv();
  });
  after(() => env?.teardown());
  return () => env ?? assert.fail('the test environment was not made (its before hook failed)');
}

/** Every run of a workflow id, first to last: from the latest run back along its continued-as-new links. */
export async function runChain(client: Client, workflowId: string): Promise<temporal.api.history.v1.IHistory[]> {
  const runs = [];
  let runId: string | undefined;
  for (;;) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    runs.unshift(history);
    runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ?? undefined;
    if (!runId) return runs;
  }
}

/** How each run ended: the last event's type, e.g. EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW. */
function runEndings(runs: temporal.api.history.v1.IHistory[]): string[] {
  return runs.map((history) => temporal.api.enums.v1.EventType[history.events!.at(-1)!.eventType ?? 0]);
}

/** Several runs, each within `maxEvents`, each but the last ended by continue-as-new, the last by `lastEnding`. */
export function assertContinuedAsNew(run: ChildRun, maxEvents: number, lastEnding: string): void {
  const endings = runEndings(run.runs);
  assert.ok(run.runs.length > 1, `one run only: ${endings}`);
  assert.deepEqual(endings, [
    ...Array(run.runs.length - 1).fill('EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW'),
    lastEnding,
  ]);
  for (const [i, history] of run.runs.entries()) {
    assert.ok(
      history.events!.length <= maxEvents,
      `run ${i + 1} has ${history.events!.length} events, over ${maxEvents}`,
    );
  }
}
