/**
 * Dynamic-config settings of the project's Temporal servers: those every server runs with, the dev
 * server and the cluster alike, and the embedded dev server's own.
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

/**
 * The embedded dev server's: everything above, without the task-queue and history scanners. They
 * are cron workflows the server's worker service runs on the system namespace every 12 hours
 * (`temporal-sys-tq-scanner`, `temporal-sys-history-scanner`): the first deletes task queues idle
 * for 48 hours and tasks that expired unclaimed, the second history branches no execution owns,
 * which a cluster's failed writes leave. On one machine that is a few rows a week (a restarted
 * worker's sticky queue), and their SDK workers and pollers held 6 MiB of the server's memory:
 * idle, 104–105 MiB resident without them against 111–112 with them, three starts each; in
 * `npm run bench` at N = 5,000, 131–136 against 134–143 MiB. The cluster keeps both.
 */
export const DEV_SERVER_DYNAMIC_CONFIG: Readonly<Record<string, boolean | number>> = {
  ...SERVER_DYNAMIC_CONFIG,
  'worker.taskQueueScannerEnabled': false,
  'worker.historyScannerEnabled': false,
};
