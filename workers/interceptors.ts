/**
 * Project metrics without touching the activities: an inbound activity interceptor measures every
 * activity execution with lib/metrics/activity-metrics.ts on the activity context's metric meter.
 * The Temporal runtime exports those with its own metrics on the worker's Prometheus endpoint
 * (workers/runtime.ts), tagged with namespace, task queue and activity type. The window
 * activities record each of their pages themselves, so the interceptor leaves them out.
 */
import type { Context as ActivityContext } from '@temporalio/activity';
import type {
  ActivityExecuteInput,
  ActivityInboundCallsInterceptor,
  ActivityInterceptorsFactory,
  Next,
} from '@temporalio/worker';
import { measureActivity, SELF_RECORDING_ACTIVITIES } from '../lib/metrics/activity-metrics';

export class ActivityMetricsInterceptor implements ActivityInboundCallsInterceptor {
  constructor(
    private readonly context: Pick<ActivityContext, 'info' | 'metricMeter'>,
    private readonly now: () => number = () => performance.now(),
  ) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const { activityType } = this.context.info;
    if (SELF_RECORDING_ACTIVITIES.has(activityType)) return next(input);
    return measureActivity(
      () => this.context.metricMeter,
      activityType,
      input.args,
      () => next(input),
      this.now,
    );
  }
}

/** For Worker.create({ interceptors: { activity: [activityMetricsInterceptors] } }). */
export const activityMetricsInterceptors: ActivityInterceptorsFactory = (context) => ({
  inbound: new ActivityMetricsInterceptor(context),
});
