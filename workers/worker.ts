/**
 * The worker: the workflows and control activities on the main task queue, and one worker per
 * site task queue for page activities. A site's rate limit is not the queue's: an activity fetches
 * a window of pages, each of which takes the site's next slot from the store's pace row
 * (workers/activity-deps.ts, lib/store/site-pace.ts), across every worker process and host.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { siteTaskQueue } from '../lib/contract/names';
import type { AppConfig } from '../lib/config/types';
import { withThreadSemiSpace } from '../lib/process/thread-heap';
import { buildActivityDeps, type DepsOptions } from './activity-deps';
import { activityMetricsInterceptors } from './interceptors';
import { installRuntime } from './runtime';

export interface OrchestratorWorkers {
  workers: Worker[];
  /** Run every worker until they all stop (shutdown, or SIGINT/SIGTERM). */
  run(): Promise<void>;
  /** Run until `promise` settles, then shut down; resolves with its value. */
  runUntil<T>(promise: Promise<T>): Promise<T>;
  shutdown(): void;
}

export interface CreateWorkersOptions extends DepsOptions {
  /** An existing connection (tests); otherwise one to config.temporal.address. */
  connection?: NativeConnection;
  /** Cap on cached workflow runs: isolate memory sits outside the heap (temporalio/sdk-typescript#2227). */
  maxCachedWorkflows?: number;
  /** A workflow bundle built ahead (workers/launch-settings.ts): the worker then never loads webpack. */
  workflowBundlePath?: string;
}

/** Semi-spaces of the SDK's workflow thread, MB. */
const WORKFLOW_THREAD_SEMI_SPACE_MB = 1;

export async function createWorkers(
  config: AppConfig,
  options: CreateWorkersOptions = {},
): Promise<OrchestratorWorkers> {
  const { logger } = installRuntime(config);
  const connection = options.connection ?? (await NativeConnection.connect({ address: config.temporal.address }));
  const deps = await buildActivityDeps(config, {
    onFetcherSwitch: (event) =>
      logger?.warn(
        event,
        `${event.site} met an anti-bot challenge over http: its pages go to the browser from now on (fetcher: auto)`,
      ),
    ...options,
  });
  const activities = createActivities(deps);
  const common = {
    connection,
    namespace: config.temporal.namespace,
    activities,
    interceptors: { activity: [activityMetricsInterceptors] },
  };

  // The SDK starts its workflow thread here and waits for it. The thread's young generation would
  // otherwise be the activities' thread's (the launch's semi-spaces of 8 MB, 15 MiB resident), though
  // it allocates little: a workflow activation at a time, 3–4 % of one core in `npm run bench`. Held
  // to 1 MB semi-spaces it peaked at 25 MiB of heap instead of 38, in three runs at N = 5,000.
  const main = await withThreadSemiSpace(WORKFLOW_THREAD_SEMI_SPACE_MB, () =>
    Worker.create({
      ...common,
      taskQueue: config.temporal.taskQueue,
      ...(options.workflowBundlePath
        ? { workflowBundle: { codePath: options.workflowBundlePath } }
        : { workflowsPath: require.resolve('../workflows') }),
      maxCachedWorkflows: options.maxCachedWorkflows ?? 100,
    }),
  );
  const siteWorkers = await Promise.all(
    config.sites.map((site) =>
      Worker.create({
        ...common,
        taskQueue: siteTaskQueue(config.temporal.taskQueue, site.key),
        maxConcurrentActivityTaskExecutions: Math.max(1, config.batch.detailWindow),
      }),
    ),
  );
  const workers = [main, ...siteWorkers];
  const closeAll = async () => {
    await deps.close();
    if (!options.connection) await connection.close();
  };
  return {
    workers,
    async run() {
      try {
        await Promise.all(workers.map((worker) => worker.run()));
      } finally {
        await closeAll();
      }
    },
    async runUntil<T>(promise: Promise<T>): Promise<T> {
      const running = Promise.all(workers.map((worker) => worker.run()));
      try {
        // A worker that dies (a fatal error) must end the wait, not leave it hanging.
        return await Promise.race([
          promise,
          running.then(() => Promise.reject(new Error('the workers stopped before the work finished'))),
        ]);
      } finally {
        for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
        await running.catch(() => undefined);
        await closeAll();
      }
    },
    shutdown() {
      for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
    },
  };
}
