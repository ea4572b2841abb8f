/**
 * The workflow bundle of the continue-as-new tests: the real site and detail workflows, and a
 * stand-in for batchWorkflow that starts one of them as its child and keeps the progress signals
 * it receives (a site or detail child signals its batch, which must exist).
 */
import { executeChild, setHandler, workflowInfo } from '@temporalio/workflow';
import { detailWorkflow } from '../../../workflows/detail';
import { siteProgressSignal } from '../../../workflows/messages';
import { siteWorkflow } from '../../../workflows/site';
import type { DetailWorkflowInput, SiteProgress, SiteWorkflowInput } from '../../../lib/contract/payloads';

export { detailWorkflow, siteWorkflow };

export type ChildUnderTest =
  | { type: 'siteWorkflow'; input: Omit<SiteWorkflowInput, 'batchWorkflowId'> }
  | { type: 'detailWorkflow'; input: Omit<DetailWorkflowInput, 'batchWorkflowId'> };

export interface ParentOutcome {
  result: Awaited<ReturnType<typeof siteWorkflow>> | Awaited<ReturnType<typeof detailWorkflow>>;
  /** Every progress signal the child sent, in order. */
  signals: SiteProgress[];
}

export async function parentOfChildUnderTest(child: ChildUnderTest, childWorkflowId: string): Promise<ParentOutcome> {
  const signals: SiteProgress[] = [];
  setHandler(siteProgressSignal, (progress) => void signals.push(progress));
  const batchWorkflowId = workflowInfo().workflowId;
  const result =
    child.type === 'siteWorkflow'
      ? await executeChild(siteWorkflow, {
          workflowId: childWorkflowId,
          retry: { maximumAttempts: 1 },
          args: [{ ...child.input, batchWorkflowId }],
        })
      : await executeChild(detailWorkflow, {
          workflowId: childWorkflowId,
          retry: { maximumAttempts: 1 },
          args: [{ ...child.input, batchWorkflowId }],
        });
  return { result, signals };
}
