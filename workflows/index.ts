/** Every workflow the worker registers (workflowsPath points here). */
export { batchWorkflow } from './batch';
export { siteWorkflow } from './site';
export { detailWorkflow } from './detail';
