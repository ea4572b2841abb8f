/**
 * PROTOTYPE worker (benchmark only): the project's worker (workers/worker.ts) with the prototype's
 * workflows and window activities. Same task queues, options and interceptors; window sizes from
 * PROTO_* environment variables (bench/proto/activities.ts).
 *
 *   node -r tsx/cjs bench/proto/worker.ts <config.yaml>
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { siteTaskQueue } from '../../activities/deps';
import { loadConfig } from '../../lib/config/load';
import { buildActivityDeps } from '../../workers/activity-deps';
import { activityMetricsInterceptors } from '../../workers/interceptors';
import { installRuntime } from '../../workers/runtime';
import { createProtoActivities, protoSettingsFromEnv } from './activities';

async function main(): Promise<void> {
  const config = loadConfig({ path: process.argv[2] });
  await installRuntime(config);
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const deps = buildActivityDeps(config);
  const settings = protoSettingsFromEnv();
  const activities = createProtoActivities(deps, settings);
  const common = { connection, namespace: config.temporal.namespace, activities, interceptors: { activity: [activityMetricsInterceptors] } };
  // A bundle built ahead of time (PROTO_WORKFLOW_BUNDLE) spares the worker loading webpack to build one.
  const bundle = process.env.PROTO_WORKFLOW_BUNDLE;
  const main = await Worker.create({
    ...common,
    taskQueue: config.temporal.taskQueue,
    ...(bundle ? { workflowBundle: { codePath: bundle } } : { workflowsPath: require.resolve('./workflows') }),
    maxCachedWorkflows: 100,
  });
  const siteWorkers = await Promise.all(
    config.sites.map((site) =>
      Worker.create({
        ...common,
        taskQueue: siteTaskQueue(config, site.key),
        maxConcurrentActivityTaskExecutions: Math.max(1, config.batch.detailWindow),
        ...(site.rateLimitSeconds <= 0 ? {} : { maxTaskQueueActivitiesPerSecond: 1 / site.rateLimitSeconds }),
      }),
    ),
  );
  console.error(`prototype worker (${JSON.stringify(settings)}) on ${config.temporal.address}`);
  try {
    await Promise.all([main, ...siteWorkers].map((worker) => worker.run()));
  } finally {
    await deps.close();
    await connection.close();
  }
  console.error('worker stopped');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : String(error));
  process.exitCode = 1;
});
