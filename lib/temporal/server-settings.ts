/**
 * Dynamic-config settings every Temporal server of the project runs with, the dev server and the
 * cluster alike.
 */

/**
 * One partition per task queue. Until the store's pace row (lib/store/site-pace.ts) paced
 * rate-limited sites, a site's pace was its task queue's `maxTaskQueueActivitiesPerSecond`, one page
 * per activity; the matching service splits that rate evenly over the queue's partitions (four by
 * default), each with a burst of one, so tasks that land on idle partitions went out at once to
 * whichever host asked: two workers sent a site limited to one page per 2 s requests 88–247 ms apart
 * (test/cluster/multi-host.test.ts). Workers of that release still set the limit while an upgrade
 * runs old and new side by side (README, Upgrading), so the setting stays: one partition serves
 * thousands of tasks a second, far above what any portal allows.
 */
const SINGLE_PARTITION_TASK_QUEUES = {
  'matching.numTaskqueueReadPartitions': 1,
  'matching.numTaskqueueWritePartitions': 1,
} as const;

/** Every server's dynamic config: the dev server gets it as flags, the cluster in its file. */
export const SERVER_DYNAMIC_CONFIG: Readonly<Record<string, boolean | number>> = {
  // The server's periodic version check calls out to the internet; it has nothing to reach here.
  'frontend.enableServerVersionCheck': false,
  ...SINGLE_PARTITION_TASK_QUEUES,
};
