/** Task states that the site and detail workflows write alike, through the markTask activity. */
import { CancellationScope, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { TaskKind } from '../lib/contract/statuses';
import { CONTROL_ACTIVITY_OPTIONS } from './activity-options';

const control = proxyActivities<Pick<Activities, 'markTask'>>(CONTROL_ACTIVITY_OPTIONS);

/**
 * A child whose batch is cancelled fails its own task, in a scope that is not cancelled: in the
 * cancelled one, the activity that marks it would be cancelled before it ran.
 */
export async function markCancelled(task: { batchId: string; site: string; kind: TaskKind }): Promise<void> {
  await CancellationScope.nonCancellable(() =>
    control.markTask({ ...task, state: 'failed', reason: 'batch cancelled' }),
  );
}
